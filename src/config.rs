//! `sitewarden.toml`: parsing, defaults and validation (SPEC §3).
//!
//! Every error names the file, line and column, because the person reading
//! it is an ops engineer with the file open in an editor.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::Deserialize;
use toml::Spanned;

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("{file}: cannot read: {source}")]
    Io {
        file: String,
        #[source]
        source: std::io::Error,
    },
    /// `file:line:col: message`, the shape editors and CI annotate.
    #[error("{file}:{line}:{col}: {message}")]
    At {
        file: String,
        line: usize,
        col: usize,
        message: String,
    },
    #[error("{file}: {message}")]
    File { file: String, message: String },
}

/// Turn a byte offset into 1-based line and column (in characters).
pub fn line_col(src: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(src.len());
    let before = src.get(..offset).unwrap_or(src);
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, col)
}

pub(crate) fn err_at(file: &Path, src: &str, span: std::ops::Range<usize>, message: impl Into<String>) -> ConfigError {
    let (line, col) = line_col(src, span.start);
    ConfigError::At {
        file: file.display().to_string(),
        line,
        col,
        message: message.into(),
    }
}

/// Parse TOML into `T`, mapping syntax and unknown-key errors to file:line:col.
pub(crate) fn parse_toml<T: serde::de::DeserializeOwned>(file: &Path, src: &str) -> Result<T, ConfigError> {
    toml::from_str(src).map_err(|e| {
        let message = e.message().to_string();
        match e.span() {
            Some(span) => err_at(file, src, span, message),
            None => ConfigError::File {
                file: file.display().to_string(),
                message,
            },
        }
    })
}

pub(crate) fn read_file(file: &Path) -> Result<String, ConfigError> {
    std::fs::read_to_string(file).map_err(|source| ConfigError::Io {
        file: file.display().to_string(),
        source,
    })
}

/// "1500ms", "2s", "10m", "1h", "1d".
pub fn parse_duration(s: &str) -> Result<Duration, String> {
    let s = s.trim();
    let split = s.find(|c: char| !c.is_ascii_digit() && c != '.').unwrap_or(s.len());
    let (num, unit) = s.split_at(split);
    let n: f64 = num
        .parse()
        .map_err(|_| format!("invalid duration {s:?}: expected a number and a unit, like \"1500ms\", \"2s\", \"10m\""))?;
    let secs = match unit.trim() {
        "ms" => n / 1000.0,
        "s" => n,
        "m" | "min" => n * 60.0,
        "h" => n * 3600.0,
        "d" => n * 86400.0,
        other => return Err(format!("invalid duration {s:?}: unknown unit {other:?} (use ms, s, m, h or d)")),
    };
    if !secs.is_finite() || !(0.0..=1e9).contains(&secs) {
        return Err(format!("invalid duration {s:?}: out of range"));
    }
    Ok(Duration::from_secs_f64(secs))
}

/// A request rate: `count` requests per `per`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rate {
    pub count: u32,
    pub per: Duration,
}

impl Rate {
    /// The time between two requests at a steady pace.
    pub fn interval(&self) -> Duration {
        self.per / self.count.max(1)
    }
}

/// "1/2s" = one request every two seconds, "5/1s" = five per second.
pub fn parse_rate(s: &str) -> Result<Rate, String> {
    let (count, per) = s
        .split_once('/')
        .ok_or_else(|| format!("invalid rate {s:?}: expected COUNT/DURATION, like \"1/2s\""))?;
    let count: u32 = count
        .trim()
        .parse()
        .map_err(|_| format!("invalid rate {s:?}: {count:?} is not a whole number"))?;
    let per = per.trim();
    let per = if per.chars().next().is_some_and(|c| c.is_ascii_digit()) {
        parse_duration(per)?
    } else {
        parse_duration(&format!("1{per}"))?
    };
    if count == 0 || per.is_zero() {
        return Err(format!("invalid rate {s:?}: count and duration must be above zero"));
    }
    Ok(Rate { count, per })
}

/// Validate a cron expression the way the scheduler will read it.
pub fn parse_cron(s: &str) -> Result<cron::Schedule, String> {
    s.parse::<cron::Schedule>()
        .map_err(|e| format!("invalid cron expression {s:?} (sec min hour day month weekday): {e}"))
}

/// "http://proxy.example:3128": the HTTP(S) proxy every request goes through.
pub fn parse_proxy(s: &str) -> Result<url::Url, String> {
    let url = url::Url::parse(s).map_err(|e| format!("invalid proxy {s:?}: {e}; expected a URL like \"http://proxy.example:3128\""))?;
    if !matches!(url.scheme(), "http" | "https") || url.host().is_none() {
        return Err(format!(
            "invalid proxy {s:?}: expected an http:// or https:// URL with a host, like \"http://proxy.example:3128\""
        ));
    }
    reqwest::Proxy::all(url.as_str()).map_err(|e| format!("invalid proxy {s:?}: {e}"))?;
    Ok(url)
}

/// Why a user agent cannot be sent as an HTTP header value.
fn user_agent_error(ua: &str) -> String {
    match ua.chars().enumerate().find(|(_, c)| c.is_ascii_control() && *c != '\t') {
        Some((i, c)) => format!(
            "user_agent must be one line of text for the HTTP User-Agent header: character {} is {}",
            i + 1,
            c.escape_unicode()
        ),
        None => "user_agent is not a valid HTTP header value".to_string(),
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    state_dir: Option<Spanned<String>>,
    registry: Option<Spanned<String>>,
    #[serde(default)]
    crawl: RawCrawl,
    #[serde(default)]
    schedule: RawSchedule,
    #[serde(default)]
    report: RawReport,
    #[serde(default)]
    rules: RawRules,
    #[serde(default)]
    store: RawStore,
    metrics: Option<RawMetrics>,
}

#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawCrawl {
    user_agent: Option<Spanned<String>>,
    per_host_rate: Option<Spanned<String>>,
    max_concurrent_sites: Option<Spanned<i64>>,
    max_pages_per_site: Option<Spanned<i64>>,
    request_timeout: Option<Spanned<String>>,
    max_body_bytes: Option<Spanned<i64>>,
    allow_private_addresses: Option<bool>,
    max_crawl_delay: Option<Spanned<String>>,
    max_retry_after: Option<Spanned<String>>,
    missing_recheck: Option<Spanned<String>>,
    proxy: Option<Spanned<String>>,
}

#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawSchedule {
    crawl: Option<Spanned<String>>,
    report: Option<Spanned<String>>,
}

#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawReport {
    dir: Option<Spanned<String>>,
    /// "tỉnh Tiền Giang": named in the titles of reports sent up.
    province: Option<String>,
    formats: Option<Spanned<Vec<String>>>,
}

#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawRules {
    directive: Option<String>,
    #[serde(default)]
    update: RawUpdate,
    #[serde(default)]
    legal_documents: RawLegal,
}

#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawUpdate {
    window_working_days: Option<Spanned<i64>>,
    holidays: Option<Spanned<String>>,
}

#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawLegal {
    max_working_days: Option<Spanned<i64>>,
}

#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawStore {
    retention_days: Option<Spanned<i64>>,
    cache_capacity_bytes: Option<Spanned<i64>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawMetrics {
    listen: Spanned<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct CrawlConfig {
    pub user_agent: String,
    pub per_host_rate: Rate,
    pub max_concurrent_sites: usize,
    pub max_pages_per_site: usize,
    pub request_timeout: Duration,
    pub max_body_bytes: usize,
    pub allow_private_addresses: bool,
    /// A robots.txt `Crawl-delay` above this is obeyed only up to this pace
    /// and the coverage is marked partial.
    pub max_crawl_delay: Duration,
    /// Longest `Retry-After` we wait for before giving up on a page.
    pub max_retry_after: Duration,
    /// A sitemap or feed that answered 404 or 410 is not asked for again
    /// until this long after (issue 14: no request whose answer is known).
    pub missing_recheck: Duration,
    /// Every request goes through this HTTP proxy when set; the `*_PROXY`
    /// environment variables are ignored either way.
    pub proxy: Option<url::Url>,
}

impl Default for CrawlConfig {
    fn default() -> Self {
        CrawlConfig {
            user_agent: format!("sitewarden/{} (+https://example.gov.vn/sitewarden)", env!("CARGO_PKG_VERSION")),
            per_host_rate: Rate {
                count: 1,
                per: Duration::from_secs(2),
            },
            max_concurrent_sites: 32,
            max_pages_per_site: 60,
            request_timeout: Duration::from_secs(20),
            max_body_bytes: 5_000_000,
            allow_private_addresses: false,
            max_crawl_delay: Duration::from_secs(30),
            max_retry_after: Duration::from_secs(60),
            missing_recheck: Duration::from_secs(7 * 86_400),
            proxy: None,
        }
    }
}

#[derive(Debug, Clone)]
pub struct ScheduleConfig {
    pub crawl: String,
    pub report: String,
}

#[derive(Debug, Clone)]
pub struct ReportConfig {
    pub dir: PathBuf,
    pub province: Option<String>,
    pub formats: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct RulesConfig {
    /// The province's directive, named in the basis of `update.*` and
    /// `disclosure.editorial_board`.
    pub directive: Option<String>,
    pub window_working_days: u32,
    /// Resolved path of the holidays file, if any.
    pub holidays: Option<PathBuf>,
    pub max_working_days: u32,
}

impl Default for RulesConfig {
    fn default() -> Self {
        RulesConfig {
            directive: None,
            window_working_days: 5,
            holidays: None,
            max_working_days: 2,
        }
    }
}

#[derive(Debug, Clone)]
pub struct StoreConfig {
    pub retention_days: u32,
    /// sled's page cache; its default (1 GiB) is far more than a crawler needs.
    pub cache_capacity_bytes: u64,
}

impl Default for StoreConfig {
    fn default() -> Self {
        StoreConfig {
            retention_days: 400,
            cache_capacity_bytes: 4 * 1024 * 1024,
        }
    }
}

#[derive(Debug, Clone)]
pub struct Config {
    /// The file this came from (for messages and relative paths).
    pub source: PathBuf,
    pub state_dir: PathBuf,
    pub registry: PathBuf,
    pub crawl: CrawlConfig,
    pub schedule: ScheduleConfig,
    pub report: ReportConfig,
    pub rules: RulesConfig,
    pub store: StoreConfig,
    pub metrics_listen: Option<SocketAddr>,
}

pub const REPORT_FORMATS: &[&str] = &["jsonl", "csv", "html", "junit"];

impl Config {
    pub fn load(file: &Path) -> Result<Config, ConfigError> {
        let src = read_file(file)?;
        Config::parse(file, &src)
    }

    pub fn parse(file: &Path, src: &str) -> Result<Config, ConfigError> {
        let raw: RawConfig = parse_toml(file, src)?;
        let base = file.parent().map(Path::to_path_buf).unwrap_or_default();
        let rel = |p: &str| -> PathBuf {
            let p = PathBuf::from(p);
            if p.is_absolute() { p } else { base.join(p) }
        };
        let at = |span: std::ops::Range<usize>, msg: String| err_at(file, src, span, msg);
        let positive = |v: &Option<Spanned<i64>>, name: &str, default: i64, max: i64| -> Result<i64, ConfigError> {
            match v {
                None => Ok(default),
                Some(s) if *s.get_ref() >= 1 && *s.get_ref() <= max => Ok(*s.get_ref()),
                Some(s) => Err(at(s.span(), format!("{name} must be between 1 and {max}, found {}", s.get_ref()))),
            }
        };
        let duration = |v: &Option<Spanned<String>>, default: Duration| -> Result<Duration, ConfigError> {
            match v {
                None => Ok(default),
                Some(s) => parse_duration(s.get_ref()).map_err(|m| at(s.span(), m)),
            }
        };

        let d = CrawlConfig::default();
        let c = &raw.crawl;
        let per_host_rate = match &c.per_host_rate {
            None => d.per_host_rate,
            Some(s) => parse_rate(s.get_ref()).map_err(|m| at(s.span(), m))?,
        };
        let user_agent = match &c.user_agent {
            None => d.user_agent,
            Some(s) => {
                // Checked here because the HTTP client refuses it only when
                // built, in every command, with no position to point at.
                reqwest::header::HeaderValue::from_str(s.get_ref()).map_err(|_| at(s.span(), user_agent_error(s.get_ref())))?;
                s.get_ref().clone()
            }
        };
        let crawl = CrawlConfig {
            user_agent,
            per_host_rate,
            max_concurrent_sites: positive(&c.max_concurrent_sites, "max_concurrent_sites", 32, 10_000)? as usize,
            max_pages_per_site: positive(&c.max_pages_per_site, "max_pages_per_site", 60, 100_000)? as usize,
            request_timeout: duration(&c.request_timeout, d.request_timeout)?,
            max_body_bytes: positive(&c.max_body_bytes, "max_body_bytes", 5_000_000, 1 << 34)? as usize,
            allow_private_addresses: c.allow_private_addresses.unwrap_or(false),
            max_crawl_delay: duration(&c.max_crawl_delay, d.max_crawl_delay)?,
            max_retry_after: duration(&c.max_retry_after, d.max_retry_after)?,
            missing_recheck: duration(&c.missing_recheck, d.missing_recheck)?,
            proxy: match &c.proxy {
                None => None,
                Some(s) => Some(parse_proxy(s.get_ref()).map_err(|m| at(s.span(), m))?),
            },
        };
        if crawl.request_timeout.is_zero()
            && let Some(s) = &c.request_timeout
        {
            return Err(at(s.span(), "request_timeout must be above zero".into()));
        }

        let cron_field = |v: &Option<Spanned<String>>, default: &str| -> Result<String, ConfigError> {
            match v {
                None => Ok(default.to_string()),
                Some(s) => {
                    parse_cron(s.get_ref()).map_err(|m| at(s.span(), m))?;
                    Ok(s.get_ref().clone())
                }
            }
        };
        let schedule = ScheduleConfig {
            crawl: cron_field(&raw.schedule.crawl, "0 0 1 * * *")?,
            report: cron_field(&raw.schedule.report, "0 30 6 * * *")?,
        };

        let formats = match &raw.report.formats {
            None => vec!["jsonl".into(), "csv".into(), "html".into()],
            Some(s) => {
                for f in s.get_ref() {
                    if !REPORT_FORMATS.contains(&f.as_str()) {
                        return Err(at(s.span(), format!("unknown report format {f:?}: use jsonl, csv, html or junit")));
                    }
                }
                s.get_ref().clone()
            }
        };
        let state_dir = raw
            .state_dir
            .as_ref()
            .map_or_else(|| PathBuf::from("/var/lib/sitewarden"), |s| rel(s.get_ref()));
        let report = ReportConfig {
            dir: raw
                .report
                .dir
                .as_ref()
                .map_or_else(|| state_dir.join("findings"), |s| rel(s.get_ref())),
            province: raw.report.province.clone().filter(|p| !p.trim().is_empty()),
            formats,
        };

        let rules = RulesConfig {
            directive: raw.rules.directive.clone().filter(|d| !d.trim().is_empty()),
            window_working_days: positive(&raw.rules.update.window_working_days, "window_working_days", 5, 60)? as u32,
            holidays: raw.rules.update.holidays.as_ref().map(|s| rel(s.get_ref())),
            max_working_days: positive(&raw.rules.legal_documents.max_working_days, "max_working_days", 2, 365)? as u32,
        };
        let sd = StoreConfig::default();
        let store = StoreConfig {
            retention_days: positive(&raw.store.retention_days, "retention_days", sd.retention_days as i64, 100_000)? as u32,
            cache_capacity_bytes: positive(
                &raw.store.cache_capacity_bytes,
                "cache_capacity_bytes",
                sd.cache_capacity_bytes as i64,
                1 << 40,
            )? as u64,
        };
        let metrics_listen = match &raw.metrics {
            None => None,
            Some(m) => Some(m.listen.get_ref().parse::<SocketAddr>().map_err(|_| {
                at(
                    m.listen.span(),
                    format!(
                        "invalid listen address {:?}: expected IP:PORT, like \"127.0.0.1:9184\"",
                        m.listen.get_ref()
                    ),
                )
            })?),
        };

        Ok(Config {
            source: file.to_path_buf(),
            registry: raw.registry.as_ref().map_or_else(|| base.join("sites.toml"), |s| rel(s.get_ref())),
            state_dir,
            crawl,
            schedule,
            report,
            rules,
            store,
            metrics_listen,
        })
    }

    /// The sled database directory (SPEC §7).
    pub fn db_path(&self) -> PathBuf {
        self.state_dir.join("db")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(src: &str) -> Result<Config, ConfigError> {
        Config::parse(Path::new("/etc/sitewarden/sitewarden.toml"), src)
    }

    #[test]
    fn rates_and_durations() {
        assert_eq!(parse_rate("1/2s").map(|r| r.interval()), Ok(Duration::from_secs(2)));
        assert_eq!(parse_rate("5/1s").map(|r| r.interval()), Ok(Duration::from_millis(200)));
        assert_eq!(parse_duration("1500ms"), Ok(Duration::from_millis(1500)));
        assert_eq!(parse_duration("10m"), Ok(Duration::from_secs(600)));
        assert!(parse_rate("0/1s").is_err());
        assert!(parse_rate("fast").is_err());
        assert!(parse_duration("2 weeks").is_err());
    }

    #[test]
    fn unknown_key_names_line_and_column() {
        let err = parse("state_dir = \"/tmp/x\"\n[crawl]\nuser_agent = \"a\"\nper_hots_rate = \"1/2s\"\n").unwrap_err();
        let msg = err.to_string();
        assert!(msg.starts_with("/etc/sitewarden/sitewarden.toml:4:1:"), "{msg}");
        assert!(msg.contains("per_hots_rate"), "{msg}");
    }

    #[test]
    fn bad_cron_and_rate_are_located() {
        let err = parse("[schedule]\ncrawl = \"every night\"\n").unwrap_err().to_string();
        assert!(err.contains(":2:9:") && err.contains("cron"), "{err}");
        let err = parse("[crawl]\n\nper_host_rate = \"1/2 fortnights\"\n").unwrap_err().to_string();
        assert!(err.contains(":3:17:"), "{err}");
    }

    #[test]
    fn relative_paths_follow_the_file() {
        let c = parse("state_dir = \"state\"\nregistry = \"sites.toml\"\n[rules.update]\nholidays = \"holidays.toml\"\n").unwrap();
        assert_eq!(c.state_dir, PathBuf::from("/etc/sitewarden/state"));
        assert_eq!(c.registry, PathBuf::from("/etc/sitewarden/sites.toml"));
        assert_eq!(c.rules.holidays, Some(PathBuf::from("/etc/sitewarden/holidays.toml")));
        assert_eq!(c.db_path(), PathBuf::from("/etc/sitewarden/state/db"));
    }

    #[test]
    fn user_agent_with_line_break_is_located() {
        let err = parse("[crawl]\n\nuser_agent = \"sitewarden/0.1\\r\\nX-Injected: 1\"\n")
            .unwrap_err()
            .to_string();
        assert!(err.starts_with("/etc/sitewarden/sitewarden.toml:3:14:"), "{err}");
        assert!(err.contains("user_agent") && err.contains("character 15 is \\u{d}"), "{err}");
        let err = parse("[crawl]\nuser_agent = \"a\\u0000b\"\n").unwrap_err().to_string();
        assert!(err.contains(":2:14:") && err.contains("\\u{0}"), "{err}");
        // Tabs and non-ASCII text are valid in a header value.
        let c = parse("[crawl]\nuser_agent = \"sitewarden/0.1\\t(Sở TT&TT)\"\n").unwrap();
        assert_eq!(c.crawl.user_agent, "sitewarden/0.1\t(Sở TT&TT)");
    }

    #[test]
    fn proxy_is_an_http_url() {
        let c = parse("[crawl]\nproxy = \"http://proxy.internal:3128\"\n").unwrap();
        assert_eq!(c.crawl.proxy.as_ref().map(url::Url::as_str), Some("http://proxy.internal:3128/"));
        assert_eq!(parse("").unwrap().crawl.proxy, None);
        let err = parse("[crawl]\nproxy = \"socks5://127.0.0.1:1080\"\n").unwrap_err().to_string();
        assert!(err.contains(":2:9:") && err.contains("http://"), "{err}");
        let err = parse("[crawl]\nproxy = \"proxy.internal:3128\"\n").unwrap_err().to_string();
        assert!(err.contains(":2:9:") && err.contains("invalid proxy"), "{err}");
    }
}
