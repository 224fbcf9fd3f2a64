//! What real sites do that is not in any standard, kept in one place.

/// Markers of the challenge pages that bot-protection services send instead of
/// the site. Such a page says nothing about the site's compliance.
const CHALLENGE_MARKERS: &[&str] = &[
    "cf-chl-",
    "challenge-platform",
    "<title>just a moment...</title>",
    "attention required! | cloudflare",
    "ddos protection by",
    "incapsula incident id",
    "sucuri website firewall",
    "_incapsula_resource",
    "px-captcha",
    "please enable javascript and cookies to continue",
    "checking your browser before accessing",
];

/// Whether a response body looks like a bot-protection challenge.
pub fn is_bot_challenge(status: u16, body: &[u8]) -> bool {
    if !matches!(status, 200 | 403 | 429 | 503) {
        return false;
    }
    // Challenge pages are small; a real portal home page that merely mentions
    // Cloudflare in a script is not one.
    if body.len() > 64 * 1024 {
        return false;
    }
    let head = String::from_utf8_lossy(body).to_lowercase();
    CHALLENGE_MARKERS.iter().any(|m| head.contains(m))
}

/// Bodies that are not HTML whatever the Content-Type says (a PDF served as
/// text/html is common on document listings), named in Vietnamese for the
/// evidence.
pub fn sniff_not_html(body: &[u8]) -> Option<&'static str> {
    let start = body.iter().position(|b| !b.is_ascii_whitespace()).unwrap_or(body.len());
    let b = body.get(start..).unwrap_or_default();
    if b.starts_with(b"%PDF") {
        Some("tài liệu PDF")
    } else if b.starts_with(b"PK\x03\x04") {
        Some("tệp nén ZIP hoặc tài liệu Office")
    } else if b.starts_with(b"\xD0\xCF\x11\xE0") {
        Some("tài liệu Office định dạng cũ")
    } else if b.starts_with(b"\x89PNG") || b.starts_with(b"\xFF\xD8\xFF") || b.starts_with(b"GIF8") {
        Some("hình ảnh")
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_a_cloudflare_challenge() {
        let page = b"<html><head><title>Just a moment...</title></head><body><div id=cf-chl-widget></div></body></html>";
        assert!(is_bot_challenge(403, page));
        assert!(!is_bot_challenge(404, page));
        assert!(!is_bot_challenge(200, b"<html><title>UBND</title></html>"));
    }

    #[test]
    fn sniffs_pdf_served_as_html() {
        assert_eq!(sniff_not_html(b"\n%PDF-1.7"), Some("tài liệu PDF"));
        assert_eq!(sniff_not_html(b"<!doctype html>"), None);
    }
}
