//! Talking to a Salesforce org: where tokens may go, the tokens themselves, the REST client,
//! the Metadata API's few SOAP calls, and the facts Reconnect reads about an org.

pub mod client;
pub mod installed_packages;
pub mod instance;
pub mod metadata;
pub mod org_facts;
pub mod soap;
pub mod tokens;

/// A SOQL string literal: quoted, with backslashes and quotes escaped, so a value never
/// changes the query around it.
pub fn soql_string(s: &str) -> String {
    format!("'{}'", s.replace('\\', "\\\\").replace('\'', "\\'"))
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_soql_string_escapes_quotes_and_backslashes() {
        assert_eq!(super::soql_string("O'Brien\\x"), "'O\\'Brien\\\\x'");
    }
}
