//! The daemon's loop (`sitewarden run`): cron slots, the nightly findings
//! files, signals and systemd notifications.
//!
//! One loop owns all scheduling state; crawls and reports run as tasks it
//! spawns and hears back from. Because nothing else decides what runs, a site
//! can never be crawled twice at once and a slot that comes while the
//! previous crawl still runs is skipped rather than queued.

use std::collections::{HashMap, HashSet};
use std::panic::AssertUnwindSafe;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{DateTime, FixedOffset, NaiveDate};
use futures_util::FutureExt;
use sd_notify::NotifyState;
use tokio::net::TcpListener;
use tokio::signal::unix::{SignalKind, signal};
use tokio::sync::{Semaphore, watch};
use tokio::task::JoinSet;

use super::schedule::{due_at_startup, next_slot, previous_slot};
use crate::config::Config;
use crate::crawler::Fetcher;
use crate::engine::{Engine, EngineError, panic_message};
use crate::events;
use crate::findings::write_findings;
use crate::metrics::server::{Health, serve_metrics};
use crate::model::{vn_now, vn_today};
use crate::settings::Settings;
use crate::store::StoreError;

/// How long in-flight crawls get to finish after SIGTERM before they are
/// dropped (they are redone at the next start).
pub const STOP_GRACE: Duration = Duration::from_secs(10);

/// A findings file waits for crawls queued before its slot, but no longer
/// than this: the officer expects the file in the morning.
pub const REPORT_MAX_WAIT: Duration = Duration::from_secs(3600);

/// `/healthz` answers 503 when the loop has not beaten for this long and no
/// systemd watchdog interval says otherwise.
const DEFAULT_STALL_LIMIT: Duration = Duration::from_secs(60);

const META_REPORT_SLOT: &str = "report.last_slot";
const META_SWEEP_DAY: &str = "sweep.last_day";

/// Why the daemon could not start or stop cleanly; each says what to do.
#[derive(Debug, thiserror::Error)]
pub enum DaemonError {
    #[error("cannot watch {signal}: {source}")]
    Signal { signal: &'static str, source: std::io::Error },
    // The store's errors say what to do: another process holds the
    // database, it is damaged (restore a backup), or it cannot be opened.
    #[error("cannot start: {0}")]
    Start(#[source] EngineError),
    #[error("cannot listen on {addr} for metrics: {source}; change [metrics] listen or free the port")]
    Listen {
        addr: std::net::SocketAddr,
        source: std::io::Error,
    },
    #[error("cannot read the database: {0}")]
    Plan(#[source] StoreError),
    #[error("cannot flush the database: {0}")]
    Flush(#[source] StoreError),
}

enum Done {
    Crawl { site: String, outcome: CrawlEnd },
    Report { slot: DateTime<FixedOffset> },
}

enum CrawlEnd {
    Finished,
    Interrupted,
    Failed(String),
}

struct PendingReport {
    slot: DateTime<FixedOffset>,
    queued: Instant,
    wait_for: Option<DateTime<FixedOffset>>,
}

struct Scheduler {
    config_path: PathBuf,
    engine: Arc<Engine>,
    permits: Arc<Semaphore>,
    /// Site id -> (cron expression, next slot).
    next_crawl: HashMap<String, (String, DateTime<FixedOffset>)>,
    next_report: Option<DateTime<FixedOffset>>,
    /// Sites queued or crawling, with when they were queued.
    running: HashMap<String, DateTime<FixedOffset>>,
    pending_report: Option<PendingReport>,
    report_running: bool,
    tasks: JoinSet<Done>,
    shutdown: watch::Receiver<bool>,
}

fn notify(states: &[NotifyState]) {
    if let Err(e) = sd_notify::notify(states) {
        tracing::debug!(error = %e, "cannot notify systemd");
    }
}

fn crawl_expr<'a>(config: &'a Config, site: &'a crate::registry::Site) -> &'a str {
    site.schedule.as_deref().unwrap_or(&config.schedule.crawl)
}

fn parse_slot(s: &str) -> Option<DateTime<FixedOffset>> {
    DateTime::parse_from_rfc3339(s).ok()
}

impl Scheduler {
    fn new(config_path: PathBuf, engine: Arc<Engine>, shutdown: watch::Receiver<bool>) -> Scheduler {
        Scheduler {
            config_path,
            permits: Arc::new(Semaphore::new(engine.config.crawl.max_concurrent_sites.max(1))),
            engine,
            next_crawl: HashMap::new(),
            next_report: None,
            running: HashMap::new(),
            pending_report: None,
            report_running: false,
            tasks: JoinSet::new(),
            shutdown,
        }
    }

    fn config(&self) -> &Config {
        &self.engine.config
    }

    /// Work out what start-up owes: interrupted crawls, the latest
    /// missed slot of each site and of the findings file.
    fn plan_startup(&mut self) -> Result<(), StoreError> {
        let now = vn_now();
        let engine = self.engine.clone();
        for site in engine.registry.sites() {
            let expr = crawl_expr(&engine.config, &site).to_string();
            let state = engine.store.crawl_state(&site.id)?;
            let prev = previous_slot(&expr, now);
            if due_at_startup(&state, prev) {
                if state.interrupted() {
                    tracing::info!(site = %site.id, "the last crawl was interrupted; redoing it now");
                } else {
                    tracing::info!(site = %site.id, missed = ?prev.map(|p| p.to_rfc3339()), "a scheduled crawl was missed; running it now");
                }
                self.next_crawl.insert(site.id.clone(), (expr, now));
            } else if let Some(next) = next_slot(&expr, now) {
                tracing::info!(site = %site.id, next = %next.to_rfc3339(), "next crawl");
                self.next_crawl.insert(site.id.clone(), (expr, next));
            }
        }
        let report_expr = engine.config.schedule.report.clone();
        match engine.store.meta_get(META_REPORT_SLOT)?.as_deref().and_then(parse_slot) {
            Some(last) => {
                if let Some(prev) = previous_slot(&report_expr, now).filter(|p| *p > last) {
                    tracing::info!(missed = %prev.to_rfc3339(), "the findings files of a slot were not written; writing them after the catch-up crawls");
                    self.pending_report = Some(PendingReport {
                        slot: prev,
                        queued: Instant::now(),
                        wait_for: None,
                    });
                }
            }
            // First start: nothing was missed yet; remember from when on.
            None => engine.store.meta_set(META_REPORT_SLOT, &now.to_rfc3339())?,
        }
        self.next_report = next_slot(&report_expr, now);
        if let Some(n) = self.next_report {
            tracing::info!(next = %n.to_rfc3339(), "next findings files");
        }
        Ok(())
    }

    fn spawn_crawl(&mut self, site_id: &str) {
        let Some(site) = self.engine.registry.get(site_id) else {
            return;
        };
        self.running.insert(site.id.clone(), vn_now());
        let engine = self.engine.clone();
        let permits = self.permits.clone();
        let mut stop = self.shutdown.clone();
        self.tasks.spawn(async move {
            let id = site.id.clone();
            let permit = tokio::select! {
                p = permits.acquire_owned() => p.ok(),
                _ = stop.wait_for(|s| *s) => None,
            };
            let Some(_permit) = permit else {
                return Done::Crawl {
                    site: id,
                    outcome: CrawlEnd::Interrupted,
                };
            };
            // check_site turns a panic in the crawl or the rules into the
            // site's results; one anywhere else (the store) must still come
            // back with the site's id, or the site would stay "running" and
            // every later slot of it would be skipped.
            let checked = AssertUnwindSafe(engine.check_site(&site, vn_today(), stop)).catch_unwind().await;
            let outcome = match checked {
                Ok(Ok(Some(_))) => CrawlEnd::Finished,
                Ok(Ok(None)) => CrawlEnd::Interrupted,
                Ok(Err(e)) => CrawlEnd::Failed(e.to_string()),
                Err(panic) => CrawlEnd::Failed(format!("internal error (panic): {}", panic_message(panic.as_ref()))),
            };
            Done::Crawl { site: id, outcome }
        });
    }

    fn spawn_report(&mut self, slot: DateTime<FixedOffset>) {
        self.report_running = true;
        let engine = self.engine.clone();
        self.tasks.spawn(async move {
            let date = slot.date_naive();
            let e2 = engine.clone();
            let written = tokio::task::spawn_blocking(move || {
                let r = write_findings(&e2.config, &e2.registry, &e2.calendar, &e2.store, date).map_err(|e| e.to_string());
                if r.is_ok() {
                    if let Err(e) = e2.store.meta_set(META_REPORT_SLOT, &slot.to_rfc3339()) {
                        tracing::warn!(error = %e, "cannot record the findings slot");
                    }
                    sweep_once_a_day(&e2, date);
                }
                r
            })
            .await
            .unwrap_or_else(|e| Err(format!("the report task failed: {e}")));
            match &written {
                Ok((files, n)) => events::ReportWritten {
                    date,
                    files,
                    results: *n,
                    error: None,
                }
                .emit(),
                Err(e) => events::ReportWritten {
                    date,
                    files: &[],
                    results: 0,
                    error: Some(e),
                }
                .emit(),
            }
            Done::Report { slot }
        });
    }

    /// A task of `tasks` ended. Crawl tasks catch their own panics, so an
    /// error here is a report task or a task cancelled at shutdown.
    fn on_joined(&mut self, joined: Result<Done, tokio::task::JoinError>) {
        match joined {
            Ok(done) => self.on_done(done),
            Err(e) => tracing::error!(error = %e, "a scheduler task failed"),
        }
    }

    fn on_done(&mut self, done: Done) {
        match done {
            Done::Crawl { site, outcome } => {
                self.running.remove(&site);
                match outcome {
                    CrawlEnd::Finished => {}
                    CrawlEnd::Interrupted => {
                        tracing::info!(site = %site, "crawl stopped before it finished; it will be redone at the next start")
                    }
                    CrawlEnd::Failed(e) => {
                        tracing::error!(site = %site, error = %e, "crawl could not be stored")
                    }
                }
                if self.running.is_empty() {
                    // Per-host pacing state is only needed while crawls run.
                    self.engine.fetcher.limits.clear();
                }
            }
            Done::Report { slot } => {
                self.report_running = false;
                tracing::debug!(slot = %slot.to_rfc3339(), "report task done");
            }
        }
    }

    /// Start what is due now and say when to look again.
    fn tick(&mut self) -> DateTime<FixedOffset> {
        let now = vn_now();
        let due: Vec<String> = self
            .next_crawl
            .iter()
            .filter(|(_, (_, t))| *t <= now)
            .map(|(id, _)| id.clone())
            .collect();
        for id in due {
            let Some((expr, _)) = self.next_crawl.get(&id).cloned() else {
                continue;
            };
            if self.running.contains_key(&id) {
                events::SlotSkipped { site: &id }.emit();
            } else {
                self.spawn_crawl(&id);
            }
            match next_slot(&expr, now) {
                Some(next) => {
                    tracing::info!(site = %id, next = %next.to_rfc3339(), "crawl queued; next crawl");
                    self.next_crawl.insert(id, (expr, next));
                }
                None => {
                    tracing::warn!(site = %id, schedule = %expr, "the schedule has no further slot");
                    self.next_crawl.remove(&id);
                }
            }
        }
        if let Some(slot) = self.next_report.filter(|t| *t <= now) {
            if self.pending_report.is_some() || self.report_running {
                tracing::warn!(slot = %slot.to_rfc3339(), "previous findings files still pending; skipping this slot");
            } else {
                self.pending_report = Some(PendingReport {
                    slot,
                    queued: Instant::now(),
                    wait_for: None,
                });
            }
            self.next_report = next_slot(&self.config().schedule.report, now);
            if let Some(n) = self.next_report {
                tracing::info!(next = %n.to_rfc3339(), "next findings files");
            }
        }
        if let Some(p) = &mut self.pending_report {
            // Crawls queued up to now (this tick's included) are the
            // ones the file waits for; later ones are the next day's.
            let wait_for = *p.wait_for.get_or_insert_with(vn_now);
            let blocked = self.running.values().any(|q| *q <= wait_for);
            if !self.report_running && (!blocked || p.queued.elapsed() >= REPORT_MAX_WAIT) {
                let slot = p.slot;
                self.pending_report = None;
                self.spawn_report(slot);
            }
        }
        let mut wake = self.next_crawl.values().map(|(_, t)| *t).min();
        if let Some(r) = self.next_report {
            wake = Some(wake.map_or(r, |w| w.min(r)));
        }
        wake.unwrap_or(now + chrono::Duration::hours(1))
    }

    /// SIGHUP: re-read everything; keep the running set on any error.
    fn reload(&mut self) {
        notify(&[NotifyState::Reloading]);
        if let Ok(m) = NotifyState::monotonic_usec_now() {
            notify(&[m]);
        }
        match self.load_new() {
            Ok(engine) => {
                let old = std::mem::replace(&mut self.engine, Arc::new(engine));
                if old.config.crawl.max_concurrent_sites != self.engine.config.crawl.max_concurrent_sites {
                    self.permits = Arc::new(Semaphore::new(self.engine.config.crawl.max_concurrent_sites.max(1)));
                }
                self.replan(&old.config);
                events::Reloaded {
                    sites: self.engine.registry.len(),
                    error: None,
                }
                .emit();
            }
            Err(e) => events::Reloaded {
                sites: self.engine.registry.len(),
                error: Some(&e),
            }
            .emit(),
        }
        notify(&[NotifyState::Ready]);
    }

    fn load_new(&self) -> Result<Engine, String> {
        let Settings {
            config,
            registry,
            calendar,
        } = Settings::load(&self.config_path).map_err(|e| e.to_string())?;
        let old = &self.engine;
        if config.db_path() != old.config.db_path() {
            tracing::warn!(new = %config.db_path().display(), "state_dir changed; the running database is kept until a restart");
        }
        if config.metrics_listen != old.config.metrics_listen {
            tracing::warn!("metrics listen address changed; it takes effect at the next restart");
        }
        // Same crawl settings: keep the fetcher, so per-host pacing stays
        // shared with crawls still in flight.
        let fetcher = if config.crawl == old.config.crawl {
            old.fetcher.clone()
        } else {
            Fetcher::new(&config.crawl).map_err(|e| format!("cannot build the HTTP client: {e}"))?
        };
        Ok(Engine {
            config,
            registry,
            store: old.store.clone(),
            fetcher,
            calendar,
            panic_site: old.panic_site.clone(),
        })
    }

    /// New or changed schedules start from now; unchanged ones keep their slot.
    fn replan(&mut self, old: &Config) {
        let now = vn_now();
        let engine = self.engine.clone();
        let mut keep: HashMap<String, (String, DateTime<FixedOffset>)> = HashMap::new();
        for site in engine.registry.sites() {
            let expr = crawl_expr(&engine.config, &site).to_string();
            match self.next_crawl.get(&site.id) {
                Some((e, t)) if *e == expr => {
                    keep.insert(site.id.clone(), (expr, *t));
                }
                _ => {
                    if let Some(next) = next_slot(&expr, now) {
                        tracing::info!(site = %site.id, next = %next.to_rfc3339(), "next crawl");
                        keep.insert(site.id.clone(), (expr, next));
                    }
                }
            }
        }
        let known: HashSet<&str> = engine.registry.ids().collect();
        for id in self.next_crawl.keys().filter(|id| !known.contains(id.as_str())) {
            tracing::info!(site = %id, "site removed from the registry; no longer scheduled");
        }
        self.next_crawl = keep;
        if old.schedule.report != engine.config.schedule.report {
            self.next_report = next_slot(&engine.config.schedule.report, now);
            if let Some(n) = self.next_report {
                tracing::info!(next = %n.to_rfc3339(), "next findings files");
            }
        }
    }
}

fn sweep_once_a_day(engine: &Engine, today: NaiveDate) {
    let day = today.to_string();
    if engine.store.meta_get(META_SWEEP_DAY).ok().flatten().as_deref() == Some(day.as_str()) {
        return;
    }
    match engine.store.sweep(today, engine.config.store.retention_days) {
        Ok(n) => {
            tracing::info!(
                removed = n,
                retention_days = engine.config.store.retention_days,
                "retention sweep done"
            );
            if let Err(e) = engine.store.meta_set(META_SWEEP_DAY, &day).and_then(|_| engine.store.flush()) {
                tracing::warn!(error = %e, "cannot record the retention sweep");
            }
        }
        Err(e) => tracing::error!(error = %e, "retention sweep failed"),
    }
}

/// `sitewarden run`: until SIGTERM or SIGINT.
pub async fn run(config_path: PathBuf, settings: Settings) -> Result<(), DaemonError> {
    // Register before READY=1: SIGHUP's default action would kill us.
    let mut term = signal(SignalKind::terminate()).map_err(|source| DaemonError::Signal { signal: "SIGTERM", source })?;
    let mut int = signal(SignalKind::interrupt()).map_err(|source| DaemonError::Signal { signal: "SIGINT", source })?;
    let mut hup = signal(SignalKind::hangup()).map_err(|source| DaemonError::Signal { signal: "SIGHUP", source })?;

    let watchdog = sd_notify::watchdog_enabled();
    let health = Arc::new(Health::new(watchdog.unwrap_or(DEFAULT_STALL_LIMIT)));
    // Beat at least twice per watchdog interval, as sd_watchdog_enabled(3) asks.
    let beat_every = watchdog
        .map_or(Duration::from_secs(5), |w| (w / 2).min(Duration::from_secs(5)))
        .max(Duration::from_millis(50));

    let listen = settings.config.metrics_listen;
    let engine = Engine::new(settings).map_err(DaemonError::Start)?;
    let engine = Arc::new(engine);
    if let Some(addr) = listen {
        let listener = TcpListener::bind(addr)
            .await
            .map_err(|source| DaemonError::Listen { addr, source })?;
        tracing::info!(%addr, "metrics on /metrics, health on /healthz");
        // Before the first crawl can finish, not when the task first runs.
        crate::metrics::keep_per_site_series();
        tokio::spawn(serve_metrics(listener, health.clone()));
    }

    let (stop_tx, stop_rx) = watch::channel(false);
    let mut s = Scheduler::new(config_path, engine, stop_rx);
    s.plan_startup().map_err(DaemonError::Plan)?;
    tracing::info!(sites = s.engine.registry.len(), state = %s.engine.config.db_path().display(), "sitewarden started");
    notify(&[NotifyState::Ready]);

    loop {
        health.beat();
        if watchdog.is_some() {
            notify(&[NotifyState::Watchdog]);
        }
        let wake = s.tick();
        let until = (wake - vn_now()).to_std().unwrap_or(Duration::ZERO);
        let nap = until.min(beat_every);
        tokio::select! {
            _ = tokio::time::sleep(nap) => {}
            Some(joined) = s.tasks.join_next() => s.on_joined(joined),
            _ = hup.recv() => s.reload(),
            _ = term.recv() => break,
            _ = int.recv() => break,
        }
    }

    tracing::info!(in_flight = s.running.len(), "stop requested; letting requests in flight finish");
    notify(&[NotifyState::Stopping]);
    health.stop();
    let _ = stop_tx.send(true);
    let drained = tokio::time::timeout(STOP_GRACE, async {
        while let Some(done) = s.tasks.join_next().await {
            if let Ok(d) = done {
                s.on_done(d);
            }
        }
    })
    .await;
    if drained.is_err() {
        tracing::warn!(
            left = s.tasks.len(),
            "crawls did not stop in time; they are dropped and redone at the next start"
        );
        s.tasks.abort_all();
    }
    s.engine.store.flush().map_err(DaemonError::Flush)?;
    tracing::info!("stopped");
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{FailureKind, Status};

    /// Two sites on a port nothing listens on: their checks end quickly,
    /// with a connect failure, and need no server.
    fn engine(dir: &std::path::Path) -> (PathBuf, Engine) {
        let closed = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port");
        let sites: String = ["a", "b"]
            .iter()
            .map(|id| format!("[[site]]\nid = \"{id}\"\nname = \"Cổng {id}\"\nurl = \"http://{closed}/{id}/\"\nkind = \"government\"\n\n"))
            .collect();
        std::fs::write(dir.join("sites.toml"), sites).expect("registry");
        let config = dir.join("sitewarden.toml");
        std::fs::write(
            &config,
            "state_dir = \"state\"\nregistry = \"sites.toml\"\n[crawl]\nallow_private_addresses = true\nrequest_timeout = \"2s\"\n",
        )
        .expect("config");
        let settings = Settings::load(&config).expect("settings");
        (config, Engine::new(settings).expect("engine"))
    }

    #[tokio::test]
    async fn a_site_whose_check_panics_is_freed_and_crawled_again_at_its_next_slot() {
        let dir = tempfile::tempdir().expect("tempdir");
        let (config, engine) = engine(dir.path());
        let (_stop, stop_rx) = watch::channel(false);
        let mut s = Scheduler::new(config, Arc::new(engine.panic_on_site("b")), stop_rx);
        for round in 0..2 {
            for id in ["a", "b"] {
                s.next_crawl.insert(id.to_string(), ("0 0 1 * * *".to_string(), vn_now()));
            }
            s.tick();
            assert!(s.running.contains_key("b"), "round {round}: the panicking site's slot was skipped");
            while let Some(joined) = s.tasks.join_next().await {
                s.on_joined(joined);
            }
            assert!(s.running.is_empty(), "round {round}: still marked running: {:?}", s.running.keys());
        }
        let results = s.engine.store.results_for_day(vn_today()).expect("results");
        let of = |site: &str| results.iter().filter(|r| r.site == site).collect::<Vec<_>>();
        assert!(!of("b").is_empty());
        for r in of("b") {
            assert_eq!(r.status, Status::Unknown, "{r:?}");
            let detail = &r.evidence[0].detail;
            assert!(detail.starts_with(FailureKind::InternalError.as_str()), "{detail}");
            assert!(
                detail.contains("lỗi nội bộ khi kiểm tra trang: test hook: panic while checking b"),
                "{detail}"
            );
        }
        // The other site is judged on its own (its address is a closed port,
        // or whatever took the port since): untouched by b's panic.
        let reachable = of("a").into_iter().find(|r| r.rule == "site.reachable").expect("a was judged");
        assert_eq!(reachable.status, Status::Fail, "{reachable:?}");
        assert!(
            !reachable.evidence[0].detail.starts_with(FailureKind::InternalError.as_str()),
            "{reachable:?}"
        );
    }
}
