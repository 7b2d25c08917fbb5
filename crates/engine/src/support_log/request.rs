//! What of a request's address the log keeps: the path, and of the query only names: a SOQL
//! query (`q`) keeps its keywords, sObject and field names with every value replaced by `?`,
//! any other parameter keeps its name. Values (ids in filters, e-mail addresses, cursors) stay
//! out.

/// The path and the reduced query of `url` (a full address or a path).
pub fn request_target(url: &str) -> String {
    let (path, query) = match url::Url::parse(url) {
        Ok(u) => (u.path().to_string(), u.query().map(str::to_string)),
        Err(_) => {
            let (p, q) = url.split_once('?').map(|(p, q)| (p, Some(q.to_string()))).unwrap_or((url, None));
            (p.to_string(), q)
        }
    };
    let Some(query) = query else { return path };
    let parts: Vec<String> = url::form_urlencoded::parse(query.as_bytes())
        .map(|(k, v)| if k == "q" { format!("q={}", soql_shape(&v)) } else { k.into_owned() })
        .collect();
    format!("{path}?{}", parts.join("&"))
}

/// A SOQL query with every literal replaced by `?`: names and keywords stay.
pub fn soql_shape(soql: &str) -> String {
    let mut out = String::new();
    let chars: Vec<char> = soql.chars().collect();
    let mut i = 0;
    let push = |out: &mut String, s: &str| {
        if !out.is_empty() && !out.ends_with(['(', ' ']) && !s.starts_with([')', ',']) {
            out.push(' ');
        }
        out.push_str(s);
    };
    while i < chars.len() {
        let c = chars[i];
        if c == '\'' {
            // A quoted literal, with backslash escapes.
            i += 1;
            while i < chars.len() && chars[i] != '\'' {
                i += if chars[i] == '\\' { 2 } else { 1 };
            }
            i += 1;
            push(&mut out, "?");
        } else if c.is_ascii_alphabetic() || c == '_' {
            let start = i;
            while i < chars.len() && (chars[i].is_ascii_alphanumeric() || chars[i] == '_' || chars[i] == '.') {
                i += 1;
            }
            let word: String = chars[start..i].iter().collect();
            push(&mut out, &word);
        } else if c.is_ascii_digit() || (c == '-' && chars.get(i + 1).is_some_and(char::is_ascii_digit)) {
            // Numbers and date/datetime literals.
            i += 1;
            while i < chars.len() && (chars[i].is_ascii_alphanumeric() || matches!(chars[i], '-' | ':' | '.' | '+')) {
                i += 1;
            }
            push(&mut out, "?");
        } else if matches!(c, '(' | ')' | ',' | '=' | '<' | '>' | '!') {
            let mut op = c.to_string();
            if matches!(c, '<' | '>' | '!') && chars.get(i + 1) == Some(&'=') {
                op.push('=');
                i += 1;
            }
            if c == '(' {
                push(&mut out, "(");
            } else {
                push(&mut out, &op);
            }
            i += 1;
        } else {
            i += 1;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn queries_keep_names_and_lose_every_value() {
        let url = "https://acme.my.salesforce.com/services/data/v64.0/query?q=SELECT+Id%2C+Username+FROM+User+WHERE+Username+%3D+%27jo%40acme.example%27+AND+CreatedDate+%3E+2025-10-23T00%3A00%3A00Z+LIMIT+5";
        let t = request_target(url);
        assert_eq!(
            t,
            "/services/data/v64.0/query?q=SELECT Id, Username FROM User WHERE Username = ? AND CreatedDate > ? LIMIT ?"
        );
        assert!(!t.contains("jo") && !t.contains("2025"));
    }

    #[test]
    fn other_parameters_keep_only_their_names() {
        let t = request_target("http://127.0.0.1:9/api/v2/oauth/tokens.json?page%5Bafter%5D=eyJvIjoiaWQi&all=true");
        assert_eq!(t, "/api/v2/oauth/tokens.json?page[after]&all");
        assert_eq!(
            request_target("/services/data/v64.0/sobjects/User/describe"),
            "/services/data/v64.0/sobjects/User/describe"
        );
    }

    #[test]
    fn subqueries_and_escaped_quotes_are_reduced_too() {
        let s = soql_shape("SELECT Name, (SELECT Id FROM Assignees) FROM PermissionSet WHERE Label = 'it\\'s' AND IsOwnedByProfile = false");
        assert_eq!(
            s,
            "SELECT Name, (SELECT Id FROM Assignees) FROM PermissionSet WHERE Label = ? AND IsOwnedByProfile = false"
        );
    }
}
