//! The facts the Decree 147/2024/NĐ-CP rules read (RULES.md, "The texts by
//! date"): what sits at the top of a home page, what closes a reproduced
//! article, whether readers can comment, and a licence's renewal.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::facts::{Found, Link};

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
