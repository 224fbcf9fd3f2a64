use chrono::{Duration as Days, NaiveDate};

use super::codec::*;
use super::results::*;
use super::*;
use crate::model::vn_offset;
use crate::model::{Evidence, ResultRecord, Severity, Status};

fn day(d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, d).unwrap_or_default()
}

fn result(site: &str, rule: &str, d: u32, status: Status) -> ResultRecord {
    let def = crate::rules::find(rule);
    ResultRecord {
        site: site.into(),
        rule: rule.into(),
        status,
        severity: def.map_or(Severity::Violation, |r| r.severity),
        as_of: day(d),
        checked_at: day(d)
            .and_hms_opt(1, 2, 3)
            .unwrap_or_default()
            .and_local_timezone(vn_offset())
            .single()
            .unwrap_or_default(),
        basis: def
            .and_then(|r| r.basis(crate::model::Kind::Government, day(d), None))
            .unwrap_or_else(|| "Thông tư cũ".to_string()),
        message: "Không tìm thấy địa chỉ thư điện tử liên hệ".into(),
        evidence: vec![Evidence::new("https://a.gov.vn/", "footer has phone 0273 3873 333, no email")],
        hint: (status == Status::Fail).then(|| "Bổ sung địa chỉ thư điện tử.".to_string()),
    }
}

#[test]
fn results_come_back_as_stored_day_by_day() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = Store::open(dir.path(), 1 << 20).expect("open");
    let a = vec![
        result("a", "disclosure.contact", 23, Status::Fail),
        result("a", "retired.rule", 23, Status::Pass),
    ];
    let b = vec![result("b", "site.reachable", 23, Status::Pass)];
    let c = vec![result("a", "disclosure.contact", 24, Status::Unknown)];
    store.save_results(day(23), "a", &a).expect("save");
    store.save_results(day(23), "b", &b).expect("save");
    store.save_results(day(24), "a", &c).expect("save");
    let mut got = store.results_for_day(day(23)).expect("read");
    got.sort_by(|x, y| (&x.site, &x.rule).cmp(&(&y.site, &y.rule)));
    let mut want = [a.clone(), b.clone()].concat();
    want.sort_by(|x, y| (&x.site, &x.rule).cmp(&(&y.site, &y.rule)));
    // A basis no rule has any more (a retired rule) is kept as written.
    assert_eq!(got, want);
    let days: Vec<(NaiveDate, usize)> = store
        .results_by_day(day(1), day(30))
        .map(|r| r.map(|(d, v)| (d, v.len())).expect("read"))
        .collect();
    assert_eq!(days, vec![(day(23), 3), (day(24), 1)]);
    // The lean form a period summary reads agrees on what it counts.
    let lean: Vec<(String, String, Status, Severity)> = store
        .statuses_by_day(day(23), day(23))
        .flat_map(|r| r.expect("read").1)
        .map(|r| (r.site, r.rule, r.status, r.severity))
        .collect();
    let full: Vec<(String, String, Status, Severity)> = store
        .results_by_day(day(23), day(23))
        .flat_map(|r| r.expect("read").1)
        .map(|r| (r.site, r.rule, r.status, r.severity))
        .collect();
    assert_eq!(lean, full);
    assert_eq!(visited(&store, day(1), day(30)), {
        let mut all: Vec<(NaiveDate, String, String, Status, Severity)> = store
            .results_by_day(day(1), day(30))
            .flat_map(|r| r.expect("read").1)
            .map(|r| (r.as_of, r.site, r.rule, r.status, r.severity))
            .collect();
        all.sort_by(|x, y| (x.0, &x.1).cmp(&(y.0, &y.1)));
        all
    });
    assert_eq!(store.previous_day_with_results(day(24)).expect("read"), Some(day(23)));
    assert_eq!(store.earliest_day().expect("read"), Some(day(23)));
}

#[test]
fn a_value_in_an_unknown_format_is_skipped_not_fatal() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = Store::open(dir.path(), 1 << 20).expect("open");
    store.results.insert(key(&["2026-11-23", "x"]), vec![9u8, 1, 2, 3]).expect("insert");
    store
        .save_results(day(23), "y", &[result("y", "site.reachable", 23, Status::Pass)])
        .expect("save");
    let got = store.results_for_day(day(23)).expect("read");
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].site, "y");
    let sites: Vec<String> = visited(&store, day(23), day(23)).into_iter().map(|r| r.1).collect();
    assert_eq!(sites, vec!["y".to_string()]);
}

#[test]
fn sweep_drops_what_is_older_than_retention() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = Store::open(dir.path(), 1 << 20).expect("open");
    store
        .save_results(day(1), "a", &[result("a", "site.reachable", 1, Status::Pass)])
        .expect("save");
    store
        .save_results(day(25), "a", &[result("a", "site.reachable", 25, Status::Pass)])
        .expect("save");
    let removed = store.sweep(day(26), 10).expect("sweep");
    assert!(removed >= 1);
    assert!(store.results_for_day(day(1)).expect("read").is_empty());
    assert_eq!(store.results_for_day(day(25)).expect("read").len(), 1);
}

fn count(tree: &sled::Tree) -> usize {
    tree.iter().count()
}

#[test]
fn a_verdict_repeated_day_after_day_is_stored_once() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = Store::open(dir.path(), 1 << 20).expect("open");
    for d in 1..=30 {
        let mut daily = result("a", "update.daily", d, Status::Fail);
        daily.message = format!("Không có tin, bài mới trong ngày làm việc: {d:02}/11/2026");
        let same = ResultRecord {
            // Same verdict, another day and time: still the same verdict.
            as_of: day(d),
            ..result("a", "disclosure.contact", 1, Status::Fail)
        };
        let same = ResultRecord {
            checked_at: same.checked_at + Days::days(i64::from(d) - 1) + Days::seconds(5),
            ..same
        };
        store.save_results(day(d), "a", &[same, daily]).expect("save");
    }
    // One contact verdict for thirty days, one daily verdict a day.
    assert_eq!(count(&store.verdicts), 31);
    let got = store.results_for_day(day(17)).expect("read");
    assert_eq!(got.len(), 2);
    assert_eq!(got[0].rule, "disclosure.contact");
    assert_eq!(got[0].as_of, day(17));
    // Each result keeps its own time, to the second.
    assert_eq!(got[0].checked_at, got[1].checked_at + Days::seconds(5));
    assert_eq!(got[1].checked_at, result("a", "update.daily", 17, Status::Fail).checked_at);
    assert_eq!(got[0].evidence, result("a", "disclosure.contact", 1, Status::Fail).evidence);
    assert_eq!(got[1].message, "Không có tin, bài mới trong ngày làm việc: 17/11/2026");

    // The sweep drops the days and the verdicts only they referred to,
    // and keeps the verdict later days still share.
    store.sweep(day(30), 10).expect("sweep");
    assert_eq!(count(&store.verdicts), 1 + 11);
    assert_eq!(store.results_for_day(day(25)).expect("read").len(), 2);
    assert!(store.results_for_day(day(19)).expect("read").is_empty());
}

#[test]
fn two_verdicts_whose_hashes_meet_are_both_kept() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = Store::open(dir.path(), 1 << 20).expect("open");
    let r = result("a", "disclosure.contact", 23, Status::Fail);
    let raw = enc(&VerdictRec {
        rule: r.rule.clone(),
        status: r.status,
        severity: r.severity,
        basis: None,
        message: r.message.clone(),
        evidence: r.evidence.clone(),
        hint: r.hint.clone(),
    })
    .expect("encode");
    // Another verdict already sits where this one hashes to.
    let other = VerdictRec {
        rule: "site.reachable".into(),
        status: Status::Pass,
        severity: Severity::Violation,
        basis: None,
        message: "Trang truy cập được".into(),
        evidence: Vec::new(),
        hint: None,
    };
    let vk = (xxhash_rust::xxh3::xxh3_64(&raw) as u32).to_be_bytes();
    store.verdicts.insert(vk, pack(VERDICTS_V1, &other).expect("pack")).expect("insert");
    store.save_results(day(23), "a", std::slice::from_ref(&r)).expect("save");
    assert_eq!(store.results_for_day(day(23)).expect("read"), vec![r]);
    assert_eq!(store.verdict(vk).map(|v| v.message), Some("Trang truy cập được".to_string()));
}

#[test]
fn results_in_the_first_format_are_still_read() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = Store::open(dir.path(), 1 << 20).expect("open");
    let r = result("a", "disclosure.contact", 23, Status::Fail);
    let v1 = vec![ResultRec {
        rule: r.rule.clone(),
        status: r.status,
        severity: r.severity,
        checked_at: r.checked_at.timestamp(),
        basis: None,
        message: r.message.clone(),
        evidence: r.evidence.clone(),
        hint: r.hint.clone(),
    }];
    store
        .results
        .insert(key(&["2026-11-23", "a"]), pack(RESULTS_V1, &v1).expect("pack"))
        .expect("insert");
    // It keeps the basis it was decided under, not today's.
    let then = ResultRecord {
        basis: legacy_basis("disclosure.contact"),
        ..r.clone()
    };
    assert!(then.basis.contains("72/2013"), "{}", then.basis);
    assert_eq!(store.results_for_day(day(23)).expect("read"), vec![then]);
    let lean: Vec<(String, Status)> = store
        .statuses_by_day(day(23), day(23))
        .flat_map(|d| d.expect("read").1)
        .map(|x| (x.rule, x.status))
        .collect();
    assert_eq!(lean, vec![(r.rule.clone(), r.status)]);
    assert_eq!(
        visited(&store, day(23), day(23)),
        vec![(day(23), "a".to_string(), r.rule, r.status, r.severity)]
    );
}

/// What [`Store::visit_statuses`] gives, one line per result.
fn visited(store: &Store, from: NaiveDate, to: NaiveDate) -> Vec<(NaiveDate, String, String, Status, Severity)> {
    let mut out = Vec::new();
    store
        .visit_statuses(from, to, |d, site, results| {
            out.extend(
                results
                    .iter()
                    .map(|r| (d, site.to_string(), r.rule.to_string(), r.status, r.severity)),
            );
        })
        .expect("read");
    out
}

#[test]
fn a_prefix_inflates_to_the_value_s_first_bytes() {
    let long: Vec<u8> = (0..5000u32).map(|i| (i * 7 % 251) as u8).collect();
    let packed = deflate(VERDICTS_V1, &long).expect("deflate");
    let got = unpack_prefix(VERDICTS_V1, &packed, |p| Some(p.to_vec())).expect("prefix");
    assert!(!got.is_empty() && got.len() < long.len());
    assert_eq!(got, long[..got.len()]);
    let short = deflate(VERDICTS_V1, b"disclosure.contact").expect("deflate");
    assert_eq!(
        unpack_prefix(VERDICTS_V1, &short, |p| Some(p.to_vec())),
        Some(b"disclosure.contact".to_vec())
    );
    assert_eq!(unpack_prefix(RESULTS_V2, &short, |p| Some(p.to_vec())), None);
    // Cut short before any byte comes out: nothing, not a hang.
    assert_eq!(unpack_prefix(VERDICTS_V1, &short[..2], |p| Some(p.to_vec())), None);
}

/// A flipped bit deep inside a closed database, in a record written before
/// its last flush (not only in sled's header), refuses it before anything
/// writes to it.
#[test]
fn damage_deep_inside_a_closed_database_is_found_before_it_is_opened() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("db");
    let marker = "Z".repeat(600);
    {
        let store = Store::open(&path, 1 << 20).expect("open");
        for d in 1..=20 {
            store
                .save_results(day(d), "a", &[result("a", "disclosure.contact", d, Status::Fail)])
                .expect("save");
        }
        store.meta_set("marker", &marker).expect("meta");
        store.flush().expect("flush");
    }
    let file = path.join("db");
    let mut bytes = std::fs::read(&file).expect("read");
    let at = bytes
        .windows(marker.len())
        .rposition(|w| w == marker.as_bytes())
        .expect("the marker is on disk as written");
    assert!(at > 100, "deeper than the header");
    bytes[at + marker.len() / 2] ^= 0x01;
    std::fs::write(&file, &bytes).expect("write");
    let fingerprint = |dir: &std::path::Path| -> Vec<(std::ffi::OsString, Vec<u8>)> {
        let mut files: Vec<_> = std::fs::read_dir(dir)
            .expect("list")
            .flatten()
            .filter(|e| e.path().is_file())
            .map(|e| (e.file_name(), std::fs::read(e.path()).expect("read")))
            .collect();
        files.sort();
        files
    };
    let before = fingerprint(&path);
    match Store::open_checked(&path, 1 << 20) {
        Err(StoreError::Damaged { .. }) => {}
        Err(e) => panic!("refused, but not as damaged: {e}"),
        Ok(_) => panic!("a damaged database was opened for writing"),
    }
    assert!(before == fingerprint(&path), "the damaged database was written to");
}
