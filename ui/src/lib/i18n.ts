// The UI's own labels; texts about the domain (explanations, errors) come from the core
// already in the right language.
import en from '../locales/en.json';
import ja from '../locales/ja.json';
import type { Language } from './view';

export type MessageKey = keyof typeof en;

const tables: Record<Language, Record<MessageKey, string>> = { en, ja };

export function translate(language: Language, key: MessageKey, args: Record<string, string> = {}): string {
  let s = tables[language][key];
  for (const [name, value] of Object.entries(args)) s = s.replaceAll(`{${name}}`, value);
  return s;
}
