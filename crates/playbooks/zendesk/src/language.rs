//! The Zendesk playbook's texts, in its own locale files.

pub use reconnect_engine::language::{Language, Locales, Text};

pub(crate) static LOCALES: Locales =
    Locales::new(include_str!("../locales/en.json"), include_str!("../locales/ja.json"));

/// A message of the playbook's locale files, with `{name}` placeholders filled.
pub fn text(key: &str, args: &[(&str, &str)]) -> Text {
    LOCALES.text(key, args)
}

/// Like [`text`], with some placeholders filled by texts that differ per language.
pub fn text_localized(key: &str, plain: &[(&str, &str)], localized: &[(&str, &Text)]) -> Text {
    LOCALES.text_localized(key, plain, localized)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_playbook_locale_files_agree_with_each_other_and_with_the_sources() {
        let problems = LOCALES.check(&std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src"));
        assert!(problems.is_empty(), "{problems:#?}");
    }
}
