//! A plain walk over the parsed page for the extractors that need to know
//! which element a piece of text sits in (header, footer, form), which the
//! line walk of `walk.rs` does not keep.

/// A node of the parsed page (named without depending on ego_tree).
pub(super) type NodeRef<'a> = <scraper::ElementRef<'a> as std::ops::Deref>::Target;

/// How many open elements of each kind a walk is inside, one kind per bit
/// of a mask (header, footer, link …): the walk adds an element's mask on
/// entering it and takes it off on leaving. Saturating, so a close without
/// its open (broken markup the tree kept) does not wrap.
#[derive(Default)]
pub(super) struct Depths {
    depth: [u32; 8],
    /// The bits whose depth is above zero: the walk asks for every text node.
    open: u8,
}

impl Depths {
    pub(super) fn apply(&mut self, mask: u8, entering: bool) {
        for (bit, depth) in self.depth.iter_mut().enumerate() {
            if mask & (1 << bit) != 0 {
                *depth = if entering {
                    depth.saturating_add(1)
                } else {
                    depth.saturating_sub(1)
                };
                if *depth > 0 {
                    self.open |= 1 << bit;
                } else {
                    self.open &= !(1 << bit);
                }
            }
        }
    }

    /// Inside at least one element of a kind in `mask`.
    pub(super) fn inside(&self, mask: u8) -> bool {
        self.open & mask != 0
    }
}

/// Calls `f(node, true)` on every node in document order and `f(node,
/// false)` after its children; the first call returns false to skip the
/// children (the closing call still comes). Iterative, so deep pages cost
/// no stack, and linear in the nodes.
pub(super) fn visit<'a>(doc: &'a scraper::Html, mut f: impl FnMut(NodeRef<'a>, bool) -> bool) {
    let root = doc.tree.root();
    let mut node = root.first_child();
    while let Some(n) = node {
        if f(n, true)
            && let Some(child) = n.first_child()
        {
            node = Some(child);
            continue;
        }
        f(n, false);
        // Climb until a next sibling exists, closing the elements we leave.
        let mut cur = n;
        node = None;
        loop {
            if let Some(s) = cur.next_sibling() {
                node = Some(s);
                break;
            }
            let Some(p) = cur.parent() else { break };
            // The document itself was never opened.
            if p.parent().is_none() {
                break;
            }
            f(p, false);
            cur = p;
        }
    }
}

/// Attribute lookup by string compare (see walk.rs: cheaper than interning).
pub(super) fn attr<'a>(el: &'a scraper::node::Element, name: &str) -> Option<&'a str> {
    el.attrs().find(|(k, _)| *k == name).map(|(_, v)| v)
}

/// Lower-case ASCII fragments looked for in class and id values, ASCII
/// case-insensitively, in one pass over a value: each pair of neighbouring
/// bytes indexes a table of the fragments that start with it, so whole
/// fragments are compared only where their first two bytes stand. Every
/// element with a class is tested, and a regex search cost several
/// hundred instructions each.
pub(super) struct Fragments {
    list: &'static [&'static str],
    /// Bit k of `starts[a & 31][b & 31]` is set when fragment k starts with
    /// the bytes `a`, `b`; ASCII case only changes bit 5, so both cases
    /// index the same entry (other bytes may share it: the compare decides).
    starts: [[u32; 32]; 32],
}

impl Fragments {
    /// `list`: at most 32 lower-case ASCII fragments of two bytes or more.
    pub(super) const fn new(list: &'static [&'static str]) -> Self {
        assert!(list.len() <= 32, "one bit per fragment");
        let mut starts = [[0u32; 32]; 32];
        let mut k = 0;
        while k < list.len() {
            let f = list[k].as_bytes();
            assert!(f.len() >= 2, "fragments have two bytes at least");
            starts[(f[0] & 31) as usize][(f[1] & 31) as usize] |= 1 << k;
            k += 1;
        }
        Fragments { list, starts }
    }

    /// Which fragments `v` holds, ASCII case-insensitively: bit k for the
    /// k-th of the list.
    #[cfg(test)]
    pub(super) fn found_mask(&self, v: &[u8]) -> u32 {
        let mut found = 0;
        let Some((&first, rest)) = v.split_first() else {
            return found;
        };
        let mut a = first;
        for (i, &b) in rest.iter().enumerate() {
            let mut cands = self.starts[(a & 31) as usize][(b & 31) as usize] & !found;
            while cands != 0 {
                let k = cands.trailing_zeros() as usize;
                cands &= cands - 1;
                if let Some(f) = self.list.get(k)
                    && v.get(i..i + f.len()).is_some_and(|x| x.eq_ignore_ascii_case(f.as_bytes()))
                {
                    found |= 1 << k;
                }
            }
            a = b;
        }
        found
    }

    /// Whether `v` holds one of the fragments, ASCII case-insensitively.
    pub(super) fn found_in(&self, v: &[u8]) -> bool {
        let Some((&first, rest)) = v.split_first() else {
            return false;
        };
        let mut a = first;
        for (i, &b) in rest.iter().enumerate() {
            let mut cands = self.starts[(a & 31) as usize][(b & 31) as usize];
            while cands != 0 {
                let k = cands.trailing_zeros() as usize;
                cands &= cands - 1;
                if let Some(f) = self.list.get(k)
                    && v.get(i..i + f.len()).is_some_and(|x| x.eq_ignore_ascii_case(f.as_bytes()))
                {
                    return true;
                }
            }
            a = b;
        }
        false
    }
}

/// The class and id tokens of an element, lower-cased and space-separated,
/// into a buffer the caller reuses, when its class or id holds one of the
/// fragments `wanted` looks for; left empty otherwise. Most elements' classes
/// ("item", "col-md-4") hold none, and one scan tells: no token is split,
/// lower-cased or searched for them, which on a page of thousands of
/// elements is what such a walk costs.
pub(super) fn class_id_into(el: &scraper::node::Element, wanted: &Fragments, buf: &mut String) {
    buf.clear();
    if !el
        .attrs()
        .any(|(k, v)| (k == "class" || k == "id") && wanted.found_in(v.as_bytes()))
    {
        return;
    }
    for (k, v) in el.attrs() {
        if k != "class" && k != "id" {
            continue;
        }
        for t in v.split_ascii_whitespace() {
            if !buf.is_empty() {
                buf.push(' ');
            }
            buf.extend(t.chars().map(|c| c.to_ascii_lowercase()));
        }
    }
}

/// What an element's class and id name, for the line walk and the masthead
/// at once (bits of [`class_bits`]). The line walk splits tokens at ASCII
/// whitespace and '_': a footer is a token holding "footer" or starting with
/// "foot" (not "football"), a menu one holding "menu" or "navbar" or being
/// "nav". The masthead splits at ASCII whitespace only, with the same footer
/// and menu, a header (a token holding "header", "masthead", "banner",
/// "logo", "brand", "slogan", "site-name" or "sitename") and a logo (a token
/// "logo…", "brand", "branding", "site-name", "sitename", "site-title",
/// "sitetitle", "ten-trang" or "tentrang"). All ASCII case-insensitive.
pub(super) const CLS_LINE_FOOTER: u8 = 1;
pub(super) const CLS_LINE_NAV: u8 = 2;
pub(super) const CLS_FOOTER: u8 = 4;
pub(super) const CLS_HEADER: u8 = 8;
pub(super) const CLS_NAV: u8 = 16;
pub(super) const CLS_LOGO: u8 = 32;

/// What the class and id of an element name (the `CLS_` bits). Each value
/// is read once, comparing words only where the first two bytes of one
/// stand, for both walks: every element with a class is asked, and
/// portal class lists are long.
pub(super) fn class_bits(el: &scraper::node::Element) -> u8 {
    let mut bits = 0;
    // Names compared as atoms (integers), not read out as strings.
    for (k, v) in &el.attrs {
        if k.local == html5ever::local_name!("class") || k.local == html5ever::local_name!("id") {
            bits |= value_bits(v.as_bytes());
        }
    }
    bits
}

/// The words [`value_bits`] looks for; only their first two bytes matter here.
const CLASS_WORDS: &[&str] = &[
    "footer",
    "foot",
    "header",
    "masthead",
    "menu",
    "banner",
    "brand",
    "logo",
    "slogan",
    "site-name",
    "sitename",
    "site-title",
    "sitetitle",
    "navbar",
    "nav",
    "ten-trang",
    "tentrang",
];

/// Bit `b & 31` of `WORD_STARTS[a & 31]` is set when a word of
/// [`CLASS_WORDS`] starts with the bytes `a`, `b` (either case: case is bit
/// 5). Other bytes may share an entry; the word compare decides.
static WORD_STARTS: [u32; 32] = {
    let mut t = [0u32; 32];
    let mut k = 0;
    while k < CLASS_WORDS.len() {
        let w = CLASS_WORDS[k].as_bytes();
        t[(w[0] & 31) as usize] |= 1 << (w[1] & 31);
        k += 1;
    }
    t
};

pub(super) fn value_bits(v: &[u8]) -> u8 {
    let mut m = 0u8;
    // Words are compared only where the first two bytes of one stand (a
    // table lookup per byte): most bytes of a class list start none, and
    // a compare at every letter that may start one was most of the cost.
    let starts_word = |w: &[u8]| match *w {
        [a, b] => WORD_STARTS[usize::from(a & 31)] & (1 << (b & 31)) != 0,
        _ => false,
    };
    let mut from = 0;
    while let Some(i) = v.get(from..).and_then(|r| r.windows(2).position(starts_word)).map(|p| from + p) {
        from = i + 1;
        let b = v.get(i).copied().unwrap_or(0);
        // Where a token starts for the masthead (after whitespace) and for
        // the line walk (after whitespace or '_').
        let before = i.checked_sub(1).and_then(|p| v.get(p)).copied();
        let at_ws = before.is_none_or(|c| c.is_ascii_whitespace());
        let at_sep = at_ws || before == Some(b'_');
        let rest = v.get(i..).unwrap_or_default();
        // Only an ASCII letter's case differs in bit 5: no other byte maps
        // onto these arms.
        match b | 0x20 {
            b'f' => {
                if starts_ci(rest, b"footer") {
                    m |= CLS_LINE_FOOTER | CLS_FOOTER;
                } else if starts_ci(rest, b"foot") && !starts_ci(rest, b"football") {
                    if at_sep {
                        m |= CLS_LINE_FOOTER;
                    }
                    if at_ws {
                        m |= CLS_FOOTER;
                    }
                }
            }
            b'h' if starts_ci(rest, b"header") => m |= CLS_HEADER,
            b'm' => {
                if starts_ci(rest, b"masthead") {
                    m |= CLS_HEADER;
                }
                if starts_ci(rest, b"menu") {
                    m |= CLS_LINE_NAV | CLS_NAV;
                }
            }
            b'b' => {
                if starts_ci(rest, b"banner") || starts_ci(rest, b"brand") {
                    m |= CLS_HEADER;
                }
                if at_ws && (whole_token(rest, b"brand") || whole_token(rest, b"branding")) {
                    m |= CLS_LOGO;
                }
            }
            b'l' if starts_ci(rest, b"logo") => {
                m |= CLS_HEADER;
                if at_ws {
                    m |= CLS_LOGO;
                }
            }
            b's' => {
                if starts_ci(rest, b"slogan") || starts_ci(rest, b"site-name") || starts_ci(rest, b"sitename") {
                    m |= CLS_HEADER;
                }
                if at_ws
                    && [b"site-name".as_slice(), b"sitename", b"site-title", b"sitetitle"]
                        .iter()
                        .any(|t| whole_token(rest, t))
                {
                    m |= CLS_LOGO;
                }
            }
            b'n' => {
                if starts_ci(rest, b"navbar") {
                    m |= CLS_LINE_NAV | CLS_NAV;
                } else if starts_ci(rest, b"nav") {
                    let next = rest.get(3).copied();
                    if at_sep && next.is_none_or(|c| c.is_ascii_whitespace() || c == b'_') {
                        m |= CLS_LINE_NAV;
                    }
                    if at_ws && next.is_none_or(|c| c.is_ascii_whitespace()) {
                        m |= CLS_NAV;
                    }
                }
            }
            b't' if at_ws && (whole_token(rest, b"ten-trang") || whole_token(rest, b"tentrang")) => m |= CLS_LOGO,
            _ => {}
        }
    }
    m
}

fn starts_ci(hay: &[u8], prefix: &[u8]) -> bool {
    hay.get(..prefix.len()).is_some_and(|h| h.eq_ignore_ascii_case(prefix))
}

/// `rest` starts with the token `word` (ASCII case-insensitively), which
/// ends there (at ASCII whitespace or the end of the value).
fn whole_token(rest: &[u8], word: &[u8]) -> bool {
    starts_ci(rest, word) && rest.get(word.len()).is_none_or(u8::is_ascii_whitespace)
}

/// ASCII case-insensitive substring test: a cheap filter before folding a
/// whole piece of text. The first byte is found by `memchr` in both cases
/// (lines of article text are long, and most of their bytes start nothing).
pub(super) fn contains_ascii_ci(hay: &str, needle: &str) -> bool {
    let (h, n) = (hay.as_bytes(), needle.as_bytes());
    let Some((&first, rest)) = n.split_first() else {
        return true;
    };
    let Some(starts) = h.len().checked_sub(n.len()).and_then(|last| h.get(..=last)) else {
        return false;
    };
    memchr::memchr2_iter(first.to_ascii_lowercase(), first.to_ascii_uppercase(), starts)
        .any(|i| h.get(i + 1..i + n.len()).is_some_and(|w| w.eq_ignore_ascii_case(rest)))
}

/// Elements whose content is not visible text.
pub(super) fn invisible(name: &str) -> bool {
    matches!(
        name,
        "script" | "style" | "noscript" | "template" | "head" | "title" | "svg" | "iframe" | "object" | "select" | "canvas" | "textarea"
    )
}

/// Elements that end a run of text (a line), as walk.rs breaks lines; the
/// masthead's one match on names (`masthead::tag_bits`) is tested against it.
#[cfg(test)]
pub(super) fn block(name: &str) -> bool {
    matches!(
        name,
        "p" | "div"
            | "li"
            | "ul"
            | "ol"
            | "tr"
            | "td"
            | "th"
            | "br"
            | "table"
            | "section"
            | "article"
            | "main"
            | "header"
            | "footer"
            | "nav"
            | "aside"
            | "h1"
            | "h2"
            | "h3"
            | "h4"
            | "h5"
            | "h6"
            | "form"
            | "dd"
            | "dt"
            | "dl"
            | "figure"
            | "figcaption"
            | "blockquote"
            | "address"
            | "center"
            | "hr"
    )
}

/// Appends a text node's words to `buf`, one space between words, up to
/// `cap` bytes; keeps pathological pages linear.
pub(super) fn push_words(buf: &mut String, text: &str, cap: usize) {
    for w in text.split_whitespace() {
        if buf.len() >= cap {
            return;
        }
        if !buf.is_empty() {
            buf.push(' ');
        }
        buf.push_str(w);
    }
}

/// Up to `max` characters of `text` around byte offset `at`, starting a
/// little before it, on character boundaries; for evidence.
pub(super) fn around(text: &str, at: usize, max: usize) -> String {
    let mut start = at.min(text.len()).saturating_sub(60);
    while start > 0 && !text.is_char_boundary(start) {
        start -= 1;
    }
    // Start at a word.
    if start > 0
        && let Some(sp) = text.get(start..).and_then(|t| t.find(' '))
        && start + sp < at
    {
        start += sp + 1;
    }
    let rest = text.get(start..).unwrap_or(text);
    super::text::truncate_chars(rest, max).trim().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn depths_follow_nested_elements_and_survive_a_stray_close() {
        const HEADER: u8 = 1;
        const NAV: u8 = 4;
        let mut d = Depths::default();
        // A stray close before any open (broken markup) must not wrap.
        d.apply(HEADER, false);
        assert!(!d.inside(HEADER));
        d.apply(HEADER, true);
        d.apply(HEADER | NAV, true);
        assert!(d.inside(HEADER) && d.inside(NAV) && d.inside(NAV | 2));
        d.apply(HEADER | NAV, false);
        assert!(d.inside(HEADER) && !d.inside(NAV));
        d.apply(HEADER, false);
        assert!(!d.inside(HEADER | NAV));
    }

    #[test]
    fn visits_every_element_once_in_order_and_closes_it() {
        let doc = scraper::Html::parse_document("<div><p>a<b>b</b></p><p>c</p></div>");
        let mut seen = Vec::new();
        visit(&doc, |n, entering| {
            if let scraper::Node::Element(e) = n.value() {
                seen.push(format!("<{}{}>", if entering { "" } else { "/" }, e.name()));
            }
            true
        });
        let s = seen.join("");
        assert!(s.contains("<div><p><b></b></p><p></p></div>"), "{s}");
        assert!(s.starts_with("<html>") && s.ends_with("</html>"), "{s}");
    }

    /// The windowed definition `contains_ascii_ci` must agree with.
    fn contains_by_windows(hay: &str, needle: &str) -> bool {
        let (h, n) = (hay.as_bytes(), needle.as_bytes());
        n.is_empty() || h.windows(n.len()).any(|w| w.eq_ignore_ascii_case(n))
    }

    /// Pieces of class values and text: Vietnamese in NFC and NFD, upper
    /// case, non-breaking spaces, non-ASCII case variants of ASCII letters
    /// (long s, Kelvin sign) and bytes that differ from letters by bit 5.
    const PIECES: &[&str] = &[
        "foot",
        "FOOTER",
        "Header",
        "nav",
        "NAVbar",
        "me",
        "nu",
        "logo",
        "ſite-name",
        "sitename",
        "ten-trang",
        "TENTRANG",
        "y-Kien",
        "yKien",
        "y\u{212a}ien",
        "comment",
        "COMMENTS",
        "binh-luan",
        "disqus_thread",
        "ng h",
        "NG H",
        "tổng hợp",
        "TỔNG HỢP",
        "to\u{302}\u{309}ng",
        "h\u{1ee3}p",
        "\u{a0}",
        " ",
        "-",
        "_",
        "@",
        "`",
        "[",
        "{",
        "fo",
        "ot",
        "n",
        "g",
        "x",
        "",
    ];

    #[test]
    fn fragment_scan_equals_ascii_case_insensitive_regex() {
        for list in [
            super::super::masthead::tests::TOKEN_FRAGMENTS,
            super::super::comments::TOKEN_FRAGMENTS,
        ] {
            let frags = Fragments::new(list);
            let alts: Vec<String> = list.iter().map(|f| regex::escape(f)).collect();
            let re = regex::Regex::new(&format!("(?i-u:{})", alts.join("|"))).expect("test regex");
            for a in PIECES {
                for b in PIECES {
                    for c in ["", "x", " ", "-"] {
                        let v = format!("{a}{c}{b}");
                        assert_eq!(frags.found_in(v.as_bytes()), re.is_match(&v), "{v:?} in {list:?}");
                    }
                }
            }
        }
    }

    #[test]
    fn memchr_substring_test_equals_windows() {
        for needle in ["ng h", "lu", "comment", "N", " h", "", "x"] {
            for a in PIECES {
                for b in PIECES {
                    let hay = format!("{a}{b}");
                    assert_eq!(
                        contains_ascii_ci(&hay, needle),
                        contains_by_windows(&hay, needle),
                        "{hay:?} / {needle:?}"
                    );
                }
            }
        }
    }

    #[test]
    fn around_quotes_on_char_boundaries() {
        let t = "Chào mừng quý vị đến với Biển Xanh - Trang thông tin điện tử tổng hợp của tỉnh Khánh Hòa";
        let at = t.find("Trang").unwrap_or(0);
        let s = around(t, at, 60);
        assert!(s.contains("Trang thông tin"), "{s}");
        assert_eq!(around("", 5, 10), "");
    }
}
