//! A bound on element nesting before the HTML parser sees a page.

/// Deepest element nesting handed to the HTML parser. html5ever's tree
/// builder scans the stack of open elements for every `<div>` or `<li>`, so
/// 100,000 nested ones take minutes; browsers stop nesting at 512 levels.
pub const MAX_NESTING: usize = 1000;

// The lists [`classify`] matches on, kept as its tests' reference.
#[cfg(test)]
const VOID: &[&str] = &[
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr", "param", "keygen", "frame",
    "basefont", "bgsound",
];
/// End tags that real pages leave out all the time; counting them would
/// make a long article of unclosed `<p>` look deep.
#[cfg(test)]
const OPTIONAL_END: &[&str] = &[
    "p", "li", "dt", "dd", "tr", "td", "th", "option", "optgroup", "rb", "rt", "rp", "thead", "tbody", "tfoot", "colgroup", "caption",
    "head", "body", "html",
];
#[cfg(test)]
const RAW_TEXT: &[&str] = &["script", "style", "textarea", "title", "xmp", "noembed", "noframes", "plaintext"];

#[derive(Clone, Copy, PartialEq, Eq)]
enum Class {
    /// Opens a level until its end tag.
    Counted,
    /// Void, or its end tag is often left out: not counted.
    Uncounted,
    /// Counted, and its content is text up to its end tag.
    RawText,
}

/// Which of the lists above a tag name is in, by one match on the
/// lower-cased name instead of a walk over the lists per tag.
fn classify(name: &[u8]) -> Class {
    // No listed name is longer than 9 bytes.
    let mut buf = [0; 10];
    let Some(lower) = ascii_lower(name, &mut buf) else {
        return Class::Counted;
    };
    match lower {
        b"area" | b"base" | b"br" | b"col" | b"embed" | b"hr" | b"img" | b"input" | b"link" | b"meta" | b"source" | b"track" | b"wbr"
        | b"param" | b"keygen" | b"frame" | b"basefont" | b"bgsound" => Class::Uncounted,
        b"p" | b"li" | b"dt" | b"dd" | b"tr" | b"td" | b"th" | b"option" | b"optgroup" | b"rb" | b"rt" | b"rp" | b"thead" | b"tbody"
        | b"tfoot" | b"colgroup" | b"caption" | b"head" | b"body" | b"html" => Class::Uncounted,
        b"script" | b"style" | b"textarea" | b"title" | b"xmp" | b"noembed" | b"noframes" | b"plaintext" => Class::RawText,
        _ => Class::Counted,
    }
}

/// A tag name lower-cased into `buf`, for one `match` on names without an
/// allocation per tag; None when it is longer than `buf`, so no listed name.
pub(super) fn ascii_lower<'b>(name: &[u8], buf: &'b mut [u8]) -> Option<&'b [u8]> {
    let lower = buf.get_mut(..name.len())?;
    for (d, s) in lower.iter_mut().zip(name) {
        *d = s.to_ascii_lowercase();
    }
    Some(lower)
}

/// Cut `html` where its element nesting first goes deeper than `max_depth`,
/// in one linear scan. Returns None when the page is within bounds.
pub fn cut_deep_nesting(html: &str, max_depth: usize) -> Option<&str> {
    cut_counted(html, max_depth).0
}

/// [`cut_deep_nesting`], also giving the number of tags that open in
/// `html`, counted up to a little past `max_depth` only.
pub(super) fn cut_counted(html: &str, max_depth: usize) -> (Option<&str>, usize) {
    let opening = opening_tags(html.as_bytes(), max_depth);
    if opening <= max_depth {
        return (None, opening);
    }
    (scan(html, max_depth), opening)
}

/// How many '<' not followed by '/' `b` holds, counted until there are
/// more than `max` (then some number above `max`). Each level is opened by
/// one, so a page with no more of them than the bound cannot pass it. Most
/// pages have far fewer, and counting them is a byte count, not a parse of
/// every tag.
fn opening_tags(b: &[u8], max: usize) -> usize {
    // Counted in byte-wide lanes the compiler turns into vector compares
    // and adds: a search stopping at every '<' (one every 60 bytes of a
    // portal page) cost three times as much. Blocks of 4 KiB keep an early
    // exit for huge pages.
    const LANES: usize = 32;
    const BLOCK: usize = 4096;
    let opens = |c: u8, d: u8| u8::from(c == b'<') & u8::from(d != b'/');
    let mut n = 0usize;
    // Every byte but the last, paired with the byte after it.
    let (head, tail) = (
        b.get(..b.len().saturating_sub(1)).unwrap_or_default(),
        b.get(1..).unwrap_or_default(),
    );
    for (h, t) in head.chunks(BLOCK).zip(tail.chunks(BLOCK)) {
        let (hc, hr) = h.as_chunks::<LANES>();
        let (tc, tr) = t.as_chunks::<LANES>();
        // One counter per lane: at most BLOCK / LANES = 128 each, no overflow.
        let mut lanes = [0u8; LANES];
        for (x, y) in hc.iter().zip(tc) {
            for ((l, &c), &d) in lanes.iter_mut().zip(x).zip(y) {
                *l += opens(c, d);
            }
        }
        n += lanes.iter().map(|&l| usize::from(l)).sum::<usize>();
        n += hr.iter().zip(tr).map(|(&c, &d)| usize::from(opens(c, d))).sum::<usize>();
        if n > max {
            return n;
        }
    }
    // A last '<' has no '/' after it.
    n + usize::from(b.last() == Some(&b'<'))
}

fn scan(html: &str, max_depth: usize) -> Option<&str> {
    let b = html.as_bytes();
    let mut depth = 0usize;
    let mut i = 0;
    // Runs before every parse: byte searches, no allocation per tag.
    let find_byte = |from: usize, c: u8| b.get(from..).and_then(|rest| memchr::memchr(c, rest)).map(|p| from + p);
    let find = |from: usize, pat: &[u8]| {
        let first = pat.first().copied().unwrap_or(b'>');
        let mut at = from;
        while let Some(p) = find_byte(at, first) {
            if b.get(p..p + pat.len()).is_some_and(|w| w.eq_ignore_ascii_case(pat)) {
                return Some(p);
            }
            at = p + 1;
        }
        None
    };
    while let Some(lt) = find_byte(i, b'<') {
        let next = b.get(lt + 1).copied().unwrap_or(0);
        if next == b'!' {
            let end = if b.get(lt..lt + 4) == Some(b"<!--") {
                find(lt + 4, b"-->").map(|p| p + 3)
            } else {
                find_byte(lt, b'>').map(|p| p + 1)
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
        let name = b.get(name_start..name_start + name_len).unwrap_or_default();
        let tag_end = find_byte(name_start, b'>').unwrap_or(b.len());
        let self_closing = tag_end > 0 && b.get(tag_end - 1) == Some(&b'/');
        let class = classify(name);
        let counted = class != Class::Uncounted;
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
            if class == Class::RawText {
                let mut close = b"</".to_vec();
                close.extend_from_slice(name);
                i = find(tag_end, &close).unwrap_or(b.len());
                continue;
            }
        }
        i = tag_end + 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classify_matches_the_lists() {
        let names = VOID
            .iter()
            .chain(OPTIONAL_END)
            .chain(RAW_TEXT)
            .chain(&["div", "span", "a", "DIV", "Script", "x", "plaintexts"]);
        for n in names {
            for name in [n.to_string(), n.to_ascii_uppercase()] {
                let is = |list: &[&str]| list.iter().any(|l| l.eq_ignore_ascii_case(&name));
                let want = if is(VOID) || is(OPTIONAL_END) {
                    Class::Uncounted
                } else if is(RAW_TEXT) {
                    Class::RawText
                } else {
                    Class::Counted
                };
                assert!(classify(name.as_bytes()) == want, "{name}");
            }
        }
    }

    #[test]
    fn counting_opening_tags_never_hides_a_cut() {
        let parts = [
            "<div>",
            "</div>",
            "<p>",
            "<br/>",
            "<img src=x>",
            "<!-- <div> -->",
            "<script>'<div>'</script>",
            "<",
            "</",
            "x",
            "<DIV>",
            "<ul><li>",
            "</ul>",
        ];
        for a in parts {
            for b in parts {
                for c in parts {
                    let html = format!("{a}{b}{c}{a}{b}");
                    for max in 0..8 {
                        assert_eq!(cut_deep_nesting(&html, max), scan(&html, max), "{html:?} {max}");
                    }
                }
            }
        }
    }

    /// The lane count must be the count of '<' not followed by '/', also
    /// across its 32-byte chunks and 4 KiB blocks and at the page's end.
    #[test]
    fn opening_tag_count_is_exact_at_chunk_and_block_edges() {
        let naive = |b: &[u8]| (0..b.len()).filter(|&i| b[i] == b'<' && b.get(i + 1) != Some(&b'/')).count();
        for len in [1usize, 31, 32, 33, 4095, 4096, 4097, 8193] {
            for marks in [&[][..], &[31, 32], &[4095, 4096], &[len - 1], &[len.saturating_sub(2), len - 1]] {
                let mut page = vec![b'x'; len];
                for (k, &at) in marks.iter().enumerate() {
                    if let Some(c) = page.get_mut(at) {
                        *c = if k % 2 == 0 { b'<' } else { b'/' };
                    }
                }
                for (i, c) in page.iter_mut().enumerate() {
                    if i % 97 == 5 {
                        *c = b'<';
                    }
                }
                let n = naive(&page);
                assert_eq!(opening_tags(&page, n), n, "{len} {marks:?}");
                assert!(n == 0 || opening_tags(&page, n - 1) > n - 1, "{len} {marks:?}");
            }
        }
    }

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
