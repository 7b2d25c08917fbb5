//! What links to the Gainsight playbook may say beyond the engine's fields: the use case
//! (`use`), the data center (`region`), the Gainsight tenant's host (`tenant`) and the OAuth
//! user's Salesforce username (`user`), each written one way only, and the steps a link may
//! open. The tenant and the user let a Salesforce admin hand the re-authorization to the
//! Gainsight admin with everything filled in.

use reconnect_engine::link::{Allowed, ExtraField, LinkFields, Vocabulary};
use reconnect_engine::pasted_host::PastedHost;

use crate::catalog::UseCase;
use crate::region::{detect_region_from_host, Region, RegionDetection, TenantHost};

const REGIONS: &[&str] = &["us1", "us2", "eu"];
const USES: &[&str] = &["data-sync", "embedded-ui", "extension-login"];

/// The data center, placed before the engine's environment (`rank` 10).
const REGION: ExtraField = ExtraField { key: "region", rank: 10, allowed: Allowed::OneOf(REGIONS) };

/// The tenant's host, beside the data center it names (`rank` 12).
const TENANT: ExtraField = ExtraField { key: "tenant", rank: 12, allowed: Allowed::Matching(is_tenant_host) };

/// The use case, placed between the org and the step (`rank` 25).
const USE: ExtraField = ExtraField { key: "use", rank: 25, allowed: Allowed::OneOf(USES) };

/// Gainsight's OAuth user, after the use case (`rank` 26).
const USER: ExtraField = ExtraField { key: "user", rank: 26, allowed: Allowed::Matching(is_username) };

/// The step codes a link may open, in order.
const STEPS: [&str; 9] =
    ["use-case", "region", "org", "sign-in", "oauth-user", "install", "authorize", "verify", "done"];

/// The playbook's link vocabulary.
pub static VOCABULARY: Vocabulary = Vocabulary {
    playbook: crate::ID,
    steps: &STEPS,
    extras: &[REGION, TENANT, USE, USER],
    practice: &[crate::practice::REVOKED, crate::practice::SALESFORCE_FIXED],
};

/// A Salesforce username as a link writes it: an address of at most 80 characters (the
/// `Username` field's length in Salesforce's field reference, developer.salesforce.com
/// …/field-reference/salesforce-field-reference-name.html), in lower case (SOQL's `=` on text
/// ignores case, so the user is found however the org spells it), of letters, digits and
/// `. _ + -` around one `@`, with a dot in the domain. A username with other characters is
/// still typed or picked in the app; it only stays out of links.
pub fn is_username(v: &str) -> bool {
    let plain = |part: &str, extra: &[u8]| {
        !part.is_empty()
            && part.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || extra.contains(&b))
            && !part.starts_with('.')
            && !part.ends_with('.')
    };
    v.len() <= 80
        && v.split_once('@').is_some_and(|(local, domain)| {
            plain(local, b"._+-") && plain(domain, b".-") && domain.contains('.') && !domain.contains("..")
        })
}

/// A Gainsight tenant's host exactly as the region rules recognize it.
fn is_tenant_host(v: &str) -> bool {
    tenant_host(v).is_some_and(|t| t.as_str() == v)
}

fn tenant_host(v: &str) -> Option<TenantHost> {
    let host = PastedHost::parse(v).ok()?;
    match detect_region_from_host(&host) {
        RegionDetection::Found { tenant, .. } => tenant,
        RegionDetection::Unknown { .. } => None,
    }
}

/// Gainsight's OAuth user a link names.
pub fn user(fields: &LinkFields) -> Option<&str> {
    fields.extra(USER.key)
}

/// The tenant host a link names.
pub fn tenant(fields: &LinkFields) -> Option<&str> {
    fields.extra(TENANT.key)
}

/// Sets (or clears) the OAuth user; a name a link cannot carry is left out.
pub fn set_user(fields: &mut LinkFields, username: Option<&str>) {
    let lower = username.map(str::to_ascii_lowercase).filter(|u| is_username(u));
    set(fields, USER, lower.as_deref());
}

/// Sets (or clears) the tenant host.
pub fn set_tenant(fields: &mut LinkFields, tenant: Option<&TenantHost>) {
    set(fields, TENANT, tenant.map(TenantHost::as_str).filter(|t| is_tenant_host(t)));
}

/// The use case a link names.
pub fn use_case(fields: &LinkFields) -> Option<UseCase> {
    fields.extra(USE.key).and_then(|v| v.parse().ok())
}

/// The data center a link names.
pub fn region(fields: &LinkFields) -> Option<Region> {
    fields.extra(REGION.key).and_then(|v| v.parse().ok())
}

/// Sets (or clears) the use case.
pub fn set_use_case(fields: &mut LinkFields, use_case: Option<UseCase>) {
    set(fields, USE, use_case.map(UseCase::code));
}

/// Sets (or clears) the data center.
pub fn set_region(fields: &mut LinkFields, region: Option<Region>) {
    set(fields, REGION, region.map(Region::code));
}

fn set(fields: &mut LinkFields, field: ExtraField, value: Option<&str>) {
    fields.clear_extra(field.key);
    if let Some(v) = value {
        fields.set_extra(&VOCABULARY, field.key, v).expect("the playbook's own values are in its vocabulary");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wizard::Step;

    #[test]
    fn every_step_and_value_the_playbook_has_is_in_its_vocabulary() {
        assert_eq!(STEPS.to_vec(), Step::ALL.map(Step::code).to_vec());
        assert_eq!(REGIONS.to_vec(), Region::ALL.map(Region::code).to_vec());
        assert_eq!(USES.to_vec(), UseCase::ALL.map(UseCase::code).to_vec());
    }

    #[test]
    fn a_link_names_a_username_and_a_tenant_host_one_way_only() {
        for good in ["gainsight.integration@acme.example", "gs+sync_1@acme.com.uat"] {
            assert!(is_username(good), "{good}");
        }
        for bad in ["Admin@acme.example", "a@b", "@acme.example", "a@@acme.example", "a b@acme.example", ".a@x.example"]
        {
            assert!(!is_username(bad), "{bad}");
        }
        assert!(!is_username(&format!("{}@acme.example", "a".repeat(70))), "longer than 80");
        assert!(is_tenant_host("acme.gainsightcloud.com"));
        for bad in ["https://acme.gainsightcloud.com", "ACME.gainsightcloud.com", "gainsightcloud.com", "acme.example"]
        {
            assert!(!is_tenant_host(bad), "{bad}");
        }
        let mut f = LinkFields::expiring_at(2_000_000_000);
        set_user(&mut f, Some("Gainsight.Integration@Acme.example"));
        assert_eq!(user(&f), Some("gainsight.integration@acme.example"));
        set_user(&mut f, Some("not a username"));
        assert_eq!(user(&f), None);
    }

    #[test]
    fn fields_set_here_read_back() {
        let mut f = LinkFields::expiring_at(2_000_000_000);
        set_use_case(&mut f, Some(UseCase::EmbeddedUi));
        set_region(&mut f, Some(Region::Us2));
        set_region(&mut f, Some(Region::Eu));
        assert_eq!((use_case(&f), region(&f)), (Some(UseCase::EmbeddedUi), Some(Region::Eu)));
        set_use_case(&mut f, None);
        assert_eq!(use_case(&f), None);
    }
}
