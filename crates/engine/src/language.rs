//! The two languages Reconnect speaks, and texts that carry both.

use std::collections::HashMap;
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

/// A language of the user interface.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ts_rs::TS)]
#[ts(export_to = "engine/")]
#[serde(rename_all = "lowercase")]
pub enum Language {
    /// English.
    En,
    /// Japanese.
    Ja,
}

impl Language {
    /// The two-letter code (`en`, `ja`).
    pub fn code(self) -> &'static str {
        match self {
            Language::En => "en",
            Language::Ja => "ja",
        }
    }

    /// The language the operating system is set to: Japanese for any `ja` locale, English
    /// otherwise.
    pub fn from_os() -> Self {
        sys_locale::get_locales().find_map(|l| Self::from_locale_tag(&l)).unwrap_or(Language::En)
    }

    /// Maps a locale tag (`ja-JP`, `ja_JP.UTF-8`, `en-US`) to a language we speak.
    pub fn from_locale_tag(tag: &str) -> Option<Self> {
        let primary = tag.split(['-', '_', '.', '@']).next()?.to_ascii_lowercase();
        match primary.as_str() {
            "ja" => Some(Language::Ja),
            "en" => Some(Language::En),
            _ => None,
        }
    }
}

impl std::str::FromStr for Language {
    type Err = crate::Error;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::from_locale_tag(s).ok_or_else(|| crate::Error::UnknownLanguage { input: s.to_string() })
    }
}

/// A text in both languages.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Text {
    /// English.
    pub en: String,
    /// Japanese.
    pub ja: String,
}

impl Text {
    /// A text that reads the same in both languages (a name, an id, an address).
    pub fn same(s: impl Into<String>) -> Text {
        let s = s.into();
        Text { en: s.clone(), ja: s }
    }

    /// The text in `language`.
    pub fn get(&self, language: Language) -> &str {
        match language {
            Language::En => &self.en,
            Language::Ja => &self.ja,
        }
    }

    /// This text followed by another sentence (a space between English sentences, none
    /// between Japanese ones).
    pub fn then(self, next: Text) -> Text {
        Text { en: format!("{} {}", self.en, next.en), ja: format!("{}{}", self.ja, next.ja) }
    }
}

/// What went wrong and what to do next, both in both languages.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UserMessage {
    /// What happened.
    pub what: Text,
    /// What the user can do next.
    pub next: Text,
}

/// One crate's locale files (English and Japanese JSON objects of key → text), parsed on
/// first use. The engine and every playbook keep their own, so no crate's texts leak into
/// another's.
pub struct Locales {
    en: &'static str,
    ja: &'static str,
    tables: OnceLock<[HashMap<String, String>; 2]>,
}

impl Locales {
    /// Locale files given as their JSON text (usually `include_str!`).
    pub const fn new(en: &'static str, ja: &'static str) -> Locales {
        Locales { en, ja, tables: OnceLock::new() }
    }

    fn table(&self, language: Language) -> &HashMap<String, String> {
        let tables = self.tables.get_or_init(|| {
            let parse = |src: &str| serde_json::from_str(src).expect("a locale file is valid JSON");
            [parse(self.en), parse(self.ja)]
        });
        match language {
            Language::En => &tables[0],
            Language::Ja => &tables[1],
        }
    }

    /// Whether `key` has a text.
    pub fn has(&self, key: &str) -> bool {
        self.table(Language::En).contains_key(key)
    }

    /// The message `key` with `{name}` placeholders filled. A missing key yields the key
    /// itself, which [`Locales::check`] rules out for every key in use.
    pub fn text(&self, key: &str, args: &[(&str, &str)]) -> Text {
        let render = |language| {
            let mut s = self.table(language).get(key).cloned().unwrap_or_else(|| key.to_string());
            for (name, value) in args {
                s = s.replace(&format!("{{{name}}}"), value);
            }
            s
        };
        Text { en: render(Language::En), ja: render(Language::Ja) }
    }

    /// Like [`Locales::text`], with some placeholders filled by texts that differ per language.
    pub fn text_localized(&self, key: &str, plain: &[(&str, &str)], localized: &[(&str, &Text)]) -> Text {
        let args = |l: Language| -> Vec<(&str, &str)> {
            plain.iter().copied().chain(localized.iter().map(|(k, v)| (*k, v.get(l)))).collect()
        };
        Text { en: self.text(key, &args(Language::En)).en, ja: self.text(key, &args(Language::Ja)).ja }
    }

    /// What is wrong with these locale files against the sources in `src_dir`: keys that only
    /// one language has, empty Japanese texts, and keys the sources name that neither has.
    /// Each crate's tests call this on its own files.
    pub fn check(&self, src_dir: &std::path::Path) -> Vec<String> {
        let mut problems = Vec::new();
        let en: std::collections::BTreeSet<_> = self.table(Language::En).keys().collect();
        let ja: std::collections::BTreeSet<_> = self.table(Language::Ja).keys().collect();
        for k in en.symmetric_difference(&ja) {
            problems.push(format!("{k}: in one language only"));
        }
        for (k, v) in self.table(Language::Ja) {
            if v.trim().is_empty() {
                problems.push(format!("{k}: empty Japanese text"));
            }
        }
        // A key is any string literal whose first part is one of the files' prefixes
        // (`cli.`, `report.`, …), wherever it is used: `text("…")`, a label function, a table.
        let prefixes: std::collections::BTreeSet<&str> =
            self.table(Language::En).keys().filter_map(|k| k.split('.').next()).collect();
        let mut used = 0;
        for file in rust_files(src_dir) {
            let src = std::fs::read_to_string(&file).unwrap_or_default();
            for literal in src.split('"').skip(1).step_by(2) {
                // File names (`indicators.json`) share the look of a key.
                let file_name = [".json", ".rs", ".csv", ".md", ".html"].iter().any(|x| literal.ends_with(x));
                let is_key = literal.contains('.')
                    && !file_name
                    && !literal.ends_with('.')
                    && literal.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'.' || b == b'_')
                    && literal.split('.').next().is_some_and(|p| prefixes.contains(p));
                if is_key {
                    used += 1;
                    if !self.has(literal) {
                        problems.push(format!("{}: {literal} is used but has no text", file.display()));
                    }
                }
            }
        }
        if used == 0 {
            problems.push(format!("no message keys found under {}: is the pattern still right?", src_dir.display()));
        }
        problems
    }
}

fn rust_files(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(rust_files(&p));
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
    out
}

static LOCALES: Locales = Locales::new(include_str!("../locales/en.json"), include_str!("../locales/ja.json"));

/// A message of the engine's own locale files.
pub fn text(key: &str, args: &[(&str, &str)]) -> Text {
    LOCALES.text(key, args)
}

/// Like [`text`], with some placeholders filled by texts that differ per language.
pub fn text_localized(key: &str, plain: &[(&str, &str)], localized: &[(&str, &Text)]) -> Text {
    LOCALES.text_localized(key, plain, localized)
}

/// A name: the same in every language (a published product's name), or described in each.
pub fn same_or_both<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Text, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Name {
        Same(String),
        Both(Text),
    }
    Ok(match Name::deserialize(d)? {
        Name::Same(s) => Text { en: s.clone(), ja: s },
        Name::Both(t) => t,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locale_tags_map_to_languages() {
        assert_eq!(Language::from_locale_tag("ja_JP.UTF-8"), Some(Language::Ja));
        assert_eq!(Language::from_locale_tag("ja-JP"), Some(Language::Ja));
        assert_eq!(Language::from_locale_tag("en_GB"), Some(Language::En));
        assert_eq!(Language::from_locale_tag("C"), None);
        assert_eq!(Language::from_locale_tag("fr-FR"), None);
    }

    #[test]
    fn the_engine_locale_files_agree_with_each_other_and_with_the_sources() {
        let problems = LOCALES.check(&std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src"));
        assert!(problems.is_empty(), "{problems:#?}");
    }
}
