// Labels of the window itself; texts about the domain (explanations, errors, step names) come
// from the engine already in the right language. Each playbook's screens add their own table.
import en from '../locales/en.json';
import ja from '../locales/ja.json';
import type { Language } from '../generated/engine/Language';

export type AppKey = keyof typeof en;
export type Tables<K extends string> = Record<Language, Record<K, string>>;
export type Translate<K extends string> = (key: K, args?: Record<string, string>) => string;

export const appTables: Tables<AppKey> = { en, ja };

export function translator<K extends string>(tables: Tables<K>, language: Language): Translate<K> {
  return (key, args = {}) => {
    let s = tables[language][key] ?? key;
    for (const [name, value] of Object.entries(args)) s = s.replaceAll(`{${name}}`, value);
    return s;
  };
}
