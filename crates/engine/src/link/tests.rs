//! The link format's promises: what is built parses back to the same fields, and every way a
//! link can be wrong is refused with its own reason. The vocabularies here stand in for the
//! playbooks': one with fields of its own (like the Gainsight playbook's data center and use
//! case), one without.

use proptest::prelude::*;

use super::*;
use crate::language::Language;
use crate::salesforce_host::{Environment, MyDomain};

const NOW: i64 = 1_795_000_000;

const REGION_VALUES: &[&str] = &["us1", "us2", "eu"];
const USE_VALUES: &[&str] = &["data-sync", "embedded-ui"];
const REGION: ExtraField = ExtraField { key: "region", rank: 10, allowed: Allowed::OneOf(REGION_VALUES) };
const USE: ExtraField = ExtraField { key: "use", rank: 25, allowed: Allowed::OneOf(USE_VALUES) };
/// A field with its own rule, as a username is: lower-case letters around one `@`.
const USER: ExtraField = ExtraField {
    key: "user",
    rank: 26,
    allowed: Allowed::Matching(|v| {
        v.split_once('@').is_some_and(|(a, b)| {
            !a.is_empty()
                && !b.is_empty()
                && !b.contains('@')
                && (a.to_string() + b).bytes().all(|c| c.is_ascii_lowercase() || c == b'.')
        })
    }),
};
const STEPS: &[&str] = &["use-case", "region", "org", "sign-in", "install", "verify"];
const PLAYBOOKS: &[Vocabulary] = &[
    Vocabulary { playbook: "first", steps: STEPS, extras: &[REGION, USE, USER], practice: &["revoked"] },
    Vocabulary { playbook: "second", steps: &["org", "sign-in", "audit"], extras: &[], practice: &[] },
];

fn vocabularies() -> Vocabularies<'static> {
    Vocabularies(PLAYBOOKS)
}

fn signer(kid: &str, name: &str) -> LinkSigner {
    LinkSigner::generate(KeyId::parse(kid).unwrap(), name).unwrap()
}

fn trusting(signers: &[&LinkSigner]) -> TrustedIssuers {
    let dir = tempfile::tempdir().unwrap();
    for s in signers {
        TrustedIssuers::trust_locally(dir.path(), IssuerEntry::for_signer(s)).unwrap();
    }
    TrustedIssuers::load(dir.path()).unwrap()
}

fn full_fields() -> LinkFields {
    let v = &PLAYBOOKS[0];
    let mut f = LinkFields::expiring_at(NOW + 3600);
    f.set_extra(v, "region", "eu").unwrap();
    f.environment = Some(Environment::Sandbox);
    f.org = Some("acme--uat.sandbox.my.salesforce.com".parse().unwrap());
    f.set_extra(v, "use", "data-sync").unwrap();
    f.set_step(v, "install").unwrap();
    f.language = Some(Language::Ja);
    f.ticket = TicketRef::parse("CS-20481");
    f
}

fn check_str(link: &str, issuers: &TrustedIssuers) -> Result<CheckedLink, LinkProblem> {
    check(link.as_bytes(), NOW, issuers, vocabularies())
}

#[test]
fn a_signed_link_verifies_and_names_its_issuer_from_the_trusted_list() {
    let desk = signer("acme-desk", "Acme IT desk");
    let link = render(&full_fields(), Some(&desk));
    assert!(link.starts_with("reconnect://wizard?v=1&region=eu&env=sandbox&org=acme--uat.sandbox.my.salesforce.com"));
    let checked = check_str(&link, &trusting(&[&desk])).unwrap();
    assert_eq!(checked.fields, full_fields());
    assert_eq!(checked.trust, Trust::Verified { key_id: desk.key_id().clone(), issuer: "Acme IT desk".into() });
}

#[test]
fn an_unsigned_link_is_accepted_as_not_verified() {
    let link = render(&full_fields(), None);
    let checked = check_str(&link, &TrustedIssuers::shipped()).unwrap();
    assert_eq!(checked.trust, Trust::Unverified);
    assert_eq!(checked.fields, full_fields());
}

#[test]
fn fields_may_come_in_any_order_and_the_signature_still_holds() {
    let desk = signer("desk", "Desk");
    let link = render(&full_fields(), Some(&desk));
    let query = link.strip_prefix(PREFIX).unwrap();
    let mut parts: Vec<&str> = query.split('&').collect();
    parts.reverse();
    let shuffled = format!("{PREFIX}{}", parts.join("&"));
    assert_eq!(check_str(&shuffled, &trusting(&[&desk])).unwrap().fields, full_fields());
}

#[test]
fn percent_encoded_values_are_read() {
    let link = format!("reconnect://wizard?v=1&region=%65u&exp={}", NOW + 60);
    assert_eq!(check_str(&link, &TrustedIssuers::shipped()).unwrap().fields.extra("region"), Some("eu"));
}

#[test]
fn a_link_without_a_playbook_opens_the_first_and_one_that_names_another_uses_its_vocabulary() {
    let exp = NOW + 60;
    let old =
        check_str(&format!("reconnect://wizard?v=1&region=eu&step=install&exp={exp}"), &TrustedIssuers::shipped());
    assert_eq!(old.unwrap().fields.playbook, None);
    let second =
        check_str(&format!("reconnect://wizard?v=1&playbook=second&step=audit&exp={exp}"), &TrustedIssuers::shipped())
            .unwrap();
    assert_eq!((second.fields.playbook, second.fields.step), (Some("second"), Some("audit")));
    // The second playbook has no data center field, and no install step.
    for bad in ["&playbook=second&region=eu", "&playbook=second&step=install"] {
        assert!(
            check_str(&format!("reconnect://wizard?v=1&exp={exp}{bad}"), &TrustedIssuers::shipped()).is_err(),
            "{bad}"
        );
    }
    assert_eq!(
        check_str(&format!("reconnect://wizard?v=1&playbook=third&exp={exp}"), &TrustedIssuers::shipped()).err(),
        Some(LinkProblem::UnknownPlaybook)
    );
}

/// Every way a link can be wrong, and the reason each gets.
#[test]
fn rejection_table() {
    let desk = signer("acme-desk", "Acme IT desk");
    let stranger = signer("acme-desk", "Someone else");
    let other = signer("other-desk", "Other desk");
    let issuers = trusting(&[&desk]);
    let good = render(&full_fields(), Some(&desk));
    let exp = NOW + 3600;
    let unsigned = |rest: &str| format!("reconnect://wizard?v=1&exp={exp}{rest}");
    let tampered = good.replace("region=eu", "region=us1");
    let mut expired_fields = full_fields();
    expired_fields.expires = NOW - 1;
    let mut far_fields = full_fields();
    far_fields.expires = NOW + 91 * 86_400;
    let sig_flipped = {
        let (head, sig) = good.rsplit_once("&sig=").unwrap();
        let mut s = sig.to_string();
        let c = if s.starts_with('A') { "B" } else { "A" };
        s.replace_range(0..1, c);
        format!("{head}&sig={s}")
    };
    let mut non_utf8 = unsigned("&ticket=").into_bytes();
    non_utf8.extend_from_slice(&[0xff, 0xfe]);
    let cases: Vec<(&str, Vec<u8>, LinkProblem)> = vec![
        ("tampered field", tampered.into_bytes(), LinkProblem::SignatureMismatch),
        ("flipped signature", sig_flipped.into_bytes(), LinkProblem::SignatureMismatch),
        (
            "signed by a key with the trusted id but another secret",
            render(&full_fields(), Some(&stranger)).into_bytes(),
            LinkProblem::SignatureMismatch,
        ),
        ("unknown key id", render(&full_fields(), Some(&other)).into_bytes(), LinkProblem::UnknownIssuer),
        (
            "key id changed to another",
            good.replace("kid=acme-desk", "kid=other-desk").into_bytes(),
            LinkProblem::UnknownIssuer,
        ),
        ("signature without key id", good.replace("&kid=acme-desk", "").into_bytes(), LinkProblem::SignatureIncomplete),
        (
            "key id without signature",
            good.split("&sig=").next().unwrap().as_bytes().to_vec(),
            LinkProblem::SignatureIncomplete,
        ),
        (
            "expired",
            render(&expired_fields, Some(&desk)).into_bytes(),
            LinkProblem::Expired { at: crate::timestamp::format_ms((NOW - 1) * 1000) },
        ),
        ("expiry too far ahead", render(&far_fields, None).into_bytes(), LinkProblem::ExpiryTooFar { max_days: 90 }),
        ("no expiry", b"reconnect://wizard?v=1&region=eu".to_vec(), LinkProblem::MissingExpiry),
        (
            "unknown field",
            unsigned("&token=abc").into_bytes(),
            LinkProblem::UnknownField { name: Some("token".into()) },
        ),
        ("unknown field with markup", unsigned("&<b>hi</b>=1").into_bytes(), LinkProblem::UnknownField { name: None }),
        (
            "url in org",
            unsigned("&org=https://acme.my.salesforce.com").into_bytes(),
            LinkProblem::UrlInField { field: FieldName::Org },
        ),
        (
            "encoded url in org",
            unsigned("&org=https%3A%2F%2Fevil.example").into_bytes(),
            LinkProblem::UrlInField { field: FieldName::Org },
        ),
        (
            "url in ticket",
            unsigned("&ticket=evil.example/login").into_bytes(),
            LinkProblem::UrlInField { field: FieldName::Ticket },
        ),
        (
            "javascript in region",
            unsigned("&region=javascript:alert(1)").into_bytes(),
            LinkProblem::UrlInField { field: FieldName::Extra("region") },
        ),
        (
            "oversize",
            unsigned(&format!("&ticket={}", "A".repeat(2000))).into_bytes(),
            LinkProblem::TooLong { max: MAX_LINK_BYTES },
        ),
        ("non-UTF-8 bytes", non_utf8, LinkProblem::NotUtf8),
        ("non-UTF-8 after decoding", unsigned("&ticket=%ff").into_bytes(), LinkProblem::NotUtf8),
        ("lossy replacement character", unsigned("&ticket=\u{FFFD}").into_bytes(), LinkProblem::NotUtf8),
        ("broken escape", unsigned("&ticket=%4").into_bytes(), LinkProblem::BadEncoding),
        ("field without value sign", unsigned("&ticket").into_bytes(), LinkProblem::BadEncoding),
        ("empty field", unsigned("&&region=eu").into_bytes(), LinkProblem::BadEncoding),
        (
            "repeated field",
            unsigned("&region=eu&region=us1").into_bytes(),
            LinkProblem::RepeatedField { field: FieldName::Extra("region") },
        ),
        ("repeated version", unsigned("&v=1").into_bytes(), LinkProblem::RepeatedField { field: FieldName::Version }),
        ("no version", format!("reconnect://wizard?exp={exp}").into_bytes(), LinkProblem::MissingVersion),
        ("nothing after the prefix", b"reconnect://wizard?".to_vec(), LinkProblem::MissingVersion),
        ("future version", format!("reconnect://wizard?v=2&exp={exp}").into_bytes(), LinkProblem::UnsupportedVersion),
        ("not a wizard link", b"https://example.com/?v=1".to_vec(), LinkProblem::NotAWizardLink),
        ("another reconnect path", b"reconnect://settings?v=1".to_vec(), LinkProblem::NotAWizardLink),
        (
            "unknown region",
            unsigned("&region=mars").into_bytes(),
            LinkProblem::InvalidValue { field: FieldName::Extra("region") },
        ),
        (
            "region alias is not canonical",
            unsigned("&region=us").into_bytes(),
            LinkProblem::InvalidValue { field: FieldName::Extra("region") },
        ),
        (
            "org that is not a My Domain",
            unsigned("&org=login.salesforce.com").into_bytes(),
            LinkProblem::InvalidValue { field: FieldName::Org },
        ),
        (
            "org that is not Salesforce",
            unsigned("&org=acme.my.salesforce.com.evil.example").into_bytes(),
            LinkProblem::InvalidValue { field: FieldName::Org },
        ),
        (
            "upper-case org",
            unsigned("&org=ACME.my.salesforce.com").into_bytes(),
            LinkProblem::InvalidValue { field: FieldName::Org },
        ),
        (
            "ticket with spaces",
            unsigned("&ticket=call%20me").into_bytes(),
            LinkProblem::InvalidValue { field: FieldName::Ticket },
        ),
        (
            "ticket too long",
            unsigned(&format!("&ticket={}", "1".repeat(21))).into_bytes(),
            LinkProblem::InvalidValue { field: FieldName::Ticket },
        ),
        ("unknown step", unsigned("&step=payment").into_bytes(), LinkProblem::InvalidValue { field: FieldName::Step }),
        (
            "unknown language",
            unsigned("&lang=fr").into_bytes(),
            LinkProblem::InvalidValue { field: FieldName::Language },
        ),
        (
            "expiry with sign",
            b"reconnect://wizard?v=1&exp=+1795003600".to_vec(),
            LinkProblem::InvalidValue { field: FieldName::Expires },
        ),
        (
            "bad key id",
            unsigned("&kid=Bad%20Id&sig=x").into_bytes(),
            LinkProblem::InvalidValue { field: FieldName::KeyId },
        ),
        (
            "sandbox org called production",
            unsigned("&env=production&org=acme--uat.sandbox.my.salesforce.com").into_bytes(),
            LinkProblem::Contradiction,
        ),
        (
            "practice org and a real one",
            unsigned("&practice=revoked&env=production").into_bytes(),
            LinkProblem::Contradiction,
        ),
        (
            "practice scenario the playbook does not have",
            unsigned("&practice=hardening-large").into_bytes(),
            LinkProblem::InvalidValue { field: FieldName::Practice },
        ),
        (
            "username its rule refuses",
            unsigned("&user=Admin@acme.example").into_bytes(),
            LinkProblem::InvalidValue { field: FieldName::Extra("user") },
        ),
        (
            "username longer than a field may be",
            unsigned(&format!("&user={}@acme.example", "a".repeat(100))).into_bytes(),
            LinkProblem::InvalidValue { field: FieldName::Extra("user") },
        ),
        (
            "an at sign where no rule allows one",
            unsigned("&ticket=a@b").into_bytes(),
            LinkProblem::UrlInField { field: FieldName::Ticket },
        ),
    ];
    for (name, raw, expected) in cases {
        let got = check(&raw, NOW, &issuers, vocabularies());
        assert_eq!(got.as_ref().err(), Some(&expected), "{name}: {got:?}");
        let m = expected.user_message();
        assert!(!m.what.en.contains("link.err.") && !m.next.ja.contains("link.err."), "{name}: {m:?}");
        assert!(!m.what.ja.is_ascii(), "{name}: no Japanese text");
    }
}

#[test]
fn a_field_with_its_own_rule_carries_an_at_sign_and_the_practice_org_reads_back() {
    let v = &PLAYBOOKS[0];
    let mut f = LinkFields::expiring_at(NOW + 60);
    f.set_extra(v, "user", "gainsight.integration@acme.example").unwrap();
    f.set_practice(v, "revoked").unwrap();
    let link = render(&f, None);
    assert!(link.contains("&practice=revoked&") && link.contains("user=gainsight.integration@acme.example"), "{link}");
    let back = check_str(&link, &TrustedIssuers::shipped()).unwrap();
    assert_eq!(back.fields, f);
    assert_eq!(back.fields.extra("user"), Some("gainsight.integration@acme.example"));
}

#[test]
fn links_are_well_under_the_size_limit() {
    let desk = signer(&"k".repeat(32), "Desk");
    let mut f = full_fields();
    f.org = Some("abcdefghijabcdefghijabcdefghijabcdefghij--abcdefghij.sandbox.my.salesforce.com".parse().unwrap());
    f.ticket = TicketRef::parse(&"A".repeat(20));
    let link = render(&f, Some(&desk));
    assert!(link.len() < MAX_LINK_BYTES / 2, "{} bytes", link.len());
}

#[test]
fn lifetimes_are_read_and_bounded() {
    assert_eq!(lifetime_secs("7d").unwrap(), 7 * 86_400);
    assert_eq!(lifetime_secs("30m").unwrap(), 1800);
    assert!(lifetime_secs("91d").is_err());
    assert!(lifetime_secs("0d").is_err());
    assert!(lifetime_secs("soon").is_err());
}

fn my_domains() -> impl Strategy<Value = MyDomain> {
    ("[a-z][a-z0-9]{0,20}", proptest::option::of("[a-z][a-z0-9]{0,10}")).prop_filter_map("valid", |(name, sbx)| {
        let host = match sbx {
            Some(s) => format!("{name}--{s}.sandbox.my.salesforce.com"),
            None => format!("{name}.my.salesforce.com"),
        };
        host.parse().ok()
    })
}

fn link_fields() -> impl Strategy<Value = LinkFields> {
    (
        proptest::option::of(proptest::sample::select(REGION_VALUES.to_vec())),
        proptest::option::of(my_domains()),
        proptest::option::of(proptest::sample::select(USE_VALUES.to_vec())),
        proptest::option::of(proptest::sample::select(STEPS.to_vec())),
        proptest::option::of(proptest::sample::select(vec![Language::En, Language::Ja])),
        proptest::option::of("[A-Za-z0-9]([A-Za-z0-9-]{0,18}[A-Za-z0-9])?"),
        1i64..(90 * 86_400),
        (any::<bool>(), any::<bool>()),
    )
        .prop_map(|(region, org, use_case, step, language, ticket, ttl, (say_env, say_playbook))| {
            let v = &PLAYBOOKS[0];
            let mut f = LinkFields::expiring_at(NOW + ttl);
            f.playbook = say_playbook.then_some(v.playbook);
            if let Some(r) = region {
                f.set_extra(v, "region", r).unwrap();
            }
            if let Some(u) = use_case {
                f.set_extra(v, "use", u).unwrap();
            }
            if let Some(s) = step {
                f.set_step(v, s).unwrap();
            }
            f.environment = if say_env { org.as_ref().map(MyDomain::environment) } else { None };
            f.org = org;
            f.language = language;
            f.ticket = ticket.and_then(|t| TicketRef::parse(&t));
            f
        })
}

proptest! {
    #[test]
    fn built_links_parse_back_to_the_same_fields(fields in link_fields(), signed in any::<bool>()) {
        let desk = signer("desk", "Desk");
        let issuers = trusting(&[&desk]);
        let link = render(&fields, signed.then_some(&desk));
        let checked = check(link.as_bytes(), NOW, &issuers, vocabularies()).unwrap();
        prop_assert_eq!(&checked.fields, &fields);
        prop_assert_eq!(matches!(checked.trust, Trust::Verified { .. }), signed);
        prop_assert_eq!(render(&checked.fields, signed.then_some(&desk)), link);
    }

    #[test]
    fn changing_any_byte_of_a_signed_link_never_verifies_other_fields(fields in link_fields(), at in any::<prop::sample::Index>(), byte in any::<u8>()) {
        let desk = signer("desk", "Desk");
        let issuers = trusting(&[&desk]);
        let link = render(&fields, Some(&desk));
        let mut raw = link.clone().into_bytes();
        let i = at.index(raw.len());
        raw[i] = byte;
        if let Ok(checked) = check(&raw, NOW, &issuers, vocabularies()) {
            // Only a change that means the same (case in the scheme, an escape) may pass.
            prop_assert_eq!(checked.fields, fields);
        }
    }

    #[test]
    fn checking_arbitrary_bytes_never_panics(raw in proptest::collection::vec(any::<u8>(), 0..1200)) {
        let _ = check(&raw, NOW, &TrustedIssuers::shipped(), vocabularies());
    }
}

#[test]
fn only_arguments_with_the_scheme_count_as_links_and_stay_raw() {
    use std::os::unix::ffi::OsStringExt;
    let args = vec![
        std::ffi::OsString::from("--verbose"),
        std::ffi::OsString::from("RECONNECT://wizard?v=1"),
        std::ffi::OsString::from_vec(b"reconnect://wizard?ticket=\xff".to_vec()),
        std::ffi::OsString::from("https://example.com"),
    ];
    let links = links_in_args(args);
    assert_eq!(links, vec![b"RECONNECT://wizard?v=1".to_vec(), b"reconnect://wizard?ticket=\xff".to_vec()]);
}
