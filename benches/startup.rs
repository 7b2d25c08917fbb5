//! Start-up of the release app under Xvfb: from asking WebDriver for a new app process to the
//! home screen fully painted (the playbooks on it), median of several cold process starts
//! with fresh config folders; then the memory of the idle app with its WebKit processes (RSS
//! and PSS, which counts shared pages once). Prints figures; asserts nothing (`make bench`).

#[path = "../tests/driver/mod.rs"]
mod driver;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use driver::Driver;
use fantoccini::Locator;

const RUNS: usize = 12;
const IDLE: Duration = Duration::from_secs(5);

/// Kilobytes of `Rss` and `Pss` of one process.
fn memory(pid: u32) -> (u64, u64) {
    let text = std::fs::read_to_string(format!("/proc/{pid}/smaps_rollup")).unwrap_or_default();
    let field = |name: &str| {
        text.lines()
            .find(|l| l.starts_with(name))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|v| v.parse().ok())
            .unwrap_or(0)
    };
    (field("Rss:"), field("Pss:"))
}

/// The app process started with `config` as its config folder, and its children.
fn processes(app: &Path, config: &Path) -> Vec<(u32, String)> {
    let mut out = Vec::new();
    let wanted = format!("XDG_CONFIG_HOME={}", config.display());
    let mut app_pid = None;
    for entry in std::fs::read_dir("/proc").unwrap().flatten() {
        let Ok(pid) = entry.file_name().to_string_lossy().parse::<u32>() else { continue };
        let exe = std::fs::read_link(format!("/proc/{pid}/exe")).unwrap_or_default();
        let env = std::fs::read(format!("/proc/{pid}/environ")).unwrap_or_default();
        if exe == app && env.split(|b| *b == 0).any(|kv| kv == wanted.as_bytes()) {
            app_pid = Some(pid);
        }
    }
    let Some(app_pid) = app_pid else { return out };
    out.push((app_pid, "app".to_string()));
    for entry in std::fs::read_dir("/proc").unwrap().flatten() {
        let Ok(pid) = entry.file_name().to_string_lossy().parse::<u32>() else { continue };
        let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
        let ppid = status.lines().find_map(|l| l.strip_prefix("PPid:")).map(str::trim);
        if ppid == Some(&app_pid.to_string()) {
            let name = status.lines().find_map(|l| l.strip_prefix("Name:")).unwrap_or("").trim().to_string();
            out.push((pid, name));
        }
    }
    out
}

#[tokio::main]
async fn main() {
    let app: PathBuf = std::env::var_os("RECONNECT_APP_BIN")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("target/release/reconnect-app"));
    let app = app.canonicalize().expect("the release app: run `make dist` first");
    let scratch = tempfile_dir();
    let mut times = Vec::new();
    let mut idle = Vec::new();
    for run in 0..RUNS {
        let config = scratch.join(format!("run-{run}"));
        std::fs::create_dir_all(&config).unwrap();
        let driver = Driver::start(&[("XDG_CONFIG_HOME", config.as_os_str()), ("LANG", "en_US.UTF-8".as_ref())]).await;
        let t = Instant::now();
        let client = driver.session(&app, &[]).await;
        while client.find(Locator::Css("[data-playbook='gainsight'] button")).await.is_err() {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        times.push(t.elapsed());
        if run == RUNS - 1 {
            tokio::time::sleep(IDLE).await;
            idle = processes(&app, &config).into_iter().map(|(pid, name)| (name, memory(pid))).collect();
        }
        client.close().await.unwrap();
        driver.stop().await;
    }
    times.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!("start-up of the release app under Xvfb ({RUNS} cold process starts, fresh config each)");
    println!(
        "  to the first step painted: median {:.0} ms (fastest {:.0} ms, slowest {:.0} ms), WebDriver's own start of the process included",
        ms(times[RUNS / 2]),
        ms(times[0]),
        ms(times[RUNS - 1])
    );
    println!("memory after {} s idle on the first step (kB)", IDLE.as_secs());
    let (mut rss, mut pss) = (0, 0);
    for (name, (r, p)) in &idle {
        println!("  {name:<24} RSS {r:>8}  PSS {p:>8}");
        rss += r;
        pss += p;
    }
    println!(
        "  {:<24} RSS {rss:>8}  PSS {pss:>8}  ({:.0} MiB RSS, {:.0} MiB PSS)",
        "total",
        rss as f64 / 1024.0,
        pss as f64 / 1024.0
    );
    let _ = std::fs::remove_dir_all(&scratch);
}

fn tempfile_dir() -> PathBuf {
    let dir = std::env::temp_dir().join(format!("reconnect-startup-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}
