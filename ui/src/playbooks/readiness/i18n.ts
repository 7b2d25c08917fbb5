// The readiness playbook's labels, over the window's own.
import { appTables, translator, type AppKey, type Tables, type Translate } from '../../lib/i18n';
import type { Language } from '../../generated/engine/Language';
import en from './locales/en.json';
import ja from './locales/ja.json';

export type Key = AppKey | keyof typeof en;

const tables: Tables<Key> = { en: { ...appTables.en, ...en }, ja: { ...appTables.ja, ...ja } };

export const readinessT = (language: Language): Translate<Key> => translator(tables, language);

/** The heading of each of the playbook's own steps. */
export const headings: Record<string, keyof typeof en> = {
  status: 'r.status.heading',
  subscribe: 'r.subscribe.heading',
  contacts: 'r.contacts.heading',
  runbook: 'r.runbook.heading',
};
