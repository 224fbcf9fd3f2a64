//! The rules of SPEC §5, one module per rule id (`update.daily` lives in
//! `update_daily.rs`), each with its legal basis beside it.

pub mod attribution_comments;
pub mod attribution_delay;
pub mod attribution_details;
pub mod attribution_link;
pub mod attribution_source;
pub mod decree147;
pub mod disclosure_address;
pub mod disclosure_contact;
pub mod disclosure_editorial_board;
pub mod disclosure_governing_agency;
pub mod disclosure_license;
pub mod disclosure_name;
pub mod disclosure_responsible_person;
pub mod disclosure_service_type;
pub mod law;
pub(crate) mod reproduced;
pub mod site_crawlable;
pub mod site_reachable;
pub mod update_daily;
pub mod update_legal_documents;

use chrono::{DateTime, FixedOffset, NaiveDate};

use crate::calendar::Calendar;
use crate::config::RulesConfig;
use crate::crawler::{CrawledPage, PageRole, SiteCrawl};
use crate::extract::PageFacts;
use crate::model::{Evidence, Kind, KnownDocument, KnownItem, ResultRecord, Severity, Status};
use crate::registry::Site;

/// What a rule may look at.
pub struct RuleContext<'a> {
    pub site: &'a Site,
    pub crawl: &'a SiteCrawl,
    pub items: &'a [KnownItem],
    pub documents: &'a [KnownDocument],
    pub as_of: NaiveDate,
    pub config: &'a RulesConfig,
    pub calendar: &'a Calendar,
}

/// A rule's decision before it is stamped with site, date and basis.
#[derive(Debug, Clone, PartialEq)]
pub struct Verdict {
    pub status: Status,
    /// Vietnamese, one sentence an officer understands.
    pub message: String,
    pub evidence: Vec<Evidence>,
    /// Vietnamese, for a fail: what to add where.
    pub hint: Option<String>,
}

/// A rule: its id, who it applies to, its weight and its legal basis.
pub struct RuleDef {
    pub id: &'static str,
    /// What officers read in reports, in Vietnamese.
    pub name: &'static str,
    pub applies_to: &'static [Kind],
    pub severity: Severity,
    /// The texts it rests on by date and kind of site; the as-of date picks one.
    pub law: &'static [law::Law],
    /// Without the home page the rule is `unknown`; only the rules that
    /// judge the fetch itself (reachable, crawlable) do without it.
    pub needs_home: bool,
    pub check: fn(&RuleContext) -> Verdict,
}

impl RuleDef {
    /// The text in force for `kind` on `day`, with the configured directive
    /// where the rule rests on it; None when the rule did not apply then.
    pub fn basis(&self, kind: Kind, day: NaiveDate, directive: Option<&str>) -> Option<String> {
        if !self.applies_to.contains(&kind) {
            return None;
        }
        law::basis_on(self.law, kind, day, directive)
    }

    /// Whether the rule applied to `kind` on `day`: a text of it was in
    /// force. Days it did not apply count for nothing in a period summary.
    pub fn applies_on(&self, kind: Kind, day: NaiveDate) -> bool {
        self.applies_to.contains(&kind) && law::in_force(self.law, kind, day).is_some()
    }

    /// The first day of the text in force for `kind` on `day` (what
    /// [`RuleDef::basis`] cites), so reports can say since when it applies.
    /// None when the rule did not apply then, or when the text is older than
    /// anything sitewarden checks (the table gives it no first day).
    pub fn in_force_since(&self, kind: Kind, day: NaiveDate) -> Option<NaiveDate> {
        if !self.applies_to.contains(&kind) {
            return None;
        }
        law::in_force(self.law, kind, day)?.from
    }
}

pub const ALL_KINDS: &[Kind] = &[Kind::Government, Kind::Aggregator];
pub const GOVERNMENT: &[Kind] = &[Kind::Government];
pub const AGGREGATOR: &[Kind] = &[Kind::Aggregator];

static ALL: [RuleDef; 17] = [
    site_reachable::RULE,
    site_crawlable::RULE,
    update_daily::RULE,
    update_legal_documents::RULE,
    disclosure_governing_agency::RULE,
    disclosure_editorial_board::RULE,
    disclosure_responsible_person::RULE,
    disclosure_contact::RULE,
    disclosure_license::RULE,
    attribution_source::RULE,
    attribution_details::RULE,
    disclosure_address::RULE,
    disclosure_service_type::RULE,
    disclosure_name::RULE,
    attribution_link::RULE,
    attribution_delay::RULE,
    attribution_comments::RULE,
];

/// Every rule, in the order of SPEC §5 (reports list them in this order).
pub fn all() -> &'static [RuleDef] {
    &ALL
}

pub fn find(id: &str) -> Option<&'static RuleDef> {
    all().iter().find(|r| r.id == id)
}

/// Decide one rule: the central gating (no home page → `unknown`) and the
/// partial-crawl note apply here so no rule can forget them.
pub fn decide(rule: &RuleDef, ctx: &RuleContext) -> Verdict {
    if rule.needs_home
        && let Err(failure) = &ctx.crawl.home
    {
        return Verdict::unknown(
            format!("Chưa kiểm tra được vì không tải được trang chủ ({})", failure.kind.as_str()),
            vec![Evidence::new(
                &ctx.crawl.home_url,
                format!("không tải được trang chủ ({}): {}", failure.code(), failure.detail),
            )],
        );
    }
    let mut v = (rule.check)(ctx);
    if rule.needs_home
        && let Some(note) = ctx.crawl.partial_note()
    {
        v.evidence.push(Evidence::new(&ctx.crawl.home_url, note));
    }
    v
}

/// Decide every rule that applies to the site's kind on the as-of date: a
/// rule whose text was not in force then gives no result (SPEC §4).
pub fn evaluate(ctx: &RuleContext, checked_at: DateTime<FixedOffset>) -> Vec<ResultRecord> {
    all()
        .iter()
        .filter_map(|r| {
            let basis = r.basis(ctx.site.kind, ctx.as_of, ctx.config.directive.as_deref())?;
            let v = decide(r, ctx);
            Some(ResultRecord {
                site: ctx.site.id.clone(),
                rule: r.id.to_string(),
                status: v.status,
                severity: r.severity,
                as_of: ctx.as_of,
                checked_at,
                basis,
                message: v.message,
                evidence: v.evidence,
                hint: if v.status == Status::Fail { v.hint } else { None },
            })
        })
        .collect()
}

impl Verdict {
    pub fn pass(message: impl Into<String>, evidence: Vec<Evidence>) -> Verdict {
        Verdict {
            status: Status::Pass,
            message: message.into(),
            evidence,
            hint: None,
        }
    }

    pub fn fail(message: impl Into<String>, evidence: Vec<Evidence>, hint: impl Into<String>) -> Verdict {
        Verdict {
            status: Status::Fail,
            message: message.into(),
            evidence,
            hint: Some(hint.into()),
        }
    }

    /// `evidence` must say why the rule could not be decided.
    pub fn unknown(message: impl Into<String>, evidence: Vec<Evidence>) -> Verdict {
        Verdict {
            status: Status::Unknown,
            message: message.into(),
            evidence,
            hint: None,
        }
    }
}

// ---- helpers shared by the rules ----

/// Longest list of items (days, articles, documents) quoted in one result.
pub(crate) const MAX_LISTED: usize = 20;

/// Push at most `MAX_LISTED` entries, then one line saying how many more.
pub(crate) fn push_capped(evidence: &mut Vec<Evidence>, entries: Vec<Evidence>, more_url: &str) {
    let total = entries.len();
    evidence.extend(entries.into_iter().take(MAX_LISTED));
    if total > MAX_LISTED {
        evidence.push(Evidence::new(more_url, format!("… và {} mục khác", total - MAX_LISTED)));
    }
}

pub(crate) use crate::model::fmt_day;

// One folding for the whole program: the extractor's, so what the rules
// compare is folded exactly as what was extracted.
pub(crate) use crate::extract::text::{fold, same_name};

/// Licence numbers compared without spaces, case or diacritics:
/// "378/GP - BTTTT" is "378/GP-BTTTT".
pub(crate) fn same_license(a: &str, b: &str) -> bool {
    let norm = |s: &str| fold(s).chars().filter(|c| !c.is_whitespace()).collect::<String>();
    let (a, b) = (norm(a), norm(b));
    !a.is_empty() && a == b
}

/// A value a disclosure rule found on a page.
pub(crate) struct Hit {
    pub value: String,
    /// What the evidence quotes.
    pub detail: String,
}

impl Hit {
    pub(crate) fn from_found(f: &crate::extract::Found) -> Hit {
        let shown = if f.label.is_empty() {
            f.value.clone()
        } else {
            format!("{}: {}", f.label, f.value)
        };
        let detail = if f.snippet.trim().is_empty() {
            format!("\"{shown}\"")
        } else {
            format!("\"{shown}\" (nguyên văn trên trang: \"{}\")", f.snippet.trim())
        };
        Hit {
            value: f.value.clone(),
            detail,
        }
    }
}

/// One identity item a disclosure rule looks for.
pub(crate) struct Part {
    /// Vietnamese, as it reads inside a sentence ("số điện thoại liên hệ"),
    /// in the message, the hint and the evidence alike.
    pub vi: &'static str,
    pub find: fn(&PageFacts) -> Option<Hit>,
}

pub(crate) struct Spot<'a> {
    pub page: &'a CrawledPage,
    pub hit: Hit,
}

impl Spot<'_> {
    pub(crate) fn on_home(&self) -> bool {
        self.page.role == PageRole::Home
    }
}

/// The pages disclosures are looked for on: the home page first, then the
/// one-hop introduction / contact / editorial-board pages.
pub(crate) fn disclosure_pages(crawl: &SiteCrawl) -> impl Iterator<Item = &CrawledPage> {
    crawl
        .home_page()
        .into_iter()
        .chain(crawl.pages.iter().filter(|p| p.role == PageRole::Disclosure))
}

pub(crate) fn locate<'a>(crawl: &'a SiteCrawl, find: fn(&PageFacts) -> Option<Hit>) -> Option<Spot<'a>> {
    disclosure_pages(crawl).find_map(|page| find(&page.facts).map(|hit| Spot { page, hit }))
}

fn join_vi(parts: &[&Part]) -> String {
    parts.iter().map(|p| p.vi).collect::<Vec<_>>().join(" và ")
}

fn capitalise(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

pub(crate) const NO_TEXT: &str = "không tìm thấy chữ nào: mã HTML của trang chủ không có nội dung hiển thị (có thể được tạo bằng JavaScript hoặc bằng hình ảnh); cần xem lại bằng trình duyệt";

/// The common shape of the disclosure rules (SPEC §5): home page first,
/// one hop for government sites, home page only for aggregators. Returns
/// where each part was found so a rule can look further (registry names).
pub(crate) fn check_disclosure<'a>(ctx: &RuleContext<'a>, parts: &[Part], pass_message: &str) -> (Verdict, Vec<Option<Spot<'a>>>) {
    let crawl: &'a SiteCrawl = ctx.crawl;
    let Some(home) = crawl.home_page() else {
        let v = Verdict::unknown(
            "Chưa kiểm tra được vì kết quả thu thập không có trang chủ",
            vec![Evidence::new(&crawl.home_url, "kết quả thu thập không có trang chủ")],
        );
        return (v, Vec::new());
    };
    let spots: Vec<Option<Spot<'a>>> = parts.iter().map(|p| locate(crawl, p.find)).collect();
    let mut evidence = Vec::new();
    let mut missing: Vec<&Part> = Vec::new();
    let mut off_home: Vec<(&Part, &str)> = Vec::new();
    for (part, spot) in parts.iter().zip(&spots) {
        match spot {
            Some(s) if s.on_home() => evidence.push(Evidence::new(
                &s.page.final_url,
                format!("trang chủ có {}: {}", part.vi, s.hit.detail),
            )),
            Some(s) => {
                evidence.push(Evidence::new(
                    &s.page.final_url,
                    format!("trang liên kết từ trang chủ có {}: {}", part.vi, s.hit.detail),
                ));
                off_home.push((part, &s.page.final_url));
            }
            None => missing.push(part),
        }
    }
    let aggregator = ctx.site.kind == Kind::Aggregator;
    let absent_from_home: Vec<&Part> = missing
        .iter()
        .copied()
        .chain(off_home.iter().filter(|_| aggregator).map(|(p, _)| *p))
        .collect();
    if !absent_from_home.is_empty() {
        if home.facts.text_chars == 0 {
            evidence.push(Evidence::new(&home.final_url, NO_TEXT));
        } else {
            for part in &absent_from_home {
                evidence.push(Evidence::new(&home.final_url, format!("trang chủ không có {}", part.vi)));
            }
        }
    }
    if !missing.is_empty() {
        let names_neither = missing.iter().map(|p| p.vi).collect::<Vec<_>>().join(" hay ");
        let linked: Vec<Evidence> = crawl
            .pages
            .iter()
            .filter(|p| p.role == PageRole::Disclosure)
            .map(|p| Evidence::new(&p.final_url, format!("đã xem trang liên kết này: không có {names_neither}")))
            .collect();
        if linked.is_empty() {
            evidence.push(Evidence::new(
                &home.final_url,
                "chưa xem được trang giới thiệu, liên hệ hay ban biên tập nào: trang chủ không có liên kết tới các trang này, hoặc các trang đó không tải được",
            ));
        }
        push_capped(&mut evidence, linked, &home.final_url);
        let names = join_vi(&missing);
        let v = Verdict::fail(
            format!("Không tìm thấy {names}"),
            evidence,
            format!("Bổ sung {names} vào chân trang (footer) của trang chủ."),
        );
        return (v, spots);
    }
    if aggregator && !off_home.is_empty() {
        let names = join_vi(&off_home.iter().map(|(p, _)| *p).collect::<Vec<_>>());
        let where_ = off_home.first().map_or("", |(_, url)| *url);
        let v = Verdict::fail(
            format!(
                "{} không được hiển thị trên trang chủ mà chỉ có ở trang liên kết",
                capitalise(&names)
            ),
            evidence,
            format!("Hiển thị {names} ngay trên trang chủ (ví dụ ở chân trang), không chỉ ở trang {where_}."),
        );
        return (v, spots);
    }
    (Verdict::pass(pass_message, evidence), spots)
}

/// Hand-built crawls for the rules' tests.
#[cfg(test)]
pub(crate) mod testkit;

#[cfg(test)]
mod tests {
    use super::testkit::*;
    use super::*;
    use crate::model::FailureKind;

    #[test]
    fn fold_ignores_case_diacritics_and_normalisation_form() {
        let nfc = "CƠ QUAN CHỦ QUẢN";
        let nfd: String = unicode_normalization::UnicodeNormalization::nfd("Cơ quan chủ quản").collect();
        assert_eq!(fold(nfc), "co quan chu quan");
        assert_eq!(fold(&nfd), "co quan chu quan");
        assert_eq!(fold("  Co\u{a0}quan   chu quan "), "co quan chu quan");
        assert_eq!(fold("Uỷ ban"), fold("Ủy ban"));
        assert_eq!(fold("Đơn vị"), "don vi");
    }

    #[test]
    fn names_match_through_abbreviations() {
        assert!(same_name("Ủy ban nhân dân tỉnh Tiền Giang", "UBND tỉnh Tiền Giang"));
        assert!(same_name("UBND TP. Cần Thơ", "Uỷ ban nhân dân thành phố Cần Thơ"));
        assert!(same_name("Sở Thông tin và Truyền thông Hà Nội", "Sở TT&TT Hà Nội"));
        assert!(same_name("Sở TTTT Hà Nội", "SỞ THÔNG TIN VÀ TRUYỀN THÔNG HÀ NỘI"));
        assert!(same_name(
            "Ủy ban nhân dân tỉnh Tiền Giang",
            "Cơ quan chủ quản: UBND tỉnh Tiền Giang."
        ));
        assert!(!same_name("Ủy ban nhân dân tỉnh Tiền Giang", "Ủy ban nhân dân tỉnh Long An"));
        // A shorter name on the page is not the registry's.
        assert!(!same_name("Ủy ban nhân dân tỉnh Tiền Giang", "tỉnh Tiền Giang"));
        assert!(!same_name("", "anything"));
    }

    #[test]
    fn licence_numbers_ignore_spaces_and_case() {
        assert!(same_license("378/GP-BTTTT", "378/GP - BTTTT"));
        assert!(same_license("12/gp-ttđt", "12/GP-TTĐT"));
        assert!(!same_license("378/GP-BTTTT", "387/GP-BTTTT"));
    }

    #[test]
    fn rules_are_listed_in_spec_order_and_filtered_by_kind() {
        let ids: Vec<&str> = all().iter().map(|r| r.id).collect();
        assert_eq!(ids.first(), Some(&"site.reachable"));
        assert_eq!(ids.len(), 17);
        let checked_at = chrono::Utc::now().with_timezone(&crate::model::vn_offset());
        let gov = Fx::government();
        let rules: Vec<String> = evaluate(&gov.ctx(), checked_at).into_iter().map(|r| r.rule).collect();
        assert_eq!(rules.len(), 9);
        assert!(rules.contains(&"update.daily".to_string()) && !rules.contains(&"disclosure.license".to_string()));
        let agg = Fx::aggregator();
        let rules: Vec<String> = evaluate(&agg.ctx(), checked_at).into_iter().map(|r| r.rule).collect();
        assert_eq!(rules.len(), 14);
        assert!(rules.contains(&"attribution.source".to_string()) && !rules.contains(&"disclosure.editorial_board".to_string()));
        assert_eq!(find("attribution.details").map(|r| r.severity), Some(Severity::Warning));
    }

    #[test]
    fn unreachable_home_makes_every_content_rule_unknown() {
        let mut fx = Fx::government();
        fx.crawl.home = Err(failure(FailureKind::Timeout, None));
        fx.home().disclosures.phones.push(found("Điện thoại", "0273 3873 333"));
        let checked_at = chrono::Utc::now().with_timezone(&crate::model::vn_offset());
        for r in evaluate(&fx.ctx(), checked_at) {
            match r.rule.as_str() {
                "site.reachable" => assert_eq!(r.status, Status::Fail),
                "site.crawlable" => assert_eq!(r.status, Status::Pass),
                _ => {
                    assert_eq!(r.status, Status::Unknown, "{}", r.rule);
                    assert!(
                        r.evidence
                            .iter()
                            .any(|e| e.detail.starts_with("không tải được trang chủ (timeout): ")),
                        "{}: {:?}",
                        r.rule,
                        r.evidence
                    );
                    assert!(r.hint.is_none());
                }
            }
        }
    }

    #[test]
    fn partial_crawl_is_noted_in_content_rules() {
        let mut fx = Fx::government();
        fx.crawl.partial.push("đã đạt giới hạn 60 trang".into());
        let v = fx.run(&disclosure_contact::RULE);
        assert!(ev(&v).contains("thu thập chưa đầy đủ: đã đạt giới hạn 60 trang"), "{}", ev(&v));
        let v = fx.run(&site_reachable::RULE);
        assert!(!ev(&v).contains("thu thập chưa đầy đủ"));
    }
}
