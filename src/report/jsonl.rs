//! JSON Lines: one [`ResultRecord`] per line, exactly as serde writes it
//! (SPEC §4). When the context knows the previous day, one more line follows
//! the results: `{"changes":{"date":…,"new_violations":[{"site","rule"}],"resolved":[…]}}`.
//! It comes last and has no `site` key, so scripts that read `site`/`rule`
//! from each line can skip it by that.

use std::io::Write;

use serde::Serialize;

use super::{ChangeTracker, Changes, Renderer, ReportContext, SiteResults};
use crate::model::ResultRecord;

pub struct JsonlRenderer;

#[derive(Serialize)]
struct ChangesLine<'a> {
    changes: &'a Changes,
}

impl Renderer for JsonlRenderer {
    fn render(&self, results: &dyn SiteResults, ctx: &ReportContext, out: &mut dyn Write) -> std::io::Result<()> {
        // One walk: the changes are gathered as the lines are written.
        let mut tracker = ctx.previous.as_ref().map(ChangeTracker::new);
        results.each_site(&mut |rs| {
            if let Some(t) = tracker.as_mut() {
                t.site(rs);
            }
            write_records(rs, out)
        })?;
        match tracker {
            Some(t) => write_changes_line(&ctx.finish_changes(t), out),
            None => Ok(()),
        }
    }
}

/// The result lines alone: `check` writes each site's as the site finishes.
pub fn write_records(results: &[ResultRecord], out: &mut dyn Write) -> std::io::Result<()> {
    for r in results {
        serde_json::to_writer(&mut *out, r)?;
        out.write_all(b"\n")?;
    }
    Ok(())
}

/// The closing changes line: `check` writes it after every site's lines.
pub fn write_changes_line(changes: &Changes, out: &mut dyn Write) -> std::io::Result<()> {
    serde_json::to_writer(&mut *out, &ChangesLine { changes })?;
    out.write_all(b"\n")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Status;
    use crate::report::PreviousDay;
    use crate::report::testutil::*;

    #[test]
    fn lines_parse_back_to_the_same_records() {
        let d = day(2026, 11, 24);
        let results = vec![
            rec("tiengiang-portal", "disclosure.contact", Status::Fail, d),
            rec("tiengiang-portal", "site.reachable", Status::Pass, d),
        ];
        let mut out = Vec::new();
        JsonlRenderer.render(&results, &ReportContext::default(), &mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        let back: Vec<ResultRecord> = text.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
        assert_eq!(back, results);
        // A pass has no hint, and the key is omitted rather than null.
        assert!(!text.lines().nth(1).unwrap().contains("hint"));
        assert!(text.lines().next().unwrap().contains(r#""status":"fail""#));
    }

    #[test]
    fn changes_come_after_the_results() {
        let d0 = day(2026, 11, 23);
        let d = day(2026, 11, 24);
        let results = vec![rec("a", "disclosure.contact", Status::Fail, d)];
        let ctx = ReportContext {
            previous: Some(PreviousDay::from_results(&[rec("a", "disclosure.contact", Status::Pass, d0)])),
            ..Default::default()
        };
        let mut out = Vec::new();
        JsonlRenderer.render(&results, &ctx, &mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 2);
        assert!(serde_json::from_str::<ResultRecord>(lines[0]).is_ok());
        let v: serde_json::Value = serde_json::from_str(lines[1]).unwrap();
        assert_eq!(v["changes"]["date"], "2026-11-24");
        assert_eq!(v["changes"]["new_violations"][0]["site"], "a");
        assert_eq!(v["changes"]["new_violations"][0]["rule"], "disclosure.contact");
        assert_eq!(v["changes"]["resolved"].as_array().map(|a| a.len()), Some(0));
    }
}
