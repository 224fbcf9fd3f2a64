//! SPEC §7: `kill -9` at any moment loses nothing a finished crawl stored.
//! The real binary checks fixture sites and is killed at 20 seeded-random
//! moments spread over its crawl; after each kill the database must open and
//! every finished site's results must be there and decode.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use bytes::Bytes;
use chrono::NaiveDate;
use sitewarden::config::Config;
use sitewarden::crawler::PageCache;
use sitewarden::fixtures::write_fixture_config;
use sitewarden::fixtures::{self, FixtureSet, ServerSettings, SiteFiles, Xorshift};
use sitewarden::model::Kind;
use sitewarden::rules;
use sitewarden::store::Store;

const SITES: usize = 8;
const LISTINGS: usize = 12;
const KILLS: usize = 20;
const AS_OF: &str = "2026-11-24";

fn fixture_set() -> FixtureSet {
    let mut set = FixtureSet::default();
    let mut registry = String::new();
    for s in 0..SITES {
        let name = format!("tinh-{s}");
        let mut files = HashMap::new();
        let listing_paths: Vec<String> = (0..LISTINGS).map(|i| format!("/tin-tuc/trang-{i}/")).collect();
        let mut home =
            format!("<!doctype html><html><head><meta charset=\"utf-8\"><title>Cổng thông tin điện tử tỉnh {s}</title></head><body><nav>");
        for p in &listing_paths {
            home.push_str(&format!("<a href=\"{p}\">Tin tức</a> "));
            files.insert(
                format!("{p}index.html"),
                Bytes::from(format!("<html><head><meta charset=\"utf-8\"><title>Tin tức {p}</title></head><body><p>Hoạt động của UBND tỉnh {s}.</p></body></html>")),
            );
        }
        home.push_str("</nav><footer>Cơ quan chủ quản: UBND tỉnh. Email: ubnd@example.gov.vn</footer></body></html>");
        files.insert("/index.html".into(), Bytes::from(home));
        files.insert("/robots.txt".into(), Bytes::from_static(b"User-agent: *\nDisallow: /admin/\n"));
        set.sites.insert(
            name.clone(),
            SiteFiles {
                files,
                settings: ServerSettings::default(),
            },
        );
        let news: Vec<String> = listing_paths.iter().map(|p| format!("\"{{base:{name}}}{p}\"")).collect();
        registry.push_str(&format!(
            "[[site]]\nid = \"{name}\"\nname = \"Cổng thông tin điện tử tỉnh {s}\"\nurl = \"{{base:{name}}}/\"\nkind = \"government\"\nagency = \"UBND tỉnh {s}\"\nnews = [{}]\n\n",
            news.join(", ")
        ));
    }
    set.registry_template = registry;
    set
}

/// Two sites at a time at 20 requests/s: about three seconds for a full run.
fn write_config(dir: &Path, set: &FixtureSet, registry: &str) -> PathBuf {
    let path = write_fixture_config(dir, set, registry).expect("write config");
    let text = std::fs::read_to_string(&path).expect("read config");
    let adjusted = text.replacen(
        "per_host_rate = \"20/1s\"",
        "per_host_rate = \"20/1s\"\nmax_concurrent_sites = 2",
        1,
    );
    assert_ne!(
        adjusted, text,
        "write_fixture_config no longer sets per_host_rate; adjust this test"
    );
    std::fs::write(&path, adjusted).expect("write config");
    path
}

fn start(config: &Path) -> Child {
    Command::new(env!("CARGO_BIN_EXE_sitewarden"))
        .args(["--config"])
        .arg(config)
        .args(["check", "--as-of", AS_OF, "--fail-on", "never"])
        .env("SITEWARDEN_LOG", "warn")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start sitewarden")
}

struct Check {
    finished: Vec<String>,
    interrupted: Vec<String>,
    open_time: Duration,
}

/// Open the database as the next start would and check what it holds.
fn inspect(config: &Config, homes: &BTreeMap<String, String>, day: NaiveDate, per_site: usize) -> Check {
    let t = Instant::now();
    let store = Store::open(&config.db_path(), config.store.cache_capacity_bytes)
        .unwrap_or_else(|e| panic!("database does not open after kill: {e}"));
    let open_time = t.elapsed();
    let results = store.results_for_day(day).expect("results decode");
    let mut finished = Vec::new();
    let mut interrupted = Vec::new();
    for (site, home) in homes {
        let state = store.crawl_state(site).expect("crawl state decodes");
        if state.interrupted() {
            interrupted.push(site.clone());
        }
        if state.finished_at.is_none() {
            continue;
        }
        finished.push(site.clone());
        let page = store
            .cached(home)
            .unwrap_or_else(|| panic!("{site} finished but its home page is not stored"));
        assert!(page.validators.etag.is_some(), "{site}: stored page lost its validators");
        let n = results.iter().filter(|r| &r.site == site).count();
        assert_eq!(n, per_site, "{site} finished but has {n} of its {per_site} results");
        assert!(
            results
                .iter()
                .filter(|r| &r.site == site)
                .all(|r| r.as_of == day && !r.message.is_empty())
        );
    }
    Check {
        finished,
        interrupted,
        open_time,
    }
}

#[test]
fn kill_9_at_random_moments_loses_no_finished_crawl() {
    let test_started = Instant::now();
    let set = fixture_set();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    let running = rt.block_on(fixtures::serve(&set)).expect("fixture servers");
    let day: NaiveDate = AS_OF.parse().expect("date");
    let per_site = rules::all().iter().filter(|r| r.applies_to.contains(&Kind::Government)).count();

    // Calibrate: how long one uninterrupted run takes, in its own state dir.
    let calib = tempfile::tempdir().expect("tempdir");
    let calib_cfg = write_config(calib.path(), &set, &running.registry);
    let t = Instant::now();
    let status = start(&calib_cfg).wait().expect("wait");
    let full_run = t.elapsed();
    assert!(status.success(), "uninterrupted check failed: {status}");
    println!("one uninterrupted run: {full_run:?}");

    let dir = tempfile::tempdir().expect("tempdir");
    let cfg_path = write_config(dir.path(), &set, &running.registry);
    let config = Config::load(&cfg_path).expect("config");
    let homes: BTreeMap<String, String> = set
        .sites
        .keys()
        .map(|s| (s.clone(), format!("{}/", running.base(s).expect("base"))))
        .collect();

    // Deterministic: the kill moments are the same every run.
    let mut rng = Xorshift::new(0x5173_3A7D_E11E_2026);
    let mut ever_finished: Vec<String> = Vec::new();
    let mut open_times = Vec::new();
    let mut exited_before_kill = 0;
    for i in 0..KILLS {
        // Stratified: kill i lands in the i-th twentieth of a run, so the
        // kills cover start-up, mid-crawl, stores and flushes.
        let at = full_run.mul_f64((i as f64 + rng.unit()) / KILLS as f64);
        let mut child = start(&cfg_path);
        std::thread::sleep(at);
        if child.try_wait().expect("try_wait").is_some() {
            exited_before_kill += 1;
        } else {
            child.kill().expect("kill -9");
        }
        child.wait().expect("reap");
        let c = inspect(&config, &homes, day, per_site);
        println!(
            "kill {i:>2} at {at:>10.2?}: open {:>8.2?}, {} finished, interrupted {:?}",
            c.open_time,
            c.finished.len(),
            c.interrupted
        );
        for s in &ever_finished {
            assert!(c.finished.contains(s), "{s} had finished, and after kill {i} it no longer has");
        }
        ever_finished = c.finished;
        open_times.push(c.open_time);
    }
    assert!(
        exited_before_kill < KILLS / 2,
        "most runs ended before their kill: the kill moments do not cover the crawl"
    );

    let status = start(&cfg_path).wait().expect("wait");
    assert!(status.success(), "final run failed: {status}");
    let c = inspect(&config, &homes, day, per_site);
    assert_eq!(c.finished.len(), SITES, "final run left sites unfinished");
    assert!(c.interrupted.is_empty(), "final run left {:?} interrupted", c.interrupted);

    open_times.sort();
    println!(
        "recovery (Store::open after kill -9): min {:?}, median {:?}, max {:?}; whole test {:?}",
        open_times.first().copied().unwrap_or_default(),
        open_times.get(open_times.len() / 2).copied().unwrap_or_default(),
        open_times.last().copied().unwrap_or_default(),
        test_started.elapsed()
    );
    drop(running);
}
