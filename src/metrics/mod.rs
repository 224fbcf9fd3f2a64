//! Prometheus metrics for the daemon, in one process-wide registry.
//!
//! Only [`crate::events`] records into it, so every number here has a log
//! line with the same facts. `sitewarden run` serves it on `[metrics] listen`.

use std::sync::OnceLock;
use std::sync::atomic::{AtomicBool, Ordering};

use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::Registry;

use crate::crawler::{RobotsStatus, SiteCrawl};
use crate::model::{FailureKind, ResultRecord, vn_now};

pub mod server;

/// Whether the series labelled by site are kept: only once the daemon
/// serves the metrics (it calls [`keep_per_site_series`] as it binds). They are a few hundred bytes a site,
/// kept for the life of the process, and a `check` over a national registry
/// (or a daemon without `[metrics] listen`) has nobody to read them.
static PER_SITE: AtomicBool = AtomicBool::new(false);

/// Start keeping the per-site series: the metrics are being served.
pub fn keep_per_site_series() {
    PER_SITE.store(true, Ordering::Relaxed);
}

fn per_site() -> bool {
    PER_SITE.load(Ordering::Relaxed)
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct SiteOutcomeLabels {
    site: String,
    outcome: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct ClassLabels {
    class: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct SiteLabels {
    site: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RuleLabels {
    rule: String,
    status: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct OutcomeLabels {
    outcome: &'static str,
}

struct Metrics {
    registry: Registry,
    crawls: Family<SiteOutcomeLabels, Counter>,
    pages: Family<ClassLabels, Counter>,
    bytes: Counter,
    not_modified: Counter,
    robots_denials: Family<SiteLabels, Counter>,
    results: Family<RuleLabels, Counter>,
    last_success: Family<SiteLabels, Gauge>,
    duration: Histogram,
    reports: Family<OutcomeLabels, Counter>,
    reloads: Family<OutcomeLabels, Counter>,
    skipped: Family<SiteLabels, Counter>,
}

fn metrics() -> &'static Metrics {
    static METRICS: OnceLock<Metrics> = OnceLock::new();
    METRICS.get_or_init(|| {
        let mut registry = Registry::with_prefix("sitewarden");
        let m = Metrics {
            crawls: Family::default(),
            pages: Family::default(),
            bytes: Counter::default(),
            not_modified: Counter::default(),
            robots_denials: Family::default(),
            results: Family::default(),
            last_success: Family::default(),
            // 1 s .. ~4.5 h: a small portal at 1 request / 2 s takes minutes.
            duration: Histogram::new(exponential_buckets(1.0, 2.0, 15)),
            reports: Family::default(),
            reloads: Family::default(),
            skipped: Family::default(),
            registry: Registry::default(),
        };
        registry.register("crawls", "Site crawls by outcome (ok, partial, failed)", m.crawls.clone());
        registry.register(
            "pages_fetched",
            "Pages fetched, by HTTP status class (2xx, 304, 3xx, 4xx, 5xx, error)",
            m.pages.clone(),
        );
        registry.register("fetched_bytes", "Response bytes received", m.bytes.clone());
        registry.register("not_modified", "Pages answered 304 Not Modified", m.not_modified.clone());
        registry.register(
            "robots_denials",
            "Pages (or whole sites) not fetched because robots.txt denies them",
            m.robots_denials.clone(),
        );
        registry.register("results", "Rule results by rule and status", m.results.clone());
        registry.register(
            "last_successful_crawl_timestamp_seconds",
            "Unix time of the last crawl per site that reached its home page",
            m.last_success.clone(),
        );
        registry.register("crawl_duration_seconds", "Duration of one site's crawl", m.duration.clone());
        registry.register("reports", "Nightly findings files written, by outcome", m.reports.clone());
        registry.register("reloads", "Configuration reloads (SIGHUP), by outcome", m.reloads.clone());
        registry.register(
            "skipped_slots",
            "Scheduled crawls skipped because the previous one still ran",
            m.skipped.clone(),
        );
        Metrics { registry, ..m }
    })
}

fn status_class(status: Option<u16>) -> &'static str {
    match status {
        Some(304) => "304",
        Some(200..=299) => "2xx",
        Some(300..=399) => "3xx",
        Some(400..=499) => "4xx",
        Some(500..=599) => "5xx",
        _ => "error",
    }
}

/// How a crawl ended, for the `outcome` label and the log line.
pub fn crawl_outcome(c: &SiteCrawl) -> &'static str {
    if c.home.is_err() {
        "failed"
    } else if !c.partial.is_empty() {
        "partial"
    } else {
        "ok"
    }
}

pub fn record_site_checked(c: &SiteCrawl, results: &[ResultRecord]) {
    let m = metrics();
    let outcome = crawl_outcome(c);
    if per_site() {
        m.crawls
            .get_or_create(&SiteOutcomeLabels {
                site: c.site_id.clone(),
                outcome,
            })
            .inc();
    }
    for p in &c.pages {
        let class = if p.not_modified { "304" } else { "2xx" };
        m.pages.get_or_create(&ClassLabels { class }).inc();
    }
    let mut denials = 0u64;
    for (_, f) in &c.failures {
        if f.kind == FailureKind::RobotsDenied {
            denials += 1;
        } else if f.kind != FailureKind::PrivateAddress {
            m.pages
                .get_or_create(&ClassLabels {
                    class: status_class(f.status),
                })
                .inc();
        }
    }
    if matches!(c.robots.status, RobotsStatus::Parsed) && !c.robots.home_allowed && denials == 0 {
        denials = 1;
    }
    if denials > 0 && per_site() {
        m.robots_denials
            .get_or_create(&SiteLabels { site: c.site_id.clone() })
            .inc_by(denials);
    }
    m.bytes.inc_by(c.bytes);
    m.not_modified.inc_by(u64::from(c.not_modified));
    for r in results {
        m.results
            .get_or_create(&RuleLabels {
                rule: r.rule.clone(),
                status: r.status.as_str(),
            })
            .inc();
    }
    if c.home.is_ok() && per_site() {
        m.last_success
            .get_or_create(&SiteLabels { site: c.site_id.clone() })
            .set(vn_now().timestamp());
    }
    m.duration.observe(c.duration_ms as f64 / 1000.0);
}

pub fn record_report(ok: bool) {
    let outcome = if ok { "ok" } else { "error" };
    metrics().reports.get_or_create(&OutcomeLabels { outcome }).inc();
}

pub fn record_reload(ok: bool) {
    let outcome = if ok { "ok" } else { "error" };
    metrics().reloads.get_or_create(&OutcomeLabels { outcome }).inc();
}

pub fn record_skipped_slot(site: &str) {
    if !per_site() {
        return;
    }
    metrics().skipped.get_or_create(&SiteLabels { site: site.to_string() }).inc();
}

/// The registry in the Prometheus/OpenMetrics text format.
pub fn encode() -> String {
    let mut out = String::new();
    if prometheus_client::encoding::text::encode(&mut out, &metrics().registry).is_err() {
        out.clear();
    }
    out
}

/// The content type [`encode`] produces.
pub const CONTENT_TYPE: &str = "application/openmetrics-text; version=1.0.0; charset=utf-8";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_classes() {
        assert_eq!(status_class(Some(503)), "5xx");
        assert_eq!(status_class(Some(404)), "4xx");
        assert_eq!(status_class(Some(304)), "304");
        assert_eq!(status_class(None), "error");
    }

    #[test]
    fn reload_counter_appears_in_text() {
        record_reload(false);
        let text = encode();
        assert!(text.contains("sitewarden_reloads_total{outcome=\"error\"}"), "{text}");
        assert!(text.contains("# TYPE sitewarden_crawl_duration_seconds histogram"), "{text}");
    }
}
