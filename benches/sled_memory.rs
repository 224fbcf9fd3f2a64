//! How much of the database sled 0.34 keeps in memory, against how much a
//! process has written (issue 14, item 1). The crawl's own per-site memory
//! ends with each site's check; what still grows with the number of sites a
//! pass checks is sled's, and this bench shows it without the crawl: every
//! site writes the records a first pass stores for it (`crawl_scale --slope`
//! prints them per tree: about 21 records, 4.8 KB a site), with the store's
//! flush interval, at several `store.cache_capacity_bytes`.
//!
//! `cargo bench --bench sled_memory [-- SITES,SITES CACHE_MIB,CACHE_MIB NIGHTS]`
//! (default 1000,10000, 1,4,64 and 2). Each row is a fresh process, so what one
//! size leaves in the allocator is not counted against the next.

use std::process::Command;

/// Records a first pass stores per site and their mean size, as
/// `crawl_scale --slope` reports them (pages, items, verdicts, meta...).
const RECORDS_PER_SITE: usize = 21;
const RECORD_BYTES: usize = 230;
/// A site's record of the day's results: references to its verdicts.
const DAY_RECORD_BYTES: usize = 72;

fn rss_mb() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let kb: u64 = status
        .lines()
        .find(|l| l.starts_with("VmRSS:"))
        .and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
        .unwrap_or(0);
    kb as f64 / 1024.0
}

/// Write `sites` sites' first-night records into a fresh database, then
/// `nights - 1` unchanged nights: the store rewrites nothing unchanged, so
/// such a night writes each site's day record (a new key) and its crawl
/// bookkeeping (the same key again). RSS after the first and the last night;
/// then, the database reopened, RSS before and after reading every
/// first-night record once (what a night's crawl and findings read).
fn one(sites: usize, cache_mib: u64, nights: usize) {
    sitewarden::memory::limit_heaps();
    let dir = tempfile::tempdir().expect("temp dir");
    let open = || {
        sled::Config::new()
            .path(dir.path().join("db"))
            .cache_capacity(cache_mib << 20)
            .flush_every_ms(Some(1000))
            .open()
            .expect("open sled")
    };
    // Keys spread over the tree like the store's (hashes, site ids, URLs).
    let first_night_keys = || {
        let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
        (0..sites)
            .flat_map(move |site| (0..RECORDS_PER_SITE).map(move |record| (site, record)).collect::<Vec<_>>())
            .map(move |(site, record)| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                (format!("{:08x}\0tinh-{site}\0{record}", x as u32), (x & 0xff) as u8, site)
            })
    };
    let db = open();
    let tree = db.open_tree("t").expect("tree");
    let before = rss_mb();
    let mut first = 0.0;
    for night in 0..nights.max(1) {
        if night == 0 {
            let mut last_site = None;
            for (key, byte, site) in first_night_keys() {
                if last_site.is_some_and(|s| s != site) {
                    db.flush().expect("flush");
                }
                last_site = Some(site);
                tree.insert(key.as_bytes(), vec![byte; RECORD_BYTES]).expect("insert");
            }
            db.flush().expect("flush");
        } else {
            for site in 0..sites {
                let day = format!("day-{night:04}\0tinh-{site}");
                tree.insert(day.as_bytes(), vec![1u8; DAY_RECORD_BYTES]).expect("insert");
                let state = format!("crawl\0tinh-{site}");
                tree.insert(state.as_bytes(), night.to_be_bytes().to_vec()).expect("insert");
                db.flush().expect("flush");
            }
        }
        sitewarden::memory::release_freed_memory();
        if night == 0 {
            first = rss_mb();
        }
    }
    let last = rss_mb();
    drop(tree);
    drop(db);
    sitewarden::memory::release_freed_memory();
    let db = open();
    let tree = db.open_tree("t").expect("tree");
    let reopened = rss_mb();
    let read: usize = first_night_keys()
        .map(|(key, _, _)| tree.get(key.as_bytes()).ok().flatten().map_or(0, |v| v.len()))
        .sum();
    assert_eq!(read, sites * RECORDS_PER_SITE * RECORD_BYTES, "every record reads back");
    let after_read = rss_mb();
    let written = (sites * RECORDS_PER_SITE * RECORD_BYTES) as f64 / 1e6;
    println!("row {sites} {cache_mib} {before:.1} {first:.1} {last:.1} {written:.1} {reopened:.1} {after_read:.1}");
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).filter(|a| a != "--bench").collect();
    if let [flag, sites, cache, nights] = &args[..]
        && flag == "--one"
    {
        return one(
            sites.parse().unwrap_or(1000),
            cache.parse().unwrap_or(4),
            nights.parse().unwrap_or(2),
        );
    }
    let list = |i: usize, default: &str| -> Vec<u64> {
        args.get(i)
            .map_or(default, String::as_str)
            .split(',')
            .filter_map(|n| n.trim().parse().ok())
            .collect()
    };
    let (sizes, caches) = (list(0, "1000,10000"), list(1, "1,4,64"));
    let nights = list(2, "2").first().copied().unwrap_or(2);
    let exe = std::env::current_exe().expect("own path");
    println!(
        "{RECORDS_PER_SITE} records of {RECORD_BYTES} B a site the first night; then each night a {DAY_RECORD_BYTES} B day record and the crawl state; flushed after each site; then reopened and every first-night record read once; RSS in MB"
    );
    let last = format!("after {nights} nights");
    println!(
        "{:>7} {:>7} {:>9} {:>10} {:>16} {:>17} {:>9} {:>11}",
        "sites", "cache", "empty db", "1st night", last, "1st night's data", "reopened", "all read"
    );
    for &sites in &sizes {
        for &cache in &caches {
            let out = Command::new(&exe)
                .args(["--one", &sites.to_string(), &cache.to_string(), &nights.to_string()])
                .output()
                .expect("run one size");
            let text = String::from_utf8_lossy(&out.stdout);
            let row: Vec<&str> = text
                .lines()
                .find_map(|l| l.strip_prefix("row "))
                .map(|r| r.split_whitespace().collect())
                .unwrap_or_default();
            match row[..] {
                [_, _, empty, first, last, data, reopened, read] => {
                    println!("{sites:>7} {cache:>4} MiB {empty:>9} {first:>10} {last:>16} {data:>14} MB {reopened:>9} {read:>11}")
                }
                _ => eprintln!("{sites} sites, {cache} MiB: no result ({})", out.status),
            }
        }
    }
}
