//! One pass over the registered sites: crawl → extract → rules → store.
//! `check`, `demo` and the daemon all run this same path.

use std::collections::HashMap;
use std::panic::AssertUnwindSafe;
use std::sync::Arc;

use chrono::NaiveDate;
use futures_util::FutureExt;
use futures_util::stream::{self, StreamExt};
use tokio::sync::watch;

use crate::calendar::Calendar;
use crate::config::Config;
use crate::crawler::limits::ItemLimits;
use crate::crawler::{Fetcher, RobotsStatus, SiteCrawl, crawl_site};
use crate::events;
use crate::model::{Evidence, FailureKind, FetchFailure, ResultRecord, Status, vn_now};
use crate::registry::{Registry, Site};
use crate::rules::{self, RuleContext};
use crate::settings::Settings;
use crate::store::{Store, StoreError};

#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("cannot build the HTTP client: {0}")]
    Client(#[from] reqwest::Error),
    #[error("background task failed: {0}")]
    Join(String),
}

pub struct Engine {
    pub config: Config,
    pub registry: Registry,
    pub store: Store,
    pub fetcher: Arc<Fetcher>,
    pub calendar: Calendar,
    /// Tests only (see [`Engine::panic_on_site`]): the site whose check panics.
    pub(crate) panic_site: Option<String>,
}

/// Longest panic message quoted in evidence: a message may quote the
/// site's own bytes, and evidence is read by people.
const MAX_PANIC_MESSAGE_CHARS: usize = 300;

/// What one site's check produced.
pub struct SiteOutcome {
    pub crawl: SiteCrawl,
    pub results: Vec<ResultRecord>,
}

impl SiteOutcome {
    fn without_pages(mut self) -> SiteOutcome {
        self.crawl.pages = Vec::new();
        self
    }
}

impl Engine {
    pub fn new(settings: Settings) -> Result<Engine, EngineError> {
        let Settings {
            config,
            registry,
            calendar,
        } = settings;
        // Checked on a copy first: a damaged database is refused, not
        // repaired in place by sled and then written over.
        let store = Store::open_checked(&config.db_path(), config.store.cache_capacity_bytes)?;
        let fetcher = Fetcher::new(&config.crawl)?;
        Ok(Engine {
            config,
            registry,
            store,
            fetcher,
            calendar,
            panic_site: None,
        })
    }

    /// For tests: make the check of site `id` panic after its crawl, the way
    /// a bug in sitewarden or a library would. No configuration reaches it.
    #[doc(hidden)]
    pub fn panic_on_site(mut self, id: &str) -> Engine {
        self.panic_site = Some(id.to_string());
        self
    }

    /// Crawl and judge one site, then store the results and flush. Returns
    /// None when shutdown interrupted the crawl: nothing partial is stored
    /// as the day's results, and the next start redoes it.
    ///
    /// A panic anywhere in the crawl or the rules, in our code or a
    /// library's, costs this site its results and nothing else: every rule
    /// that applies is stored `unknown` with `internal_error` and the panic's
    /// message, and the other sites, the run and the daemon go on. (This
    /// relies on panics unwinding: never set `panic = "abort"`.)
    pub async fn check_site(
        &self,
        site: &Site,
        as_of: NaiveDate,
        shutdown: watch::Receiver<bool>,
    ) -> Result<Option<SiteOutcome>, EngineError> {
        self.store.mark_started(&site.id)?;
        // The store and the fetcher stay usable after a panic: sled applies
        // each write whole, and every lock in the crawler recovers from
        // poisoning.
        let judged = AssertUnwindSafe(self.crawl_and_judge(site, as_of, shutdown)).catch_unwind().await;
        let (crawl, results) = match judged {
            Ok(Ok(Some(done))) => done,
            Ok(Ok(None)) => return Ok(None),
            Ok(Err(e)) => return Err(e),
            Err(panic) => {
                let message = panic_message(panic.as_ref());
                tracing::error!(site = %site.id, panic = %message, "internal error while checking the site; its rules are unknown for this check");
                self.internal_error_outcome(site, as_of, &message)
            }
        };
        // Saving waits for the retention sweep's lock and flushing for the
        // disk: neither may hold up the async threads every crawl runs on.
        let (store, id, to_save) = (self.store.clone(), site.id.clone(), results.clone());
        tokio::task::spawn_blocking(move || -> Result<(), StoreError> {
            store.save_results(as_of, &id, &to_save)?;
            store.mark_finished(&id)?;
            store.flush()?;
            crate::memory::release_freed_memory();
            Ok(())
        })
        .await
        .map_err(|e| EngineError::Join(e.to_string()))??;
        events::SiteChecked {
            crawl: &crawl,
            results: &results,
        }
        .emit();
        Ok(Some(SiteOutcome { crawl, results }))
    }

    /// The part of a site's check that runs on what the site served.
    async fn crawl_and_judge(
        &self,
        site: &Site,
        as_of: NaiveDate,
        shutdown: watch::Receiver<bool>,
    ) -> Result<Option<(SiteCrawl, Vec<ResultRecord>)>, EngineError> {
        let crawl = crawl_site(self.fetcher.clone(), site, &self.store, shutdown.clone()).await;
        if *shutdown.borrow() {
            tracing::info!(site = %site.id, "crawl interrupted by shutdown; it will be redone");
            return Ok(None);
        }
        let limits = ItemLimits::for_window(self.config.rules.window_working_days);
        self.store.save_crawl_with(&crawl, as_of, &limits)?;
        let items = self.store.known_items(&site.id)?;
        let documents = self.store.known_documents(&site.id)?;
        if self.panic_site.as_deref() == Some(site.id.as_str()) {
            panic!("test hook: panic while checking {}", site.id);
        }
        let ctx = RuleContext {
            site,
            crawl: &crawl,
            items: &items,
            documents: &documents,
            as_of,
            config: &self.config.rules,
            calendar: &self.calendar,
        };
        let results = rules::evaluate(&ctx, vn_now());
        Ok(Some((crawl, results)))
    }

    /// The results of a check that panicked: every rule that applies is
    /// `unknown`, with `internal_error` and the panic's message as evidence.
    /// Built without running any rule, since a rule may be what panicked.
    fn internal_error_outcome(&self, site: &Site, as_of: NaiveDate, message: &str) -> (SiteCrawl, Vec<ResultRecord>) {
        let failure = FetchFailure {
            kind: FailureKind::InternalError,
            status: None,
            detail: format!("lỗi nội bộ khi kiểm tra trang: {message}"),
        };
        let evidence = Evidence::new(site.url.as_str(), failure.describe());
        let checked_at = vn_now();
        let results = rules::all()
            .iter()
            .filter_map(|rule| {
                let basis = rule.basis(site.kind, as_of, self.config.rules.directive.as_deref())?;
                Some(ResultRecord {
                    site: site.id.clone(),
                    rule: rule.id.to_string(),
                    status: Status::Unknown,
                    severity: rule.severity,
                    as_of,
                    checked_at,
                    basis,
                    message: "Chưa xác định được vì sitewarden gặp lỗi nội bộ khi kiểm tra trang (không phải lỗi của trang)".into(),
                    evidence: vec![evidence.clone()],
                    hint: None,
                })
            })
            .collect();
        let crawl = SiteCrawl::nothing_yet(
            &site.id,
            site.url.as_str(),
            Err(failure.clone()),
            RobotsStatus::Unavailable(failure),
            false,
        );
        (crawl, results)
    }

    /// Check `sites` with at most `max_concurrent_sites` in flight, handing
    /// each site's outcome (counts and results, without its pages) to `each`
    /// as soon as its check is stored, in completion order. Nothing of a
    /// site is kept here once `each` returns, so a run's memory follows the
    /// sites in flight, not the size of the registry: whoever needs the
    /// whole run keeps it on disk (`check`: `report::Spool`) or reads it back
    /// from the store a site at a time (`findings::StoredDay`).
    ///
    /// A store error does not stop the other sites; the first one is
    /// returned once every site has run, as before.
    pub async fn check_each(
        &self,
        sites: impl IntoIterator<Item = Site>,
        as_of: NaiveDate,
        shutdown: watch::Receiver<bool>,
        mut each: impl FnMut(SiteOutcome),
    ) -> Result<(), EngineError> {
        let limit = self.config.crawl.max_concurrent_sites.max(1);
        // Sites are taken from `sites` only as a slot frees up, so a
        // registry decoded on the fly (`Registry::sites`) holds no more
        // than the sites in flight.
        let mut finished = stream::iter(sites)
            .map(|s| {
                let shutdown = shutdown.clone();
                async move {
                    self.check_site(&s, as_of, shutdown)
                        .await
                        .map(|o| o.map(SiteOutcome::without_pages))
                }
            })
            .buffer_unordered(limit);
        let mut first_error = None;
        while let Some(outcome) = finished.next().await {
            match outcome {
                Ok(Some(o)) => each(o),
                Ok(None) => {}
                Err(e) => {
                    tracing::error!(error = %e, "a site's check could not be stored");
                    first_error.get_or_insert(e);
                }
            }
        }
        self.fetcher.limits.clear();
        first_error.map_or(Ok(()), Err)
    }

    /// [`Engine::check_each`], collected in registry order. Holds every
    /// site's results until the end: for tests and small sets (the demo's
    /// fixtures); `check` and the daemon stream.
    pub async fn check(&self, sites: &[Site], as_of: NaiveDate, shutdown: watch::Receiver<bool>) -> Result<Vec<SiteOutcome>, EngineError> {
        let mut done = Vec::new();
        self.check_each(sites.iter().cloned(), as_of, shutdown, |o| done.push(o)).await?;
        let order: HashMap<&str, usize> = sites.iter().enumerate().map(|(i, s)| (s.id.as_str(), i)).collect();
        done.sort_by_key(|o| order.get(o.crawl.site_id.as_str()).copied().unwrap_or(usize::MAX));
        Ok(done)
    }
}

/// The text a panic was raised with, cut to a length evidence can carry.
pub fn panic_message(panic: &(dyn std::any::Any + Send)) -> String {
    let text = panic
        .downcast_ref::<&str>()
        .map(|s| (*s).to_string())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "panic without a message".to_string());
    match text.char_indices().nth(MAX_PANIC_MESSAGE_CHARS) {
        Some((cut, _)) => format!("{}…", text.get(..cut).unwrap_or_default()),
        None => text,
    }
}
