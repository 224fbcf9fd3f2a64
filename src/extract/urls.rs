//! Links and feed hrefs made absolute against the page's base URL.

pub(super) fn resolve(base: &url::Url, href: &str) -> Option<url::Url> {
    let lower = href.get(..href.len().min(11)).unwrap_or("").to_ascii_lowercase();
    if href.is_empty()
        || href.starts_with('#')
        || lower.starts_with("javascript:")
        || lower.starts_with("mailto:")
        || lower.starts_with("tel:")
        || lower.starts_with("data:")
    {
        return None;
    }
    let mut u = base.join(href).ok()?;
    if !matches!(u.scheme(), "http" | "https") {
        return None;
    }
    u.set_fragment(None);
    Some(u)
}

/// Whether `h` is made only of characters the URL parser leaves untouched
/// in a path or query, so it can be resolved by string concatenation (None
/// when not), and whether it holds a ':'.
fn plain_href(h: &str) -> Option<bool> {
    // One table lookup per byte of the href (a page has hundreds of links,
    // portal ones hundreds of bytes long); only the few bytes that may
    // start a dot segment ("./", "%2e") or name a scheme are looked at
    // further.
    let b = h.as_bytes();
    if b.is_empty() {
        return None;
    }
    let mut colon = false;
    let mut from = 0;
    while let Some(i) = b
        .get(from..)
        .and_then(|r| r.iter().position(|&c| HREF_BYTE[usize::from(c)] != ORDINARY))
        .map(|p| from + p)
    {
        let c = b.get(i).copied().unwrap_or(0);
        if HREF_BYTE[usize::from(c)] != CHECKED {
            return None;
        }
        let next = b.get(i + 1).copied();
        match c {
            b'.' if next == Some(b'/') => return None,
            b'%' if next == Some(b'2') && b.get(i + 2).is_some_and(|&e| e | 0x20 == b'e') => return None,
            b':' => colon = true,
            _ => {}
        }
        from = i + 1;
    }
    let dot_end = h.ends_with("/.") || h.ends_with("/..") || h == "." || h == "..";
    (!dot_end).then_some(colon)
}

/// [`HREF_BYTE`] classes: not allowed in a plain href (0), allowed, or
/// allowed and looked at with its neighbours.
const ORDINARY: u8 = 1;
const CHECKED: u8 = 2;

/// The bytes [`plain_href`] allows: ASCII letters, digits and `-._~/?=&+%,;:`.
static HREF_BYTE: [u8; 256] = {
    let mut t = [0; 256];
    let mut c = 0;
    while c < 256 {
        let b = c as u8;
        t[c] = if matches!(b, b'.' | b'%' | b':') {
            CHECKED
        } else if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'~' | b'/' | b'?' | b'=' | b'&' | b'+' | b',' | b';') {
            ORDINARY
        } else {
            0
        };
        c += 1;
    }
    t
};

/// A host the URL parser keeps exactly as written: lower-case letters,
/// digits, dots and hyphens, no empty label, and a last label that is not
/// all digits ("dulich.2015" is parsed as an IPv4 address and refused: a
/// fuzzer found it).
fn plain_host(host: &str) -> bool {
    !host.is_empty()
        && host
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'.' || b == b'-')
        && host.split('.').all(|label| !label.is_empty())
        && host
            .rsplit('.')
            .next()
            .is_some_and(|last| last.bytes().any(|b| b.is_ascii_lowercase()))
}

/// `a` then `b`, allocated once at its size (`format!` goes through the
/// formatting machinery for every link).
fn concat(a: &str, b: &str) -> String {
    let mut s = String::with_capacity(a.len() + b.len());
    s.push_str(a);
    s.push_str(b);
    s
}

/// Resolves a link to an absolute string without a full URL parse when the
/// href is plain (most links); anything unusual goes through `Url::join`.
/// `origin` is "scheme://host[:port]", `dir` the base URL up to its last '/'.
pub(super) fn resolve_fast(base: &url::Url, origin: &str, dir: &str, href: &str) -> Option<String> {
    let h = href.trim();
    if let Some(colon) = plain_href(h) {
        if let Some(rest) = h.strip_prefix("https://").or_else(|| h.strip_prefix("http://")) {
            // Host must be lower-case and non-empty for the string to equal the parsed form.
            let host = rest.split(['/', '?']).next().unwrap_or("");
            if plain_host(host) && rest.len() > host.len() && !rest.get(host.len()..).unwrap_or("").starts_with('?') {
                return Some(h.to_string());
            }
        } else if h.starts_with('/') && !h.starts_with("//") {
            return Some(concat(origin, h));
        } else if !colon && !h.starts_with(['?', '/']) {
            return Some(concat(dir, h));
        }
    }
    resolve(base, h).map(String::from)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_absolute_link_whose_host_the_parser_refuses_is_dropped_not_reported() {
        let base = url::Url::parse("https://tiengiang.gov.vn/tin-tuc/").expect("base");
        let (origin, dir) = ("https://tiengiang.gov.vn", "https://tiengiang.gov.vn/tin-tuc/");
        // Found by the analyse_page fuzz target: a numeric last label.
        assert_eq!(resolve_fast(&base, origin, dir, "http://dulich.2015/724001.html"), None);
        for ok in ["http://dulich.vn/724001.html", "https://a-b.gov.vn/x?y=1", "http://10.0.0.1/a"] {
            let got = resolve_fast(&base, origin, dir, ok).expect("resolved");
            assert_eq!(url::Url::parse(&got).map(String::from).ok().as_deref(), Some(got.as_str()), "{ok}");
        }
    }

    /// The string shortcut must give exactly what the URL parser gives.
    #[test]
    fn fast_resolution_equals_url_join() {
        let bases = [
            "https://sotttt.hanoi.gov.vn/bao-chi-xuat-ban",
            "https://example.vn/a/b/page.html?x=1",
            "http://example.vn:8080/dir/",
            "https://example.vn",
        ];
        let hrefs = [
            "bao-chi-xuat-ban/-/view_content/4421549-ha-noi.html",
            "/tin/1?id=2&p=3",
            "https://other.vn/x/y",
            "https://Other.vn/x",
            "https://other.vn",
            "https://other.vn?x",
            "http://other.vn/a b",
            "../up.html",
            "./same.html",
            "x/../y",
            "//cdn.vn/z",
            "?q=1",
            "page%20two.html",
            "a:b",
            "tin-tức.html",
            "/a/.",
            ".",
            "..",
            "a/..",
            "x%2e%2E/y",
            "x%2E./y",
            "%2",
            "a.b/c",
            "a./b",
            "a.",
            "x?y=a:b",
            "x%2/y",
            "x/%2e",
            "tin.html?u=http://a.vn/b",
        ];
        for b in bases {
            let base = url::Url::parse(b).expect("valid base");
            let origin = base.origin().ascii_serialization();
            let s = base.as_str();
            let end = s.find(['?', '#']).unwrap_or(s.len());
            let dir = s.get(..end).and_then(|p| p.rfind('/').map(|i| &s[..=i])).unwrap_or(s);
            for h in hrefs {
                let slow = resolve(&base, h).map(String::from);
                let fast = resolve_fast(&base, &origin, dir, h);
                assert_eq!(fast, slow, "base {b} href {h}");
            }
        }
    }
}
