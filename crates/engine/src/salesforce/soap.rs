//! The little SOAP that the Metadata API needs, written by hand: an envelope with the session
//! header, XML escaping, a reader that turns an answer into a tree of elements by local name
//! (answers bind the metadata namespace as the default or as `sf:`, so prefixes are ignored),
//! and SOAP faults as typed errors.
//!
//! Shapes: the envelope and headers follow the Metadata API's SessionHeader documentation
//! (<https://developer.salesforce.com/docs/platform/api-metadata/references/meta-headers/meta-sessionheader.html>);
//! the fault follows the recorded `corpus/salesforce/metadata-soap-fault-invalid-session-id.json`.

use quick_xml::events::Event;
use quick_xml::Reader;

use crate::error::Error;

/// The Metadata API's namespace.
pub const METADATA_NS: &str = "http://soap.sforce.com/2006/04/metadata";

/// Escapes text for an XML element or attribute.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            _ => out.push(c),
        }
    }
    out
}

/// A Metadata API request envelope around `body` (XML already escaped). The session id is put
/// in by the client at send time, so a request can be built and logged without the token.
pub fn envelope(session_id: &str, body: &str) -> String {
    format!(
        concat!(
            r#"<?xml version="1.0" encoding="UTF-8"?>"#,
            r#"<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">"#,
            r#"<soapenv:Header xmlns="{ns}"><SessionHeader><sessionId>{session}</sessionId></SessionHeader></soapenv:Header>"#,
            r#"<soapenv:Body xmlns="{ns}">{body}</soapenv:Body></soapenv:Envelope>"#
        ),
        ns = METADATA_NS,
        session = escape(session_id),
        body = body
    )
}

/// An XML element: its local name, its attributes by local name, its text and its children.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Element {
    /// The name without a prefix.
    pub name: String,
    /// Attributes by local name (`type` of `xsi:type`, `nil` of `xsi:nil`).
    pub attributes: Vec<(String, String)>,
    /// The text directly inside.
    pub text: String,
    /// The child elements in order.
    pub children: Vec<Element>,
}

impl Element {
    /// Parses a document into its root element.
    pub fn parse(xml: &str) -> Result<Element, Error> {
        let bad = |e: &dyn std::fmt::Display| Error::UnexpectedResponse { what: format!("XML: {e}") };
        let mut reader = Reader::from_str(xml);
        let mut stack: Vec<Element> = vec![Element::default()];
        loop {
            match reader.read_event().map_err(|e| bad(&e))? {
                Event::Start(start) => stack.push(Self::open(&start).map_err(|e| bad(&e))?),
                Event::Empty(start) => {
                    let element = Self::open(&start).map_err(|e| bad(&e))?;
                    stack.last_mut().expect("the document root").children.push(element);
                }
                Event::End(_) => {
                    let done = stack.pop().expect("matched by the reader");
                    stack.last_mut().ok_or_else(|| bad(&"unbalanced end tag"))?.children.push(done);
                }
                Event::Text(t) => {
                    let text = t.decode().map_err(|e| bad(&e))?;
                    let text = quick_xml::escape::unescape(&text).map_err(|e| bad(&e))?;
                    stack.last_mut().expect("an open element").text.push_str(&text);
                }
                Event::CData(c) => {
                    let text = String::from_utf8_lossy(&c.into_inner()).into_owned();
                    stack.last_mut().expect("an open element").text.push_str(&text);
                }
                Event::GeneralRef(r) => {
                    let reference = format!("&{};", r.decode().map_err(|e| bad(&e))?);
                    let text = quick_xml::escape::unescape(&reference).map_err(|e| bad(&e))?.into_owned();
                    stack.last_mut().expect("an open element").text.push_str(&text);
                }
                Event::Eof => break,
                _ => {}
            }
        }
        let document = stack.pop().filter(|_| stack.is_empty()).ok_or_else(|| bad(&"unclosed element"))?;
        document.children.into_iter().next().ok_or_else(|| bad(&"empty document"))
    }

    fn open(start: &quick_xml::events::BytesStart<'_>) -> Result<Element, String> {
        let name = String::from_utf8_lossy(start.local_name().as_ref()).into_owned();
        let mut attributes = Vec::new();
        for a in start.attributes() {
            let a = a.map_err(|e| e.to_string())?;
            let key = String::from_utf8_lossy(a.key.local_name().as_ref()).into_owned();
            let value = a.unescape_value().map_err(|e| e.to_string())?.into_owned();
            attributes.push((key, value));
        }
        Ok(Element { name, attributes, text: String::new(), children: Vec::new() })
    }

    /// The first child named `name`.
    pub fn child(&self, name: &str) -> Option<&Element> {
        self.children.iter().find(|c| c.name == name)
    }

    /// Every child named `name`.
    pub fn all<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Element> + 'a {
        self.children.iter().filter(move |c| c.name == name)
    }

    /// The trimmed text of the first child named `name`.
    pub fn text_of(&self, name: &str) -> Option<&str> {
        self.child(name).map(|c| c.text.trim())
    }

    /// An attribute by local name.
    pub fn attribute(&self, name: &str) -> Option<&str> {
        self.attributes.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }

    /// Whether the element is `xsi:nil="true"`.
    pub fn is_nil(&self) -> bool {
        self.attribute("nil") == Some("true")
    }
}

/// A SOAP fault: the code after its prefix (`sf:INVALID_SESSION_ID` and a bare
/// `INVALID_LOGIN` both occur in recordings) and the message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fault {
    /// The fault code without its prefix.
    pub code: String,
    /// `faultstring`.
    pub message: String,
}

impl Fault {
    /// The fault in an answer's body, if it holds one.
    pub fn find(envelope: &Element) -> Option<Fault> {
        let fault = envelope.child("Body")?.child("Fault")?;
        let code = fault.text_of("faultcode").unwrap_or_default();
        let code = code.rsplit(':').next().unwrap_or(code).to_string();
        Some(Fault { code, message: crate::secret::redact(fault.text_of("faultstring").unwrap_or_default()) })
    }

    /// The fault as the core's error.
    pub fn into_error(self) -> Error {
        match self.code.as_str() {
            "INVALID_SESSION_ID" => Error::SessionExpired,
            "REQUEST_LIMIT_EXCEEDED" => Error::RequestLimit,
            "API_DISABLED_FOR_ORG" | "API_CURRENTLY_DISABLED" => Error::ApiDisabled,
            "INSUFFICIENT_ACCESS" | "INSUFFICIENT_ACCESS_OR_READONLY" => {
                Error::InsufficientAccess { message: self.message }
            }
            _ => Error::SalesforceApi { code: self.code, message: self.message },
        }
    }
}

/// The first element inside the body of an answer (e.g. `readMetadataResponse`).
pub fn response_body(envelope: &Element) -> Result<&Element, Error> {
    envelope
        .child("Body")
        .and_then(|b| b.children.first())
        .ok_or_else(|| Error::UnexpectedResponse { what: "SOAP answer without a body".into() })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_and_the_envelope_keep_the_body_in_the_metadata_namespace() {
        assert_eq!(escape(r#"a<b & "c"'"#), "a&lt;b &amp; &quot;c&quot;&apos;");
        let e = envelope("00D!x<y", "<readMetadata/>");
        let tree = Element::parse(&e).unwrap();
        assert_eq!(tree.name, "Envelope");
        assert_eq!(tree.child("Header").unwrap().child("SessionHeader").unwrap().text_of("sessionId"), Some("00D!x<y"));
        assert_eq!(response_body(&tree).unwrap().name, "readMetadata");
    }

    #[test]
    fn faults_are_read_by_the_code_after_the_prefix_and_nil_records_are_seen() {
        let fault = Element::parse(
            r#"<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:sf="http://soap.sforce.com/2006/04/metadata"><soapenv:Body><soapenv:Fault><faultcode>sf:INSUFFICIENT_ACCESS</faultcode><faultstring>INSUFFICIENT_ACCESS: use of the Metadata API requires a user with the ModifyAllData permission</faultstring></soapenv:Fault></soapenv:Body></soapenv:Envelope>"#,
        )
        .unwrap();
        let f = Fault::find(&fault).unwrap();
        assert_eq!(f.code, "INSUFFICIENT_ACCESS");
        assert!(matches!(f.into_error(), Error::InsufficientAccess { .. }));
        let nil = Element::parse(
            r#"<Envelope xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><Body><readMetadataResponse><result><records xsi:nil="true"/></result></readMetadataResponse></Body></Envelope>"#,
        )
        .unwrap();
        let records = response_body(&nil).unwrap().child("result").unwrap();
        assert!(records.child("records").unwrap().is_nil());
    }
}
