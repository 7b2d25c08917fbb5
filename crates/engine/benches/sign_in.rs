//! Sign-in time on the practice org over loopback, without the human: from asking for the
//! authorize URL to the tokens in the keychain and the org's facts read, with a stand-in
//! browser filling the login form at machine speed. Median of many runs; prints figures,
//! asserts nothing (`make bench`, inside the test session for its keychain).

use std::time::{Duration, Instant};

use practice_org::Config;

const RUNS: usize = 20;

#[tokio::main]
async fn main() {
    let f = reconnect_testkit::fixture(Config::new("already-fixed")).await;
    let mut times: Vec<Duration> = Vec::new();
    for _ in 0..RUNS {
        let t = Instant::now();
        reconnect_testkit::sign_in(&f, reconnect_testkit::ADMIN).await.expect("sign-in");
        times.push(t.elapsed());
        f.accounts.sign_out().await.expect("sign-out");
    }
    times.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!("sign-in on the practice org (loopback, PKCE, stand-in browser; {RUNS} runs)");
    println!(
        "  median {:.1} ms (fastest {:.1} ms, slowest {:.1} ms), including the authorize page, the token exchange, the keychain write and the org's facts",
        ms(times[RUNS / 2]),
        ms(times[0]),
        ms(times[RUNS - 1])
    );
    f.org.stop().await;
}
