//! A crawl and a rule context built by hand, for the rules' unit tests.

use super::*;
use crate::crawler::{RobotsOutcome, RobotsStatus};
use crate::extract::Found;
use crate::model::{FailureKind, FetchFailure};

pub fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).expect("valid test date")
}

pub fn found(label: &str, value: &str) -> Found {
    Found {
        label: label.into(),
        value: value.into(),
        snippet: format!("{label}: {value}"),
    }
}

pub fn failure(kind: FailureKind, status: Option<u16>) -> FetchFailure {
    FetchFailure {
        kind,
        status,
        detail: "test".into(),
    }
}

pub const HOME: &str = "https://x.gov.vn/";

pub struct Fx {
    pub site: Site,
    pub crawl: SiteCrawl,
    pub items: Vec<KnownItem>,
    pub documents: Vec<KnownDocument>,
    pub as_of: NaiveDate,
    pub config: RulesConfig,
    pub calendar: Calendar,
}

impl Fx {
    pub fn new(kind: Kind) -> Fx {
        let url = url::Url::parse(HOME).expect("test url");
        let home = CrawledPage {
            url: HOME.into(),
            final_url: HOME.into(),
            role: PageRole::Home,
            facts: PageFacts {
                text_chars: 1000,
                ..PageFacts::default()
            },
            feed_items: Vec::new(),
            truncated: false,
            not_modified: false,
            validators: Default::default(),
            content_hash: 0,
        };
        Fx {
            site: Site::new("x", "Cổng X", url, kind),
            crawl: SiteCrawl {
                site_id: "x".into(),
                home_url: HOME.into(),
                home: Ok(()),
                robots: RobotsOutcome {
                    url: format!("{HOME}robots.txt"),
                    status: RobotsStatus::Missing(404),
                    home_allowed: true,
                    crawl_delay: None,
                    rule_line: None,
                },
                pages: vec![home],
                failures: Vec::new(),
                partial: Vec::new(),
                requests: 1,
                bytes: 1000,
                not_modified: 0,
                duration_ms: 10,
            },
            items: Vec::new(),
            documents: Vec::new(),
            as_of: d(2026, 11, 25),
            config: RulesConfig::default(),
            calendar: Calendar::builtin(),
        }
    }

    pub fn government() -> Fx {
        Fx::new(Kind::Government)
    }

    pub fn aggregator() -> Fx {
        Fx::new(Kind::Aggregator)
    }

    pub fn home(&mut self) -> &mut PageFacts {
        &mut self.crawl.pages[0].facts
    }

    pub fn page(&mut self, role: PageRole, path: &str) -> &mut PageFacts {
        let url = format!("{HOME}{path}");
        self.crawl.pages.push(CrawledPage {
            url: url.clone(),
            final_url: url,
            role,
            facts: PageFacts {
                text_chars: 500,
                is_article: role == PageRole::Article,
                ..PageFacts::default()
            },
            feed_items: Vec::new(),
            truncated: false,
            not_modified: false,
            validators: Default::default(),
            content_hash: 0,
        });
        let last = self.crawl.pages.len() - 1;
        &mut self.crawl.pages[last].facts
    }

    /// A one-hop introduction / contact page.
    pub fn linked(&mut self, path: &str) -> &mut PageFacts {
        self.page(PageRole::Disclosure, path)
    }

    pub fn item(&mut self, path: &str, published: Option<NaiveDate>, first_seen: NaiveDate) {
        self.items.push(KnownItem {
            url: format!("{HOME}{path}"),
            title: format!("Tin {path}"),
            published,
            first_seen,
            seen_on: format!("{HOME}tin-tuc"),
        });
    }

    pub fn ctx(&self) -> RuleContext<'_> {
        RuleContext {
            site: &self.site,
            crawl: &self.crawl,
            items: &self.items,
            documents: &self.documents,
            as_of: self.as_of,
            config: &self.config,
            calendar: &self.calendar,
        }
    }

    pub fn run(&self, rule: &RuleDef) -> Verdict {
        decide(rule, &self.ctx())
    }
}

/// All evidence of a verdict as one string, for `contains` asserts.
pub fn ev(v: &Verdict) -> String {
    v.evidence
        .iter()
        .map(|e| format!("{} {}", e.url, e.detail))
        .collect::<Vec<_>>()
        .join("\n")
}
