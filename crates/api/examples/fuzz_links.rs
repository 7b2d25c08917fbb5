//! A mutation fuzzer for the wizard-link parser, run apart from the tests:
//! `make fuzz` (or `cargo run --release -p reconnect-api --example fuzz_links -- [inputs] [seed]`),
//! over every registered playbook's link vocabulary.
//!
//! It starts from valid links (signed and unsigned) and known-bad ones, mutates them the way
//! links get damaged or forged (flipped and inserted bytes, cut and repeated fields, spliced
//! values, percent-escapes, non-UTF-8 bytes), and checks every input against three promises:
//! the parser never panics, an accepted link renders back to a link with the same meaning,
//! and a link that still verifies means exactly what its issuer signed. It prints how many
//! inputs ran, how fast, and how many ended in each outcome.

use std::collections::BTreeMap;
use std::time::Instant;

use reconnect_api::gainsight::catalog::UseCase;
use reconnect_api::gainsight::link_fields::{set_region, set_use_case};
use reconnect_api::gainsight::region::Region;
use reconnect_api::gainsight::wizard::Step;
use reconnect_api::registry::link_vocabularies;
use reconnect_engine::language::Language;
use reconnect_engine::link::{
    check, render, CheckedLink, IssuerEntry, KeyId, LinkFields, LinkProblem, LinkSigner, TicketRef, Trust,
    TrustedIssuers, PREFIX,
};
use reconnect_engine::salesforce_host::Environment;

const NOW: i64 = 1_795_000_000;

/// xorshift64*: small, fast and repeatable from its seed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// Bytes and pieces that matter to the format.
const TOKENS: &[&[u8]] = &[
    b"&",
    b"=",
    b"%",
    b"%2F",
    b"%3A",
    b"%ff",
    b"%e3%81%82",
    b"://",
    b"/",
    b"@",
    b"?",
    b"#",
    b"+",
    b" ",
    b"\xff",
    b"\xc3",
    b"\xef\xbf\xbd",
    b"v=1",
    b"v=2",
    b"region=eu",
    b"region=us1",
    b"env=production",
    b"env=sandbox",
    b"org=acme.my.salesforce.com",
    b"org=https://evil.example",
    b"step=verify",
    b"lang=ja",
    b"ticket=CS-1",
    b"exp=1795003600",
    b"exp=1",
    b"kid=desk",
    b"kid=other",
    b"sig=",
    b"use=data-sync",
    b"playbook=gainsight",
    b"playbook=other",
    b"RECONNECT://WIZARD?",
    b"reconnect://wizard/?",
    b"javascript:",
    b"www.",
];

fn seeds(desk: &LinkSigner) -> Vec<(Vec<u8>, Option<LinkFields>)> {
    let mut out = Vec::new();
    let mut f = LinkFields::expiring_at(NOW + 3600);
    out.push((render(&f, None).into_bytes(), None));
    set_region(&mut f, Some(Region::Eu));
    set_use_case(&mut f, Some(UseCase::DataSync));
    f.step = Some(Step::Install.code());
    out.push((render(&f, Some(desk)).into_bytes(), Some(f.clone())));
    f.org = "acme--uat.sandbox.my.salesforce.com".parse().ok();
    f.environment = Some(Environment::Sandbox);
    f.language = Some(Language::Ja);
    f.ticket = TicketRef::parse("CS-20481");
    out.push((render(&f, Some(desk)).into_bytes(), Some(f.clone())));
    out.push((render(&f, None).into_bytes(), None));
    set_region(&mut f, Some(Region::Us2));
    f.playbook = Some(reconnect_api::gainsight::ID);
    f.org = "globex.my.salesforce.com".parse().ok();
    f.environment = Some(Environment::Production);
    out.push((render(&f, Some(desk)).into_bytes(), Some(f.clone())));
    for bad in [
        "reconnect://wizard?v=1&exp=1795003600&org=https://evil.example",
        "reconnect://wizard?v=1&v=1",
        "reconnect://wizard?",
        "https://example.com/?v=1",
    ] {
        out.push((bad.as_bytes().to_vec(), None));
    }
    out
}

/// A position in `v`, mostly after the scheme: damage to the scheme alone only ever gives
/// "not a wizard link".
fn position(rng: &mut Rng, v: &[u8]) -> usize {
    let head = PREFIX.len();
    if v.len() > head && rng.below(10) != 0 {
        head + rng.below(v.len() - head)
    } else {
        rng.below(v.len())
    }
}

fn mutate(rng: &mut Rng, input: &mut Vec<u8>, other: &[u8]) {
    let at = |rng: &mut Rng, v: &Vec<u8>| position(rng, v) + usize::from(rng.below(2) == 0 && !v.is_empty());
    match rng.below(9) {
        0 if !input.is_empty() => {
            let i = position(rng, input);
            input[i] ^= 1 << rng.below(8);
        }
        1 => {
            let i = at(rng, input);
            input.insert(i, rng.next() as u8);
        }
        2 if !input.is_empty() => {
            let i = position(rng, input);
            let n = 1 + rng.below(8).min(input.len() - i - 1);
            input.drain(i..i + n);
        }
        3 => {
            let i = at(rng, input);
            let t = TOKENS[rng.below(TOKENS.len())];
            input.splice(i..i, t.iter().copied());
        }
        4 => {
            // Repeat one field.
            let text = input.clone();
            let parts: Vec<&[u8]> = text.split(|b| *b == b'&').collect();
            let p = parts[rng.below(parts.len())];
            input.push(b'&');
            input.extend_from_slice(p);
        }
        5 => {
            // Splice a field from another input.
            let parts: Vec<&[u8]> = other.split(|b| *b == b'&').collect();
            input.push(b'&');
            input.extend_from_slice(parts[rng.below(parts.len())]);
        }
        6 if !input.is_empty() => {
            // Percent-encode one byte.
            let i = position(rng, input);
            let b = input[i];
            input.splice(i..i + 1, format!("%{b:02X}").into_bytes());
        }
        7 => {
            let keep = at(rng, input);
            input.truncate(keep);
        }
        _ => {
            // Swap two fields.
            let text = input.clone();
            let mut parts: Vec<&[u8]> = text.split(|b| *b == b'&').collect();
            if parts.len() > 2 {
                let (a, b) = (1 + rng.below(parts.len() - 1), 1 + rng.below(parts.len() - 1));
                parts.swap(a, b);
                *input = parts.join(&b'&');
            }
        }
    }
}

fn outcome(r: &Result<CheckedLink, LinkProblem>) -> String {
    match r {
        Ok(c) if matches!(c.trust, Trust::Verified { .. }) => "accepted, verified".into(),
        Ok(_) => "accepted, not verified".into(),
        Err(p) => format!("refused: {}", serde_json::to_value(p).unwrap()["kind"].as_str().unwrap()),
    }
}

fn main() {
    let mut args = std::env::args().skip(1);
    let total: u64 = args.next().and_then(|a| a.parse().ok()).unwrap_or(1_000_000);
    let seed: u64 = args.next().and_then(|a| a.parse().ok()).unwrap_or(0x5eed_1ee7);
    let desk = LinkSigner::generate(KeyId::parse("desk").unwrap(), "Desk").unwrap();
    let issuers = TrustedIssuers::with(IssuerEntry::for_signer(&desk));
    let seeds = seeds(&desk);
    // Splicing can move a signature onto an unsigned copy of the same fields: that link is
    // genuinely signed. A forgery is any verified link whose fields the issuer never signed.
    let signed: Vec<&LinkFields> = seeds.iter().filter_map(|(_, f)| f.as_ref()).collect();
    let mut rng = Rng(seed | 1);
    let mut outcomes: BTreeMap<String, u64> = BTreeMap::new();
    let started = Instant::now();
    for _ in 0..total {
        let (base, _) = &seeds[rng.below(seeds.len())];
        let other = &seeds[rng.below(seeds.len())].0;
        let mut input = base.clone();
        for _ in 0..1 + rng.below(4) {
            mutate(&mut rng, &mut input, other);
        }
        let result = check(&input, NOW, &issuers, link_vocabularies());
        if let Ok(checked) = &result {
            let again = check(render(&checked.fields, None).as_bytes(), NOW, &issuers, link_vocabularies())
                .unwrap_or_else(|p| {
                    panic!("accepted {:?} but its rendering is refused: {p:?}", String::from_utf8_lossy(&input))
                });
            assert_eq!(again.fields, checked.fields, "round trip of {:?}", String::from_utf8_lossy(&input));
            if matches!(checked.trust, Trust::Verified { .. }) {
                assert!(
                    signed.contains(&&checked.fields),
                    "a forged link verified: {:?}",
                    String::from_utf8_lossy(&input)
                );
            }
        }
        *outcomes.entry(outcome(&result)).or_default() += 1;
    }
    let secs = started.elapsed().as_secs_f64();
    println!("wizard-link fuzz: {total} inputs, seed {seed:#x}, {secs:.1} s, {:.0} inputs/s", total as f64 / secs);
    for (k, n) in &outcomes {
        println!("  {n:>9}  {k}");
    }
    println!("no panic, every accepted link round-tripped, no forged link verified");
}
