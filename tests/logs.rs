//! Log lines as they land in a file or in the journal: the real binary runs
//! `sitewarden demo` (fixture sites on 127.0.0.1) with debug logging and its
//! stderr in a file, as under `2>file`, a log shipper or systemd.

use std::fs::File;
use std::os::unix::fs::MetadataExt;
use std::path::Path;
use std::process::Command;

/// Runs the demo with stderr to a file and returns what it wrote there.
/// `journal`: set JOURNAL_STREAM to that file's device:inode, as systemd does
/// for the stream it hands a service; `Some(false)` sets it to another file's.
fn demo_stderr(dir: &Path, journal: Option<bool>, extra: &[&str], env: &[(&str, &str)]) -> String {
    let log = dir.join(format!("stderr-{journal:?}-{}.log", extra.join("")));
    let err = File::create(&log).expect("create log file");
    let meta = if journal == Some(false) {
        std::fs::metadata(dir).expect("stat dir")
    } else {
        err.metadata().expect("stat log file")
    };
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_sitewarden"));
    cmd.args(extra)
        .arg("demo")
        .arg("--out-dir")
        .arg(dir.join("out"))
        .env("SITEWARDEN_LOG", "debug")
        .env_remove("JOURNAL_STREAM")
        .env_remove("NO_COLOR")
        .stdout(std::process::Stdio::null())
        .stderr(err);
    if journal.is_some() {
        cmd.env("JOURNAL_STREAM", format!("{}:{}", meta.dev(), meta.ino()));
    }
    for (k, v) in env {
        cmd.env(k, v);
    }
    let status = cmd.status().expect("binary runs");
    let text = std::fs::read_to_string(&log).expect("read log file");
    assert!(status.success(), "demo failed: {status}\n{text}");
    assert!(text.lines().count() > 10, "expected debug log lines, got:\n{text}");
    text
}

fn assert_no_escapes(text: &str) {
    if let Some(line) = text.lines().find(|l| l.contains('\x1b')) {
        panic!("ANSI escape in a log line written to a file: {line:?}");
    }
}

#[test]
fn no_colour_in_a_file() {
    let dir = tempfile::tempdir().expect("tempdir");
    let text = demo_stderr(dir.path(), None, &[], &[]);
    assert_no_escapes(&text);
    assert!(text.contains(" DEBUG "), "{text}");
    // Outside the journal the lines keep their own timestamps and no priority.
    assert!(text.lines().all(|l| l.starts_with("20")), "{text}");

    // NO_COLOR is honoured even when it would not change anything else here.
    assert_no_escapes(&demo_stderr(dir.path(), None, &[], &[("NO_COLOR", "1")]));
}

#[test]
fn journal_lines_carry_their_priority_and_no_timestamp() {
    let dir = tempfile::tempdir().expect("tempdir");
    let text = demo_stderr(dir.path(), Some(true), &[], &[]);
    assert_no_escapes(&text);
    for line in text.lines() {
        let (prefix, rest) = line.split_at_checked(3).unwrap_or_default();
        // The level is padded to five columns, so INFO and WARN open with a space.
        let level = rest.trim_start().split(' ').next().unwrap_or_default();
        let want = match level {
            "ERROR" => "<3>",
            "WARN" => "<4>",
            "INFO" => "<6>",
            "DEBUG" | "TRACE" => "<7>",
            _ => panic!("a journal line must open with <priority> then its level (journald adds the time): {line:?}"),
        };
        assert_eq!(prefix, want, "{line:?}");
    }
    assert!(text.lines().any(|l| l.starts_with("<7>DEBUG ")), "{text}");
    assert!(text.lines().any(|l| l.starts_with("<6> INFO ")), "{text}");

    let json = demo_stderr(dir.path(), Some(true), &["--log-format", "json"], &[]);
    for line in json.lines() {
        let (prefix, object) = line.split_at_checked(3).unwrap_or_default();
        assert!(["<3>", "<4>", "<6>", "<7>"].contains(&prefix), "{line:?}");
        let v: serde_json::Value = serde_json::from_str(object).unwrap_or_else(|e| panic!("{e}: {line:?}"));
        let level = v["level"].as_str().expect("level field");
        let want = match level {
            "ERROR" => "<3>",
            "WARN" => "<4>",
            "INFO" => "<6>",
            _ => "<7>",
        };
        assert_eq!(prefix, want, "{line:?}");
    }
}

#[test]
fn an_inherited_journal_stream_that_is_not_stderr_is_ignored() {
    let dir = tempfile::tempdir().expect("tempdir");
    let text = demo_stderr(dir.path(), Some(false), &[], &[]);
    assert_no_escapes(&text);
    assert!(text.lines().all(|l| l.starts_with("20")), "{text}");
}
