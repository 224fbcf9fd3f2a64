//! Period-summary benchmark (issue 6): a store holding `--sites` sites ×
//! `--days` days of results, news items and legal documents, then the
//! annual report through the same code as `sitewarden report --from --to`.
//! Seeding and reporting run in separate child processes so the report's
//! peak RSS is its own.
//!
//! The summary reads every site's items and documents besides the results,
//! so both are seeded as the nightly crawl stores them (`Store::save_crawl`):
//! `--items-per-day` new items per site per day (default 3, the date spacing
//! of the scale bench's listings: 30 items over ten days) and
//! `--docs-per-week` legal documents per site per week, on working days
//! (default 5: one a working day, a busy provincial portal; the scale bench
//! serves none, so this errs on the heavy side).
//!
//! `cargo bench --bench period_summary -- --sites 500 --days 365`
//!
//! `seed-phase DIR` and `report-phase DIR` run one phase on a kept store
//! (same flags); `report-phase DIR --dump FILE` also writes the figures as
//! JSON lines, to compare versions on the same store, and `--copy` reads a
//! checked copy of the store as `sitewarden report` does.

use std::path::Path;
use std::process::Command;
use std::time::Instant;

use chrono::{DateTime, Days, NaiveDate};
use sitewarden::calendar::Calendar;
use sitewarden::crawler::{CrawledPage, PageRole, RobotsOutcome, RobotsStatus, SiteCrawl, Validators};
use sitewarden::extract::{DateSource, Item, LegalDocument, PageFacts};
use sitewarden::findings::period_summary;
use sitewarden::fixtures::Xorshift;
use sitewarden::model::{Evidence, Kind, ResultRecord, Status, vn_offset};
use sitewarden::registry::Site;
use sitewarden::report::{Format, period};
use sitewarden::rules;
use sitewarden::store::Store;

const CACHE: u64 = 16 * 1024 * 1024;

fn start() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 1, 1).unwrap_or_default()
}

fn sites(n: usize) -> Vec<Site> {
    (0..n)
        .map(|i| {
            Site::new(
                format!("site-{i:04}"),
                format!("Cổng Thông tin điện tử xã số {i}"),
                url::Url::parse(&format!("https://xa{i}.example.gov.vn/"))
                    .unwrap_or_else(|_| url::Url::parse("https://a.vn/").expect("url")),
                if i % 5 == 0 { Kind::Aggregator } else { Kind::Government },
            )
        })
        .collect()
}

/// How much news and how many legal documents each site publishes.
#[derive(Clone, Copy)]
struct Density {
    items_per_day: usize,
    docs_per_week: usize,
}

const WORDS: &[&str] = &[
    "Ủy ban nhân dân",
    "triển khai",
    "kế hoạch",
    "phát triển",
    "kinh tế - xã hội",
    "cải cách hành chính",
    "chuyển đổi số",
    "hội nghị",
    "nhiệm vụ trọng tâm",
    "đầu tư công",
    "nông thôn mới",
    "phòng chống thiên tai",
];

fn sentence(r: &mut Xorshift, words: usize) -> String {
    (0..words).map(|_| r.pick(WORDS)).collect::<Vec<_>>().join(" ")
}

fn page(url: String, role: PageRole, facts: PageFacts) -> CrawledPage {
    CrawledPage {
        final_url: url.clone(),
        url,
        role,
        facts,
        feed_items: Vec::new(),
        truncated: false,
        not_modified: false,
        validators: Validators::default(),
        content_hash: 0,
    }
}

/// What one night's crawl of `site` brings to the store besides results:
/// its listing with the day's new items, its document listing with the
/// day's new documents. (The items seen on earlier nights, which the real
/// listing shows again, are skipped by `save_crawl` without a write: the
/// store ends up the same.)
fn crawl_of(site: &Site, i: usize, d: u64, day: NaiveDate, working: bool, density: Density, r: &mut Xorshift) -> SiteCrawl {
    let base = site.url.as_str();
    let items = (0..density.items_per_day)
        .map(|k| Item {
            url: format!("{base}tin-tuc/{}/bai-viet-{d}-{k}-{}.html", day.format("%Y/%m"), r.below(1_000_000)),
            title: sentence(r, 4),
            published: day.and_hms_opt(8, 30, 0),
            source: DateSource::Text,
        })
        .collect();
    // docs_per_week spread over the five working days (and over sites, so a
    // density below five still gives every site some).
    let docs_today = if working {
        (density.docs_per_week * (d as usize + i + 1)) / 5 - (density.docs_per_week * (d as usize + i)) / 5
    } else {
        0
    };
    let documents = (0..docs_today)
        .map(|k| {
            let signed = day - Days::new(1 + r.below(9) as u64);
            LegalDocument {
                url: format!("{base}van-ban/{}-{k}.pdf", day.format("%Y%m%d")),
                number: format!("{}/{}/QĐ-UBND", r.below(3000) + 1, day.format("%Y")),
                title: format!("Quyết định về việc {}", sentence(r, 3)),
                signed,
                // Half the listings show the posting day; the others leave it to first-seen.
                posted: (r.below(2) == 0).then_some(day),
            }
        })
        .collect();
    SiteCrawl {
        site_id: site.id.clone(),
        home_url: base.to_string(),
        home: Ok(()),
        robots: RobotsOutcome {
            url: format!("{base}robots.txt"),
            status: RobotsStatus::Missing(404),
            home_allowed: true,
            crawl_delay: None,
            rule_line: None,
        },
        pages: vec![
            page(
                format!("{base}tin-tuc/"),
                PageRole::Listing,
                PageFacts {
                    items,
                    ..Default::default()
                },
            ),
            page(
                format!("{base}van-ban/"),
                PageRole::DocumentListing,
                PageFacts {
                    documents,
                    ..Default::default()
                },
            ),
        ],
        failures: Vec::new(),
        partial: Vec::new(),
        requests: 2,
        bytes: 0,
        not_modified: 0,
        duration_ms: 0,
    }
}

/// Results as a real night stores them: Vietnamese messages, evidence with
/// URLs; and the night's items and documents.
fn seed(dir: &Path, n_sites: usize, days: u64, density: Density) {
    let store = Store::open(dir, CACHE).expect("open store");
    let sites = sites(n_sites);
    let calendar = Calendar::builtin();
    let mut r = Xorshift::new(0x5EED_2026);
    let t = Instant::now();
    for d in 0..days {
        let day = start() + Days::new(d);
        let checked_at: DateTime<_> = day
            .and_hms_opt(1, 3, 0)
            .unwrap_or_default()
            .and_local_timezone(vn_offset())
            .single()
            .unwrap_or_default();
        for (i, s) in sites.iter().enumerate() {
            let results: Vec<ResultRecord> = rules::all()
                .iter()
                .filter(|r| r.applies_to.contains(&s.kind))
                .enumerate()
                .map(|(k, r)| {
                    // Some sites fail some rules on some days, as in a province.
                    let roll = (i * 31 + k * 7 + d as usize * 13) % 17;
                    let status = match roll {
                        0 | 1 => Status::Fail,
                        2 => Status::Unknown,
                        _ => Status::Pass,
                    };
                    ResultRecord {
                        site: s.id.clone(),
                        rule: r.id.to_string(),
                        status,
                        severity: r.severity,
                        as_of: day,
                        checked_at,
                        basis: r.basis(s.kind, day, None).unwrap_or_default(),
                        message: "Không tìm thấy địa chỉ thư điện tử liên hệ trên trang chủ".into(),
                        evidence: vec![Evidence::new(
                            s.url.as_str(),
                            "footer has phone 0273 3873 333, no email; trang Liên hệ không có thư điện tử",
                        )],
                        hint: (status == Status::Fail)
                            .then(|| "Bổ sung địa chỉ thư điện tử liên hệ vào chân trang của trang chủ.".to_string()),
                    }
                })
                .collect();
            store.save_results(day, &s.id, &results).expect("save");
            let crawl = crawl_of(s, i, d, day, calendar.is_working_day(day), density, &mut r);
            store.save_crawl(&crawl, day).expect("save crawl");
        }
    }
    store.flush().expect("flush");
    let stored = store.stats();
    let count = |tree: &str| stored.iter().find(|(t, _, _)| *t == tree).map_or(0, |(_, n, _)| *n);
    println!(
        "seed: {} sites × {days} days in {:.1}s ({} items, {} documents), sled {:.1} MB",
        n_sites,
        t.elapsed().as_secs_f64(),
        count("items"),
        count("docs"),
        store.size_on_disk() as f64 / 1e6
    );
}

fn report(dir: &Path, n_sites: usize, days: u64, dump: Option<&Path>, copy: bool) {
    let t = Instant::now();
    // `sitewarden report` reads a checked copy of the database, never the
    // database itself: with --copy, so does this, and says what it cost.
    // Declared before the store, so dropped after it: the database
    // closes before its copy is removed.
    let mut _kept_copy = None;
    let store = if copy {
        let (store, copy) = Store::open_copy_checking(dir, CACHE, &sitewarden::store::PERIOD_SUMMARY_TREES).expect("open a copy");
        println!("report: copied, opened and verified the store in {:.2}s", t.elapsed().as_secs_f64());
        _kept_copy = Some(copy);
        store
    } else {
        Store::open(dir, CACHE).expect("open store")
    };
    let calendar = Calendar::builtin();
    let to = start() + Days::new(days.saturating_sub(1));
    let s = period_summary(&store, &calendar, &sites(n_sites), start(), to, Some("tỉnh Tiền Giang"), 2).expect("summary");
    let aggregated = t.elapsed();
    let mut html = Vec::new();
    period::render(&s, Format::Html, &mut html).expect("render");
    println!(
        "report: {} sites × {days} days aggregated in {:.2}s, HTML ({:.1} MB) rendered by {:.2}s, peak RSS {:.1} MB",
        s.sites.len(),
        aggregated.as_secs_f64(),
        html.len() as f64 / 1e6,
        t.elapsed().as_secs_f64(),
        peak_rss_kb() as f64 / 1024.0
    );
    // The figures as JSON lines, to compare one version's with another's.
    if let Some(path) = dump {
        let mut jsonl = Vec::new();
        period::render(&s, Format::Jsonl, &mut jsonl).expect("render");
        std::fs::write(path, jsonl).expect("write the figures");
    }
}

fn peak_rss_kb() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|v| v.parse().ok())
        })
        .unwrap_or(0)
}

fn main() {
    let argv: Vec<String> = std::env::args().collect();
    let flag = |name: &str, default: u64| -> u64 {
        argv.iter()
            .position(|a| a == name)
            .and_then(|i| argv.get(i + 1))
            .and_then(|v| v.parse().ok())
            .unwrap_or(default)
    };
    let n_sites = flag("--sites", 500) as usize;
    let days = flag("--days", 365);
    let density = Density {
        items_per_day: flag("--items-per-day", 3) as usize,
        docs_per_week: flag("--docs-per-week", 5) as usize,
    };
    match argv.get(1).map(String::as_str) {
        Some("seed-phase") => return seed(Path::new(&argv[2]), n_sites, days, density),
        Some("report-phase") => {
            let dump = argv.iter().position(|a| a == "--dump").and_then(|i| argv.get(i + 1));
            let copy = argv.iter().any(|a| a == "--copy");
            return report(Path::new(&argv[2]), n_sites, days, dump.map(Path::new), copy);
        }
        _ => {}
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("db");
    let exe = std::env::current_exe().expect("own path");
    for phase in ["seed-phase", "report-phase"] {
        let status = Command::new(&exe)
            .arg(phase)
            .arg(&db)
            .args(["--sites", &n_sites.to_string(), "--days", &days.to_string()])
            .args(["--items-per-day", &density.items_per_day.to_string()])
            .args(["--docs-per-week", &density.docs_per_week.to_string()])
            .status()
            .expect("child runs");
        assert!(status.success(), "{phase} failed");
    }
}
