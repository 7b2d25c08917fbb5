//! The Trust status client over loopback HTTP: the recorded Trust answers (`corpus/trust/`)
//! read as a real client reads them, then the practice Trust API switched between all OK, a
//! minor incident, a maintenance, an answer that is not the API's and one that never comes,
//! and an instance Trust only knows by its My Domain.

use practice_org::trust::TrustScenario;
use practice_org::Config;
use reconnect_engine::language::Language;
use reconnect_engine::timestamp::{now_ms, parse_ms};
use reconnect_engine::trust::status::StatusWord;
use reconnect_engine::trust::{read, InstanceKey, TrustBase, TrustRequest};
use reconnect_engine::Error;
use reconnect_testkit::replay::{Recording, Replay};

fn request(base: &str, instance: &str, alias: Option<&str>) -> TrustRequest {
    TrustRequest {
        base: TrustBase::parse(base).unwrap(),
        instance: InstanceKey::parse(instance).unwrap(),
        alias: alias.map(str::to_string),
        language: Language::En,
    }
}

#[tokio::test]
async fn a_recorded_ok_status_reads_as_ok_and_missing_general_messages_are_noted() {
    let replay = Replay::start(vec![Recording::load("trust", "trust-instance-status-ok")]).await;
    let r = read(&request(&replay.url, "NA174", None), now_ms()).await.unwrap();
    assert_eq!(r.instance.key, "NA174");
    assert_eq!(r.instance.status, StatusWord::Ok);
    assert_eq!(r.instance.release.as_deref(), Some("Summer '20 Patch 14.5"));
    assert!(r.instance.incidents.is_empty() && r.messages.is_empty());
    // No general messages were recorded anywhere: the replay has none, and the reading says so.
    assert_eq!(r.notes.len(), 1, "{:?}", r.notes);
}

#[tokio::test]
async fn a_recorded_minor_incident_reads_with_its_impact_in_trusts_own_words() {
    let replay = Replay::start(vec![
        Recording::load("trust", "trust-instance-status-minor-incident"),
        Recording::load("trust", "trust-localizations"),
    ])
    .await;
    let r = read(&request(&replay.url, "NA137", None), now_ms()).await.unwrap();
    assert_eq!(r.instance.status, StatusWord::MinorIncident { core: true });
    let incident = &r.instance.incidents[0];
    assert_eq!(incident.id, Some(5968));
    assert!(incident.open(), "its impact has no end");
    assert_eq!(incident.start_ms(), parse_ms("2020-07-29T16:08:00.000Z"));
    assert_eq!(incident.impacts[0].severity, "minor");
    assert_eq!(incident.impacts[0].text.as_deref(), Some("Performance Degradation - Asynchronous Processing"));
    let asked: Vec<String> = replay.asked().into_iter().map(|a| a.uri).collect();
    assert!(asked[0].starts_with("/v1/instances/NA137/status"), "{asked:?}");
}

#[tokio::test]
async fn the_practice_trust_api_shows_each_state_and_fails_clearly_when_it_cannot_answer() {
    let org = practice_org::start(Config::new("production-us-revoked")).await.unwrap();
    let ask = request(&org.trust_url(), "NA224", None);
    assert_eq!(read(&ask, now_ms()).await.unwrap().instance.status, StatusWord::Ok);

    org.set_trust(TrustScenario::MinorIncident);
    let r = read(&ask, now_ms()).await.unwrap();
    assert_eq!(r.instance.incidents.len(), 1);
    assert!(r.instance.incidents[0].impacts[0].text.is_some());
    assert_eq!(r.messages[0].id, Some(20000233), "Salesforce's Gainsight advisory");

    org.set_trust(TrustScenario::Maintenance);
    let r = read(&ask, now_ms()).await.unwrap();
    assert_eq!(r.instance.status, StatusWord::Maintenance { core: true });
    let m = &r.instance.maintenances[0];
    assert!(m.planned_start_ms.unwrap() > now_ms() && m.planned_end_ms > m.planned_start_ms);

    org.set_trust(TrustScenario::Garbage);
    let garbage = read(&ask, now_ms()).await.unwrap_err();
    assert!(matches!(&garbage, Error::TrustUnavailable { reason, .. } if reason.contains("not JSON")), "{garbage}");
    assert!(garbage.user_message().next.en.contains("status.salesforce.com/instances/NA224"));

    org.set_trust(TrustScenario::Slow);
    let started = std::time::Instant::now();
    let slow = read(&ask, now_ms()).await.unwrap_err();
    assert!(matches!(&slow, Error::TrustUnavailable { reason, .. } if reason.contains("no answer")), "{slow}");
    assert!(started.elapsed() < std::time::Duration::from_secs(15), "it gives up, not waits");
}

#[tokio::test]
async fn an_instance_trust_does_not_know_is_asked_by_its_my_domain() {
    let org = practice_org::start(Config::new("production-us-revoked")).await.unwrap();
    let my_domain = org.scenario().my_domain.clone();
    let r = read(&request(&org.trust_url(), "NA999", Some(&my_domain)), now_ms()).await.unwrap();
    assert_eq!(r.instance.key, "NA224");
    let neither = read(&request(&org.trust_url(), "NA999", Some("nobody")), now_ms()).await.unwrap_err();
    assert!(neither.to_string().contains("neither"), "{neither}");
}
