//! JUnit XML for CI: one `<testsuite>` per site, one `<testcase>` per rule
//! (classname = site id, name = rule id); `fail` is a `<failure>` carrying
//! the evidence, `unknown` is `<skipped>`.

use std::io::Write;

use super::{Renderer, ReportContext, SiteResults, xml_escape};
use crate::model::{ResultRecord, Status};

pub struct JunitRenderer;

fn evidence_text(r: &ResultRecord) -> String {
    let mut s = String::new();
    for e in &r.evidence {
        s.push_str(&e.url);
        if !e.detail.is_empty() {
            s.push_str(" — ");
            s.push_str(&e.detail);
        }
        s.push('\n');
    }
    if let Some(h) = &r.hint {
        s.push_str("Hướng khắc phục: ");
        s.push_str(h);
        s.push('\n');
    }
    s
}

impl Renderer for JunitRenderer {
    fn render(&self, results: &dyn SiteResults, _ctx: &ReportContext, out: &mut dyn Write) -> std::io::Result<()> {
        let count = |rs: &[ResultRecord], st: Status| rs.iter().filter(|r| r.status == st).count();
        // The totals head the file: a first walk counts, a second writes.
        let (mut tests, mut failures, mut skipped) = (0, 0, 0);
        results.each_site(&mut |rs| {
            tests += rs.len();
            failures += count(rs, Status::Fail);
            skipped += count(rs, Status::Unknown);
            Ok(())
        })?;
        writeln!(out, r#"<?xml version="1.0" encoding="UTF-8"?>"#)?;
        writeln!(
            out,
            r#"<testsuites name="sitewarden" tests="{tests}" failures="{failures}" errors="0" skipped="{skipped}">"#
        )?;
        results.each_site(&mut |rs| {
            let site = rs.first().map_or("", |r| r.site.as_str());
            let timestamp = rs.first().map(|r| r.checked_at.to_rfc3339()).unwrap_or_default();
            writeln!(
                out,
                r#"  <testsuite name="{}" tests="{}" failures="{}" errors="0" skipped="{}" timestamp="{}">"#,
                xml_escape(site),
                rs.len(),
                count(rs, Status::Fail),
                count(rs, Status::Unknown),
                xml_escape(&timestamp)
            )?;
            for r in rs {
                let open = format!(
                    r#"    <testcase classname="{}" name="{}" time="0""#,
                    xml_escape(&r.site),
                    xml_escape(&r.rule)
                );
                match r.status {
                    Status::Pass => writeln!(out, "{open}/>")?,
                    Status::Fail => {
                        writeln!(out, "{open}>")?;
                        writeln!(
                            out,
                            r#"      <failure message="{}" type="{}">{}</failure>"#,
                            xml_escape(&r.message),
                            r.severity.as_str(),
                            xml_escape(&evidence_text(r))
                        )?;
                        writeln!(out, "    </testcase>")?;
                    }
                    Status::Unknown => {
                        let why = r.evidence.iter().map(|e| e.detail.as_str()).collect::<Vec<_>>().join("; ");
                        let msg = if why.is_empty() {
                            r.message.clone()
                        } else {
                            format!("{} ({why})", r.message)
                        };
                        writeln!(out, "{open}>")?;
                        writeln!(out, r#"      <skipped message="{}"/>"#, xml_escape(&msg))?;
                        writeln!(out, "    </testcase>")?;
                    }
                }
            }
            writeln!(out, "  </testsuite>")
        })?;
        writeln!(out, "</testsuites>")?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use quick_xml::Reader;
    use quick_xml::events::Event;

    use super::*;
    use crate::model::Evidence;
    use crate::report::testutil::*;

    #[test]
    fn parses_as_xml_with_right_counts() {
        let d = day(2026, 11, 24);
        let mut hostile = rec("a", "disclosure.contact", Status::Fail, d);
        hostile.message = "</failure><x a=\"1\">&amp; \u{0}]]>".to_string();
        hostile.evidence = vec![Evidence::new("https://a.gov.vn/?x=1&y=<2>", "'quoted' \"dq\"")];
        let results = vec![
            hostile,
            rec("a", "site.reachable", Status::Pass, d),
            rec("a", "update.daily", Status::Unknown, d),
            rec("b", "site.reachable", Status::Fail, d),
            rec("b", "update.daily", Status::Pass, d),
        ];
        let mut out = Vec::new();
        JunitRenderer.render(&results, &ReportContext::default(), &mut out).unwrap();
        let text = String::from_utf8(out).unwrap();

        let mut reader = Reader::from_str(&text);
        let (mut suites, mut cases, mut failures, mut skipped) = (0, 0, 0, 0);
        let mut suite_attrs = Vec::new();
        let mut failure_msgs = Vec::new();
        loop {
            match reader.read_event().unwrap() {
                Event::Eof => break,
                Event::Start(e) | Event::Empty(e) => {
                    let name = e.name().as_ref().to_string();
                    let attr = |k: &str| {
                        e.attributes()
                            .filter_map(|a| a.ok())
                            .find(|a| a.key.as_ref() == k)
                            .map(|a| a.normalized_value(quick_xml::XmlVersion::Implicit1_0).unwrap().into_owned())
                    };
                    match name.as_str() {
                        "testsuite" => {
                            suites += 1;
                            suite_attrs.push((attr("name"), attr("tests"), attr("failures"), attr("skipped")));
                        }
                        "testcase" => cases += 1,
                        "failure" => {
                            failures += 1;
                            failure_msgs.push(attr("message").unwrap_or_default());
                        }
                        "skipped" => skipped += 1,
                        _ => {}
                    }
                }
                _ => {}
            }
        }
        assert_eq!((suites, cases, failures, skipped), (2, 5, 2, 1));
        assert_eq!(
            suite_attrs[0],
            (Some("a".into()), Some("3".into()), Some("1".into()), Some("1".into()))
        );
        assert_eq!(
            suite_attrs[1],
            (Some("b".into()), Some("2".into()), Some("1".into()), Some("0".into()))
        );
        assert!(failure_msgs[0].starts_with("</failure><x a=\"1\">&amp; "));
        assert!(text.contains(r#"<testsuites name="sitewarden" tests="5" failures="2" errors="0" skipped="1">"#));
    }
}
