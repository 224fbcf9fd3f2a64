//! Types shared by every stage of the flow: what a check produces.

use chrono::{DateTime, FixedOffset, NaiveDate};
use serde::{Deserialize, Serialize};

/// Vietnam has kept UTC+7 without daylight saving since 1975, so a fixed
/// offset is Asia/Ho_Chi_Minh for every date this tool handles.
pub fn vn_offset() -> FixedOffset {
    FixedOffset::east_opt(7 * 3600).unwrap_or_else(|| FixedOffset::east_opt(0).expect("zero offset"))
}

/// "Today" in Asia/Ho_Chi_Minh.
pub fn vn_today() -> NaiveDate {
    chrono::Utc::now().with_timezone(&vn_offset()).date_naive()
}

pub fn vn_now() -> DateTime<FixedOffset> {
    chrono::Utc::now().with_timezone(&vn_offset())
}

/// dd/mm/yyyy, the way Vietnamese officers write dates.
pub fn fmt_day(d: NaiveDate) -> String {
    d.format("%d/%m/%Y").to_string()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, PartialOrd, Ord)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    Government,
    Aggregator,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Pass,
    Fail,
    Unknown,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Pass => "pass",
            Status::Fail => "fail",
            Status::Unknown => "unknown",
        }
    }
    /// Vietnamese label for officers.
    pub fn label_vi(self) -> &'static str {
        match self {
            Status::Pass => "Đạt",
            Status::Fail => "Không đạt",
            Status::Unknown => "Chưa xác định",
        }
    }
}

/// Ordered so that `--fail-on warning` means "warning or worse".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, PartialOrd, Ord)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Warning,
    Violation,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Violation => "violation",
        }
    }
    pub fn label_vi(self) -> &'static str {
        match self {
            Severity::Info => "Thông tin",
            Severity::Warning => "Cảnh báo",
            Severity::Violation => "Vi phạm",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Evidence {
    pub url: String,
    pub detail: String,
}

impl Evidence {
    pub fn new(url: impl Into<String>, detail: impl Into<String>) -> Self {
        Evidence {
            url: url.into(),
            detail: detail.into(),
        }
    }
}

/// One result per (site, rule) per check: SPEC §4.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ResultRecord {
    pub site: String,
    pub rule: String,
    pub status: Status,
    pub severity: Severity,
    pub as_of: NaiveDate,
    pub checked_at: DateTime<FixedOffset>,
    pub basis: String,
    pub message: String,
    pub evidence: Vec<Evidence>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hint: Option<String>,
}

/// Why a fetch failed, in the words of SPEC §4.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FailureKind {
    Dns,
    Connect,
    Tls,
    Timeout,
    HttpStatus,
    RedirectLoop,
    TooLarge,
    RobotsDenied,
    PrivateAddress,
    /// A challenge page from a bot-protection service: the site may be fine,
    /// we just could not see it.
    BotProtection,
    /// Anything else the transport reported (reset mid-body, bad URL).
    Other,
    /// sitewarden itself failed while checking the site (a bug: a panic in
    /// its code or a library's). Says nothing about the site.
    InternalError,
    /// The machine running sitewarden ran out of something (file
    /// descriptors, memory, local ports): our problem, not the site's.
    LocalResource,
}

impl FailureKind {
    pub fn as_str(self) -> &'static str {
        match self {
            FailureKind::Dns => "dns",
            FailureKind::Connect => "connect",
            FailureKind::Tls => "tls",
            FailureKind::Timeout => "timeout",
            FailureKind::HttpStatus => "http_status",
            FailureKind::RedirectLoop => "redirect_loop",
            FailureKind::TooLarge => "too_large",
            FailureKind::RobotsDenied => "robots_denied",
            FailureKind::PrivateAddress => "private_address",
            FailureKind::BotProtection => "bot_protection",
            FailureKind::Other => "other",
            FailureKind::InternalError => "internal_error",
            FailureKind::LocalResource => "local_resource",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FetchFailure {
    pub kind: FailureKind,
    /// HTTP status for `http_status` (and the challenge's status for bot protection).
    pub status: Option<u16>,
    /// Vietnamese, like every evidence detail (SPEC §4); what a library or
    /// the system said is quoted as it came.
    pub detail: String,
}

impl FetchFailure {
    /// The SPEC §4 kind, with the HTTP status when there is one
    /// ("http_status 503"): a fixed code scripts can grep, in any language.
    pub fn code(&self) -> String {
        match self.status {
            Some(code) => format!("{} {code}", self.kind.as_str()),
            None => self.kind.as_str().to_string(),
        }
    }

    /// The evidence text: the code first, then the Vietnamese detail.
    pub fn describe(&self) -> String {
        format!("{}: {}", self.code(), self.detail)
    }
}

/// An item (news or document) the store knows for a site, from this crawl or
/// an earlier one.
#[derive(Debug, Clone, PartialEq)]
pub struct KnownItem {
    pub url: String,
    pub title: String,
    /// Publication day from the page, feed or sitemap, if it showed one.
    pub published: Option<NaiveDate>,
    /// The day sitewarden first saw the item (Asia/Ho_Chi_Minh).
    pub first_seen: NaiveDate,
    /// Where the item was seen (listing, feed or sitemap URL), for evidence.
    pub seen_on: String,
}

impl KnownItem {
    /// The item's day as SPEC §5 defines it.
    pub fn day(&self) -> NaiveDate {
        self.published.unwrap_or(self.first_seen)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct KnownDocument {
    pub doc: crate::extract::LegalDocument,
    pub first_seen: NaiveDate,
    pub seen_on: String,
}
