// The Zendesk playbook's labels, over the window's own.
import { appTables, translator, type AppKey, type Tables, type Translate } from '../../lib/i18n';
import type { Language } from '../../generated/engine/Language';
import en from './locales/en.json';
import ja from './locales/ja.json';

export type Key = AppKey | keyof typeof en;

const tables: Tables<Key> = { en: { ...appTables.en, ...en }, ja: { ...appTables.ja, ...ja } };

export const zendeskT = (language: Language): Translate<Key> => translator(tables, language);

/** The heading of each of the playbook's steps. */
export const headings: Record<string, keyof typeof en> = {
  account: 'z.account.heading',
  apps: 'z.apps.heading',
  rotate: 'z.rotate.heading',
  tokens: 'z.tokens.heading',
  certificates: 'z.certificates.heading',
  report: 'z.report.heading',
};
