//! What officers read, assembled from the store: the nightly findings files
//! (SPEC §8) with their context, and the period summary (SPEC §9). The
//! daemon, `check`, `report` and `demo` all go through here.

use std::path::{Path, PathBuf};

use chrono::NaiveDate;

use crate::calendar::Calendar;
use crate::config::Config;
use crate::model::Kind;
use crate::registry::{Registry, Site};
use crate::report::{self, Format, ReportContext};
use crate::store::{DbCopy, Store, StoreError};

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
}

/// Everything the findings renderers show besides the day's results: names,
/// the previous day's results (for "what changed") and new items per day.
pub fn report_context(config: &Config, registry: &Registry, store: &Store, calendar: &Calendar, date: NaiveDate) -> ReportContext {
    let previous_date = store.previous_day_with_results(date).ok().flatten();
    let previous = previous_date.and_then(|d| store.results_for_day(d).ok());
    let days: Vec<NaiveDate> = (0..30)
        .rev()
        .filter_map(|back| date.checked_sub_days(chrono::Days::new(back)))
        .collect();
    let daily_items = registry
        .sites()
        .map(|s| {
            let items = store.known_items(&s.id).unwrap_or_default();
            let per_day = days
                .iter()
                .map(|d| {
                    (
                        *d,
                        items.iter().filter(|i| i.day() == *d).count() as u32,
                        calendar.is_working_day(*d),
                    )
                })
                .collect();
            (s.id, per_day)
        })
        .collect();
    ReportContext {
        date: Some(date),
        site_names: registry.sites().map(|s| (s.id, s.name)).collect(),
        site_kinds: registry.sites().map(|s| (s.id, s.kind)).collect(),
        province: config.report.province.clone(),
        previous,
        previous_date,
        daily_items,
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
    let mut results = store.results_for_day(date)?;
    results.retain(|r| registry.contains(&r.site));
    let ctx = report_context(config, registry, store, calendar, date);
    let mut written = Vec::new();
    for name in &config.report.formats {
        let format: Format = name.parse().map_err(|e: report::UnknownFormat| FindingsError::Format {
            name: name.clone(),
            reason: e.to_string(),
        })?;
        let path = dir.join(format!("findings-{date}.{}", format.extension()));
        let renderer = report::renderer_for(format);
        report::write_atomically(&path, |w| renderer.render(&results, &ctx, w)).map_err(|source| FindingsError::Write {
            path: path.display().to_string(),
            source,
        })?;
        written.push(path);
    }
    Ok((written, results.len()))
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
    let days = store.statuses_by_day(from, to).map_while(|r| match r {
        Ok(day) => Some(day),
        Err(e) => {
            keep_error(e);
            None
        }
    });
    let summary = report::period::summarize(&input, days);
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
    let (store, copy) = Store::open_copy(&config.db_path(), config.store.cache_capacity_bytes)?;
    tracing::debug!(copy = %copy.path().display(), "reading a copy of the database");
    Ok(ReadStore { store, copy })
}
