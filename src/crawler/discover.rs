//! Which links of a site to follow, and in what order: the pages the rules
//! need first (disclosure pages, listings, feeds), articles with what is left.

use url::Url;

use super::PageRole;
use crate::extract::Link;

use crate::extract::text::fold;

const DISCLOSURE_TEXT: &[&str] = &[
    "gioi thieu",
    "lien he",
    "ban bien tap",
    "ve chung toi",
    "thong tin toa soan",
    "lien lac",
    "thong tin chung",
    "co cau to chuc",
];
const DISCLOSURE_PATH: &[&str] = &[
    "gioi-thieu",
    "lien-he",
    "ban-bien-tap",
    "ve-chung-toi",
    "about",
    "contact",
    "gioithieu",
    "lienhe",
];
const DOCUMENT_TEXT: &[&str] = &["van ban", "van ban phap luat", "van ban chi dao", "van ban quy pham"];
const DOCUMENT_PATH: &[&str] = &["van-ban", "vanban", "legal", "documents"];
const LISTING_TEXT: &[&str] = &[
    "tin tuc",
    "tin tong hop",
    "thong bao",
    "tin hoat dong",
    "su kien",
    "thoi su",
    "tin moi",
    "xem them",
    "tat ca",
];
const LISTING_PATH: &[&str] = &[
    "tin-tuc",
    "tintuc",
    "news",
    "thong-bao",
    "category",
    "chuyen-muc",
    "danh-muc",
    "su-kien",
    "thoi-su",
];

/// Same site: same host, ignoring a leading `www.`, and same port.
pub fn same_site(a: &Url, b: &Url) -> bool {
    let h = |u: &Url| u.host_str().map(|h| h.trim_start_matches("www.").to_ascii_lowercase());
    h(a) == h(b) && a.port_or_known_default() == b.port_or_known_default()
}

/// How surely a link leads to the site's news or documents, for choosing
/// which listings to visit when a home page offers more than a crawl takes:
/// 2 when its words say so ("Tin tức", "Văn bản"), 1 when its path does
/// (`/tin-tuc/`, `/chuyen-muc/…`), 0 when only its shape does.
pub fn listing_priority(link: &Link) -> u8 {
    let text = fold(&link.text);
    let has = |words: &[&str], hay: &str| words.iter().any(|w| hay.contains(w));
    if has(LISTING_TEXT, &text) || has(DOCUMENT_TEXT, &text) {
        return 2;
    }
    let path = Url::parse(&link.url).map(|u| u.path().to_ascii_lowercase()).unwrap_or_default();
    u8::from(has(LISTING_PATH, &path) || has(DOCUMENT_PATH, &path))
}

/// What a link on `base` probably leads to, or None when it is not worth a fetch.
pub fn classify(base: &Url, link: &Link) -> Option<PageRole> {
    let url = Url::parse(&link.url).ok()?;
    if !matches!(url.scheme(), "http" | "https") || !same_site(base, &url) {
        return None;
    }
    let path = url.path().to_ascii_lowercase();
    let skip_ext = [
        ".pdf", ".doc", ".docx", ".xls", ".xlsx", ".zip", ".rar", ".jpg", ".jpeg", ".png", ".gif", ".mp4", ".mp3", ".css", ".js",
    ];
    if skip_ext.iter().any(|e| path.ends_with(e)) || path == "/" || path.is_empty() {
        return None;
    }
    let text = fold(&link.text);
    let has = |words: &[&str], hay: &str| words.iter().any(|w| hay.contains(w));
    if has(DISCLOSURE_TEXT, &text) || has(DISCLOSURE_PATH, &path) {
        return Some(PageRole::Disclosure);
    }
    let segments = path.trim_matches('/').split('/').filter(|s| !s.is_empty()).count();
    let looks_article = path.ends_with(".html")
        || path.ends_with(".htm")
        || path.ends_with(".aspx") && path.contains('-')
        || segments >= 2 && path.rsplit('/').next().is_some_and(|s| s.len() > 20);
    if !looks_article && (has(DOCUMENT_TEXT, &text) || has(DOCUMENT_PATH, &path)) {
        return Some(PageRole::DocumentListing);
    }
    if !looks_article && (has(LISTING_TEXT, &text) || has(LISTING_PATH, &path) || path.ends_with('/') && segments <= 2) {
        return Some(PageRole::Listing);
    }
    Some(PageRole::Article)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn link(url: &str, text: &str) -> Link {
        Link {
            url: url.into(),
            text: text.into(),
        }
    }

    #[test]
    fn sorts_links_by_what_they_lead_to() {
        let base = Url::parse("https://tiengiang.gov.vn/").unwrap();
        let c = |u: &str, t: &str| classify(&base, &link(u, t));
        assert_eq!(c("https://tiengiang.gov.vn/gioi-thieu", "Giới thiệu"), Some(PageRole::Disclosure));
        assert_eq!(c("https://www.tiengiang.gov.vn/lh", "LIÊN HỆ"), Some(PageRole::Disclosure));
        assert_eq!(c("https://tiengiang.gov.vn/van-ban/", "Văn bản"), Some(PageRole::DocumentListing));
        assert_eq!(c("https://tiengiang.gov.vn/tin-tuc/", "Tin tức"), Some(PageRole::Listing));
        assert_eq!(
            c("https://tiengiang.gov.vn/tin-tuc/hoi-nghi-tong-ket-nam-2026.html", "Hội nghị"),
            Some(PageRole::Article)
        );
        assert_eq!(c("https://other.vn/gioi-thieu", "Giới thiệu"), None);
        assert_eq!(c("https://tiengiang.gov.vn/files/qd.pdf", "Quyết định"), None);
    }
}
