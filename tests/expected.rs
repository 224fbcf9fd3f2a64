//! Runs the real binary's `check --as-of` against the bundled fixture sites
//! and compares every (site, rule) with `fixtures/expected.jsonl`, which is
//! written by hand from what the pages say; and the sites named in each
//! `fixtures/expected-YYYY-MM-DD.jsonl` as of that date.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

use serde_json::Value;
use sitewarden::fixtures::write_fixture_config;
use sitewarden::fixtures::{FixtureSet, serve};

fn fixtures_dir() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn check_matches_the_hand_written_expectations() {
    let set = FixtureSet::from_dir(&fixtures_dir()).expect("fixtures load");
    let expected_text = set.expected.clone().expect("fixtures/expected.jsonl exists");
    let as_of = set.as_of.expect("fixtures/as-of holds a date");
    check_against(&set, "expected.jsonl", &expected_text, as_of, &[]).await;
}

/// `fixtures/expected-YYYY-MM-DD.jsonl`: the sites it names checked as of
/// that date (before 25/12/2024 for the aggregators' older texts).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn check_matches_the_expectations_of_other_dates() {
    let set = FixtureSet::from_dir(&fixtures_dir()).expect("fixtures load");
    let mut files = 0;
    for entry in std::fs::read_dir(fixtures_dir()).expect("fixtures dir") {
        let path = entry.expect("dir entry").path();
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("").to_string();
        let Some(day) = name.strip_prefix("expected-").and_then(|n| n.strip_suffix(".jsonl")) else {
            continue;
        };
        let as_of: chrono::NaiveDate = day.parse().expect("expected-YYYY-MM-DD.jsonl");
        let text = std::fs::read_to_string(&path).expect("readable");
        let mut sites: Vec<String> = text
            .lines()
            .filter(|l| !l.trim().is_empty())
            .map(|l| {
                serde_json::from_str::<Value>(l).expect("JSON line")["site"]
                    .as_str()
                    .unwrap_or("")
                    .to_string()
            })
            .collect();
        sites.dedup();
        check_against(&set, &name, &text, as_of, &sites).await;
        files += 1;
    }
    assert!(files >= 1, "no fixtures/expected-YYYY-MM-DD.jsonl");
}

/// Runs `check --as-of` on the fixtures (only `sites` when given) and
/// compares every (site, rule) with the hand-written `expected_text`.
async fn check_against(set: &FixtureSet, file: &str, expected_text: &str, as_of: chrono::NaiveDate, sites: &[String]) {
    let running = serve(set).await.expect("fixture servers start");
    let dir = tempfile::tempdir().expect("tempdir");
    let config = write_fixture_config(dir.path(), set, &running.registry).expect("config written");

    let bin = env!("CARGO_BIN_EXE_sitewarden");
    let site_args: Vec<String> = sites.iter().flat_map(|s| ["--site".to_string(), s.clone()]).collect();
    let out = tokio::task::spawn_blocking(move || {
        Command::new(bin)
            .args(["check", "--config"])
            .arg(&config)
            .args(["--as-of", &as_of.to_string(), "--format", "jsonl", "--fail-on", "never"])
            .args(&site_args)
            .output()
    })
    .await
    .expect("join")
    .expect("binary runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{file}: stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );

    let mut actual: BTreeMap<(String, String), Value> = BTreeMap::new();
    for line in stdout.lines().filter(|l| !l.trim().is_empty()) {
        let v: Value = serde_json::from_str(line).expect("each line is JSON");
        if v.get("changes").is_some() {
            continue;
        }
        let key = (
            v["site"].as_str().unwrap_or("").to_string(),
            v["rule"].as_str().unwrap_or("").to_string(),
        );
        assert!(actual.insert(key.clone(), v).is_none(), "two results for {key:?}");
    }

    let mut problems = Vec::new();
    let mut expected_keys = 0;
    for line in expected_text.lines().filter(|l| !l.trim().is_empty()) {
        let e: Value = serde_json::from_str(line).expect("expected line is JSON");
        let key = (
            e["site"].as_str().unwrap_or("").to_string(),
            e["rule"].as_str().unwrap_or("").to_string(),
        );
        expected_keys += 1;
        let Some(a) = actual.get(&key) else {
            problems.push(format!("{key:?}: no result"));
            continue;
        };
        if a["status"] != e["status"] {
            problems.push(format!(
                "{key:?}: expected {}, got {} — {} {}",
                e["status"], a["status"], a["message"], a["evidence"]
            ));
        }
        if let Some(needle) = e.get("evidence_contains").and_then(Value::as_str) {
            let ev = a["evidence"].to_string();
            if !ev.contains(needle) {
                problems.push(format!("{key:?}: evidence lacks {needle:?}: {ev}"));
            }
        }
        for field in ["severity", "basis", "message", "as_of", "checked_at"] {
            if a.get(field).is_none_or(|v| v.as_str().is_none_or(str::is_empty)) {
                problems.push(format!("{key:?}: field {field} missing or empty"));
            }
        }
        if a["status"] == "fail" && a.get("hint").and_then(Value::as_str).is_none_or(str::is_empty) {
            problems.push(format!("{key:?}: a fail without a hint"));
        }
        if a["status"] != "pass" && a["evidence"].as_array().is_none_or(Vec::is_empty) {
            problems.push(format!("{key:?}: {} without evidence", a["status"]));
        }
    }
    assert_eq!(
        actual.len(),
        expected_keys,
        "{file}: results for (site, rule) pairs not in it: {:?}",
        actual.keys().collect::<Vec<_>>()
    );
    assert!(
        problems.is_empty(),
        "{file}: {} mismatches:\n{}",
        problems.len(),
        problems.join("\n")
    );
}
