//! Officers read `message`, `hint` and every evidence `detail` and quote them
//! to site owners, so all three are Vietnamese (SPEC §4). Runs the real
//! binary's `check` over the bundled fixture sites and fails on any English
//! word left in them, outside what is quoted as it came: URLs, text quoted
//! from pages or libraries ("…", “…”), config keys (`…`).

use std::path::Path;
use std::process::Command;

use regex::Regex;
use serde_json::Value;
use sitewarden::fixtures::{FixtureSet, serve, write_fixture_config};

/// English words that cannot be Vietnamese, whatever the diacritics: each
/// was in the evidence before it was translated. Failure-kind codes
/// (`connect`, `timeout`, `http_status`, …) and technical names (robots.txt,
/// Crawl-delay, Disallow, HTML, PDF, feed, sitemap, max_body_bytes) stay as
/// they are and are not listed.
#[rustfmt::skip]
const DENIED: &[&str] = &[
    "after", "agency", "allowed", "allows", "analysed", "and", "answered", "article", "articles", "at", "before",
    "board", "body", "broken", "by", "could", "crawled", "cut", "day", "days", "denies", "document", "e-mail",
    "editorial", "everything", "fetched", "first", "forbids", "found", "from", "home", "incomplete", "is", "item",
    "items", "latest", "levels", "licence", "line", "linked", "listing", "looked", "loop", "machine-readable",
    "missing", "more", "named", "names", "no", "not", "nothing", "number", "of", "on", "only", "or", "page", "pages",
    "person", "posted", "private", "published", "readers", "reading", "reached", "refused", "registry", "resolve",
    "responsible", "seen", "shows", "signed", "source", "telephone", "text", "the", "time", "timed", "to",
    "unavailable", "visible", "visited", "was", "were", "while", "window", "with", "within", "working",
];

/// What is left of `text` once URLs and quoted passages are taken out.
fn own_words(text: &str) -> String {
    let quoted = Regex::new(r#"https?://\S+|"[^"]*"|“[^”]*”|`[^`]*`"#).expect("regex");
    quoted.replace_all(text, " ").into_owned()
}

/// The denied words in `text`, matched as whole words (letters, digits,
/// `_` and `-` inside a word), case-insensitively.
fn english_words(text: &str) -> Vec<String> {
    let word = Regex::new(r"[\p{L}\p{N}_]+(?:-[\p{L}\p{N}_]+)*").expect("regex");
    let own = own_words(text);
    word.find_iter(&own)
        .map(|m| m.as_str().to_lowercase())
        .filter(|w| DENIED.contains(&w.as_str()))
        .collect()
}

#[test]
fn the_deny_list_catches_the_old_english_evidence_and_spares_vietnamese() {
    for old in [
        "home page not fetched: connect: connection refused",
        "... and 12 more",
        "home page fetched: http://127.0.0.1:4000/ (body cut at max_body_bytes)",
        "no telephone number on the home page",
        "robots.txt answered 404: everything allowed",
        "crawl incomplete: page cap of 60 reached",
        "working day 20/11/2026 (Friday): no new item dated that day",
        "\"Theo VOV\": source named, no time the source published it",
        "registry names \"A\"; the site names \"B\"",
    ] {
        assert!(!english_words(old).is_empty(), "not caught: {old}");
    }
    for vi in [
        "không tải được trang chủ (connect): máy chủ từ chối kết nối",
        "… và 12 mục khác",
        "đã tải trang chủ: http://127.0.0.1:4000/the/page (nội dung bị cắt ở giới hạn max_body_bytes)",
        "trang chủ có số điện thoại liên hệ: \"Điện thoại: 0273 3873 333\" (nguyên văn trên trang: \"Phone: no more\")",
        "không đọc được robots.txt (http_status 500: http://a.vn/robots.txt trả về mã HTTP 500): theo RFC 9309 §2.3.1.4",
        "khai báo `documents` cho trang này trong sites.toml",
        "lỗi TLS hoặc chứng chỉ số: \"invalid peer certificate: UnknownIssuer\"",
        "không tải được trang chủ (bot_protection): … trang thử thách của dịch vụ chống bot",
        "Cho phép tác tử “sitewarden” đọc trang chủ (bỏ dòng Disallow tương ứng), Crawl-delay 5 giây",
    ] {
        assert_eq!(english_words(vi), Vec::<String>::new(), "{vi}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn messages_hints_and_evidence_of_the_fixture_check_are_vietnamese() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    let set = FixtureSet::from_dir(&root).expect("fixtures load");
    let as_of = set.as_of.expect("fixtures/as-of holds a date");
    let running = serve(&set).await.expect("fixture servers start");
    let dir = tempfile::tempdir().expect("tempdir");
    let config = write_fixture_config(dir.path(), &set, &running.registry).expect("config written");

    let bin = env!("CARGO_BIN_EXE_sitewarden");
    let out = tokio::task::spawn_blocking(move || {
        Command::new(bin)
            .args(["check", "--config"])
            .arg(&config)
            .args(["--as-of", &as_of.to_string(), "--format", "jsonl", "--fail-on", "never"])
            .env("SITEWARDEN_LOG", "warn")
            .output()
    })
    .await
    .expect("join")
    .expect("binary runs");
    assert_eq!(out.status.code(), Some(0), "stderr: {}", String::from_utf8_lossy(&out.stderr));

    let mut problems = Vec::new();
    let mut details = 0;
    for line in String::from_utf8_lossy(&out.stdout).lines().filter(|l| !l.trim().is_empty()) {
        let v: Value = serde_json::from_str(line).expect("each line is JSON");
        if v.get("rule").is_none() {
            continue;
        }
        let who = format!("{} {}", v["site"].as_str().unwrap_or(""), v["rule"].as_str().unwrap_or(""));
        let mut texts: Vec<(&str, &str)> = Vec::new();
        for field in ["message", "hint"] {
            if let Some(t) = v[field].as_str() {
                texts.push((field, t));
            }
        }
        for e in v["evidence"].as_array().into_iter().flatten() {
            if let Some(t) = e["detail"].as_str() {
                details += 1;
                texts.push(("detail", t));
            }
        }
        for (field, text) in texts {
            let words = english_words(text);
            if !words.is_empty() {
                problems.push(format!("{who} {field}: {words:?} in {text:?}"));
            }
        }
    }
    assert!(details > 100, "only {details} evidence details: did the check run?");
    assert!(
        problems.is_empty(),
        "{} texts with English words:\n{}",
        problems.len(),
        problems.join("\n")
    );
}
