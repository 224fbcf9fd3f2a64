//! Period-summary benchmark (issue 6): a store holding `--sites` sites ×
//! `--days` days of results, then the annual report through the same code
//! as `sitewarden report --from --to`. Seeding and reporting run in separate
//! child processes so the report's peak RSS is its own.
//!
//! `cargo bench --bench period_summary -- --sites 500 --days 365`

use std::path::Path;
use std::process::Command;
use std::time::Instant;

use chrono::{DateTime, Days, NaiveDate};
use sitewarden::calendar::Calendar;
use sitewarden::findings::period_summary;
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
        .map(|i| Site {
            id: format!("site-{i:04}"),
            name: format!("Cổng Thông tin điện tử xã số {i}"),
            url: url::Url::parse(&format!("https://xa{i}.example.gov.vn/"))
                .unwrap_or_else(|_| url::Url::parse("https://a.vn/").expect("url")),
            kind: if i % 5 == 0 { Kind::Aggregator } else { Kind::Government },
            agency: None,
            license: None,
            news: Vec::new(),
            documents: Vec::new(),
            schedule: None,
            per_host_rate: None,
        })
        .collect()
}

/// Results as a real night stores them: Vietnamese messages, evidence with URLs.
fn seed(dir: &Path, n_sites: usize, days: u64) {
    let store = Store::open(dir, CACHE).expect("open store");
    let sites = sites(n_sites);
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
        }
    }
    store.flush().expect("flush");
    println!(
        "seed: {} sites × {days} days in {:.1}s, sled {:.1} MB",
        n_sites,
        t.elapsed().as_secs_f64(),
        store.size_on_disk() as f64 / 1e6
    );
}

fn report(dir: &Path, n_sites: usize, days: u64) {
    let t = Instant::now();
    let store = Store::open(dir, CACHE).expect("open store");
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
    match argv.get(1).map(String::as_str) {
        Some("seed-phase") => return seed(Path::new(&argv[2]), n_sites, days),
        Some("report-phase") => return report(Path::new(&argv[2]), n_sites, days),
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
            .status()
            .expect("child runs");
        assert!(status.success(), "{phase} failed");
    }
}
