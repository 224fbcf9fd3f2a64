//! `sitewarden run` as ops see it: the real binary, a fixture site on
//! loopback, signals, the metrics endpoint, and a kill -9 in mid-crawl.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use bytes::Bytes;
use sitewarden::fixtures::{FixtureSet, SiteFiles, serve};
use sitewarden::model::vn_today;
use sitewarden::store::Store;

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("free port")
}

fn page(title: &str, body: &str) -> Bytes {
    Bytes::from(format!(
        "<!doctype html><html lang=\"vi\"><head><meta charset=\"utf-8\"><title>{title}</title></head><body><h1>{title}</h1>{body}\
         <footer>Cơ quan chủ quản: Ủy ban nhân dân tỉnh Thử Nghiệm. Chịu trách nhiệm chính: Nguyễn Văn A. Địa chỉ: 1 Lê Lợi. \
         Điện thoại: 0273 3870 000. Email: banbientap@thunghiem.gov.vn</footer></body></html>"
    ))
}

fn site(files: Vec<(&str, Bytes)>) -> SiteFiles {
    SiteFiles {
        files: files.into_iter().map(|(p, b)| (p.to_string(), b)).collect::<HashMap<_, _>>(),
        settings: Default::default(),
    }
}

fn entry(id: &str, base: &str, extra: &str) -> String {
    format!("[[site]]\nid = \"{id}\"\nname = \"Cổng thông tin {id}\"\nurl = \"{base}/\"\nkind = \"government\"\n{extra}\n")
}

fn write_config(dir: &Path, registry: &str, crawl: &str, report: &str, metrics_port: u16) -> PathBuf {
    std::fs::write(dir.join("sites.toml"), registry).expect("write registry");
    let config = format!(
        "state_dir = \"state\"\nregistry = \"sites.toml\"\n\n[crawl]\nper_host_rate = \"50/1s\"\nrequest_timeout = \"5s\"\nallow_private_addresses = true\nmax_pages_per_site = 60\n\n\
         [schedule]\ncrawl = \"{crawl}\"\nreport = \"{report}\"\n\n[report]\ndir = \"findings\"\nformats = [\"jsonl\", \"csv\", \"html\"]\n\n\
         [metrics]\nlisten = \"127.0.0.1:{metrics_port}\"\n"
    );
    let path = dir.join("sitewarden.toml");
    std::fs::write(&path, config).expect("write config");
    path
}

struct Daemon {
    child: Child,
    log: PathBuf,
}

impl Daemon {
    fn start(config: &Path, log: &Path) -> Daemon {
        let out = std::fs::OpenOptions::new().create(true).append(true).open(log).expect("log file");
        let child = Command::new(env!("CARGO_BIN_EXE_sitewarden"))
            .args(["--log-format", "json", "--config"])
            .arg(config)
            .arg("run")
            .env("SITEWARDEN_LOG", "info")
            .env_remove("NOTIFY_SOCKET")
            .env_remove("WATCHDOG_USEC")
            .stdout(Stdio::null())
            .stderr(out)
            .spawn()
            .expect("start sitewarden run");
        Daemon {
            child,
            log: log.to_path_buf(),
        }
    }

    fn signal(&self, name: &str) {
        let ok = Command::new("kill")
            .args([&format!("-{name}"), &self.child.id().to_string()])
            .status()
            .map(|s| s.success());
        assert_eq!(ok.ok(), Some(true), "kill -{name} failed");
    }

    fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    fn alive(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(None))
    }

    /// SIGTERM and the exit code, or None if it did not stop within `bound`.
    async fn stop(&mut self, bound: Duration) -> Option<i32> {
        self.signal("TERM");
        let start = Instant::now();
        while start.elapsed() < bound {
            if let Ok(Some(status)) = self.child.try_wait() {
                return status.code();
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        None
    }
}

impl Drop for Daemon {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

async fn eventually<F: FnMut() -> bool>(what: &str, limit: Duration, d: &Daemon, mut f: F) {
    let start = Instant::now();
    while start.elapsed() < limit {
        if f() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    panic!("timed out waiting for {what}; daemon log:\n{}", d.log());
}

async fn get(port: u16, path: &str) -> Option<(u16, String)> {
    let resp = reqwest::get(format!("http://127.0.0.1:{port}{path}")).await.ok()?;
    let status = resp.status().as_u16();
    Some((status, resp.text().await.ok()?))
}

async fn wait_http(port: u16, path: &str, d: &Daemon) -> (u16, String) {
    let start = Instant::now();
    while start.elapsed() < Duration::from_secs(30) {
        if let Some(r) = get(port, path).await {
            return r;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    panic!("{path} never answered; daemon log:\n{}", d.log());
}

/// After the daemon stopped: every site finished a crawl that was not
/// interrupted, and (once rules exist) today's results are stored for it.
fn assert_stored(state: &Path, sites: &[&str]) {
    let store = Store::open(&state.join("db"), 1 << 20).expect("database opens after the daemon stopped");
    let results = store.results_for_day(vn_today()).expect("read results");
    for site in sites {
        let crawl = store.crawl_state(site).expect("crawl state");
        assert!(crawl.finished_at.is_some() && !crawl.interrupted(), "{site}: {crawl:?}");
        if !sitewarden::rules::all().is_empty() {
            assert!(results.iter().any(|r| r.site == *site), "no stored results for {site}");
        }
    }
    assert!(results.iter().all(|r| sites.contains(&r.site.as_str())), "results of unknown sites");
}

/// Every line of a findings JSONL file is a result of one of `sites`.
fn findings_sites(path: &Path) -> Option<Vec<String>> {
    let text = std::fs::read_to_string(path).ok()?;
    text.lines()
        .map(|l| {
            serde_json::from_str::<serde_json::Value>(l)
                .ok()
                .and_then(|v| v.get("site")?.as_str().map(str::to_string))
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn runs_on_schedule_reloads_and_stops_cleanly() {
    let mut set = FixtureSet::default();
    let index = page("Trang chủ", "<ul><li><a href=\"/tin-tuc/\">Tin tức</a></li></ul>");
    let listing = page(
        "Tin tức",
        "<ul><li><a href=\"/tin-tuc/bai-viet-hom-nay-ve-kinh-te.html\">Bài viết hôm nay</a></li></ul>",
    );
    let article = page("Bài viết hôm nay", "<p>Nội dung bài viết.</p>");
    set.sites.insert(
        "gov".into(),
        site(vec![
            ("/index.html", index),
            ("/tin-tuc/index.html", listing),
            ("/tin-tuc/bai-viet-hom-nay-ve-kinh-te.html", article),
        ]),
    );
    set.registry_template = entry("gov", "{base:gov}", "");
    let fixtures = serve(&set).await.expect("fixture server");
    let base = fixtures.base("gov").expect("gov base");

    let dir = tempfile::tempdir().expect("tempdir");
    let port = free_port();
    let config = write_config(dir.path(), &fixtures.registry, "*/2 * * * * *", "*/2 * * * * *", port);
    let mut d = Daemon::start(&config, &dir.path().join("daemon.log"));

    let (status, body) = wait_http(port, "/healthz", &d).await;
    assert_eq!((status, body.trim()), (200, "ok"));

    let today = vn_today();
    let findings = dir.path().join("findings");
    let jsonl = findings.join(format!("findings-{today}.jsonl"));
    let rules_exist = !sitewarden::rules::all().is_empty();
    // The formats are written one after the other: wait for the last too.
    let html = findings.join(format!("findings-{today}.html"));
    eventually("the findings files with the site's results", Duration::from_secs(30), &d, || {
        findings_sites(&jsonl).is_some_and(|s| !rules_exist || s.contains(&"gov".to_string())) && html.is_file()
    })
    .await;
    for ext in ["csv", "html"] {
        assert!(
            findings.join(format!("findings-{today}.{ext}")).is_file(),
            "findings-{today}.{ext} missing"
        );
    }
    // The report is counted once its last file is written: the files may
    // be seen a moment before the count.
    let mut metrics = String::new();
    let start = Instant::now();
    while start.elapsed() < Duration::from_secs(30) {
        let (status, body) = wait_http(port, "/metrics", &d).await;
        assert_eq!(status, 200);
        metrics = body;
        if metrics.contains("sitewarden_reports_total{outcome=\"ok\"}") {
            break;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    assert!(metrics.contains("sitewarden_crawls_total{site=\"gov\""), "{metrics}");
    assert!(metrics.contains("sitewarden_pages_fetched_total{class=\"2xx\"}"), "{metrics}");
    assert!(
        metrics.contains("sitewarden_last_successful_crawl_timestamp_seconds{site=\"gov\"}"),
        "{metrics}"
    );
    assert!(metrics.contains("sitewarden_reports_total{outcome=\"ok\"}"), "{metrics}");
    assert!(d.log().contains("\"site checked\""), "no per-site summary line:\n{}", d.log());

    // A broken registry is refused with its location; the old one keeps running.
    std::fs::write(
        dir.path().join("sites.toml"),
        "[[site]]\nid = \"gov\"\nname = \"x\"\nurl = \"not a url\"\nkind = \"government\"\n",
    )
    .expect("write");
    d.signal("HUP");
    eventually("the refused reload in the log", Duration::from_secs(10), &d, || {
        d.log().contains("new configuration refused")
    })
    .await;
    let log = d.log();
    assert!(log.contains("sites.toml:4:7"), "the error must name file:line:col:\n{log}");
    assert!(d.alive(), "SIGHUP with a bad file must not stop the daemon");
    assert_eq!(get(port, "/healthz").await.map(|r| r.0), Some(200));

    // A good registry with a new site is taken: the new site gets crawled.
    let registry = format!("{}\n{}", entry("gov", &base, ""), entry("gov-moi", &base, ""));
    std::fs::write(dir.path().join("sites.toml"), registry).expect("write");
    d.signal("HUP");
    eventually("the new site to be crawled", Duration::from_secs(30), &d, || {
        d.log().contains("\"site checked\",\"site\":\"gov-moi\"")
    })
    .await;
    eventually("the new site in the findings", Duration::from_secs(30), &d, || {
        findings_sites(&jsonl).is_some_and(|s| !rules_exist || s.contains(&"gov-moi".to_string()))
    })
    .await;
    let (_, metrics) = wait_http(port, "/metrics", &d).await;
    assert!(metrics.contains("sitewarden_reloads_total{outcome=\"error\"} 1"), "{metrics}");
    assert!(metrics.contains("sitewarden_reloads_total{outcome=\"ok\"} 1"), "{metrics}");

    let code = d.stop(Duration::from_secs(15)).await;
    assert_eq!(
        code,
        Some(0),
        "SIGTERM must stop the daemon with exit 0 within 15 s; log:\n{}",
        d.log()
    );
    assert_stored(&dir.path().join("state"), &["gov", "gov-moi"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kill_9_mid_crawl_is_redone_at_restart() {
    let mut set = FixtureSet::default();
    let mut files = vec![("/index.html".to_string(), page("Trang chủ", ""))];
    for i in 0..30 {
        files.push((
            format!("/tin-tuc/{i}/index.html"),
            page(&format!("Tin tức {i}"), "<p>Nội dung.</p>"),
        ));
    }
    // Listing pages named in the registry are fetched whatever the links say.
    let news = |base: &str| {
        format!(
            "news = [{}]",
            (0..30).map(|i| format!("\"{base}/tin-tuc/{i}/\"")).collect::<Vec<_>>().join(", ")
        )
    };
    set.sites.insert(
        "slow".into(),
        SiteFiles {
            files: files.into_iter().collect(),
            settings: Default::default(),
        },
    );
    // Nightly schedule: the first start crawls because the site was never crawled.
    set.registry_template = entry("slow", "{base:slow}", &format!("per_host_rate = \"2/1s\"\n{}", news("{base:slow}")));
    let fixtures = serve(&set).await.expect("fixture server");
    let base = fixtures.base("slow").expect("base");

    let dir = tempfile::tempdir().expect("tempdir");
    let port = free_port();
    let config = write_config(dir.path(), &fixtures.registry, "0 0 1 * * *", "0 30 6 * * *", port);
    let mut d = Daemon::start(&config, &dir.path().join("daemon.log"));
    eventually("the crawl to be well under way", Duration::from_secs(30), &d, || {
        fixtures.requests().len() >= 5
    })
    .await;
    let _ = d.child.kill();
    let _ = d.child.wait();

    {
        let store = Store::open(&dir.path().join("state/db"), 1 << 20).expect("database opens after kill -9");
        assert!(
            store.crawl_state("slow").expect("state").interrupted(),
            "the killed crawl must be marked interrupted"
        );
        assert!(
            store.results_for_day(vn_today()).expect("results").is_empty(),
            "a half crawl must not store results"
        );
    }

    // Faster pace for the redo so the test stays short; same site id.
    std::fs::write(
        dir.path().join("sites.toml"),
        entry("slow", &base, &format!("per_host_rate = \"50/1s\"\n{}", news(&base))),
    )
    .expect("write");
    let mut d = Daemon::start(&config, &dir.path().join("daemon2.log"));
    eventually("the redone crawl", Duration::from_secs(40), &d, || {
        d.log().contains("\"site checked\"")
    })
    .await;
    assert!(d.log().contains("interrupted; redoing it now"), "{}", d.log());
    assert_eq!(d.stop(Duration::from_secs(15)).await, Some(0));
    assert_stored(&dir.path().join("state"), &["slow"]);
}
