//! What officers read, assembled from the store: the nightly findings files
//! (SPEC §8) with their context, and the period summary (SPEC §9). The
//! daemon, `check`, `report` and `demo` all go through here.

use std::path::{Path, PathBuf};

use chrono::NaiveDate;

use crate::calendar::Calendar;
use crate::config::Config;
use crate::model::{Kind, ResultRecord};
use crate::registry::{Registry, Site};
use crate::report::{self, Format, PreviousDay, ReportContext, SiteInfo, SiteResults};
use crate::store::{DbCopy, PERIOD_SUMMARY_TREES, Store, StoreError, Trees};

#[derive(Debug, thiserror::Error)]
pub enum FindingsError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("cannot create {path}: {source}")]
    CreateDir { path: String, source: std::io::Error },
    #[error("report format {name:?}: {reason}")]
    Format { name: String, reason: String },
    #[error("cannot write {path}: {source}")]
    Write { path: String, source: std::io::Error },
    #[error("{0}")]
    Read(#[source] std::io::Error),
}

/// Which of the findings files a context is for: only the HTML page draws
/// each site's new items per day, which takes reading every site's items.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ItemCharts {
    Drawn,
    Left,
}

impl ItemCharts {
    pub fn for_formats(formats: &[Format]) -> ItemCharts {
        if formats.contains(&Format::Html) {
            ItemCharts::Drawn
        } else {
            ItemCharts::Left
        }
    }
}

/// The statuses of the last day before `date` with results, for what
/// changed since. Site, rule and status only: a province's previous day in
/// full would be a hundred megabytes of messages and evidence nobody shows.
pub fn previous_day(store: &Store, date: NaiveDate) -> Option<PreviousDay> {
    let d = store.previous_day_with_results(date).ok().flatten()?;
    let mut prev = PreviousDay::new(Some(d));
    let read = store.visit_statuses(d, d, |_, site, checked| {
        for c in checked {
            prev.add(site, c.rule, c.status);
        }
    });
    match read {
        Ok(()) => Some(prev),
        Err(e) => {
            tracing::warn!(error = %e, day = %d, "cannot read the previous day's results; the findings say nothing of changes");
            None
        }
    }
}

/// Everything the findings renderers show besides the day's results: names,
/// the previous day's statuses (for "what changed", from [`previous_day`])
/// and, for the HTML page, new items per day.
pub fn report_context(
    config: &Config,
    registry: &Registry,
    store: &Store,
    calendar: &Calendar,
    date: NaiveDate,
    charts: ItemCharts,
    previous: Option<PreviousDay>,
) -> ReportContext {
    let days: Vec<NaiveDate> = (0..30)
        .rev()
        .filter_map(|back| date.checked_sub_days(chrono::Days::new(back)))
        .collect();
    let mut ctx = ReportContext::default();
    ctx.date = Some(date);
    ctx.province = config.report.province.clone();
    ctx.previous = previous;
    // One pass: each site is decoded from the packed registry once.
    for s in registry.sites() {
        let daily_items = (charts == ItemCharts::Drawn).then(|| {
            let items = store.known_items(&s.id).unwrap_or_default();
            days.iter()
                .map(|d| {
                    (
                        *d,
                        items.iter().filter(|i| i.day() == *d).count() as u32,
                        calendar.is_working_day(*d),
                    )
                })
                .collect()
        });
        ctx.add_site(SiteInfo {
            id: s.id,
            name: s.name,
            kind: Some(s.kind),
            daily_items,
        });
    }
    ctx
}

/// A day's results as stored, read one site at a time in the order given
/// (the registry's): what the findings files are rendered from.
pub struct StoredDay<'a> {
    store: &'a Store,
    day: NaiveDate,
    sites: Vec<String>,
    /// Results handed out by the last walk: what the files written hold.
    walked: std::cell::Cell<usize>,
}

impl<'a> StoredDay<'a> {
    pub fn new(store: &'a Store, day: NaiveDate, sites: impl IntoIterator<Item = String>) -> StoredDay<'a> {
        StoredDay {
            store,
            day,
            sites: sites.into_iter().collect(),
            walked: std::cell::Cell::new(0),
        }
    }
}

impl SiteResults for StoredDay<'_> {
    fn each_site(&self, each: &mut dyn FnMut(&[ResultRecord]) -> std::io::Result<()>) -> std::io::Result<()> {
        self.walked.set(0);
        for site in &self.sites {
            let rs = self
                .store
                .site_results(self.day, site)
                .map_err(|e| std::io::Error::other(format!("cannot read the results back from the database: {e}")))?;
            if !rs.is_empty() {
                self.walked.set(self.walked.get() + rs.len());
                each(&rs)?;
            }
        }
        Ok(())
    }
}

/// Write the findings files of `date` in every configured format. Returns
/// the files written and the number of results in them.
pub fn write_findings(
    config: &Config,
    registry: &Registry,
    calendar: &Calendar,
    store: &Store,
    date: NaiveDate,
) -> Result<(Vec<PathBuf>, usize), FindingsError> {
    let dir = &config.report.dir;
    std::fs::create_dir_all(dir).map_err(|source| FindingsError::CreateDir {
        path: dir.display().to_string(),
        source,
    })?;
    let formats = config
        .report
        .formats
        .iter()
        .map(|name| {
            name.parse().map_err(|e: report::UnknownFormat| FindingsError::Format {
                name: name.clone(),
                reason: e.to_string(),
            })
        })
        .collect::<Result<Vec<Format>, _>>()?;
    let results = StoredDay::new(store, date, registry.ids().map(str::to_string));
    let previous = previous_day(store, date);
    let ctx = report_context(config, registry, store, calendar, date, ItemCharts::for_formats(&formats), previous);
    let mut written = Vec::new();
    for format in formats {
        let path = dir.join(format!("findings-{date}.{}", format.extension()));
        let renderer = report::renderer_for(format);
        report::write_atomically(&path, |w| renderer.render(&results, &ctx, w)).map_err(|source| FindingsError::Write {
            path: path.display().to_string(),
            source,
        })?;
        written.push(path);
    }
    // Counted as the files were written; with none configured, by a walk
    // of its own.
    if written.is_empty() {
        results.each_site(&mut |_| Ok(())).map_err(FindingsError::Read)?;
    }
    Ok((written, results.walked.get()))
}

/// The period summary of SPEC §9 for `sites`, from the store alone,
/// aggregated while scanning one day at a time (never the whole period in
/// memory). Used by `report --from --to` and its benchmark.
pub fn period_summary(
    store: &Store,
    calendar: &Calendar,
    sites: &[Site],
    from: NaiveDate,
    to: NaiveDate,
    province: Option<&str>,
    max_working_days: u32,
) -> Result<report::period::PeriodSummary, StoreError> {
    let names: Vec<(String, String)> = sites.iter().map(|s| (s.id.clone(), s.name.clone())).collect();
    let kinds: Vec<(String, Kind)> = sites.iter().map(|s| (s.id.clone(), s.kind)).collect();
    // Items and documents are read one site at a time, as the summary
    // makes that site's figures: a year of a province's items (half a
    // million) held at once was most of the report's memory. Only the
    // days of the items are read, without their titles and URLs.
    let read_error = std::cell::RefCell::new(None);
    let keep_error = |e: StoreError| {
        read_error.borrow_mut().get_or_insert(e);
    };
    let item_days = |site: &str| {
        store.known_item_days(site).unwrap_or_else(|e| {
            keep_error(e);
            Vec::new()
        })
    };
    let documents = |site: &str| {
        store.known_documents(site).unwrap_or_else(|e| {
            keep_error(e);
            Vec::new()
        })
    };
    let is_working_day = |d: NaiveDate| calendar.is_working_day(d);
    let input = report::period::PeriodInput {
        from,
        to,
        province,
        sites: &names,
        kinds: &kinds,
        is_working_day: &is_working_day,
        item_days: &item_days,
        documents: &documents,
        covered_from: store.earliest_day()?,
        max_doc_delay_working_days: i64::from(max_working_days),
    };
    let mut summarizer = report::period::Summarizer::new(&input);
    store.visit_statuses(from, to, |day, site, results| {
        summarizer.add(day, site, results.iter().map(|r| (r.rule, r.status, r.severity)));
    })?;
    let summary = summarizer.finish();
    match read_error.into_inner() {
        Some(e) => Err(e),
        None => Ok(summary),
    }
}

/// A database opened for a report: always a private copy, removed with it.
pub struct ReadStore {
    // Declared before `copy`: fields drop in order, and the database must
    // close before its directory goes.
    pub store: Store,
    copy: DbCopy,
}

impl ReadStore {
    /// The private directory holding the copy read.
    pub fn copy_dir(&self) -> &Path {
        self.copy.dir()
    }
}

/// Open the database for a report: a copy of it, in a private directory of
/// its own (see [`DbCopy`]), checked for damage. A report never opens the
/// database itself, since sled writes to what it opens (a snapshot, or the
/// repair of a damaged log), and works the same while the daemon holds it.
pub fn open_store_for_reading(config: &Config) -> Result<ReadStore, FindingsError> {
    open_store_checking(config, &Trees::All)
}

/// [`open_store_for_reading`] for the period summary: the copy is read
/// through beforehand only in the trees the summary reads.
pub fn open_store_for_period(config: &Config) -> Result<ReadStore, FindingsError> {
    open_store_checking(config, &PERIOD_SUMMARY_TREES)
}

fn open_store_checking(config: &Config, trees: &Trees) -> Result<ReadStore, FindingsError> {
    let (store, copy) = Store::open_copy_checking(&config.db_path(), config.store.cache_capacity_bytes, trees)?;
    tracing::debug!(copy = %copy.path().display(), "reading a copy of the database");
    Ok(ReadStore { store, copy })
}

#[cfg(test)]
mod tests {
    use chrono::{Datelike, Days, NaiveDate};

    use super::*;
    use crate::extract::LegalDocument;
    use crate::model::{Evidence, KnownItem, ResultRecord, Status, vn_offset};
    use crate::report::period::{PeriodInput, summarize};
    use crate::store::item_days_tests::{crawl_with_documents, item};

    fn site(id: &str, kind: Kind) -> Site {
        Site::new(
            id,
            format!("Cổng {id}"),
            url::Url::parse(&format!("https://{id}.vn/")).expect("url"),
            kind,
        )
    }

    /// A site's results on day `n` of the period, varied by site, rule and
    /// day; a rule no longer known among them.
    fn results(s: &Site, n: usize, day: NaiveDate) -> Vec<ResultRecord> {
        let checked_at = day
            .and_hms_opt(1, 3, 0)
            .and_then(|t| t.and_local_timezone(vn_offset()).single())
            .unwrap_or_default();
        let mut rules: Vec<(String, crate::model::Severity)> = crate::rules::all().iter().map(|r| (r.id.to_string(), r.severity)).collect();
        rules.push(("retired.rule".into(), crate::model::Severity::Warning));
        rules
            .into_iter()
            .enumerate()
            .map(|(k, (rule, severity))| {
                let status = match (n * 7 + k * 3 + s.id.len()) % 11 {
                    0 | 1 => Status::Fail,
                    2 => Status::Unknown,
                    _ => Status::Pass,
                };
                ResultRecord {
                    site: s.id.clone(),
                    rule,
                    status,
                    severity,
                    as_of: day,
                    checked_at,
                    basis: "Thông tư".into(),
                    message: format!("Ngày {n}"),
                    evidence: vec![Evidence::new(s.url.as_str(), "chân trang")],
                    hint: None,
                }
            })
            .collect()
    }

    /// One result of `rule` for `site` on `day`, checked at `hour`.
    fn one(site: &str, rule: &str, status: Status, day: NaiveDate, hour: u32) -> ResultRecord {
        ResultRecord {
            site: site.into(),
            rule: rule.into(),
            status,
            severity: crate::model::Severity::Violation,
            as_of: day,
            checked_at: day
                .and_hms_opt(hour, 0, 0)
                .and_then(|t| t.and_local_timezone(vn_offset()).single())
                .unwrap_or_default(),
            basis: "Thông tư 26/2009/TT-BTTTT, Điều 12".into(),
            message: format!("{site} {rule} {day}"),
            evidence: vec![Evidence::new(format!("https://{site}.vn/"), "chân trang")],
            hint: None,
        }
    }

    #[test]
    fn findings_read_from_the_store_site_by_site_list_the_registry_in_order_with_what_changed() {
        let dir = tempfile::tempdir().expect("tempdir");
        let store = Store::open(&dir.path().join("db"), 1 << 20).expect("open");
        let config = Config::parse(
            &dir.path().join("sitewarden.toml"),
            &format!("state_dir = \"{}\"\nregistry = \"sites.toml\"\n", dir.path().display()),
        )
        .expect("config");
        // Registry order is not id order; "cu" was removed from the registry.
        let registry = Registry::from_sites(&[site("xa", Kind::Government), site("so", Kind::Government)]);
        let (d1, d2) = (
            NaiveDate::from_ymd_opt(2026, 11, 23).expect("date"),
            NaiveDate::from_ymd_opt(2026, 11, 24).expect("date"),
        );
        let contact = "disclosure.contact";
        let reach = "site.reachable";
        for (site, first, second) in [
            ("xa", Status::Fail, Status::Pass),
            ("so", Status::Pass, Status::Fail),
            ("cu", Status::Pass, Status::Fail),
        ] {
            store
                .save_results(d1, site, &[one(site, reach, Status::Pass, d1, 1), one(site, contact, first, d1, 1)])
                .expect("save");
            store
                .save_results(
                    d2,
                    site,
                    &[one(site, reach, Status::Pass, d2, 9), one(site, contact, second, d2, 9)],
                )
                .expect("save");
        }
        let ctx = report_context(
            &config,
            &registry,
            &store,
            &Calendar::builtin(),
            d2,
            ItemCharts::Left,
            previous_day(&store, d2),
        );
        let day = StoredDay::new(&store, d2, registry.ids().map(str::to_string));
        let mut out = Vec::new();
        report::renderer_for(Format::Jsonl).render(&day, &ctx, &mut out).expect("render");
        let lines: Vec<serde_json::Value> = String::from_utf8(out)
            .expect("utf-8")
            .lines()
            .map(|l| serde_json::from_str(l).expect("json"))
            .collect();
        let sites: Vec<&str> = lines.iter().filter_map(|l| l["site"].as_str()).collect();
        assert_eq!(sites, ["xa", "xa", "so", "so"]);
        let changes = &lines.last().expect("changes line")["changes"];
        assert_eq!(changes["date"], "2026-11-24");
        assert_eq!(changes["previous_date"], "2026-11-23");
        assert_eq!(changes["new_violations"], serde_json::json!([{"site": "so", "rule": contact}]));
        assert_eq!(changes["resolved"], serde_json::json!([{"site": "xa", "rule": contact}]));

        // The nightly files count the registered sites' results, written or not.
        let (files, count) = write_findings(&config, &registry, &Calendar::builtin(), &store, d2).expect("write");
        assert_eq!((files.len(), count), (3, 4));
        let none = Config::parse(
            &dir.path().join("sitewarden.toml"),
            &format!(
                "state_dir = \"{}\"\nregistry = \"sites.toml\"\n[report]\nformats = []\n",
                dir.path().display()
            ),
        )
        .expect("config");
        let (files, count) = write_findings(&none, &registry, &Calendar::builtin(), &store, d2).expect("write");
        assert_eq!((files.len(), count), (0, 4));
    }

    #[test]
    fn the_summary_from_the_store_is_the_one_of_its_full_records() {
        let dir = tempfile::tempdir().expect("tempdir");
        let store = Store::open(dir.path(), 1 << 20).expect("open");
        let calendar = Calendar::builtin();
        let sites = vec![
            site("so", Kind::Government),
            site("tonghop", Kind::Aggregator),
            site("xa", Kind::Government),
        ];
        // Results of a site no longer in the registry are stored too.
        let gone = site("cu", Kind::Government);
        let (from, to) = (
            NaiveDate::from_ymd_opt(2026, 1, 5).expect("date"),
            NaiveDate::from_ymd_opt(2026, 3, 20).expect("date"),
        );
        let first = NaiveDate::from_ymd_opt(2026, 1, 1).expect("date");
        for n in 0..90usize {
            let day = first + Days::new(n as u64);
            for (i, s) in sites.iter().chain([&gone]).enumerate() {
                // Some sites go unchecked on some days.
                if (n + i) % 9 != 4 {
                    store.save_results(day, &s.id, &results(s, n, day)).expect("save");
                }
                let news = (0..(n + i) % 3)
                    .map(|k| item(&format!("{}tin/{n}-{k}", s.url), (k == 1).then(|| day - Days::new(2))))
                    .collect();
                let documents = (day.weekday().number_from_monday() == 3)
                    .then(|| LegalDocument {
                        url: format!("{}van-ban/{n}.pdf", s.url),
                        number: format!("{n}/QĐ-UBND"),
                        title: format!("Quyết định {n}"),
                        signed: day - Days::new(1 + (n as u64 % 6)),
                        posted: (n % 2 == 0).then_some(day),
                    })
                    .into_iter()
                    .collect();
                store
                    .save_crawl(&crawl_with_documents(&s.id, news, Vec::new(), documents), day)
                    .expect("save crawl");
            }
        }

        let names: Vec<(String, String)> = sites.iter().map(|s| (s.id.clone(), s.name.clone())).collect();
        let kinds: Vec<(String, Kind)> = sites.iter().map(|s| (s.id.clone(), s.kind)).collect();
        let is_working_day = |d: NaiveDate| calendar.is_working_day(d);
        let item_days = |id: &str| store.known_items(id).expect("items").iter().map(KnownItem::day).collect();
        let documents = |id: &str| store.known_documents(id).expect("documents");
        let input = PeriodInput {
            from,
            to,
            province: Some("tỉnh Tiền Giang"),
            sites: &names,
            kinds: &kinds,
            is_working_day: &is_working_day,
            item_days: &item_days,
            documents: &documents,
            covered_from: store.earliest_day().expect("read"),
            max_doc_delay_working_days: 2,
        };
        let want = summarize(&input, store.results_by_day(from, to).map(|r| r.expect("read")));
        assert!(
            want.sites
                .iter()
                .all(|s| s.days_checked > 0 && s.working_days_with_item > 0 && s.documents.posted > 0)
        );
        assert!(want.top_violations.iter().any(|v| v.rule == "retired.rule"));

        let got = period_summary(&store, &calendar, &sites, from, to, Some("tỉnh Tiền Giang"), 2).expect("summary");
        assert_eq!(got, want);
        // A store whose items were never counted by day (written by an
        // older version) reads them one by one, to the same figures.
        store.forget_item_day_counts().expect("forget");
        let got = period_summary(&store, &calendar, &sites, from, to, Some("tỉnh Tiền Giang"), 2).expect("summary");
        assert_eq!(got, want);
    }
}
