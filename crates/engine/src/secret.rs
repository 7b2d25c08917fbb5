//! A secret string (token, key) that never shows itself: `Debug` and `Display` print
//! `[redacted]`, and it has no `Serialize`, so it cannot slip into a state file or a log.

use std::fmt;

/// A token or key.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// Wraps a secret.
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }

    /// The secret itself, for the one place that must send it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

/// Replaces anything in `text` that looks like a Salesforce token with `[redacted]`, for
/// messages that quote a server or a URL.
pub fn redact(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for word in text.split_inclusive(|c: char| c.is_whitespace() || matches!(c, '&' | '"' | '\'' | ',' | '=')) {
        let core = word.trim_end_matches(|c: char| c.is_whitespace() || matches!(c, '&' | '"' | '\'' | ',' | '='));
        let tail = &word[core.len()..];
        let looks_like_token = (core.len() > 40 && core.contains('!')) || (core.starts_with("5Aep") && core.len() > 40);
        if looks_like_token {
            out.push_str("[redacted]");
        } else {
            out.push_str(core);
        }
        out.push_str(tail);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_never_print() {
        let s = Secret::new("00Dxx!AQsecretsecretsecret");
        assert_eq!(format!("{s} {s:?}"), "[redacted] [redacted]");
        assert_eq!(s.expose(), "00Dxx!AQsecretsecretsecret");
    }

    #[test]
    fn token_shaped_words_are_redacted() {
        let access = format!("00D5g00000PRACT!AQ{}", "x".repeat(60));
        let refresh = format!("5Aep{}", "y".repeat(60));
        let text = format!("token={access}&refresh_token={refresh} failed, see https://x.example/");
        let r = redact(&text);
        assert!(!r.contains(&access) && !r.contains(&refresh), "{r}");
        assert!(r.ends_with("failed, see https://x.example/"), "{r}");
    }
}
