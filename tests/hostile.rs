//! Issue 11: inputs and surroundings that broke the crawler or the SSRF
//! guard, each against its own loopback server on 127.0.0.1.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use bytes::Bytes;
use http_body_util::Full;
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response};
use hyper_util::rt::TokioIo;
use sitewarden::config::{CrawlConfig, Rate};
use sitewarden::crawler::site::NoCache;
use sitewarden::crawler::{Fetcher, SiteCrawl, crawl_site};
use sitewarden::model::{FailureKind, Kind};
use sitewarden::registry::Site;
use tokio::net::TcpListener;
use tokio::sync::watch;
use url::Url;

// ---------------------------------------------------------------------------
// A loopback HTTP/1.1 server that answers by request target and remembers
// every target it was sent (a proxy is sent absolute URLs).

type Handler = dyn Fn(&str) -> Response<Full<Bytes>> + Send + Sync;

struct Loopback {
    addr: SocketAddr,
    seen: Arc<Mutex<Vec<String>>>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for Loopback {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl Loopback {
    async fn start(handler: impl Fn(&str) -> Response<Full<Bytes>> + Send + Sync + 'static) -> Loopback {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind 127.0.0.1");
        let addr = listener.local_addr().expect("local addr");
        let seen: Arc<Mutex<Vec<String>>> = Arc::default();
        let handler: Arc<Handler> = Arc::new(handler);
        let task = tokio::spawn({
            let seen = seen.clone();
            async move {
                while let Ok((stream, _)) = listener.accept().await {
                    let (seen, handler) = (seen.clone(), handler.clone());
                    tokio::spawn(async move {
                        let service = service_fn(move |req: Request<Incoming>| {
                            let target = req.uri().to_string();
                            seen.lock().expect("seen").push(target.clone());
                            let resp = handler(&target);
                            async move { Ok::<_, Infallible>(resp) }
                        });
                        let _ = http1::Builder::new().serve_connection(TokioIo::new(stream), service).await;
                    });
                }
            }
        });
        Loopback { addr, seen, task }
    }

    fn url(&self, path: &str) -> Url {
        Url::parse(&format!("http://{}{path}", self.addr)).expect("url")
    }

    fn seen(&self) -> Vec<String> {
        self.seen.lock().expect("seen").clone()
    }
}

fn answer(status: u16, content_type: &str, body: impl Into<Bytes>) -> Response<Full<Bytes>> {
    Response::builder()
        .status(status)
        .header("content-type", content_type)
        .body(Full::new(body.into()))
        .expect("response")
}

fn not_found() -> Response<Full<Bytes>> {
    answer(404, "text/plain", "not found")
}

fn config(allow_private: bool) -> CrawlConfig {
    CrawlConfig {
        per_host_rate: Rate {
            count: 50,
            per: Duration::from_secs(1),
        },
        max_pages_per_site: 5,
        request_timeout: Duration::from_secs(5),
        allow_private_addresses: allow_private,
        max_retry_after: Duration::from_secs(1),
        ..CrawlConfig::default()
    }
}

fn site(url: Url) -> Site {
    Site::new("xa", "Cổng xã", url, Kind::Government)
}

async fn crawl(cfg: &CrawlConfig, home: Url) -> SiteCrawl {
    let fetcher = Fetcher::new(cfg).expect("client");
    let (_tx, rx) = watch::channel(false);
    crawl_site(fetcher, &site(home), &NoCache, rx).await
}

// ---------------------------------------------------------------------------
// 1. robots.txt with a long multi-byte line.

#[tokio::test]
async fn robots_txt_with_an_overlong_multibyte_line_is_obeyed_not_a_panic() {
    let mut robots = "a".repeat(16_700);
    robots.push_str(&"ệ".repeat(100));
    robots.push_str("\nUser-agent: sitewarden\nDisallow: /\n");
    let server = Loopback::start(move |target| match target {
        "/robots.txt" => answer(200, "text/plain; charset=utf-8", robots.clone()),
        _ => answer(200, "text/html", "<html><body>home</body></html>"),
    })
    .await;
    let c = crawl(&config(true), server.url("/")).await;
    let home = c.home.expect_err("the later group forbids everything");
    assert_eq!(home.kind, FailureKind::RobotsDenied, "{home:?}");
    assert_eq!(server.seen(), vec!["/robots.txt".to_string()]);
}

// ---------------------------------------------------------------------------
// 2. Proxies and the SSRF guard.

/// A "proxy" that would let anything through: it answers 200 to every request.
async fn open_proxy() -> Loopback {
    Loopback::start(|_| answer(200, "text/html", "<html><body>via the proxy</body></html>")).await
}

const CHILD_TARGETS: &str = "SITEWARDEN_HOSTILE_TARGETS";

/// Run in a process of its own by `proxy_environment_variables_are_ignored`:
/// the `*_PROXY` variables must be in the environment before the client is
/// built, and setting them here would leak into every other test.
#[tokio::test]
#[ignore = "run by proxy_environment_variables_are_ignored with the proxy variables set"]
async fn proxy_environment_child() {
    let Ok(targets) = std::env::var(CHILD_TARGETS) else {
        return;
    };
    assert!(std::env::var_os("HTTP_PROXY").is_some(), "the parent sets the proxy variables");
    let fetcher = Fetcher::new(&config(false)).expect("client");
    for target in targets.split(' ') {
        let url = Url::parse(target).expect("target url");
        match fetcher.get(&url, None, Duration::ZERO, 10_000).await {
            Err(f) => assert_eq!(f.kind, FailureKind::PrivateAddress, "{target}: {f:?}"),
            Ok(r) => panic!("{target} was fetched (HTTP {}) despite allow_private_addresses = false", r.status),
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn proxy_environment_variables_are_ignored() {
    let proxy = open_proxy().await;
    let target = Loopback::start(|_| answer(200, "text/html", "<html>local</html>")).await;
    let port = target.addr.port();
    let proxy_url = format!("http://{}", proxy.addr);
    let targets = format!("http://localhost:{port}/ https://localhost:{port}/ http://localhost:{port}/admin");
    let exe = std::env::current_exe().expect("test binary");
    let out = tokio::task::spawn_blocking(move || {
        let mut cmd = std::process::Command::new(exe);
        cmd.args(["proxy_environment_child", "--exact", "--ignored", "--nocapture"])
            .env(CHILD_TARGETS, targets)
            .env_remove("NO_PROXY")
            .env_remove("no_proxy")
            .env_remove("REQUEST_METHOD");
        for var in ["HTTP_PROXY", "http_proxy", "HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy"] {
            cmd.env(var, &proxy_url);
        }
        cmd.output().expect("run the child test")
    })
    .await
    .expect("join");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}\n{}", String::from_utf8_lossy(&out.stderr));
    assert!(stdout.contains("1 passed"), "the child test did not run: {stdout}");
    assert_eq!(proxy.seen(), Vec::<String>::new(), "requests reached the proxy");
    assert_eq!(target.seen(), Vec::<String>::new(), "requests reached the private target");
}

#[tokio::test]
async fn configured_proxy_does_not_carry_requests_to_private_targets() {
    let proxy = open_proxy().await;
    let target = Loopback::start(|_| answer(200, "text/html", "<html>local</html>")).await;
    let port = target.addr.port();
    let cfg = CrawlConfig {
        // By name, as an operator would write it: the proxy itself may be private.
        proxy: Some(Url::parse(&format!("http://localhost:{}", proxy.addr.port())).expect("proxy url")),
        ..config(false)
    };
    let fetcher = Fetcher::new(&cfg).expect("client");
    for t in [
        format!("http://localhost:{port}/"),
        format!("https://localhost:{port}/"),
        format!("http://127.0.0.1:{port}/"),
        format!("http://[::1]:{port}/"),
        format!("http://[64:ff9b::7f00:1]:{port}/"),
    ] {
        let url = Url::parse(&t).expect("url");
        let f = fetcher.get(&url, None, Duration::ZERO, 10_000).await.expect_err(&t);
        assert_eq!(f.kind, FailureKind::PrivateAddress, "{t}: {f:?}");
    }
    assert_eq!(proxy.seen(), Vec::<String>::new(), "requests reached the proxy");
    assert_eq!(target.seen(), Vec::<String>::new());

    // Allowed, the same request does go through the proxy, not straight to the target.
    let allowing = Fetcher::new(&CrawlConfig {
        allow_private_addresses: true,
        ..cfg.clone()
    })
    .expect("client");
    let url = Url::parse(&format!("http://localhost:{port}/tin-tuc")).expect("url");
    let r = allowing.get(&url, None, Duration::ZERO, 10_000).await.expect("through the proxy");
    assert_eq!(r.status, 200);
    assert_eq!(proxy.seen(), vec![url.to_string()]);
    assert_eq!(target.seen(), Vec::<String>::new());
}

// ---------------------------------------------------------------------------
// 3. Waiting for our own per-host pace is not a timeout.

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fetches_queued_behind_a_slow_host_pace_do_not_time_out() {
    let server = Loopback::start(|_| answer(200, "text/html", "<html><body>ok</body></html>")).await;
    // A fetch may take 2 × 1 s + 0 s; the fifth site waits 4 × 0.7 s for its turn.
    let cfg = CrawlConfig {
        request_timeout: Duration::from_secs(1),
        max_retry_after: Duration::ZERO,
        ..config(true)
    };
    let shared = Fetcher::new(&cfg).expect("client");
    let pace = Duration::from_millis(700);
    let started = Instant::now();
    let mut crawls = Vec::new();
    for i in 0..5 {
        let fetcher = shared.for_site(&server.url("/"));
        let url = server.url(&format!("/site-{i}/"));
        crawls.push(tokio::spawn(async move { fetcher.get(&url, None, pace, 10_000).await }));
    }
    for (i, c) in crawls.into_iter().enumerate() {
        let r = c.await.expect("join");
        assert_eq!(r.map(|r| r.status).map_err(|f| f.detail), Ok(200), "site {i}");
    }
    assert!(started.elapsed() >= pace * 4, "the pace was not kept: {:?}", started.elapsed());
    assert_eq!(server.seen().len(), 5);
}

#[tokio::test]
async fn a_slow_answer_still_times_out() {
    let server = Loopback::start(|_| answer(200, "text/html", "<html>ok</html>")).await;
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let silent = listener.local_addr().expect("addr");
    // Accepts and never answers.
    let hold = tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((s, _)) = listener.accept().await {
            held.push(s);
        }
    });
    let cfg = CrawlConfig {
        request_timeout: Duration::from_millis(500),
        max_retry_after: Duration::ZERO,
        ..config(true)
    };
    let fetcher = Fetcher::new(&cfg).expect("client");
    assert!(fetcher.get(&server.url("/"), None, Duration::ZERO, 10_000).await.is_ok());
    let url = Url::parse(&format!("http://{silent}/")).expect("url");
    let started = Instant::now();
    let f = fetcher.get(&url, None, Duration::ZERO, 10_000).await.expect_err("no answer");
    assert_eq!(f.kind, FailureKind::Timeout, "{f:?}");
    // It ends by the timeout, not by the server (which never answers);
    // the bound only tells the two apart, generously for a loaded machine.
    assert!(started.elapsed() < Duration::from_secs(30), "{:?}", started.elapsed());
    hold.abort();
}

// ---------------------------------------------------------------------------
// 4. A UTF-8 page cut at max_body_bytes inside a character.

#[tokio::test]
async fn utf8_page_cut_mid_character_at_the_cap_is_read_as_utf8() {
    const CAP: usize = 20_000;
    let title = "Cổng thông tin điện tử xã Tân Mỹ Chánh";
    let footer = "<footer>Cơ quan chủ quản: Ủy ban nhân dân xã Tân Mỹ Chánh</footer></body></html>";
    let mut page = format!("<html><head><title>{title}</title></head><body>");
    let news = "<p>Tin tức hoạt động</p>\n";
    page.push_str(&news.repeat((CAP - page.len() - 40) / news.len()));
    while page.len() + footer.len() <= CAP || footer.is_char_boundary(CAP - page.len()) {
        page.push(' ');
    }
    page.push_str(footer);
    assert!(!page.is_char_boundary(CAP));
    let server = Loopback::start(move |target| match target {
        // No charset anywhere: detection decides.
        "/" => answer(200, "text/html", page.clone()),
        _ => not_found(),
    })
    .await;
    let cfg = CrawlConfig {
        max_body_bytes: CAP,
        ..config(true)
    };
    let c = crawl(&cfg, server.url("/")).await;
    assert!(c.home.is_ok(), "{:?}", c.home);
    let home = c.home_page().expect("home page");
    assert!(home.truncated);
    assert_eq!(home.facts.title.as_deref(), Some(title));
}

// ---------------------------------------------------------------------------
// 5. A user agent that cannot be an HTTP header.

#[test]
fn config_check_locates_a_user_agent_with_a_line_break() {
    let dir = tempfile::tempdir().expect("tempdir");
    let cfg = dir.path().join("sitewarden.toml");
    std::fs::write(
        &cfg,
        "state_dir = \"s\"\n[crawl]\nuser_agent = \"sitewarden/0.1\\r\\nX-Forwarded-For: 10.0.0.1\"\n",
    )
    .expect("write");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_sitewarden"))
        .args(["config", "check", "--config"])
        .arg(&cfg)
        .env("SITEWARDEN_LOG", "warn")
        .output()
        .expect("binary runs");
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains(&format!("{}:3:14:", cfg.display())), "{err}");
    assert!(err.contains("user_agent"), "{err}");
}

// ---------------------------------------------------------------------------
// Issue 11, 1b: a panic while checking one site costs that site its results,
// never the other sites' or the run.

/// A config and registry in `dir` for `sites` (id, home URL), loopback allowed.
fn write_settings(dir: &std::path::Path, sites: &[(&str, Url)], extra: &str) -> std::path::PathBuf {
    let registry: String = sites
        .iter()
        .map(|(id, url)| format!("[[site]]\nid = \"{id}\"\nname = \"Cổng {id}\"\nurl = \"{url}\"\nkind = \"government\"\n\n"))
        .collect();
    std::fs::write(dir.join("sites.toml"), registry).expect("registry");
    let config = dir.join("sitewarden.toml");
    let rate = if extra.contains("per_host_rate") {
        ""
    } else {
        "per_host_rate = \"50/1s\"\n"
    };
    std::fs::write(
        &config,
        format!("state_dir = \"state\"\nregistry = \"sites.toml\"\n[crawl]\nallow_private_addresses = true\nrequest_timeout = \"5s\"\n{rate}{extra}"),
    )
    .expect("config");
    config
}

fn portal(title: &str) -> String {
    format!(
        "<!doctype html><html><head><meta charset=\"utf-8\"><title>{title}</title></head><body><h1>{title}</h1>\
         <footer>Cơ quan chủ quản: Ủy ban nhân dân xã. Điện thoại: 0273 3870 000. Email: bbt@xa.gov.vn</footer></body></html>"
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_panic_while_checking_one_site_makes_its_results_internal_error_and_spares_the_others() {
    use sitewarden::engine::Engine;
    use sitewarden::model::Status;
    use sitewarden::settings::Settings;

    let server = Loopback::start(|target| match target {
        "/robots.txt" => not_found(),
        t if t.ends_with('/') => answer(200, "text/html; charset=utf-8", portal("Cổng thông tin")),
        _ => not_found(),
    })
    .await;
    let dir = tempfile::tempdir().expect("tempdir");
    let config = write_settings(
        dir.path(),
        &[("a", server.url("/a/")), ("b", server.url("/b/")), ("c", server.url("/c/"))],
        "",
    );
    let settings = Settings::load(&config).expect("settings");
    let sites = settings.registry.sites().collect::<Vec<_>>();
    let engine = Engine::new(settings).expect("engine").panic_on_site("b");
    let as_of = chrono::NaiveDate::from_ymd_opt(2026, 11, 25).expect("date");
    let (_tx, rx) = watch::channel(false);
    let outcomes = engine.check(&sites, as_of, rx).await.expect("the run goes on");
    let ids: Vec<&str> = outcomes.iter().map(|o| o.crawl.site_id.as_str()).collect();
    assert_eq!(ids, ["a", "b", "c"]);
    for o in &outcomes {
        let reachable = o.results.iter().find(|r| r.rule == "site.reachable").expect("site.reachable");
        if o.crawl.site_id == "b" {
            assert!(o.results.iter().all(|r| r.status == Status::Unknown), "{:?}", o.results);
            for r in &o.results {
                let detail = &r.evidence[0].detail;
                assert!(
                    detail.starts_with("internal_error: lỗi nội bộ khi kiểm tra trang: test hook: panic while checking b"),
                    "{detail}"
                );
            }
        } else {
            assert_eq!(reachable.status, Status::Pass, "{reachable:?}");
            assert!(
                o.results
                    .iter()
                    .all(|r| !r.evidence.iter().any(|e| e.detail.contains("internal_error")))
            );
        }
    }
    // What was stored is what a report shows the next morning.
    let stored = engine.store.results_for_day(as_of).expect("stored");
    let n = |site: &str| stored.iter().filter(|r| r.site == site).count();
    assert_eq!(
        (n("a"), n("b"), n("c")),
        (outcomes[0].results.len(), outcomes[1].results.len(), outcomes[2].results.len())
    );
    assert!(
        !engine.store.crawl_state("b").expect("state").interrupted(),
        "b is not redone as if interrupted"
    );
}

// ---------------------------------------------------------------------------
// Issue 11, 2: no predictable names in shared or officer-visible places.

#[cfg(unix)]
#[test]
fn findings_temp_file_does_not_follow_a_link_planted_at_the_old_predictable_name() {
    let dir = tempfile::tempdir().expect("tempdir");
    let elsewhere = tempfile::tempdir().expect("tempdir");
    let victim = elsewhere.path().join("victim.txt");
    std::fs::write(&victim, "keep me").expect("victim");
    let target = dir.path().join("findings-2026-11-25.jsonl");
    // The name the writer used to take: .<file>.tmp-<pid>.
    let planted = dir.path().join(format!(".findings-2026-11-25.jsonl.tmp-{}", std::process::id()));
    std::os::unix::fs::symlink(&victim, &planted).expect("plant a link");

    sitewarden::report::write_atomically(&target, |w| w.write_all(b"{\"new\":1}\n")).expect("write");

    assert_eq!(std::fs::read_to_string(&victim).expect("victim"), "keep me");
    assert_eq!(std::fs::read_link(&planted).expect("the link is left alone"), victim);
    let meta = std::fs::symlink_metadata(&target).expect("target");
    assert!(meta.file_type().is_file(), "the findings file is a plain file: {meta:?}");
    assert_eq!(std::fs::read_to_string(&target).expect("target"), "{\"new\":1}\n");
    // Nothing but the planted link and the file itself is left behind.
    let mut names: Vec<String> = std::fs::read_dir(dir.path())
        .expect("dir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names.len(), 2, "{names:?}");
}

#[cfg(unix)]
#[test]
fn report_copies_the_database_into_a_private_directory_not_through_a_planted_link() {
    use std::os::unix::fs::PermissionsExt;

    let dir = tempfile::tempdir().expect("tempdir");
    let config = write_settings(dir.path(), &[("a", Url::parse("http://127.0.0.1:9/").expect("url"))], "");
    let settings = sitewarden::settings::Settings::load(&config).expect("settings");
    // The daemon holds the database, so the report reads a copy.
    let held = sitewarden::store::Store::open(&settings.config.db_path(), 1 << 20).expect("hold the database");
    held.flush().expect("flush");

    let elsewhere = tempfile::tempdir().expect("tempdir");
    let victim = elsewhere.path().join("victim");
    std::fs::create_dir(&victim).expect("victim dir");
    let planted = std::env::temp_dir().join(format!("sitewarden-report-{}", std::process::id()));
    let _ = std::fs::remove_file(&planted);
    std::os::unix::fs::symlink(&victim, &planted).expect("plant a link");

    let read = sitewarden::findings::open_store_for_reading(&settings.config);
    let copy_dir = read.as_ref().ok().map(|r| r.copy_dir().to_path_buf());
    let mode = copy_dir
        .as_ref()
        .map(|d| std::fs::metadata(d).expect("copy dir").permissions().mode() & 0o777);
    let read = read.expect("the report opens a copy");
    assert_eq!(mode, Some(0o700), "{copy_dir:?}");
    assert_ne!(copy_dir.as_deref(), Some(planted.as_path()));
    drop(read);

    let victim_entries = std::fs::read_dir(&victim).expect("victim").count();
    let link = std::fs::read_link(&planted);
    let _ = std::fs::remove_file(&planted);
    assert_eq!(victim_entries, 0, "the copy went through the planted link");
    assert_eq!(link.expect("the link is left alone"), victim);
    assert!(copy_dir.is_some_and(|d| !d.exists()), "the copy is removed after the report");
    drop(held);
}

// ---------------------------------------------------------------------------
// Issue 11, 4: the metrics listener under idle connections, and running out
// of file descriptors is never the site's fault.

const CHILD_EXHAUST: &str = "SITEWARDEN_HOSTILE_EXHAUST_FDS";

/// Run in a process of its own by `out_of_file_descriptors_the_site_is_unknown_not_unreachable`:
/// it uses up every file descriptor of its process.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "run by out_of_file_descriptors_the_site_is_unknown_not_unreachable"]
async fn exhaust_file_descriptors_child() {
    use sitewarden::engine::Engine;
    use sitewarden::model::Status;
    use sitewarden::settings::Settings;

    let Ok(dir) = std::env::var(CHILD_EXHAUST) else {
        return;
    };
    let server = Loopback::start(|_| answer(200, "text/html; charset=utf-8", portal("Cổng thông tin"))).await;
    let config = write_settings(std::path::Path::new(&dir), &[("xa", server.url("/"))], "");
    let settings = Settings::load(&config).expect("settings");
    let sites = settings.registry.sites().collect::<Vec<_>>();
    let engine = Engine::new(settings).expect("engine");
    // Hold every descriptor the process may still open.
    let mut held = Vec::new();
    loop {
        match std::fs::File::open("/dev/null") {
            Ok(f) => held.push(f),
            Err(e) => {
                assert_eq!(e.raw_os_error(), Some(24), "expected EMFILE, got {e}");
                break;
            }
        }
        assert!(held.len() < 1_000_000, "no descriptor limit");
    }
    let (_tx, rx) = watch::channel(false);
    let outcomes = engine
        .check(&sites, chrono::NaiveDate::from_ymd_opt(2026, 11, 25).expect("date"), rx)
        .await;
    drop(held);
    let outcomes = outcomes.expect("the check still ends");
    let results = &outcomes[0].results;
    let reachable = results.iter().find(|r| r.rule == "site.reachable").expect("site.reachable");
    assert_eq!(reachable.status, Status::Unknown, "{reachable:?}");
    assert!(
        reachable.evidence[0].detail.starts_with("local_resource: ") && reachable.evidence[0].detail.contains("không phải lỗi của trang"),
        "{reachable:?}"
    );
    assert!(results.iter().all(|r| r.status != Status::Fail), "{results:?}");
    println!("CHILD-CHECKED");
}

#[cfg(target_os = "linux")]
#[test]
fn out_of_file_descriptors_the_site_is_unknown_not_unreachable() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = std::process::Command::new(std::env::current_exe().expect("test binary"))
        .args([
            "exhaust_file_descriptors_child",
            "--exact",
            "--ignored",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(CHILD_EXHAUST, dir.path())
        .output()
        .expect("run the child test");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}\n{}", String::from_utf8_lossy(&out.stderr));
    assert!(stdout.contains("CHILD-CHECKED"), "the child test did not run: {stdout}");
}

/// Blocking GET on a fresh connection; the whole answer, or why not.
fn http_get(addr: SocketAddr, path: &str, within: Duration) -> std::io::Result<String> {
    use std::io::{Read, Write};
    let mut s = std::net::TcpStream::connect_timeout(&addr, within)?;
    s.set_read_timeout(Some(within))?;
    s.write_all(format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n").as_bytes())?;
    let mut answer = String::new();
    s.read_to_string(&mut answer)?;
    Ok(answer)
}

/// How many of `conns` the server has not closed.
fn still_open(conns: &[std::net::TcpStream]) -> usize {
    use std::io::Read;
    conns
        .iter()
        .filter(|c| {
            let mut c: &std::net::TcpStream = c;
            let mut buf = [0u8; 16];
            // Non-blocking: WouldBlock means open and silent; EOF or a reset, closed.
            matches!(c.read(&mut buf), Err(e) if e.kind() == std::io::ErrorKind::WouldBlock)
        })
        .count()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn healthz_answers_while_many_idle_connections_are_held_open() {
    use sitewarden::metrics::server::{Health, ServerLimits, serve_metrics_with};

    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    let limits = ServerLimits {
        max_connections: 32,
        idle: Duration::from_secs(2),
        lifetime: Duration::from_secs(60),
    };
    let server = tokio::spawn(serve_metrics_with(listener, Arc::new(Health::new(Duration::from_secs(60))), limits));

    let idle: Vec<std::net::TcpStream> = (0..200)
        .map(|_| {
            let c = std::net::TcpStream::connect(addr).expect("connect");
            c.set_nonblocking(true).expect("nonblocking");
            c
        })
        .collect();
    tokio::time::sleep(Duration::from_millis(300)).await;

    let started = Instant::now();
    let answer = tokio::task::spawn_blocking(move || http_get(addr, "/healthz", Duration::from_secs(3)))
        .await
        .expect("join")
        .expect("/healthz answers");
    assert!(answer.starts_with("HTTP/1.1 200") && answer.ends_with("ok\n"), "{answer}");
    assert!(started.elapsed() < Duration::from_secs(1), "/healthz took {:?}", started.elapsed());

    // The server holds at most its cap; the rest were closed, not kept.
    let open = still_open(&idle);
    assert!(open <= 32, "{open} idle connections still held by the server");
    // And those it kept go once they have been idle for the limit.
    tokio::time::sleep(Duration::from_millis(2_500)).await;
    assert_eq!(still_open(&idle), 0, "idle connections outlived the idle limit");
    server.abort();
}

// ---------------------------------------------------------------------------
// Issue 11, 7: a page's tags, not its bytes, are what the parser's memory
// follows; a page with more tags than any real one is cut, and says so.

#[tokio::test]
async fn a_page_of_hundreds_of_thousands_of_tags_is_cut_and_the_crawl_says_so() {
    let mut page = String::from("<html><head><title>Cổng thông tin xã</title></head><body>");
    page.push_str(&"<p>".repeat(300_000));
    let server = Loopback::start(move |target| match target {
        "/" => answer(200, "text/html; charset=utf-8", page.clone()),
        _ => not_found(),
    })
    .await;
    let c = crawl(&config(true), server.url("/")).await;
    assert!(c.home.is_ok(), "{:?}", c.home);
    assert_eq!(c.home_page().and_then(|p| p.facts.title.as_deref()), Some("Cổng thông tin xã"));
    let note = c.partial_note().expect("the cut is noted");
    assert!(note.contains("more than 100000 tags; analysed only the first"), "{note}");
}

// ---------------------------------------------------------------------------
// Issue 11, 8: what a site lists in its sitemaps cannot grow the store
// without bound.

/// Size of the files under `dir`.
fn dir_bytes(dir: &std::path::Path) -> u64 {
    std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .flatten()
                .map(|e| match e.file_type() {
                    Ok(t) if t.is_dir() => dir_bytes(&e.path()),
                    _ => e.metadata().map_or(0, |m| m.len()),
                })
                .sum()
        })
        .unwrap_or(0)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn three_sitemaps_of_50000_new_urls_a_night_store_a_bounded_number_of_items() {
    use std::sync::atomic::{AtomicI64, Ordering};

    use sitewarden::crawler::limits::{ItemLimits, MAX_LISTED_DATED};
    use sitewarden::engine::Engine;
    use sitewarden::settings::Settings;

    const URLS: usize = 50_000;
    let first = chrono::NaiveDate::from_ymd_opt(2026, 11, 25).expect("date");
    // Each night serves 150,000 URLs never seen before: dated from the as-of
    // day back over 90 days, one in ten without a date.
    let night = Arc::new(AtomicI64::new(0));
    let serving = night.clone();
    let server = Loopback::start(move |target| {
        let n = serving.load(Ordering::SeqCst);
        let as_of = first + chrono::Duration::days(n);
        match target {
            "/robots.txt" => answer(
                200,
                "text/plain",
                "User-agent: *\nAllow: /\nSitemap: /sitemap-1.xml\nSitemap: /sitemap-2.xml\nSitemap: /sitemap-3.xml\n",
            ),
            "/" => answer(200, "text/html; charset=utf-8", portal("Cổng thông tin xã")),
            t if t.starts_with("/sitemap-") => {
                let mut xml = String::with_capacity(URLS * 80);
                xml.push_str("<?xml version=\"1.0\"?><urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n");
                for i in 0..URLS {
                    let lastmod = if i % 10 == 0 {
                        String::new()
                    } else {
                        format!("<lastmod>{}</lastmod>", as_of - chrono::Duration::days((i % 90) as i64))
                    };
                    xml.push_str(&format!("<url><loc>/n{n}{t}/{i}</loc>{lastmod}</url>\n"));
                }
                xml.push_str("</urlset>\n");
                answer(200, "application/xml", xml)
            }
            _ => not_found(),
        }
    })
    .await;
    let dir = tempfile::tempdir().expect("tempdir");
    let config = write_settings(dir.path(), &[("xa", server.url("/"))], "max_pages_per_site = 10\n");
    let settings = Settings::load(&config).expect("settings");
    let db = settings.config.db_path();
    let window = ItemLimits::for_window(settings.config.rules.window_working_days);
    let sites = settings.registry.sites().collect::<Vec<_>>();
    let engine = Engine::new(settings).expect("engine");

    let (mut items_before, mut bytes_before) = (0usize, dir_bytes(&db));
    // SITEWARDEN_NIGHTS=30 for a month.
    let nights: i64 = std::env::var("SITEWARDEN_NIGHTS").ok().and_then(|n| n.parse().ok()).unwrap_or(3);
    for n in 0..nights {
        night.store(n, Ordering::SeqCst);
        let as_of = first + chrono::Duration::days(n);
        let (_tx, rx) = watch::channel(false);
        let outcomes = engine.check(&sites, as_of, rx).await.expect("check");
        assert!(outcomes[0].crawl.home.is_ok(), "{:?}", outcomes[0].crawl.home);
        engine.store.flush().expect("flush");
        let items = engine.store.known_items("xa").expect("items");
        let bytes = dir_bytes(&db);
        println!(
            "night {}: {} items stored (+{}), database {:.2} MB ({:+.2} MB)",
            n + 1,
            items.len(),
            items.len() - items_before,
            bytes as f64 / 1e6,
            (bytes as f64 - bytes_before as f64) / 1e6
        );
        let new: Vec<_> = items.iter().filter(|i| i.first_seen == as_of).collect();
        assert!(new.len() <= window.max_new_per_crawl, "night {n}: {} new items stored", new.len());
        assert!(new.len() <= 3 * MAX_LISTED_DATED, "night {n}");
        assert!(!new.is_empty(), "night {n}: the newest entries are still stored");
        for i in &new {
            let day = i.published.expect("undated entries of a list this long are not kept");
            assert!(
                window.keeps(Some(day), as_of),
                "night {n}: {} dated {day} is outside the window",
                i.url
            );
        }
        (items_before, bytes_before) = (items.len(), bytes);
    }
}

// ---------------------------------------------------------------------------
// Issue 11, 9: a damaged database is refused, said to be damaged, and left
// as it was; `report` never writes to the database.

/// Every file under `dir` with its length, modification time and bytes.
fn fingerprint(dir: &std::path::Path) -> Vec<(std::path::PathBuf, u64, std::time::SystemTime, Vec<u8>)> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).expect("read dir").flatten() {
        let meta = entry.metadata().expect("metadata");
        if meta.is_dir() {
            out.extend(fingerprint(&entry.path()));
        } else {
            let bytes = std::fs::read(entry.path()).expect("read");
            out.push((entry.path(), meta.len(), meta.modified().expect("mtime"), bytes));
        }
    }
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

fn copy_tree(from: &std::path::Path, to: &std::path::Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for entry in std::fs::read_dir(from).expect("read dir").flatten() {
        let target = to.join(entry.file_name());
        if entry.file_type().expect("type").is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).expect("copy");
        }
    }
}

fn flip_bit(file: &std::path::Path, at: usize) {
    let mut bytes = std::fs::read(file).expect("read");
    bytes[at] ^= 1;
    std::fs::write(file, bytes).expect("write");
}

/// `sitewarden --config <config> <args>`, ended after 30 s if still running.
fn sitewarden_cli(config: &std::path::Path, args: &[&str]) -> (Option<i32>, String, String) {
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_sitewarden"))
        .arg("--config")
        .arg(config)
        .args(args)
        .env("SITEWARDEN_LOG", "warn")
        .env_remove("NOTIFY_SOCKET")
        .env_remove("WATCHDOG_USEC")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("run sitewarden");
    let started = Instant::now();
    while child.try_wait().expect("wait").is_none() && started.elapsed() < Duration::from_secs(30) {
        std::thread::sleep(Duration::from_millis(50));
    }
    let _ = child.kill();
    let out = child.wait_with_output().expect("output");
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_damaged_database_is_refused_with_exit_3_and_left_as_it_was() {
    use sitewarden::engine::Engine;
    use sitewarden::settings::Settings;

    let server = Loopback::start(|target| match target {
        "/" => answer(200, "text/html; charset=utf-8", portal("Cổng thông tin xã")),
        _ => not_found(),
    })
    .await;
    let sites = [("xa", server.url("/"))];
    let made = tempfile::tempdir().expect("tempdir");
    let config = write_settings(made.path(), &sites, "");
    let settings = Settings::load(&config).expect("settings");
    let registry = settings.registry.sites().collect::<Vec<_>>();
    let engine = Engine::new(settings).expect("engine");
    let (_tx, rx) = watch::channel(false);
    engine
        .check(&registry, chrono::NaiveDate::from_ymd_opt(2026, 11, 25).expect("date"), rx)
        .await
        .expect("check");
    engine.store.flush().expect("flush");
    // As the running daemon's database is (or a killed one's): written and
    // flushed, no snapshot since it opened. sled replays such a log on open.
    let live = tempfile::tempdir().expect("tempdir");
    copy_tree(&made.path().join("state"), &live.path().join("state"));
    drop(engine);
    // And as a database closed cleanly is.
    let closed = made;

    let setup = |from: &std::path::Path| {
        let dir = tempfile::tempdir().expect("tempdir");
        copy_tree(&from.join("state"), &dir.path().join("state"));
        let config = write_settings(dir.path(), &sites, "");
        (dir, config)
    };
    let report = ["report", "--date", "2026-11-25", "--format", "jsonl"];

    // A sound database: `report` reads it, and leaves every file as it was.
    let (sound, sound_config) = setup(live.path());
    let before = fingerprint(&sound.path().join("state/db"));
    let (code, stdout, stderr) = sitewarden_cli(&sound_config, &report);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(stdout.contains("\"site.reachable\""), "{stdout}");
    assert!(
        before == fingerprint(&sound.path().join("state/db")),
        "report wrote to the database"
    );

    // One bit flipped at byte 100 of each; and a damaged `conf`.
    for (what, from, file) in [
        ("the live log", live.path(), "db"),
        ("a closed database", closed.path(), "db"),
        ("sled's conf", closed.path(), "conf"),
    ] {
        let (damaged, damaged_config) = setup(from);
        let db = damaged.path().join("state/db");
        flip_bit(&db.join(file), if file == "conf" { 10 } else { 100 });
        let before = fingerprint(&db);
        let period = ["report", "--from", "2026-11-01", "--to", "2026-11-25", "--format", "csv"];
        for args in [&report[..], &period[..], &["check", "--as-of", "2026-11-26"][..], &["run"][..]] {
            let (code, stdout, stderr) = sitewarden_cli(&damaged_config, args);
            assert_eq!(code, Some(3), "{what}, {args:?}: {stdout}\n{stderr}");
            assert!(stderr.contains("database damaged"), "{what}, {args:?}: {stderr}");
            assert!(stderr.contains("restore the latest backup"), "{what}, {args:?}: {stderr}");
            assert!(!stderr.contains("another sitewarden process"), "{what}, {args:?}: {stderr}");
            assert!(before == fingerprint(&db), "{what}, {args:?}: the damaged database was written to");
        }
    }
}

/// What docs/operations.md says of copying the database while sitewarden
/// writes it: a copy taken with the flush count first opens, reads
/// through, and holds every day that was complete before the copy began.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_live_copy_taken_flush_count_first_opens_and_reads_every_day() {
    use sitewarden::engine::Engine;
    use sitewarden::settings::Settings;
    use sitewarden::store::{FLUSH_FILE, Store};

    let server = Loopback::start(|target| match target {
        t if t.ends_with('/') => answer(200, "text/html; charset=utf-8", portal("Cổng thông tin")),
        _ => not_found(),
    })
    .await;
    let sites: Vec<(String, Url)> = (0..20).map(|i| (format!("s{i}"), server.url(&format!("/s{i}/")))).collect();
    let named: Vec<(&str, Url)> = sites.iter().map(|(id, u)| (id.as_str(), u.clone())).collect();
    let dir = tempfile::tempdir().expect("tempdir");
    let config = write_settings(dir.path(), &named, "per_host_rate = \"1000/1s\"\n");
    let settings = Settings::load(&config).expect("settings");
    let db = settings.config.db_path();
    let registry = settings.registry.sites().collect::<Vec<_>>();
    let engine = Engine::new(settings).expect("engine");
    let day = |n: u64| chrono::NaiveDate::from_ymd_opt(2026, 11, 1).expect("date") + chrono::Days::new(n);
    let done_days = 5;
    for n in 0..done_days {
        let (_tx, rx) = watch::channel(false);
        engine.check(&registry, day(n), rx).await.expect("check");
    }
    let per_day = engine.store.results_for_day(day(0)).expect("results").len();
    assert!(per_day >= 20);

    // Copies are taken, opened and read on a thread of their own while
    // this task keeps writing later days.
    let writing = Arc::new(std::sync::atomic::AtomicBool::new(true));
    let copier = {
        let (writing, db) = (writing.clone(), db.clone());
        std::thread::spawn(move || {
            let mut copies = 0;
            while writing.load(std::sync::atomic::Ordering::SeqCst) {
                let copy = tempfile::tempdir().expect("tempdir");
                let to = copy.path().join("db");
                std::fs::create_dir(&to).expect("mkdir");
                // The documented order: the flush count, then everything else.
                std::fs::copy(db.join(FLUSH_FILE), to.join(FLUSH_FILE)).expect("copy the flush count");
                for entry in std::fs::read_dir(&db).expect("read dir").flatten() {
                    let target = to.join(entry.file_name());
                    if entry.file_name() == FLUSH_FILE {
                        continue;
                    }
                    if entry.file_type().expect("type").is_dir() {
                        copy_tree(&entry.path(), &target);
                    } else if let Err(e) = std::fs::copy(entry.path(), &target) {
                        // sled replaces its snapshot as it goes: one may vanish mid-copy.
                        assert_eq!(e.kind(), std::io::ErrorKind::NotFound, "{e}");
                    }
                }
                let store = Store::open(&to, 1 << 20).unwrap_or_else(|e| panic!("copy {copies} does not open: {e}"));
                store
                    .verify()
                    .unwrap_or_else(|e| panic!("copy {copies} does not read through: {e}"));
                for n in 0..done_days {
                    let results = store.results_for_day(day(n)).expect("results");
                    assert_eq!(results.len(), per_day, "copy {copies}, day {}", day(n));
                }
                copies += 1;
                drop(store);
                std::thread::sleep(Duration::from_millis(20));
            }
            copies
        })
    };
    for n in done_days..done_days + 40 {
        let (_tx, rx) = watch::channel(false);
        engine.check(&registry, day(n), rx).await.expect("check");
    }
    writing.store(false, std::sync::atomic::Ordering::SeqCst);
    let copies = copier.join().expect("every live copy opened and read");
    println!("{copies} live copies opened and read every complete day");
    assert!(copies >= 5, "only {copies} copies taken while writing");
}
