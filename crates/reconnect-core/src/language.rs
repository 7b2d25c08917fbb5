//! The two languages Reconnect speaks, and texts that carry both.

use std::collections::HashMap;
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

/// A language of the user interface.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
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

static EN: &str = include_str!("../locales/en.json");
static JA: &str = include_str!("../locales/ja.json");

fn table(language: Language) -> &'static HashMap<String, String> {
    static TABLES: OnceLock<[HashMap<String, String>; 2]> = OnceLock::new();
    let tables = TABLES.get_or_init(|| {
        let parse = |src: &str| serde_json::from_str(src).expect("core locale file is valid JSON");
        [parse(EN), parse(JA)]
    });
    match language {
        Language::En => &tables[0],
        Language::Ja => &tables[1],
    }
}

/// Looks up a message of the core's locale files by key and fills `{name}` placeholders.
/// A missing key yields the key itself, which a unit test rules out for every key in use.
pub fn text(key: &str, args: &[(&str, &str)]) -> Text {
    let render = |language| {
        let mut s = table(language).get(key).cloned().unwrap_or_else(|| key.to_string());
        for (name, value) in args {
            s = s.replace(&format!("{{{name}}}"), value);
        }
        s
    };
    Text { en: render(Language::En), ja: render(Language::Ja) }
}

/// Like [`text`], with one argument that is itself in both languages: each language gets its
/// own (a package's name, for one).
pub fn text_with(key: &str, name: &str, value: &Text) -> Text {
    text_localized(key, &[], &[(name, value)])
}

/// Like [`text`], with some placeholders filled by texts that differ per language.
pub fn text_localized(key: &str, plain: &[(&str, &str)], localized: &[(&str, &Text)]) -> Text {
    let args = |l: Language| -> Vec<(&str, &str)> {
        plain.iter().copied().chain(localized.iter().map(|(k, v)| (*k, v.get(l)))).collect()
    };
    Text { en: text(key, &args(Language::En)).en, ja: text(key, &args(Language::Ja)).ja }
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
    use std::collections::BTreeSet;

    #[test]
    fn locale_tags_map_to_languages() {
        assert_eq!(Language::from_locale_tag("ja_JP.UTF-8"), Some(Language::Ja));
        assert_eq!(Language::from_locale_tag("ja-JP"), Some(Language::Ja));
        assert_eq!(Language::from_locale_tag("en_GB"), Some(Language::En));
        assert_eq!(Language::from_locale_tag("C"), None);
        assert_eq!(Language::from_locale_tag("fr-FR"), None);
    }

    #[test]
    fn both_locale_files_have_the_same_keys() {
        let en: BTreeSet<_> = table(Language::En).keys().collect();
        let ja: BTreeSet<_> = table(Language::Ja).keys().collect();
        assert_eq!(en, ja);
        for (k, v) in table(Language::Ja) {
            assert!(!v.trim().is_empty(), "empty Japanese text for {k}");
        }
    }

    #[test]
    fn every_key_used_in_the_sources_exists() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let mut missing = Vec::new();
        let mut used = 0;
        for entry in walk(&dir) {
            let src = std::fs::read_to_string(&entry).unwrap();
            for (i, _) in src.match_indices("text(\"") {
                let rest = &src[i + 6..];
                let key = &rest[..rest.find('"').unwrap()];
                used += 1;
                if !table(Language::En).contains_key(key) {
                    missing.push(format!("{}: {key}", entry.display()));
                }
            }
        }
        assert!(used > 20, "the scan found only {used} keys; is the pattern still right?");
        assert!(missing.is_empty(), "keys missing from locales: {missing:?}");
    }

    fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
        let mut out = Vec::new();
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                out.extend(walk(&p));
            } else if p.extension().is_some_and(|x| x == "rs") {
                out.push(p);
            }
        }
        out
    }
}
