//! What links to the Gainsight playbook may say beyond the engine's fields: the use case
//! (`use`) and the data center (`region`), each written one way only, and the steps a link
//! may open.

use reconnect_engine::link::{ExtraField, LinkFields, Vocabulary};

use crate::catalog::UseCase;
use crate::region::Region;

/// The data center, placed before the engine's environment (`rank` 10).
const REGION: ExtraField = ExtraField { key: "region", rank: 10, values: &["us1", "us2", "eu"] };

/// The use case, placed between the org and the step (`rank` 25).
const USE: ExtraField = ExtraField { key: "use", rank: 25, values: &["data-sync", "embedded-ui", "extension-login"] };

/// The step codes a link may open, in order.
const STEPS: [&str; 9] =
    ["use-case", "region", "org", "sign-in", "oauth-user", "install", "authorize", "verify", "done"];

/// The playbook's link vocabulary.
pub static VOCABULARY: Vocabulary = Vocabulary { playbook: crate::ID, steps: &STEPS, extras: &[REGION, USE] };

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
    fields.extras.retain(|(f, _)| f.key != field.key);
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
        assert_eq!(REGION.values.to_vec(), Region::ALL.map(Region::code).to_vec());
        assert_eq!(USE.values.to_vec(), UseCase::ALL.map(UseCase::code).to_vec());
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
