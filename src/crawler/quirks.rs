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
/// text/html is common on document listings).
pub fn sniff_not_html(body: &[u8]) -> Option<&'static str> {
    let start = body.iter().position(|b| !b.is_ascii_whitespace()).unwrap_or(body.len());
    let b = body.get(start..).unwrap_or_default();
    if b.starts_with(b"%PDF") {
        Some("PDF document")
    } else if b.starts_with(b"PK\x03\x04") {
        Some("ZIP/Office document")
    } else if b.starts_with(b"\xD0\xCF\x11\xE0") {
        Some("legacy Office document")
    } else if b.starts_with(b"\x89PNG") || b.starts_with(b"\xFF\xD8\xFF") || b.starts_with(b"GIF8") {
        Some("image")
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
        assert_eq!(sniff_not_html(b"\n%PDF-1.7"), Some("PDF document"));
        assert_eq!(sniff_not_html(b"<!doctype html>"), None);
    }
}

/// Deepest element nesting handed to the HTML parser. html5ever's tree
/// builder scans the stack of open elements for every `<div>` or `<li>`, so
/// 100,000 nested ones take minutes; browsers stop nesting at 512 levels.
pub const MAX_NESTING: usize = 1000;

const VOID: &[&str] = &[
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr", "param", "keygen", "frame",
    "basefont", "bgsound",
];
/// End tags that real pages leave out all the time; counting them would
/// make a long article of unclosed `<p>` look deep.
const OPTIONAL_END: &[&str] = &[
    "p", "li", "dt", "dd", "tr", "td", "th", "option", "optgroup", "rb", "rt", "rp", "thead", "tbody", "tfoot", "colgroup", "caption",
    "head", "body", "html",
];
const RAW_TEXT: &[&str] = &["script", "style", "textarea", "title", "xmp", "noembed", "noframes", "plaintext"];

/// Cut `html` where its element nesting first goes deeper than `max_depth`,
/// in one linear scan. Returns None when the page is within bounds.
pub fn cut_deep_nesting(html: &str, max_depth: usize) -> Option<&str> {
    let b = html.as_bytes();
    let mut depth = 0usize;
    let mut i = 0;
    let find = |from: usize, pat: &[u8]| {
        b.get(from..)
            .and_then(|rest| rest.windows(pat.len()).position(|w| w.eq_ignore_ascii_case(pat)))
            .map(|p| from + p)
    };
    while let Some(lt) = b.get(i..).and_then(|rest| rest.iter().position(|&c| c == b'<')).map(|p| i + p) {
        let next = b.get(lt + 1).copied().unwrap_or(0);
        if next == b'!' {
            let end = if b.get(lt..lt + 4) == Some(b"<!--") {
                find(lt + 4, b"-->").map(|p| p + 3)
            } else {
                find(lt, b">").map(|p| p + 1)
            };
            i = end.unwrap_or(b.len());
            continue;
        }
        let closing = next == b'/';
        let name_start = lt + 1 + usize::from(closing);
        let name_len = b
            .get(name_start..)
            .map_or(0, |r| r.iter().take_while(|c| c.is_ascii_alphanumeric()).count());
        if name_len == 0 {
            i = lt + 1;
            continue;
        }
        let name = html.get(name_start..name_start + name_len).unwrap_or("").to_ascii_lowercase();
        let tag_end = find(name_start, b">").unwrap_or(b.len());
        let self_closing = tag_end > 0 && b.get(tag_end - 1) == Some(&b'/');
        let counted = !VOID.contains(&name.as_str()) && !OPTIONAL_END.contains(&name.as_str());
        if closing {
            if counted {
                depth = depth.saturating_sub(1);
            }
        } else {
            if counted && !self_closing {
                depth += 1;
                if depth > max_depth {
                    return html.get(..lt);
                }
            }
            if RAW_TEXT.contains(&name.as_str()) {
                let close = format!("</{name}");
                i = find(tag_end, close.as_bytes()).unwrap_or(b.len());
                continue;
            }
        }
        i = tag_end + 1;
    }
    None
}

#[cfg(test)]
mod nesting_tests {
    use super::*;

    #[test]
    fn cuts_only_pathological_nesting() {
        let deep = format!("<html><body>{}x{}", "<div>".repeat(5000), "</div>".repeat(5000));
        let cut = cut_deep_nesting(&deep, MAX_NESTING).expect("cut");
        assert_eq!(cut.matches("<div>").count(), MAX_NESTING);
        // A long article of unclosed paragraphs and list items is not deep.
        let flat = format!(
            "<html><body><ul>{}</ul>{}<script>if (a<b) {{ '<div>'.repeat(9) }}</script>",
            "<li>x".repeat(5000),
            "<p>đoạn".repeat(5000)
        );
        assert_eq!(cut_deep_nesting(&flat, MAX_NESTING), None);
        let siblings = "<div><span>a</span><br/><img src=x></div>".repeat(10_000);
        assert_eq!(cut_deep_nesting(&siblings, MAX_NESTING), None);
        assert_eq!(cut_deep_nesting("<<<</>", 3), None);
    }
}
