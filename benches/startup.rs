//! Start-up of the release app under Xvfb beside the empty Tauri 2 window of
//! `../shared/baseline/empty-tauri` (built with the same release profile): from asking
//! WebDriver for a new process to the first screen painted, median of cold process starts with
//! fresh config folders, the two alternating; then the idle memory of each with its WebKit
//! processes (RSS, and PSS, which counts shared pages once), the stripped binaries' sizes, and
//! the ratios. Prints figures; asserts nothing (`make bench`).

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

/// One app under test: its binary and the element that says its first screen is painted.
struct Subject {
    name: &'static str,
    binary: PathBuf,
    painted: &'static str,
    times: Vec<Duration>,
    idle: Vec<(String, (u64, u64))>,
}

impl Subject {
    fn median_ms(&self) -> f64 {
        let mut t = self.times.clone();
        t.sort();
        t[t.len() / 2].as_secs_f64() * 1000.0
    }

    fn memory(&self) -> (u64, u64) {
        self.idle.iter().fold((0, 0), |(r, p), (_, (a, b))| (r + a, p + b))
    }
}

/// Starts `subject` cold with a fresh config folder; returns the time to its first screen.
async fn cold_start(subject: &mut Subject, config: &Path, measure_memory: bool) {
    let envs = [
        ("XDG_CONFIG_HOME", config.as_os_str()),
        ("XDG_DATA_HOME", config.as_os_str()),
        ("LANG", "en_US.UTF-8".as_ref()),
    ];
    let driver = Driver::start(&envs).await;
    let t = Instant::now();
    let client = driver.session(&subject.binary, &[]).await;
    while client.find(Locator::Css(subject.painted)).await.is_err() {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    subject.times.push(t.elapsed());
    if measure_memory {
        tokio::time::sleep(IDLE).await;
        subject.idle = processes(&subject.binary, config).into_iter().map(|(pid, name)| (name, memory(pid))).collect();
    }
    client.close().await.unwrap();
    driver.stop().await;
}

#[tokio::main]
async fn main() {
    let app: PathBuf = std::env::var_os("RECONNECT_APP_BIN")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("target/release/reconnect-app"));
    let app = app.canonicalize().expect("the release app: run `make dist` first");
    let mut subjects = vec![Subject {
        name: "Reconnect",
        binary: app,
        painted: "[data-playbook='gainsight'] button",
        times: Vec::new(),
        idle: Vec::new(),
    }];
    // The empty Tauri 2 window (`scripts/build-baseline.sh`), measured by the same harness in
    // the same run, alternating with Reconnect so both meet the same machine.
    if let Some(empty) = std::env::var_os("BASELINE_APP_BIN").map(PathBuf::from) {
        subjects.push(Subject {
            name: "empty Tauri 2 window",
            binary: empty.canonicalize().expect("the empty window's binary"),
            painted: "#title",
            times: Vec::new(),
            idle: Vec::new(),
        });
    }
    let scratch = tempfile_dir();
    for run in 0..RUNS {
        for (n, subject) in subjects.iter_mut().enumerate() {
            let config = scratch.join(format!("run-{run}-{n}"));
            std::fs::create_dir_all(&config).unwrap();
            cold_start(subject, &config, run == RUNS - 1).await;
        }
    }
    println!("start-up under Xvfb ({RUNS} cold process starts each, alternating, fresh config each;");
    println!("from asking WebDriver for the process to the first screen painted)");
    for s in &subjects {
        let mut t = s.times.clone();
        t.sort();
        println!(
            "  {:<22} median {:>5.0} ms (fastest {:.0} ms, slowest {:.0} ms)",
            s.name,
            s.median_ms(),
            t[0].as_secs_f64() * 1000.0,
            t[RUNS - 1].as_secs_f64() * 1000.0
        );
    }
    println!("memory after {} s idle on the first screen (kB)", IDLE.as_secs());
    for s in &subjects {
        for (name, (r, p)) in &s.idle {
            println!("  {:<22} {name:<24} RSS {r:>8}  PSS {p:>8}", s.name);
        }
        let (r, p) = s.memory();
        println!(
            "  {:<22} {:<24} RSS {r:>8}  PSS {p:>8}  ({:.0} MiB RSS, {:.0} MiB PSS)",
            s.name,
            "total",
            r as f64 / 1024.0,
            p as f64 / 1024.0
        );
    }
    if let [ours, empty] = &subjects[..] {
        let size = |p: &Path| std::fs::metadata(p).map(|m| m.len()).unwrap_or(0);
        let (a, b) = (size(&ours.binary), size(&empty.binary));
        let ((r1, p1), (r2, p2)) = (ours.memory(), empty.memory());
        println!("Reconnect / empty window");
        println!("  stripped binary  {a} / {b} bytes = {:.2}x", a as f64 / b as f64);
        println!(
            "  start-up         {:.0} / {:.0} ms = {:.2}x",
            ours.median_ms(),
            empty.median_ms(),
            ours.median_ms() / empty.median_ms()
        );
        println!("  idle PSS         {p1} / {p2} kB = {:.2}x", p1 as f64 / p2 as f64);
        println!("  idle RSS         {r1} / {r2} kB = {:.2}x", r1 as f64 / r2 as f64);
    }
    let _ = std::fs::remove_dir_all(&scratch);
}

fn tempfile_dir() -> PathBuf {
    let dir = std::env::temp_dir().join(format!("reconnect-startup-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}
