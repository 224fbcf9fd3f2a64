//! The commands of SPEC §2, called by the thin binary. Errors become a
//! message and an exit code here, at the edge.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use chrono::NaiveDate;
use tokio::sync::watch;

use crate::calendar::Calendar;
use crate::config::Config;
use crate::engine::Engine;
use crate::findings::{
    self, ItemCharts, StoredDay, open_store_for_period, open_store_for_reading, period_summary, previous_day, report_context,
};
use crate::fixtures::{self, FixtureSet, write_fixture_config};
use crate::model::{ResultRecord, Severity, Status, vn_today};
use crate::progress::Progress;
use crate::registry::{Registry, Site};
use crate::report::{self, Changes, Format, ReportContext, SiteResults};
use crate::settings::Settings;

/// Exit codes of SPEC §2.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    Ok = 0,
    Violations = 1,
    Usage = 2,
    Fatal = 3,
}

impl From<Exit> for ExitCode {
    fn from(e: Exit) -> ExitCode {
        ExitCode::from(e as u8)
    }
}

#[derive(Debug)]
pub struct Failure {
    pub exit: Exit,
    pub message: String,
}

fn usage(e: impl std::fmt::Display) -> Failure {
    Failure {
        exit: Exit::Usage,
        message: e.to_string(),
    }
}

fn fatal(e: anyhow::Error) -> Failure {
    Failure {
        exit: Exit::Fatal,
        message: format!("{e:#}"),
    }
}

pub(crate) fn runtime() -> Result<tokio::runtime::Runtime, Failure> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")
        .map_err(fatal)
}

fn load(config: &Path) -> Result<Settings, Failure> {
    Settings::load(config).map_err(usage)
}

fn parse_date(s: Option<&str>, flag: &str) -> Result<Option<NaiveDate>, Failure> {
    s.map(|d| {
        d.parse::<NaiveDate>()
            .map_err(|_| usage(format!("{flag} {d:?}: expected a date as YYYY-MM-DD")))
    })
    .transpose()
}

/// The sites `--site` names, or `None` for the whole registry: those are
/// decoded one by one as the check reaches them, never held all at once.
fn select_sites(registry: &Registry, ids: &[String]) -> Result<Option<Vec<Site>>, Failure> {
    if ids.is_empty() {
        return Ok(None);
    }
    ids.iter()
        .map(|id| {
            registry
                .get(id)
                .ok_or_else(|| usage(format!("--site {id:?}: no such site in the registry")))
        })
        .collect::<Result<_, _>>()
        .map(Some)
}

/// Watch SIGINT/SIGTERM and tell every task through a watch channel.
pub(crate) fn shutdown_signal() -> (watch::Sender<bool>, watch::Receiver<bool>) {
    let (tx, rx) = watch::channel(false);
    let tx2 = tx.clone();
    tokio::spawn(async move {
        wait_for_stop().await;
        tracing::info!("stop requested; finishing requests in flight");
        let _ = tx2.send(true);
    });
    (tx, rx)
}

pub(crate) async fn wait_for_stop() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = term.recv() => {}
                    _ = tokio::signal::ctrl_c() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}

fn write_output(format: Format, out: Option<&Path>, results: &dyn SiteResults, ctx: &ReportContext) -> anyhow::Result<()> {
    let renderer = report::renderer_for(format);
    match out {
        Some(path) => {
            report::write_atomically(path, |w| renderer.render(results, ctx, w)).with_context(|| format!("cannot write {}", path.display()))
        }
        None => {
            let stdout = std::io::stdout();
            let mut lock = stdout.lock();
            renderer
                .render(results, ctx, &mut lock)
                .context("cannot write to standard output")?;
            lock.flush().context("cannot write to standard output")
        }
    }
}

pub struct CheckArgs {
    pub sites: Vec<String>,
    pub as_of: Option<String>,
    pub format: Option<Format>,
    pub out: Option<PathBuf>,
    /// None: never exit 1 (`--fail-on never`).
    pub fail_on: Option<Severity>,
    /// Draw progress on stderr: the binary's call (a terminal, no `--quiet`).
    pub progress: bool,
}

/// The exit code for `--fail-on`: 1 when any result is at or above it.
pub fn exit_for(results: &[ResultRecord], fail_on: Option<Severity>) -> Exit {
    match fail_on {
        Some(level) if results.iter().any(|r| r.status == Status::Fail && r.severity >= level) => Exit::Violations,
        _ => Exit::Ok,
    }
}

pub fn check(config_path: &Path, args: CheckArgs) -> Result<Exit, Failure> {
    let settings = load(config_path)?;
    let chosen = select_sites(&settings.registry, &args.sites)?;
    let as_of = parse_date(args.as_of.as_deref(), "--as-of")?.unwrap_or_else(vn_today);
    let format = args.format.unwrap_or(Format::Jsonl);
    let fail_on = args.fail_on;
    let rt = runtime()?;
    rt.block_on(async {
        let engine = Engine::new(settings).context("cannot start the check").map_err(fatal)?;
        let (_tx, rx) = shutdown_signal();
        // Nothing of a site is kept in memory past its check (issue 14): the
        // exit code needs one flag; jsonl is written as each site finishes,
        // its changes line gathered on the way; the other formats are
        // rendered at the end from a spool of the results, in registry order.
        let previous = previous_day(&engine.store, as_of);
        let mut out = match format {
            Format::Jsonl => RunOutput::Lines(
                JsonlOut::open(args.out.as_deref()).map_err(fatal)?,
                previous.as_ref().map(report::ChangeTracker::new),
            ),
            _ => RunOutput::Spooled(
                report::Spool::create_in(&engine.config.state_dir)
                    .with_context(|| format!("cannot create a temporary file in {}", engine.config.state_dir.display()))
                    .map_err(fatal)?,
            ),
        };
        let mut violations = false;
        let mut write_error: Option<anyhow::Error> = None;
        let total = chosen.as_ref().map_or(engine.registry.len(), Vec::len);
        let mut progress = Progress::new(total, args.progress);
        let sites: Box<dyn Iterator<Item = Site> + '_> = match &chosen {
            Some(list) => Box::new(list.iter().cloned()),
            None => Box::new(engine.registry.sites()),
        };
        engine
            .check_each(sites, as_of, rx, |o| {
                violations |= exit_for(&o.results, fail_on) == Exit::Violations;
                progress.site_done(o.results.iter().any(|r| r.status == Status::Fail));
                if write_error.is_none() {
                    write_error = out.add(&o.results).err();
                }
            })
            .await
            .context("check failed")
            .map_err(fatal)?;
        progress.finish();
        if let Some(e) = write_error {
            return Err(fatal(e));
        }
        let order = report_sites(&engine.registry, chosen.as_deref());
        match out {
            RunOutput::Lines(lines, tracker) => {
                let changes = tracker.map(|t| {
                    let mut changes = t.finish(Some(as_of));
                    changes.in_site_order(&order);
                    changes
                });
                lines.finish(changes.as_ref()).map_err(fatal)?
            }
            RunOutput::Spooled(spool) => {
                let results = spool.in_order(order);
                let charts = ItemCharts::for_formats(&[format]);
                let ctx = report_context(
                    &engine.config,
                    &engine.registry,
                    &engine.store,
                    &engine.calendar,
                    as_of,
                    charts,
                    previous,
                );
                write_output(format, args.out.as_deref(), &results, &ctx).map_err(fatal)?
            }
        }
        Ok(if violations { Exit::Violations } else { Exit::Ok })
    })
}

/// The sites a findings file lists, in registry order: the chosen ones, or
/// the whole registry. Results are read back (from the spool of a `check`,
/// from the store for `report`) one site at a time in this order.
fn report_sites(registry: &Registry, chosen: Option<&[Site]>) -> Vec<String> {
    match chosen {
        Some(list) => {
            let chosen: std::collections::HashSet<&str> = list.iter().map(|s| s.id.as_str()).collect();
            registry.ids().filter(|id| chosen.contains(id)).map(str::to_string).collect()
        }
        None => registry.ids().map(str::to_string).collect(),
    }
}

/// What `check` does with each site's results as the site finishes.
enum RunOutput<'p> {
    /// jsonl: written at once, with what changed since the previous day
    /// gathered for the closing line.
    Lines(JsonlOut, Option<report::ChangeTracker<'p>>),
    /// Every other format: kept on disk for the file written at the end.
    Spooled(report::Spool),
}

impl RunOutput<'_> {
    fn add(&mut self, results: &[ResultRecord]) -> anyhow::Result<()> {
        match self {
            RunOutput::Lines(lines, tracker) => {
                if let Some(t) = tracker {
                    t.site(results);
                }
                lines.write_site(results)
            }
            RunOutput::Spooled(spool) => spool
                .add(results)
                .context("cannot keep the results in a temporary file in the state directory"),
        }
    }
}

/// Where `check --format jsonl` writes: each site's lines as the site
/// finishes, in completion order (no reorder buffer: a slow site would hold
/// back every line behind it), and the changes line once all are done.
/// A file is written under a temp name and renamed over `--out` at the end.
enum JsonlOut {
    Stdout,
    File(report::AtomicFile, PathBuf),
}

impl JsonlOut {
    fn open(out: Option<&Path>) -> anyhow::Result<JsonlOut> {
        Ok(match out {
            Some(path) => JsonlOut::File(
                report::AtomicFile::create(path).with_context(|| format!("cannot write {}", path.display()))?,
                path.to_path_buf(),
            ),
            None => JsonlOut::Stdout,
        })
    }

    fn write_site(&mut self, results: &[ResultRecord]) -> anyhow::Result<()> {
        match self {
            JsonlOut::Stdout => {
                let stdout = std::io::stdout();
                let mut lock = stdout.lock();
                report::jsonl::write_records(results, &mut lock)
                    .and_then(|()| lock.flush())
                    .context("cannot write to standard output")
            }
            JsonlOut::File(file, path) => {
                report::jsonl::write_records(results, file.writer()).with_context(|| format!("cannot write {}", path.display()))
            }
        }
    }

    /// The changes line, when there is a previous day to compare with, and
    /// the file renamed into place.
    fn finish(self, changes: Option<&Changes>) -> anyhow::Result<()> {
        let line = |out: &mut dyn Write| changes.map_or(Ok(()), |c| report::jsonl::write_changes_line(c, out));
        match self {
            JsonlOut::Stdout => {
                let stdout = std::io::stdout();
                let mut lock = stdout.lock();
                line(&mut lock)
                    .and_then(|()| lock.flush())
                    .context("cannot write to standard output")
            }
            JsonlOut::File(mut file, path) => line(file.writer())
                .and_then(|()| file.commit())
                .with_context(|| format!("cannot write {}", path.display())),
        }
    }
}

pub struct ReportArgs {
    pub date: Option<String>,
    pub from: Option<String>,
    pub to: Option<String>,
    pub sites: Vec<String>,
    pub format: Option<Format>,
    pub out: Option<PathBuf>,
}

pub fn report(config_path: &Path, args: ReportArgs) -> Result<Exit, Failure> {
    let Settings {
        config,
        registry,
        calendar,
    } = load(config_path)?;
    if args.from.is_some() || args.to.is_some() {
        return period_report(&config, &registry, &calendar, &args);
    }
    let date = parse_date(args.date.as_deref(), "--date")?.unwrap_or_else(vn_today);
    let format = args.format.unwrap_or(Format::Jsonl);
    let chosen = select_sites(&registry, &args.sites)?;
    let read = open_store_for_reading(&config).map_err(|e| fatal(e.into()))?;
    let store = &read.store;
    let results = StoredDay::new(store, date, report_sites(&registry, chosen.as_deref()));
    let previous = previous_day(store, date);
    let ctx = report_context(
        &config,
        &registry,
        store,
        &calendar,
        date,
        ItemCharts::for_formats(&[format]),
        previous,
    );
    write_output(format, args.out.as_deref(), &results, &ctx).map_err(fatal)?;
    Ok(Exit::Ok)
}

pub fn config_check(config_path: &Path) -> Result<Exit, Failure> {
    let Settings { config, registry, .. } = load(config_path)?;
    let gov = registry.sites().filter(|s| s.kind == crate::model::Kind::Government).count();
    println!("{}: OK", config.source.display());
    println!(
        "registry   {}: {} sites ({} government, {} aggregator)",
        config.registry.display(),
        registry.len(),
        gov,
        registry.len() - gov
    );
    println!("state      {}", config.db_path().display());
    println!("findings   {} ({})", config.report.dir.display(), config.report.formats.join(", "));
    println!(
        "schedule   crawl \"{}\", report \"{}\" (Asia/Ho_Chi_Minh)",
        config.schedule.crawl, config.schedule.report
    );
    println!(
        "crawl      {} req / {:?} per host, {} sites in flight, {} pages per site",
        config.crawl.per_host_rate.count,
        config.crawl.per_host_rate.per,
        config.crawl.max_concurrent_sites,
        config.crawl.max_pages_per_site
    );
    match config.metrics_listen {
        Some(a) => println!("metrics    http://{a}/metrics"),
        None => println!("metrics    off"),
    }
    Ok(Exit::Ok)
}

#[cfg(unix)]
pub fn run(config_path: &Path) -> Result<Exit, Failure> {
    let settings = load(config_path)?;
    let rt = runtime()?;
    let outcome = rt.block_on(crate::scheduler::run(config_path.to_path_buf(), settings));
    // A findings file still being written must not hold the exit forever.
    rt.shutdown_timeout(std::time::Duration::from_secs(2));
    outcome.map(|()| Exit::Ok).map_err(|e| fatal(e.into()))
}

#[cfg(not(unix))]
pub fn run(_config_path: &Path) -> Result<Exit, Failure> {
    Err(fatal(anyhow::anyhow!("the daemon needs a Unix system (signals, systemd)")))
}

pub struct DemoArgs {
    pub out_dir: Option<PathBuf>,
    pub fixtures: Option<PathBuf>,
}

pub fn demo(args: DemoArgs) -> Result<Exit, Failure> {
    let set = match &args.fixtures {
        Some(d) => FixtureSet::from_dir(d),
        None => FixtureSet::bundled(),
    }
    .map_err(|e| fatal(anyhow::anyhow!(e)))?;
    if set.sites.is_empty() && set.registry_template.is_empty() {
        return Err(fatal(anyhow::anyhow!("no fixture sites found")));
    }
    let dir = args
        .out_dir
        .unwrap_or_else(|| std::env::temp_dir().join(format!("sitewarden-demo-{}", std::process::id())));
    let rt = runtime()?;
    rt.block_on(async {
        let running = fixtures::serve(&set)
            .await
            .context("cannot start the fixture servers")
            .map_err(fatal)?;
        let config_path = write_fixture_config(&dir, &set, &running.registry)
            .with_context(|| format!("cannot write to {}", dir.display()))
            .map_err(fatal)?;
        let settings = load(&config_path)?;
        let as_of = set.as_of.unwrap_or_else(vn_today);
        let sites: Vec<Site> = settings.registry.sites().collect();
        let engine = Engine::new(settings).context("cannot start the check").map_err(fatal)?;
        let (_tx, rx) = shutdown_signal();
        let outcomes = engine.check(&sites, as_of, rx).await.context("check failed").map_err(fatal)?;
        let results: Vec<ResultRecord> = outcomes.into_iter().flat_map(|o| o.results).collect();
        // The same findings files the daemon writes each morning.
        let (written, _) = findings::write_findings(&engine.config, &engine.registry, &engine.calendar, &engine.store, as_of)
            .map_err(|e| fatal(e.into()))?;
        print_summary(&sites, &results, as_of);
        for p in &written {
            println!("{}", p.display());
        }
        Ok(Exit::Ok)
    })
}

/// A terminal table: one row per site, pass / fail / unknown counts and the failing rules.
fn print_summary(sites: &[Site], results: &[ResultRecord], as_of: NaiveDate) {
    println!("sitewarden demo: {} fixture sites checked as of {as_of}", sites.len());
    println!("{:<24} {:>4} {:>4} {:>4}  failing rules", "site", "pass", "fail", "unkn");
    for s in sites {
        let mine: Vec<&ResultRecord> = results.iter().filter(|r| r.site == s.id).collect();
        let n = |st: Status| mine.iter().filter(|r| r.status == st).count();
        let failing: Vec<&str> = mine.iter().filter(|r| r.status == Status::Fail).map(|r| r.rule.as_str()).collect();
        println!(
            "{:<24} {:>4} {:>4} {:>4}  {}",
            s.id,
            n(Status::Pass),
            n(Status::Fail),
            n(Status::Unknown),
            failing.join(", ")
        );
    }
}

/// `report --from --to`: the six-monthly / annual summary (SPEC §9).
fn period_report(config: &Config, registry: &Registry, calendar: &Calendar, args: &ReportArgs) -> Result<Exit, Failure> {
    let (Some(from), Some(to)) = (parse_date(args.from.as_deref(), "--from")?, parse_date(args.to.as_deref(), "--to")?) else {
        return Err(usage("--from and --to go together"));
    };
    if from > to {
        return Err(usage(format!("--from {from} is after --to {to}")));
    }
    let format = args.format.unwrap_or(Format::Html);
    if format == Format::Junit {
        return Err(usage("the period summary is written as html, csv or jsonl"));
    }
    if to > vn_today() {
        tracing::warn!(%to, "--to is after today: the days still to come count as not checked");
    }
    // The summary has a row per site, so every site is needed here.
    let sites = select_sites(registry, &args.sites)?.unwrap_or_else(|| registry.sites().collect());
    let read = open_store_for_period(config).map_err(|e| fatal(e.into()))?;
    let store = &read.store;
    let summary = period_summary(
        store,
        calendar,
        &sites,
        from,
        to,
        config.report.province.as_deref(),
        config.rules.max_working_days,
    )
    .context("cannot read the database")
    .map_err(fatal)?;
    let render = |w: &mut dyn Write| report::period::render(&summary, format, w);
    match &args.out {
        Some(path) => report::write_atomically(path, render)
            .with_context(|| format!("cannot write {}", path.display()))
            .map_err(fatal)?,
        None => {
            let stdout = std::io::stdout();
            let mut lock = stdout.lock();
            render(&mut lock).context("cannot write to standard output").map_err(fatal)?;
        }
    }
    Ok(Exit::Ok)
}
