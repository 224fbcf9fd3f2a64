//! The facts the rules read, as extracted from pages, feeds and sitemaps
//! and stored with each page.

use chrono::{NaiveDate, NaiveDateTime};
use serde::{Deserialize, Serialize};

/// A labelled value found on a page, kept with the text around it so the
/// evidence can quote what the officer will see.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Found {
    /// The label as written on the page ("Cơ quan chủ quản"), empty for an
    /// unlabelled value (a bare telephone number, a mailto link).
    pub label: String,
    /// The value after the label, original spelling, NFC ("Ủy ban nhân dân tỉnh X").
    pub value: String,
    /// Up to ~160 characters of the surrounding original text, for evidence.
    pub snippet: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct License {
    /// Licence number as written ("378/GP - BTTTT").
    pub number: String,
    /// Issuer if stated ("Bộ Thông tin và Truyền thông", "Sở TT&TT ...").
    pub issuer: Option<String>,
    pub date: Option<NaiveDate>,
    pub snippet: String,
}

/// The identity items SPEC §5 `disclosure.*` looks for on one page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Disclosures {
    pub governing_agency: Option<Found>,
    /// The organisation that manages the site ("Đơn vị quản lý", "Cơ quan quản lý").
    pub managing_organisation: Option<Found>,
    /// "Ban biên tập" heading/section or "Trưởng Ban biên tập: <name>".
    pub editorial_board: Option<Found>,
    pub responsible_person: Option<Found>,
    pub address: Option<Found>,
    pub phones: Vec<Found>,
    pub emails: Vec<Found>,
    pub license: Option<License>,
}

/// Where an item's date came from, most trusted first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum DateSource {
    /// `<time datetime>`, meta `article:published_time`, JSON-LD `datePublished`.
    Markup,
    /// Visible text next to the item's link or labelled ("Ngày đăng", "Cập nhật").
    Text,
    Feed,
    Sitemap,
}

/// A news item or document seen on a listing, feed or sitemap.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Item {
    /// Absolute URL of the item.
    pub url: String,
    pub title: String,
    /// Publication time in Asia/Ho_Chi_Minh local time; midnight when only a
    /// day is known. None when the listing shows no date for it.
    pub published: Option<NaiveDateTime>,
    pub source: DateSource,
}

/// One row of a legal-document listing ("Số/Ký hiệu", "Trích yếu", "Ngày ban hành").
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LegalDocument {
    /// Absolute URL of the document's page or file, or of the listing when the row links nowhere.
    pub url: String,
    /// "Số/Ký hiệu" as written ("12/2026/QĐ-UBND"); empty if none.
    pub number: String,
    /// "Trích yếu" or link text.
    pub title: String,
    /// "Ngày ban hành" / "Ngày ký".
    pub signed: NaiveDate,
    /// "Ngày đăng" if the listing shows it; otherwise the rule uses first-seen.
    pub posted: Option<NaiveDate>,
}

/// "Nguồn: Báo X, 07:30 23/11/2026" at the end of a reproduced article.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attribution {
    /// The source as named ("Báo Kiên Giang", "TTXVN").
    pub source: String,
    pub author: Option<String>,
    /// The time the source published the item, when given with the attribution
    /// (not the aggregator's own date).
    pub original_time: Option<NaiveDateTime>,
    /// The attribution line as written, for evidence.
    pub text: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Link {
    /// Absolute URL, fragment removed.
    pub url: String,
    /// Visible text (or title/alt), NFC, whitespace collapsed.
    pub text: String,
}

/// Everything the rules need from one HTML page. Stored with the page so a
/// 304 next time reuses it without the body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct PageFacts {
    pub title: Option<String>,
    /// Number of characters of visible text; 0 for a page drawn by JavaScript.
    pub text_chars: u32,
    pub links: Vec<Link>,
    /// `<link rel=alternate type=application/rss+xml|atom+xml>` hrefs, absolute.
    pub feeds: Vec<String>,
    pub disclosures: Disclosures,
    /// Dated items on a listing (dates next to links).
    pub items: Vec<Item>,
    /// The page's own publication time when it is an article.
    pub published: Option<NaiveDateTime>,
    pub is_article: bool,
    pub documents: Vec<LegalDocument>,
    pub attribution: Option<Attribution>,
    /// Source named only in machine-readable form (JSON-LD author/publisher,
    /// `<title>` suffix); evidence for an officer, not enough to pass.
    pub machine_source: Option<String>,
    /// The site's name and service type as the top of the page shows them.
    pub masthead: Masthead,
    /// The last part of an article: links and author beside the source line.
    pub article_end: ArticleEnd,
    /// A comment box readers can post with, or a note that comments are closed.
    pub comments: Comments,
    /// A renewal or re-issue date shown with the licence.
    pub license_renewal: Option<LicenseRenewal>,
}

// ---- what the Decree 147/2024/NĐ-CP rules read (RULES.md, "The texts by
// date"): what sits at the top of a home page, what closes a reproduced
// article, whether readers can comment, and a licence's renewal ----

/// Where on a page a piece of text sits, in the terms of Art. 24(9)(b):
/// the site's name and service type belong at the top, the other identity
/// items at the bottom.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Placement {
    /// In the page's header (banner, logo, masthead) or before any content.
    Top,
    /// Between the header and the footer.
    Body,
    Footer,
}

/// One sighting of "trang thông tin điện tử tổng hợp" on a page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServiceTypeMark {
    pub placement: Placement,
    /// Found only in an image's alt text (a logo drawn with the words).
    pub in_image: bool,
    /// The words as written, with some text around them, for evidence.
    pub snippet: String,
}

/// The top of a page: the name it presents itself by, and the service type.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Masthead {
    /// The site's name as the page gives it: `og:site_name`,
    /// `application-name`, the logo's text or alt. `label` says which.
    pub names: Vec<Found>,
    pub service_type: Vec<ServiceTypeMark>,
}

/// The last part of an article, where Art. 28(1)(đ) wants the link to the
/// source article.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct ArticleEnd {
    /// An end could be placed: the source line, else the body's last paragraph.
    pub anchored: bool,
    /// Links on, just before and after that line, outside menus and footer.
    pub links: Vec<Link>,
    /// An author named beside the source line ("Minh Anh" on the line
    /// above it, "Tác giả: …") when the source line itself names none.
    pub author: Option<String>,
}

/// Whether readers can post comments on the page (Art. 28(1)(d)).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Comments {
    /// What gives an open comment box away (a form's wording, a widget's mark-up).
    pub open: Option<String>,
    /// Text saying comments are closed ("Bình luận đã đóng").
    pub closed: Option<String>,
}

/// A licence renewal or re-issue shown with the licence ("gia hạn", "cấp lại").
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LicenseRenewal {
    pub date: NaiveDate,
    pub snippet: String,
}
