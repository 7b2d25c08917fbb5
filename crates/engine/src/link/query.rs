//! Reading the raw text of a link into named fields: the size limit, the scheme, the
//! percent-decoding and the field names, before any value means anything.

use super::problem::LinkProblem;

/// The longest link accepted, in bytes. The longest valid link is about 330 bytes.
pub const MAX_LINK_BYTES: usize = 1024;

/// What every wizard link starts with (compared without regard to case: some mail clients
/// change the case of a scheme).
pub const PREFIX: &str = "reconnect://wizard?";

/// The fields of a link in the order they came, each decoded. Which names are fields, and
/// that none comes twice, is decided against the vocabularies by the caller.
pub(super) fn fields(raw: &[u8]) -> Result<Vec<(String, String)>, LinkProblem> {
    if raw.len() > MAX_LINK_BYTES {
        return Err(LinkProblem::TooLong { max: MAX_LINK_BYTES });
    }
    let text = std::str::from_utf8(raw).map_err(|_| LinkProblem::NotUtf8)?.trim();
    // U+FFFD is what a lossy conversion leaves of bytes that were not UTF-8.
    if text.contains('\u{FFFD}') {
        return Err(LinkProblem::NotUtf8);
    }
    let query = strip_prefix(text).ok_or(LinkProblem::NotAWizardLink)?;
    if query.is_empty() {
        return Err(LinkProblem::MissingVersion);
    }
    let mut out: Vec<(String, String)> = Vec::new();
    for part in query.split('&') {
        let (name, value) = part.split_once('=').ok_or(LinkProblem::BadEncoding)?;
        if name.is_empty() {
            return Err(LinkProblem::BadEncoding);
        }
        out.push((name.to_string(), decode(value)?));
    }
    Ok(out)
}

/// The query after `reconnect://wizard?` (or `reconnect://wizard/?`).
fn strip_prefix(text: &str) -> Option<&str> {
    let head = text.get(..PREFIX.len() - 1)?;
    if !head.eq_ignore_ascii_case(&PREFIX[..PREFIX.len() - 1]) {
        return None;
    }
    let rest = &text[head.len()..];
    let rest = rest.strip_prefix('/').unwrap_or(rest);
    rest.strip_prefix('?')
}

/// An unknown field's name is shown only when it is short and plain, so the message cannot
/// carry someone else's words.
pub(super) fn shown_name(name: &str) -> Option<String> {
    let plain = name.len() <= 16 && name.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
    plain.then(|| name.to_string())
}

/// Percent-decodes a value; `+` stays a plus sign (links are not form posts).
fn decode(value: &str) -> Result<String, LinkProblem> {
    let bytes = value.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = bytes.get(i + 1..i + 3).ok_or(LinkProblem::BadEncoding)?;
            let hex = std::str::from_utf8(hex).map_err(|_| LinkProblem::BadEncoding)?;
            out.push(u8::from_str_radix(hex, 16).map_err(|_| LinkProblem::BadEncoding)?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).map_err(|_| LinkProblem::NotUtf8)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percent_escapes_decode_and_plus_stays() {
        assert_eq!(decode("us%31").unwrap(), "us1");
        assert_eq!(decode("a+b").unwrap(), "a+b");
        assert_eq!(decode("%e3%81%82").unwrap(), "あ");
        assert_eq!(decode("%zz"), Err(LinkProblem::BadEncoding));
        assert_eq!(decode("%4"), Err(LinkProblem::BadEncoding));
        assert_eq!(decode("%ff"), Err(LinkProblem::NotUtf8));
    }

    #[test]
    fn the_prefix_ignores_case_and_allows_a_slash() {
        assert_eq!(strip_prefix("RECONNECT://Wizard?v=1"), Some("v=1"));
        assert_eq!(strip_prefix("reconnect://wizard/?v=1"), Some("v=1"));
        assert_eq!(strip_prefix("reconnect://wizardx?v=1"), None);
        assert_eq!(strip_prefix("https://wizard?v=1"), None);
        assert_eq!(strip_prefix("reconnect://wizard"), None);
    }

    #[test]
    fn unknown_names_are_shown_only_when_plain() {
        assert_eq!(shown_name("token"), Some("token".into()));
        assert_eq!(shown_name("<b>Call us</b>"), None);
        assert_eq!(shown_name("averyveryverylongfieldname"), None);
    }
}
