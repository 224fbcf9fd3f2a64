//! Renders results for people and tools: one file per output format behind
//! the [`Renderer`] trait.
//!
//! Every renderer treats site-supplied text (messages quote pages, evidence
//! quotes footers, URLs come from links) as hostile: HTML and XML are
//! escaped, URLs only become links when they are http(s), and CSV cells that
//! a spreadsheet would run as formulas are neutralised.

mod chart;
pub mod csv;
pub mod html;
pub mod jsonl;
pub mod junit;
pub mod period;
mod spool;

use std::collections::HashMap;
use std::fmt;
use std::io::{self, Write};
use std::path::Path;
use std::str::FromStr;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::model::{Kind, ResultRecord, Status};

pub use spool::{Spool, SpooledDay};

/// A day's results, one site at a time, in the order the report lists the
/// sites. Renderers walk it once per part of the file that needs it, and a
/// source may read each site from the store as it goes: a province's day
/// (90,000 results for 10,000 sites) is never in memory whole (issue 14).
pub trait SiteResults {
    /// Calls `each` with every site's results in turn; sites without any
    /// are skipped.
    fn each_site(&self, each: &mut dyn FnMut(&[ResultRecord]) -> io::Result<()>) -> io::Result<()>;
}

/// Results already in memory (tests): sites in the order they first appear.
impl SiteResults for [ResultRecord] {
    fn each_site(&self, each: &mut dyn FnMut(&[ResultRecord]) -> io::Result<()>) -> io::Result<()> {
        let mut sites: Vec<&str> = Vec::new();
        for r in self {
            if !sites.contains(&r.site.as_str()) {
                sites.push(&r.site);
            }
        }
        for site in sites {
            let rs: Vec<ResultRecord> = self.iter().filter(|r| r.site == site).cloned().collect();
            each(&rs)?;
        }
        Ok(())
    }
}

impl SiteResults for Vec<ResultRecord> {
    fn each_site(&self, each: &mut dyn FnMut(&[ResultRecord]) -> io::Result<()>) -> io::Result<()> {
        self.as_slice().each_site(each)
    }
}

/// What a report shows of a registered site besides its results.
#[derive(Debug, Clone)]
pub struct SiteInfo {
    pub id: String,
    pub name: String,
    /// Which of a rule's texts applied, and since when.
    pub kind: Option<Kind>,
    /// New items per day over the last 30 days, drawn as a chart in the
    /// HTML report.
    pub daily_items: Option<DailyItems>,
}

impl SiteInfo {
    pub fn named(id: &str, name: &str) -> SiteInfo {
        SiteInfo {
            id: id.to_string(),
            name: name.to_string(),
            kind: None,
            daily_items: None,
        }
    }
}

/// The previous stored day's statuses, for "what changed": only site, rule
/// and status, read without messages or evidence. Rule ids are kept once:
/// a province's day is 90,000 results over a dozen rules.
#[derive(Debug, Clone, Default)]
pub struct PreviousDay {
    /// Its as-of day, shown beside the changes.
    pub date: Option<NaiveDate>,
    rules: Vec<Box<str>>,
    /// Per site: (index into `rules`, status).
    statuses: HashMap<Box<str>, Vec<(u16, Status)>>,
}

impl PreviousDay {
    pub fn new(date: Option<NaiveDate>) -> PreviousDay {
        PreviousDay {
            date,
            ..PreviousDay::default()
        }
    }

    pub fn add(&mut self, site: &str, rule: &str, status: Status) {
        let at = match self.rules.iter().position(|r| &**r == rule) {
            Some(at) => at,
            None => {
                self.rules.push(rule.into());
                self.rules.len() - 1
            }
        };
        // More distinct rule ids than u16 holds is no store of ours.
        let Ok(at) = u16::try_from(at) else { return };
        match self.statuses.get_mut(site) {
            Some(rules) => rules.push((at, status)),
            None => {
                self.statuses.insert(site.into(), vec![(at, status)]);
            }
        }
    }

    pub fn from_results(results: &[ResultRecord]) -> PreviousDay {
        let mut prev = PreviousDay::new(results.first().map(|r| r.as_of));
        for r in results {
            prev.add(&r.site, &r.rule, r.status);
        }
        prev
    }

    fn status(&self, site: &str, rule: &str) -> Option<Status> {
        let at = self.rules.iter().position(|r| &**r == rule)?;
        self.statuses
            .get(site)?
            .iter()
            .find(|(r, _)| usize::from(*r) == at)
            .map(|(_, status)| *status)
    }
}

/// What a renderer knows besides the results.
#[derive(Debug, Clone, Default)]
pub struct ReportContext {
    /// The as-of day of the results.
    pub date: Option<NaiveDate>,
    /// Shown in the HTML title, e.g. "tỉnh Tiền Giang"; `None` for a generic title.
    pub province: Option<String>,
    /// The previous stored day, if any: lets the reports say what changed.
    /// `None` means "no previous day known" (no change section).
    pub previous: Option<PreviousDay>,
    /// The registry's sites by id: looked up once per result.
    sites: HashMap<String, SiteInfo>,
}

impl ReportContext {
    pub fn add_site(&mut self, site: SiteInfo) {
        self.sites.insert(site.id.clone(), site);
    }

    pub fn with_site(mut self, site: SiteInfo) -> ReportContext {
        self.add_site(site);
        self
    }

    pub fn site(&self, id: &str) -> Option<&SiteInfo> {
        self.sites.get(id)
    }

    /// The changes a [`ChangeTracker`] gathered, dated.
    pub(crate) fn finish_changes(&self, tracker: ChangeTracker<'_>) -> Changes {
        tracker.finish(self.date)
    }

    /// The kind of a site, when the registry knows it.
    pub fn site_kind(&self, site: &str) -> Option<Kind> {
        self.site(site).and_then(|s| s.kind)
    }

    /// Display name of a site, falling back to its id.
    pub fn site_name<'a>(&'a self, site: &'a str) -> &'a str {
        self.site(site).map_or(site, |s| s.name.as_str())
    }

    /// A site's new items per day, when known.
    pub fn daily_items(&self, site: &str) -> Option<&DailyItems> {
        self.site(site).and_then(|s| s.daily_items.as_ref())
    }
}

/// (day, new items that day, whether it is a working day), oldest first.
pub type DailyItems = Vec<(NaiveDate, u32, bool)>;

pub trait Renderer {
    fn render(&self, results: &dyn SiteResults, ctx: &ReportContext, out: &mut dyn Write) -> std::io::Result<()>;
}

/// One output format of `check` and `report` (SPEC §2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    Jsonl,
    Csv,
    Html,
    Junit,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown report format {0:?}: expected jsonl, csv, html or junit")]
pub struct UnknownFormat(pub String);

impl FromStr for Format {
    type Err = UnknownFormat;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "jsonl" | "json" | "ndjson" => Ok(Format::Jsonl),
            "csv" => Ok(Format::Csv),
            "html" | "htm" => Ok(Format::Html),
            "junit" | "xml" => Ok(Format::Junit),
            _ => Err(UnknownFormat(s.to_string())),
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Format {
    pub const ALL: [Format; 4] = [Format::Jsonl, Format::Csv, Format::Html, Format::Junit];

    pub fn as_str(self) -> &'static str {
        match self {
            Format::Jsonl => "jsonl",
            Format::Csv => "csv",
            Format::Html => "html",
            Format::Junit => "junit",
        }
    }

    /// File extension without the dot (`findings-2026-11-24.xml` for junit).
    pub fn extension(self) -> &'static str {
        match self {
            Format::Jsonl => "jsonl",
            Format::Csv => "csv",
            Format::Html => "html",
            Format::Junit => "xml",
        }
    }
}

pub fn renderer_for(format: Format) -> Box<dyn Renderer> {
    match format {
        Format::Jsonl => Box::new(jsonl::JsonlRenderer),
        Format::Csv => Box::new(csv::CsvRenderer),
        Format::Html => Box::new(html::HtmlRenderer),
        Format::Junit => Box::new(junit::JunitRenderer),
    }
}

/// Writes `path` so that a reader sees either the old file or the complete
/// new one, never half a file: temp file in the same directory (same
/// filesystem, so the rename is atomic), fsync, rename, fsync the directory.
///
/// The temp file gets a random name and is created with O_EXCL, so nothing
/// planted in the directory (a link at a name we would have used) is
/// followed or overwritten; the rename replaces a link at `path` itself
/// rather than writing through it.
pub fn write_atomically(path: &Path, f: impl FnOnce(&mut dyn Write) -> io::Result<()>) -> io::Result<()> {
    let mut file = AtomicFile::create(path)?;
    f(file.writer())?;
    file.commit()
}

/// A file written as [`write_atomically`] does, for a writer that cannot be
/// one closure: `check --format jsonl --out` writes each site's lines as the
/// site finishes. Dropped without [`AtomicFile::commit`], the temp file goes
/// and `path` keeps what it had.
pub struct AtomicFile {
    path: std::path::PathBuf,
    dir: std::path::PathBuf,
    w: io::BufWriter<tempfile::NamedTempFile>,
}

impl AtomicFile {
    pub fn create(path: &Path) -> io::Result<AtomicFile> {
        let dir = match path.parent() {
            Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
            _ => std::path::PathBuf::from("."),
        };
        let file_name = path
            .file_name()
            .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, format!("{} names no file", path.display())))?;
        let mut prefix = std::ffi::OsString::from(".");
        prefix.push(file_name);
        prefix.push(".tmp-");
        let mut builder = tempfile::Builder::new();
        builder.prefix(&prefix);
        // tempfile creates 0600; findings files are read by officers, so keep
        // what the umask allows, as a plain create would.
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            builder.permissions(std::fs::Permissions::from_mode(0o666));
        }
        let tmp = builder.tempfile_in(&dir)?;
        Ok(AtomicFile {
            path: path.to_path_buf(),
            dir,
            w: io::BufWriter::new(tmp),
        })
    }

    pub fn writer(&mut self) -> &mut dyn Write {
        &mut self.w
    }

    /// fsync, rename over `path`, fsync the directory.
    pub fn commit(self) -> io::Result<()> {
        let tmp = self.w.into_inner().map_err(|e| e.into_error())?;
        tmp.as_file().sync_all()?;
        tmp.persist(&self.path).map_err(|e| e.error)?;
        // The rename itself must survive a power cut too.
        if let Ok(d) = std::fs::File::open(&self.dir) {
            let _ = d.sync_all();
        }
        Ok(())
    }
}

/// A (site, rule) pair named in [`Changes`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, PartialOrd, Ord)]
pub struct SiteRule {
    pub site: String,
    pub rule: String,
}

/// What changed between the previous day's results and today's.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Changes {
    /// The as-of day of the current results.
    pub date: Option<NaiveDate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub previous_date: Option<NaiveDate>,
    /// Fail today, and not fail on the previous day (pass, unknown, or not checked).
    pub new_violations: Vec<SiteRule>,
    /// Fail on the previous day, pass today. A fail that became unknown is
    /// not "resolved": we could not see the site.
    pub resolved: Vec<SiteRule>,
}

impl Changes {
    /// Both lists in the order of `sites` (a findings file's), each site's
    /// pairs in the order they came: `check` gathers them as sites finish.
    pub fn in_site_order(&mut self, sites: &[String]) {
        let at: HashMap<&str, usize> = sites.iter().enumerate().map(|(i, s)| (s.as_str(), i)).collect();
        for list in [&mut self.new_violations, &mut self.resolved] {
            list.sort_by_key(|p| at.get(p.site.as_str()).copied().unwrap_or(usize::MAX));
        }
    }
}

/// The changes between two days' results held in memory.
pub fn changes(prev: &[ResultRecord], cur: &[ResultRecord]) -> Changes {
    let prev = PreviousDay::from_results(prev);
    let mut tracker = ChangeTracker::new(&prev);
    tracker.site(cur);
    tracker.finish(None)
}

/// Gathers [`Changes`] as a report walks the day one site at a time.
pub(crate) struct ChangeTracker<'a> {
    prev: &'a PreviousDay,
    out: Changes,
}

impl<'a> ChangeTracker<'a> {
    pub(crate) fn new(prev: &'a PreviousDay) -> ChangeTracker<'a> {
        ChangeTracker {
            prev,
            out: Changes::default(),
        }
    }

    /// The changes gathered, dated `date` when given (else by the results)
    /// and by the previous day's date.
    pub(crate) fn finish(self, date: Option<NaiveDate>) -> Changes {
        let mut c = self.out;
        c.date = date.or(c.date);
        c.previous_date = self.prev.date;
        c
    }

    pub(crate) fn site(&mut self, results: &[ResultRecord]) {
        for r in results {
            self.out.date.get_or_insert(r.as_of);
            let pair = || SiteRule {
                site: r.site.clone(),
                rule: r.rule.clone(),
            };
            match (self.prev.status(&r.site, &r.rule), r.status) {
                (Some(Status::Fail), Status::Pass) => self.out.resolved.push(pair()),
                (Some(Status::Fail), _) => {}
                (_, Status::Fail) => self.out.new_violations.push(pair()),
                _ => {}
            }
        }
    }
}

/// The Vietnamese name of a rule; the id itself for a rule we do not know.
pub fn rule_name_vi(rule: &str) -> &str {
    crate::rules::find(rule).map_or(rule, |r| r.name)
}

/// Since when the text a result cites has applied (RULES.md, "The texts by
/// date"), for the site's kind; for a site of unknown kind, when every kind
/// the rule applies to agrees. None for an unknown rule, or a text older
/// than anything checked.
pub fn basis_since(r: &ResultRecord, kind: Option<Kind>) -> Option<NaiveDate> {
    let rule = crate::rules::find(&r.rule)?;
    match kind {
        Some(k) => rule.in_force_since(k, r.as_of),
        None => {
            let mut since = rule.applies_to.iter().map(|k| rule.in_force_since(*k, r.as_of));
            let first = since.next()??;
            since.all(|s| s == Some(first)).then_some(first)
        }
    }
}

/// Sort key putting known rules in SPEC order and unknown ones after, by id.
pub(crate) fn rule_order(rule: &str) -> (usize, &str) {
    (crate::rules::all().iter().position(|r| r.id == rule).unwrap_or(usize::MAX), rule)
}

/// Escapes text for HTML element content and double- or single-quoted attributes.
pub fn html_escape(s: &str) -> String {
    escape_markup(s, false)
}

/// Escapes for XML text and attributes (JUnit), where raw newlines in an
/// attribute would be normalised to spaces.
pub(crate) fn xml_escape(s: &str) -> String {
    escape_markup(s, true)
}

/// One escaping for HTML and XML. Control characters have no business in a
/// report, some break parsers and XML 1.0 cannot carry them at all (a
/// hostile page may contain NUL): they become U+FFFD.
fn escape_markup(s: &str, encode_whitespace: bool) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\n' | '\r' | '\t' if encode_whitespace => {
                let _ = std::fmt::Write::write_fmt(&mut out, format_args!("&#{};", c as u32));
            }
            '\n' | '\t' => out.push(c),
            c if c.is_control() || c == '\u{FFFE}' || c == '\u{FFFF}' => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

/// `Some(url)` when the URL may safely become a link (http or https only:
/// a hostile site must not plant `javascript:` in the officer's report).
pub(crate) fn safe_href(url: &str) -> Option<&str> {
    let parsed = url::Url::parse(url.trim()).ok()?;
    matches!(parsed.scheme(), "http" | "https").then_some(url.trim())
}

/// An HTML id fragment unique per input string and made only of safe characters.
pub(crate) fn anchor_part(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if c.is_ascii_alphanumeric() || c == '-' || c == '.' {
            out.push(c);
        } else {
            out.push_str(&format!("_{:x}_", c as u32));
        }
    }
    out
}

pub(crate) use crate::model::fmt_day as vi_date;

#[cfg(test)]
pub(crate) mod testutil {
    use chrono::{NaiveDate, TimeZone};

    use crate::model::{Evidence, ResultRecord, Severity, Status, vn_offset};

    pub fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default()
    }

    pub fn rec(site: &str, rule: &str, status: Status, as_of: NaiveDate) -> ResultRecord {
        let checked_at = vn_offset()
            .with_ymd_and_hms(
                chrono::Datelike::year(&as_of),
                chrono::Datelike::month(&as_of),
                chrono::Datelike::day(&as_of),
                1,
                3,
                12,
            )
            .single()
            .unwrap_or_else(|| vn_offset().timestamp_opt(0, 0).unwrap());
        ResultRecord {
            site: site.to_string(),
            rule: rule.to_string(),
            status,
            severity: if rule == "site.crawlable" {
                Severity::Info
            } else {
                Severity::Violation
            },
            as_of,
            checked_at,
            basis: "Nghị định 72/2013/NĐ-CP; Thông tư 09/2014/TT-BTTTT".to_string(),
            message: match status {
                Status::Pass => "Đã tìm thấy thông tin".to_string(),
                Status::Fail => "Không tìm thấy địa chỉ thư điện tử liên hệ".to_string(),
                Status::Unknown => "Không truy cập được trang".to_string(),
            },
            evidence: vec![Evidence::new(
                "https://tiengiang.gov.vn/",
                "chân trang có số điện thoại 0273 3873 333, không có địa chỉ thư điện tử",
            )],
            hint: (status == Status::Fail).then(|| "Thêm địa chỉ thư điện tử vào chân trang chủ".to_string()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::testutil::*;
    use super::*;

    #[test]
    fn format_round_trips_and_rejects_unknown() {
        for f in Format::ALL {
            assert_eq!(f.as_str().parse::<Format>(), Ok(f));
        }
        assert_eq!(Format::Junit.extension(), "xml");
        assert!("pdf".parse::<Format>().is_err());
    }

    #[test]
    fn changes_lists_new_and_resolved() {
        let d0 = day(2026, 11, 23);
        let d1 = day(2026, 11, 24);
        let prev = vec![
            rec("a", "disclosure.contact", Status::Fail, d0),
            rec("a", "update.daily", Status::Pass, d0),
            rec("b", "site.reachable", Status::Fail, d0),
        ];
        let cur = vec![
            rec("a", "disclosure.contact", Status::Pass, d1),
            rec("a", "update.daily", Status::Fail, d1),
            rec("b", "site.reachable", Status::Unknown, d1),
            rec("c", "site.reachable", Status::Fail, d1),
        ];
        let c = changes(&prev, &cur);
        let pairs = |v: &[SiteRule]| v.iter().map(|p| format!("{}/{}", p.site, p.rule)).collect::<Vec<_>>();
        assert_eq!(pairs(&c.new_violations), vec!["a/update.daily", "c/site.reachable"]);
        assert_eq!(pairs(&c.resolved), vec!["a/disclosure.contact"]);
        assert_eq!(c.date, Some(d1));
        assert_eq!(c.previous_date, Some(d0));
    }

    /// `check --format jsonl` gathers the changes as sites finish; its
    /// changes line lists them as a walk of the registry would.
    #[test]
    fn changes_gathered_as_sites_finish_read_in_registry_order() {
        let d0 = day(2026, 11, 23);
        let d1 = day(2026, 11, 24);
        let prev = PreviousDay::from_results(&[
            rec("xa", "disclosure.contact", Status::Fail, d0),
            rec("so", "disclosure.contact", Status::Fail, d0),
        ]);
        let xa = [
            rec("xa", "update.daily", Status::Fail, d1),
            rec("xa", "disclosure.contact", Status::Pass, d1),
            rec("xa", "site.reachable", Status::Fail, d1),
        ];
        let so = [rec("so", "disclosure.contact", Status::Pass, d1)];
        let huyen = [rec("huyen", "update.daily", Status::Fail, d1)];
        let registry = ["xa".to_string(), "huyen".to_string(), "so".to_string()];
        let mut walked = ChangeTracker::new(&prev);
        for site in [&xa[..], &huyen, &so] {
            walked.site(site);
        }
        let mut finished = ChangeTracker::new(&prev);
        for site in [&so[..], &huyen, &xa] {
            finished.site(site);
        }
        let mut finished = finished.finish(Some(d1));
        finished.in_site_order(&registry);
        assert_eq!(finished, walked.finish(Some(d1)));
        let pairs = |v: &[SiteRule]| v.iter().map(|p| format!("{}/{}", p.site, p.rule)).collect::<Vec<_>>();
        assert_eq!(
            pairs(&finished.new_violations),
            ["xa/update.daily", "xa/site.reachable", "huyen/update.daily"]
        );
        assert_eq!(pairs(&finished.resolved), ["xa/disclosure.contact", "so/disclosure.contact"]);
    }

    #[test]
    fn write_atomically_replaces_whole_file_and_cleans_up_on_error() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("findings-2026-11-24.csv");
        write_atomically(&path, |w| w.write_all(b"old")).unwrap();
        let err = write_atomically(&path, |w| {
            w.write_all(b"half")?;
            Err(io::Error::other("boom"))
        });
        assert!(err.is_err());
        assert_eq!(std::fs::read(&path).unwrap(), b"old");
        write_atomically(&path, |w| w.write_all(b"new")).unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"new");
        let leftovers = std::fs::read_dir(dir.path()).unwrap().count();
        assert_eq!(leftovers, 1, "temp files must not be left behind");
    }

    #[test]
    fn escaping_and_hrefs_are_safe() {
        assert_eq!(
            html_escape("<a href='x'>&\"</a>"),
            "&lt;a href=&#39;x&#39;&gt;&amp;&quot;&lt;/a&gt;"
        );
        assert_eq!(safe_href("javascript:alert(1)"), None);
        assert_eq!(safe_href("https://a.gov.vn/x"), Some("https://a.gov.vn/x"));
        assert_ne!(anchor_part("a b"), anchor_part("a_b"));
        assert!(
            anchor_part("\"><script>")
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "-._".contains(c))
        );
    }
}
