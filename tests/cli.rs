//! The command line as a CI pipeline and an ops engineer meet it: exit codes,
//! error messages with file:line:col, output formats.

use std::collections::HashMap;
use std::path::Path;
use std::process::{Command, Output};

use bytes::Bytes;
use sitewarden::fixtures::write_fixture_config;
use sitewarden::fixtures::{FixtureSet, SiteFiles, serve};

fn sitewarden(args: &[&str], config: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_sitewarden"))
        .args(args)
        .arg("--config")
        .arg(config)
        .env("SITEWARDEN_LOG", "warn")
        .output()
        .expect("binary runs")
}

async fn sitewarden_async(args: Vec<String>, config: std::path::PathBuf) -> Output {
    tokio::task::spawn_blocking(move || {
        let a: Vec<&str> = args.iter().map(String::as_str).collect();
        sitewarden(&a, &config)
    })
    .await
    .expect("join")
}

/// One reachable site with no disclosures at all, and one dead one.
fn small_set() -> FixtureSet {
    let mut files = HashMap::new();
    files.insert(
        "/index.html".to_string(),
        Bytes::from_static("<html><head><title>Cổng TTĐT xã</title></head><body><p>Chào mừng</p></body></html>".as_bytes()),
    );
    let mut set = FixtureSet {
        registry_template: "[[site]]\nid = \"bare\"\nname = \"Cổng xã\"\nurl = \"{base:bare}/\"\nkind = \"government\"\n\n[[site]]\nid = \"dead\"\nname = \"Xã cũ\"\nurl = \"{base:!closed}/\"\nkind = \"aggregator\"\nlicense = \"1/GP-STTTT\"\n".into(),
        ..FixtureSet::default()
    };
    set.sites.insert(
        "bare".into(),
        SiteFiles {
            files,
            settings: Default::default(),
        },
    );
    set
}

#[test]
fn configuration_errors_name_file_line_and_column() {
    let dir = tempfile::tempdir().expect("tempdir");
    let cfg = dir.path().join("sitewarden.toml");
    std::fs::write(&cfg, "state_dir = \"s\"\n[crawl]\nper_host_rate = \"fast\"\n").expect("write");
    let out = sitewarden(&["config", "check"], &cfg);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains(&format!("{}:3:17:", cfg.display())), "{err}");

    std::fs::write(&cfg, "state_dir = \"s\"\n").expect("write");
    std::fs::write(dir.path().join("sites.toml"), "[[site]]\nid = \"a\"\nname = \"A\"\nurl = \"https://a.gov.vn/\"\nkind = \"government\"\n\n[[site]]\nid = \"a\"\nname = \"B\"\nurl = \"https://b.gov.vn/\"\nkind = \"government\"\n").expect("write");
    let out = sitewarden(&["check", "--fail-on", "never"], &cfg);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("sites.toml:8:6:") && err.contains("duplicate site id"), "{err}");

    let out = sitewarden(&["config", "check"], &dir.path().join("missing.toml"));
    assert_eq!(out.status.code(), Some(2));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn check_exit_codes_and_formats() {
    let set = small_set();
    let running = serve(&set).await.expect("serve");
    let dir = tempfile::tempdir().expect("tempdir");
    let cfg = write_fixture_config(dir.path(), &set, &running.registry).expect("config");
    let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();

    // Violations fail the build by default...
    let out = sitewarden_async(s(&["check", "--as-of", "2026-11-25"]), cfg.clone()).await;
    assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stderr));
    let lines: Vec<serde_json::Value> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| serde_json::from_str(l).ok())
        .filter(|v: &serde_json::Value| v.get("rule").is_some())
        .collect();
    let reachable = |site: &str| {
        lines
            .iter()
            .find(|v| v["site"] == site && v["rule"] == "site.reachable")
            .cloned()
            .unwrap_or_default()
    };
    assert_eq!(reachable("bare")["status"], "pass");
    assert_eq!(reachable("dead")["status"], "fail");
    assert!(
        reachable("dead")["evidence"].to_string().contains("connect"),
        "{}",
        reachable("dead")
    );
    // ...and never with --fail-on never.
    let out = sitewarden_async(
        s(&["check", "--as-of", "2026-11-25", "--fail-on", "never", "--site", "bare"]),
        cfg.clone(),
    )
    .await;
    assert_eq!(out.status.code(), Some(0));

    // An unknown site id is a usage error.
    let out = sitewarden_async(s(&["check", "--site", "nope"]), cfg.clone()).await;
    assert_eq!(out.status.code(), Some(2));

    // CSV opens in Excel: BOM, Vietnamese headers.
    let csv = dir.path().join("out.csv");
    let out = sitewarden_async(
        s(&[
            "check",
            "--as-of",
            "2026-11-25",
            "--format",
            "csv",
            "--out",
            csv.to_str().unwrap_or_default(),
            "--fail-on",
            "never",
        ]),
        cfg.clone(),
    )
    .await;
    assert_eq!(out.status.code(), Some(0));
    let bytes = std::fs::read(&csv).expect("csv written");
    assert!(bytes.starts_with(b"\xEF\xBB\xBF"), "BOM");
    let text = String::from_utf8_lossy(&bytes);
    assert!(text.contains("Không đạt"), "{text}");

    // JUnit: one testsuite per site, failures and skipped.
    let out = sitewarden_async(
        s(&["check", "--as-of", "2026-11-25", "--format", "junit", "--fail-on", "never"]),
        cfg.clone(),
    )
    .await;
    let xml = String::from_utf8_lossy(&out.stdout);
    assert_eq!(xml.matches("<testsuite ").count(), 2, "{xml}");
    assert!(xml.contains("<failure") && xml.contains("<skipped"), "{xml}");

    // The stored day can be rendered again without crawling.
    let before = running.requests().len();
    let out = sitewarden_async(s(&["report", "--date", "2026-11-25", "--format", "jsonl"]), cfg.clone()).await;
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).contains("\"site.reachable\""));
    assert_eq!(running.requests().len(), before, "report must not crawl");

    // While another process (the daemon) holds the database, `report` still
    // works, and `check` says what is wrong with exit 3.
    let held = sitewarden::store::Store::open(&dir.path().join("state/db"), 1 << 20).expect("hold the database");
    let out = sitewarden_async(s(&["report", "--date", "2026-11-25", "--format", "jsonl"]), cfg.clone()).await;
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).contains("\"site.reachable\""));
    let out = sitewarden_async(s(&["check", "--site", "bare"]), cfg.clone()).await;
    assert_eq!(out.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&out.stderr).contains("another sitewarden process"));
    drop(held);
}

/// Progress (sites done, failing so far, time left) is for a person at a
/// terminal: with stderr going to a pipe, as in a script or CI, stderr holds
/// log lines only, no escape codes, no carriage returns, no summary; and
/// `--quiet` is accepted. stdout has the results either way.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_progress_output_when_stderr_is_not_a_terminal() {
    let set = small_set();
    let running = serve(&set).await.expect("serve");
    let dir = tempfile::tempdir().expect("tempdir");
    let cfg = write_fixture_config(dir.path(), &set, &running.registry).expect("config");
    for quiet in [false, true] {
        let out = tokio::task::spawn_blocking({
            let cfg = cfg.clone();
            move || {
                let mut cmd = Command::new(env!("CARGO_BIN_EXE_sitewarden"));
                cmd.args(["check", "--as-of", "2026-11-25", "--fail-on", "never"]);
                if quiet {
                    cmd.arg("--quiet");
                }
                // Info, so the log is not empty: lines, but no bar among them.
                cmd.arg("--config")
                    .arg(&cfg)
                    .env("SITEWARDEN_LOG", "info")
                    .output()
                    .expect("binary runs")
            }
        })
        .await
        .expect("join");
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(0), "{err}");
        assert!(!err.is_empty(), "the log at info level is expected on stderr");
        assert!(!err.contains('\x1b') && !err.contains('\r'), "escape codes or redraws in {err:?}");
        assert!(!err.contains(" failing") && !err.contains("sites in"), "progress text in {err:?}");
        assert!(String::from_utf8_lossy(&out.stdout).contains("\"site.reachable\""));
    }
}

/// `check` keeps no site's results past its check (issue 14): jsonl is
/// written site by site (to a file through a temp name), the other formats
/// are read back from the run's spool file at the end, and either way a run's output
/// holds that run's results once each, whatever ran earlier that day.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn check_output_streamed_or_read_back_holds_the_runs_results_once() {
    let set = small_set();
    let running = serve(&set).await.expect("serve");
    let dir = tempfile::tempdir().expect("tempdir");
    let cfg = write_fixture_config(dir.path(), &set, &running.registry).expect("config");
    let jsonl = dir.path().join("out.jsonl");
    let junit = dir.path().join("out.xml");
    let path = |p: &Path| p.to_str().unwrap_or_default().to_string();
    for _ in 0..2 {
        for (format, out) in [("jsonl", &jsonl), ("junit", &junit)] {
            let args = [
                "check",
                "--as-of",
                "2026-11-25",
                "--fail-on",
                "never",
                "--format",
                format,
                "--out",
                &path(out),
            ];
            let out = sitewarden_async(args.iter().map(|a| a.to_string()).collect(), cfg.clone()).await;
            assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
        }
    }
    let text = std::fs::read_to_string(&jsonl).expect("jsonl written");
    let reachable: Vec<serde_json::Value> = text
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter(|v| v["rule"] == "site.reachable")
        .collect();
    assert_eq!(reachable.len(), 2, "{text}");
    let leftovers = std::fs::read_dir(dir.path())
        .expect("dir")
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().contains(".tmp-"))
        .count();
    assert_eq!(leftovers, 0, "temp files left behind");
    let xml = std::fs::read_to_string(&junit).expect("junit written");
    assert_eq!(xml.matches("<testsuite ").count(), 2, "{xml}");
    assert_eq!(xml.matches("name=\"site.reachable\"").count(), 2, "{xml}");
}
