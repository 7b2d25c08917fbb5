//! The texts of the session around the playbooks (the home screen, saved progress, shared
//! links and reports).

use reconnect_engine::language::{Locales, Text};

static LOCALES: Locales = Locales::new(include_str!("../locales/en.json"), include_str!("../locales/ja.json"));

/// A message of this crate's locale files.
pub(crate) fn text(key: &str, args: &[(&str, &str)]) -> Text {
    LOCALES.text(key, args)
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_session_locale_files_agree_with_each_other_and_with_the_sources() {
        let problems = super::LOCALES.check(&std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src"));
        assert!(problems.is_empty(), "{problems:#?}");
    }
}
