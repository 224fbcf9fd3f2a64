//! The top of a page as Decree 147/2024 Art. 24(9) reads it: the name the
//! site presents itself by, and whether "trang thông tin điện tử tổng hợp"
//! stands at the top (under or beside the name), in the body, or only in
//! the footer.
//!
//! "Top" is the page's header region (a `<header>` outside any article, or
//! an element whose class/id names a header, banner, logo or masthead), or
//! text that comes before the main content (`<main>`, `<article>`, a
//! section heading) within the first few hundred characters of the page.
//! Elsewhere the words are placed by the line walk (footer or body), which
//! is only consulted when the top does not hold them. Matching is folded
//! (case, diacritics, NFD), like every label matcher.
//!
//! Cost: no pass of its own: the line walk (walk.rs) tells it of the nodes
//! as it reaches them, with what their class and id name (one read of each
//! value for both). It copies text only inside the header, the logo and the
//! first few hundred characters, and skips articles and footers.

use super::dom::{CLS_FOOTER, CLS_HEADER, CLS_LOGO, CLS_NAV, NodeRef, around, attr, contains_ascii_ci, push_words};
use super::facts::Found;
use super::facts::{Masthead, Placement, ServiceTypeMark};
use super::text::{Folded, Line, clean, fold_into, truncate_chars};

/// The service type as written, folded; "TTĐT" is the abbreviation RULES.md lists.
const PHRASES: &[&str] = &["trang thong tin dien tu tong hop", "trang ttdt tong hop"];
/// Metadata that names the site itself (not the article).
const NAME_METAS: &[&str] = &["og:site_name", "application-name", "apple-mobile-web-app-title"];
/// What the walk needs to know of an element's name, decided by one match
/// (bits below) instead of a string compare per question.
const T_INVISIBLE: u16 = 1;
/// Ends a run of text, as walk.rs breaks lines.
const T_BLOCK: u16 = 2;
const T_IMG: u16 = 4;
const T_FOOTER: u16 = 8;
/// `<main>` or `<article>`: the main content starts.
const T_MAIN: u16 = 16;
const T_ARTICLE: u16 = 32;
const T_SUBHEADING: u16 = 64;
const T_HEADER: u16 = 128;
const T_NAV: u16 = 256;

fn tag_bits(name: &html5ever::LocalName) -> u16 {
    use html5ever::local_name;
    const B: u16 = T_BLOCK;
    // Atoms compare as integers (see walk.rs).
    match *name {
        local_name!("p") => B,
        local_name!("li")
        | local_name!("ul")
        | local_name!("ol")
        | local_name!("tr")
        | local_name!("td")
        | local_name!("th")
        | local_name!("br")
        | local_name!("h1")
        | local_name!("dd")
        | local_name!("dt")
        | local_name!("dl")
        | local_name!("hr") => B,
        local_name!("h2") | local_name!("h3") | local_name!("h4") | local_name!("h5") | local_name!("h6") => B | T_SUBHEADING,
        local_name!("div") => B,
        local_name!("nav") => B | T_NAV,
        local_name!("img") => T_IMG,
        local_name!("svg") => T_INVISIBLE,
        local_name!("main") => B | T_MAIN,
        local_name!("form") => B,
        local_name!("head") => T_INVISIBLE,
        local_name!("table") | local_name!("aside") => B,
        local_name!("style") | local_name!("title") => T_INVISIBLE,
        local_name!("header") => B | T_HEADER,
        local_name!("footer") => B | T_FOOTER,
        local_name!("figure") | local_name!("center") => B,
        local_name!("script") | local_name!("iframe") | local_name!("object") | local_name!("select") | local_name!("canvas") => {
            T_INVISIBLE
        }
        local_name!("section") | local_name!("address") => B,
        local_name!("article") => B | T_MAIN | T_ARTICLE,
        local_name!("noscript") | local_name!("template") | local_name!("textarea") => T_INVISIBLE,
        local_name!("figcaption") | local_name!("blockquote") => B,
        _ => 0,
    }
}

/// Text before the main content counts as the top only this far into the page.
const TOP_CHARS: usize = 400;
const MAX_MARKS: usize = 8;
const MAX_NAMES: usize = 5;
const BUF_CAP: usize = 4_000;
const SNIPPET_CHARS: usize = 160;

const M_HEADER: u8 = 1;
const M_FOOTER: u8 = 2;
const M_SKIP: u8 = 4;
const M_CONTENT: u8 = 8;
const M_LOGO: u8 = 16;
const M_BLOCK: u8 = 32;
const M_NAV: u8 = 64;
/// The element ends a run of text (flushed at its close).
const M_IS_BLOCK: u8 = 128;

/// The masthead's reader of the page, driven by the line walk
/// ([`super::walk::walk_with`]) so the page is walked once; [`finish`]
/// gives the masthead.
#[derive(Default)]
pub(super) struct State {
    header: u32,
    /// Menus inside the header: their words are neither name nor type.
    nav: u32,
    footer: u32,
    skip: u32,
    content: u32,
    logo: u32,
    logo_done: bool,
    main_seen: bool,
    chars_before_main: usize,
    head_text: String,
    head_alt: String,
    logo_text: String,
    logo_alt: String,
    /// Text before the main content, within the first `TOP_CHARS`.
    blk: String,
    frames: Vec<u8>,
    /// The logo's text, named after the metadata's names once the walk is over.
    logo_name: Option<(&'static str, String)>,
    /// Folded text for [`find_phrase`] (reused buffer).
    folded: String,
    out: Masthead,
}

/// Where the service type is written in `buf`, skipping the licence's own
/// title ("Giấy phép thiết lập trang thông tin điện tử tổng hợp số …"),
/// which names the kind of licence, not the site's service type under its name.
fn find_phrase(buf: &str, scratch: &mut String) -> Option<usize> {
    // "tổng hợp" keeps "ng h" in ASCII in every case and form (NFC, NFD,
    // upper case); most text has no such run and is not folded at all.
    if !contains_ascii_ci(buf, "ng h") {
        return None;
    }
    // Both phrases end in "tong hop", which a fold that collapses spaces
    // keeps too: folded without a map of offsets first, as most text that
    // gets here ("trong huyện", "cùng học") holds neither.
    fold_into(scratch, buf);
    if !scratch.contains("tong hop") {
        return None;
    }
    phrase_in_folded(buf)
}

/// [`find_phrase`] on the folded text mapped back to `buf`.
fn phrase_in_folded(buf: &str) -> Option<usize> {
    let folded = Folded::new(buf);
    let f = folded.text.as_str();
    PHRASES
        .iter()
        .flat_map(|p| f.match_indices(p).map(|(at, _)| at))
        .filter(|&at| !f[..at].trim_end().ends_with("giay phep thiet lap"))
        .min()
        .map(|at| folded.orig(at))
}

impl State {
    fn mark(&mut self, placement: Placement, in_image: bool, buf: &str) {
        if self.out.service_type.len() >= MAX_MARKS {
            return;
        }
        if let Some(at) = find_phrase(buf, &mut self.folded) {
            self.out.service_type.push(ServiceTypeMark {
                placement,
                in_image,
                snippet: around(buf, at, SNIPPET_CHARS),
            });
        }
    }

    fn flush_block(&mut self) {
        if !self.blk.is_empty() {
            let blk = std::mem::take(&mut self.blk);
            self.mark(Placement::Top, false, &blk);
            self.blk = blk;
            self.blk.clear();
        }
    }

    /// Entering `n`, whose class and id name `marks` (`dom::class_bits`);
    /// false skips its children.
    pub(super) fn open(&mut self, n: NodeRef<'_>, marks: u8) -> bool {
        match n.value() {
            scraper::Node::Text(t) => {
                if self.skip == 0 {
                    self.text(t);
                }
                false
            }
            scraper::Node::Element(el) => {
                let tag = tag_bits(&el.name.local);
                let mut mask = 0u8;
                if tag & T_INVISIBLE != 0 {
                    mask |= M_SKIP;
                }
                if tag & T_BLOCK != 0 {
                    mask |= M_IS_BLOCK;
                    if !self.blk.is_empty() {
                        mask |= M_BLOCK;
                        self.flush_block();
                    }
                }
                if tag & T_IMG != 0 && self.skip == 0 {
                    let alt = attr(el, "alt").unwrap_or("");
                    if self.header > 0 {
                        push_words(&mut self.head_alt, alt, BUF_CAP);
                    }
                    if self.logo > 0 && self.logo_alt.is_empty() {
                        push_words(&mut self.logo_alt, alt, BUF_CAP);
                    }
                }
                let footer = tag & T_FOOTER != 0 || marks & CLS_FOOTER != 0;
                if footer {
                    mask |= M_FOOTER;
                }
                // The main content starts; a `<main>` may still wrap the page's
                // header, an `<article>` holds only the article's own.
                if tag & T_MAIN != 0 {
                    self.main_seen = true;
                }
                if tag & T_ARTICLE != 0 {
                    mask |= M_CONTENT;
                }
                if self.header == 0 && tag & T_SUBHEADING != 0 {
                    self.main_seen = true;
                }
                // An article's own header is no page header; nor is a footer's.
                let header = !footer && self.content == 0 && self.footer == 0 && (tag & T_HEADER != 0 || marks & CLS_HEADER != 0);
                if header {
                    mask |= M_HEADER;
                }
                if tag & T_NAV != 0 || marks & CLS_NAV != 0 {
                    mask |= M_NAV;
                }
                let logo = !self.logo_done && self.logo == 0 && self.content == 0 && self.footer == 0 && !footer && marks & CLS_LOGO != 0;
                if logo {
                    mask |= M_LOGO;
                }
                self.apply(mask, true);
                self.frames.push(mask);
                // Nothing inside an article or a footer is the page's top
                // (the footer is placed from the line walk): not descended.
                mask & (M_SKIP | M_CONTENT | M_FOOTER) == 0
            }
            _ => false,
        }
    }

    /// Leaving `n` (also when its children were skipped).
    pub(super) fn close(&mut self, n: NodeRef<'_>) {
        if !matches!(n.value(), scraper::Node::Element(_)) {
            return;
        }
        let Some(mask) = self.frames.pop() else { return };
        if !self.blk.is_empty() && mask & M_IS_BLOCK != 0 {
            self.flush_block();
        }
        self.apply(mask, false);
        if mask & M_HEADER != 0 && self.header == 0 {
            let text = std::mem::take(&mut self.head_text);
            let alt = std::mem::take(&mut self.head_alt);
            let before = self.out.service_type.len();
            self.mark(Placement::Top, false, &text);
            if self.out.service_type.len() == before {
                self.mark(Placement::Top, true, &alt);
            }
        }
        if mask & M_LOGO != 0 && self.logo == 0 {
            self.logo_done = true;
            let text = std::mem::take(&mut self.logo_text);
            let alt = std::mem::take(&mut self.logo_alt);
            let (label, value) = if text.is_empty() { ("logo (alt)", alt) } else { ("logo", text) };
            self.logo_name = Some((label, value));
        }
    }

    fn apply(&mut self, mask: u8, entering: bool) {
        let step = |c: &mut u32| *c = if entering { c.saturating_add(1) } else { c.saturating_sub(1) };
        if mask & M_HEADER != 0 {
            step(&mut self.header);
        }
        if mask & M_FOOTER != 0 {
            step(&mut self.footer);
        }
        if mask & M_SKIP != 0 {
            step(&mut self.skip);
        }
        if mask & M_CONTENT != 0 {
            step(&mut self.content);
        }
        if mask & M_LOGO != 0 {
            step(&mut self.logo);
        }
        if mask & M_NAV != 0 {
            step(&mut self.nav);
        }
    }

    fn text(&mut self, t: &str) {
        let top = self.footer == 0 && !self.main_seen && self.chars_before_main < TOP_CHARS;
        // Most text is in none of the places kept: not even trimmed.
        if (self.logo == 0 && self.header == 0 && !top) || t.trim().is_empty() {
            return;
        }
        if self.logo > 0 {
            push_words(&mut self.logo_text, t, BUF_CAP);
        }
        if self.header > 0 {
            if self.nav == 0 {
                push_words(&mut self.head_text, t, BUF_CAP);
            }
            return;
        }
        // Only the first words before the main content can be its top.
        if top {
            push_words(&mut self.blk, t, BUF_CAP);
            self.chars_before_main = self.chars_before_main.saturating_add(t.trim().len());
        }
    }

    fn name(&mut self, label: &str, value: &str) {
        let value = clean(value);
        if value.is_empty() || self.out.names.len() >= MAX_NAMES || self.out.names.iter().any(|f| f.value == value) {
            return;
        }
        let value = truncate_chars(&value, 200).to_string();
        self.out.names.push(Found {
            label: label.to_string(),
            snippet: value.clone(),
            value,
        });
    }
}

impl super::walk::Reader for State {
    fn open(&mut self, n: NodeRef<'_>, class: u8) -> bool {
        State::open(self, n, class)
    }

    fn close(&mut self, n: NodeRef<'_>) {
        State::close(self, n);
    }
}

/// The masthead of a page the reader `st` was walked over; `metas` are the
/// page's (name, content) metadata and `lines` its visible text from the
/// same walk, which places the words in the footer or the body when the top
/// does not hold them.
pub(super) fn finish(mut st: State, metas: &[(&str, &str)], lines: &[Line]) -> Masthead {
    // The metadata's names come before the logo's.
    for key in NAME_METAS {
        if let Some((k, v)) = metas.iter().find(|(k, _)| k.eq_ignore_ascii_case(key)) {
            st.name(k, v);
        }
    }
    if let Some((label, value)) = st.logo_name.take() {
        st.name(label, &value);
    }
    st.flush_block();
    if st.out.service_type.is_empty() {
        for line in lines {
            let place = if line.in_footer { Placement::Footer } else { Placement::Body };
            st.mark(place, false, &line.text);
        }
    }
    st.out
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;

    // The token-by-token reading the one-pass `dom::class_bits` replaced,
    // kept as the reference its tests hold it to.
    /// class/id tokens of the element holding the site's name.
    const LOGO_TOKENS: &[&str] = &[
        "logo",
        "brand",
        "branding",
        "site-name",
        "sitename",
        "site-title",
        "sitetitle",
        "ten-trang",
        "tentrang",
    ];
    /// class/id fragments of a page header, as [`token_marks`] reads them
    /// (`HEADER_PARTS`); kept as its tests' reference.
    const HEADER_TOKENS: &[&str] = &["header", "masthead", "banner", "logo", "brand", "slogan", "site-name", "sitename"];
    /// Any class/id fragment this walk looks at: footer, header, logo, menu.
    /// Every token test below needs one of them in the value.
    pub(in crate::extract) const TOKEN_FRAGMENTS: &[&str] = &[
        "foot",
        "header",
        "masthead",
        "banner",
        "logo",
        "brand",
        "slogan",
        "site-name",
        "sitename",
        "site-title",
        "sitetitle",
        "ten-trang",
        "tentrang",
        "menu",
        "nav",
    ];
    static TOKEN_FILTER: crate::extract::dom::Fragments = crate::extract::dom::Fragments::new(TOKEN_FRAGMENTS);
    /// The fragments a token is searched for: `FOOTER_PART`, then
    /// [`HEADER_TOKENS`], then the menu ones.
    static TOKEN_PARTS: crate::extract::dom::Fragments = crate::extract::dom::Fragments::new(&[
        "footer",
        "header",
        "masthead",
        "banner",
        "logo",
        "brand",
        "slogan",
        "site-name",
        "sitename",
        "menu",
        "navbar",
    ]);
    const FOOTER_PART: u32 = 1;
    const HEADER_PARTS: u32 = 0b1_1111_1110;
    const MENU_PARTS: u32 = 0b110_0000_0000;

    /// What class/id tokens (lower case, space-separated) name, one search per
    /// token: (footer, header, menu, logo). The reading `dom::class_bits` must
    /// agree with, on the tokens `dom::class_id_into` gathers.
    fn token_marks(toks: &str) -> (bool, bool, bool, bool) {
        let (mut footer, mut header, mut nav, mut logo) = (false, false, false, false);
        for t in toks.split(' ').filter(|t| !t.is_empty()) {
            let parts = TOKEN_PARTS.found_mask(t.as_bytes());
            footer |= parts & FOOTER_PART != 0 || (t.starts_with("foot") && !t.starts_with("football"));
            header |= parts & HEADER_PARTS != 0;
            nav |= parts & MENU_PARTS != 0 || t == "nav";
            logo |= LOGO_TOKENS.contains(&t) || t.starts_with("logo");
        }
        (footer, header, nav, logo)
    }

    fn run(html: &str) -> Masthead {
        run_with_metas(html, &[])
    }

    fn run_with_metas(html: &str, metas: &[(&str, &str)]) -> Masthead {
        let doc = scraper::Html::parse_document(html);
        let mut st = State::default();
        let w = super::super::walk::walk_with(&doc, &mut st);
        finish(st, metas, &w.lines)
    }

    fn places(m: &Masthead) -> Vec<Placement> {
        m.service_type.iter().map(|s| s.placement).collect()
    }

    /// The word-by-word reading `token_marks` must agree with.
    fn marks_by_words(toks: &str) -> (bool, bool, bool, bool) {
        let toks = || toks.split(' ').filter(|t| !t.is_empty());
        (
            toks().any(|t| t.contains("footer") || (t.starts_with("foot") && !t.starts_with("football"))),
            toks().any(|t| HEADER_TOKENS.iter().any(|h| t.contains(h))),
            toks().any(|t| t.contains("menu") || t.contains("navbar") || t == "nav"),
            toks().any(|t| LOGO_TOKENS.contains(&t) || t.starts_with("logo")),
        )
    }

    #[test]
    fn token_marks_equal_the_word_by_word_reading() {
        let parts = [
            "footer",
            "foot",
            "football",
            "x-foot",
            "header",
            "masthead",
            "banner",
            "logo",
            "logox",
            "xlogo",
            "brand",
            "branding",
            "slogan",
            "site-name",
            "sitename",
            "site-title",
            "sitetitle",
            "ten-trang",
            "tentrang",
            "menu",
            "navbar",
            "nav",
            "navx",
            "ſite",
            "đ",
            "a",
            "",
        ];
        for a in parts {
            for b in parts {
                for sep in ["", " ", "  ", "-"] {
                    let v = format!("{a}{sep}{b}");
                    assert_eq!(token_marks(&v), marks_by_words(&v), "{v:?}");
                }
            }
        }
    }

    #[test]
    fn class_bits_in_one_pass_equal_the_token_reading() {
        let parts = [
            "footer",
            "FOOT",
            "football",
            "x-foot",
            "header",
            "Masthead",
            "banner",
            "logo",
            "LOGOx",
            "xlogo",
            "brand",
            "Branding",
            "brandx",
            "slogan",
            "site-name",
            "SiteName",
            "site-title",
            "sitetitle",
            "ten-trang",
            "TenTrang",
            "tentrangx",
            "menu",
            "navbar",
            "nav",
            "NAV",
            "navx",
            "xnav",
            "ſite",
            "đ",
            "a",
            "-",
            "_",
            "",
        ];
        let to_bits = |(f, h, n, l): (bool, bool, bool, bool)| {
            [(f, CLS_FOOTER), (h, CLS_HEADER), (n, CLS_NAV), (l, CLS_LOGO)]
                .iter()
                .filter(|(on, _)| *on)
                .fold(0, |acc, (_, bit)| acc | bit)
        };
        let masthead_bits = CLS_FOOTER | CLS_HEADER | CLS_NAV | CLS_LOGO;
        for a in parts {
            for b in parts {
                for sep in ["", " ", "  ", "\t", "\n", "-", "_", "\u{a0}"] {
                    let class = format!("{a}{sep}{b}");
                    for id in ["", "logo", "x"] {
                        let html = format!(r#"<div class="{class}" id="{id}" title="header logo">x</div>"#);
                        let doc = scraper::Html::parse_fragment(&html);
                        let Some(el) = doc.tree.nodes().find_map(|n| n.value().as_element().filter(|e| e.name() == "div")) else {
                            panic!("no div in {html}");
                        };
                        let mut toks = String::new();
                        super::super::dom::class_id_into(el, &TOKEN_FILTER, &mut toks);
                        let bits = super::super::dom::class_bits(el) & masthead_bits;
                        assert_eq!(bits, to_bits(token_marks(&toks)), "{html:?}");
                    }
                }
            }
        }
    }

    #[test]
    fn tag_bits_answer_what_the_name_compares_answered() {
        use super::super::dom::{block, invisible};
        let names = [
            "p",
            "div",
            "li",
            "ul",
            "ol",
            "tr",
            "td",
            "th",
            "br",
            "table",
            "section",
            "article",
            "main",
            "header",
            "footer",
            "nav",
            "aside",
            "h1",
            "h2",
            "h3",
            "h4",
            "h5",
            "h6",
            "form",
            "dd",
            "dt",
            "dl",
            "figure",
            "figcaption",
            "blockquote",
            "address",
            "center",
            "hr",
            "script",
            "style",
            "noscript",
            "template",
            "head",
            "title",
            "svg",
            "iframe",
            "object",
            "select",
            "canvas",
            "textarea",
            "img",
            "a",
            "span",
            "b",
            "DIV",
            "Header",
            "foreignObject",
            "picture",
            "h7",
            "x",
            "",
        ];
        for n in names {
            let t = tag_bits(&html5ever::LocalName::from(n));
            assert_eq!(t & T_INVISIBLE != 0, invisible(n), "{n}");
            assert_eq!(t & T_BLOCK != 0, block(n), "{n}");
            assert_eq!(t & T_IMG != 0, n == "img", "{n}");
            assert_eq!(t & T_FOOTER != 0, n == "footer", "{n}");
            assert_eq!(t & T_MAIN != 0, matches!(n, "main" | "article"), "{n}");
            assert_eq!(t & T_ARTICLE != 0, n == "article", "{n}");
            assert_eq!(t & T_SUBHEADING != 0, matches!(n, "h2" | "h3" | "h4" | "h5" | "h6"), "{n}");
            assert_eq!(t & T_HEADER != 0, n == "header", "{n}");
            assert_eq!(t & T_NAV != 0, n == "nav", "{n}");
        }
    }

    #[test]
    fn phrase_prefilter_gives_what_folding_everything_gives() {
        use unicode_normalization::UnicodeNormalization;
        let parts = [
            "Trang thông tin điện tử tổng hợp",
            "TRANG THÔNG TIN ĐIỆN TỬ TỔNG HỢP",
            "Trang TTĐT tổng hợp",
            "tổng\u{a0}hợp",
            "tổng  hợp",
            "Giấy phép thiết lập ",
            "trong huyện",
            "tong hop",
            "Tong Hop",
            " ",
            "\u{a0}",
            "x",
        ];
        let mut scratch = String::new();
        for a in parts {
            for b in parts {
                for text in [format!("{a}{b}"), format!("{a}{b}").nfd().collect::<String>(), format!("{b} {a}")] {
                    let slow = if contains_ascii_ci(&text, "ng h") {
                        phrase_in_folded(&text)
                    } else {
                        None
                    };
                    assert_eq!(find_phrase(&text, &mut scratch), slow, "{text:?}");
                }
            }
        }
    }

    #[test]
    fn every_token_looked_for_passes_the_filter() {
        for t in LOGO_TOKENS
            .iter()
            .chain(HEADER_TOKENS)
            .chain(&["footer", "foot", "menu", "navbar", "nav", "logox"])
        {
            assert!(TOKEN_FILTER.found_in(t.to_ascii_uppercase().as_bytes()), "{t}");
        }
    }

    #[test]
    fn service_type_beside_the_name_in_the_header_is_top() {
        let m = run(
            r#"<header class="site-header"><a class="logo" href="/">Biển Xanh - Trang thông tin điện tử tổng hợp</a>
            <nav><a href="/">Trang chủ</a></nav></header><main><h2>Tin mới</h2><p>Bài</p></main>"#,
        );
        assert_eq!(places(&m), vec![Placement::Top]);
        assert!(m.service_type[0].snippet.contains("Trang thông tin điện tử tổng hợp"));
        assert_eq!(
            m.names.first().map(|n| n.value.as_str()),
            Some("Biển Xanh - Trang thông tin điện tử tổng hợp")
        );
    }

    #[test]
    fn under_the_name_split_across_elements_and_upper_case() {
        let m = run(r#"<div id="banner"><div class="site-name">CHÈ XANH</div>
            <div class="slogan"><span>TRANG THÔNG TIN ĐIỆN TỬ</span> <span>TỔNG HỢP</span></div></div>
            <div class="content"><h2>Tin</h2></div>"#);
        assert_eq!(places(&m), vec![Placement::Top]);
        assert_eq!(m.names.first().map(|n| n.value.as_str()), Some("CHÈ XANH"));
    }

    #[test]
    fn only_in_the_footer_is_footer() {
        let m = run(
            r#"<header><a class="logo" href="/">Tin Nhanh</a></header><main><h2>Tin</h2><p>x</p></main>
            <footer><p>Trang thông tin điện tử tổng hợp Tin Nhanh</p><p>Giấy phép số 1/GP-STTTT</p></footer>"#,
        );
        assert_eq!(places(&m), vec![Placement::Footer]);
        let m = run(r#"<div class="ft-wrap"><p>Trang thông tin điện tử tổng hợp</p></div>"#);
        assert_eq!(
            places(&m),
            vec![Placement::Top],
            "no header, no main: the first words of the page are its top"
        );
        let m = run(r#"<div class="footer-header"><p>Trang thông tin điện tử tổng hợp</p></div>"#);
        assert_eq!(places(&m), vec![Placement::Footer]);
    }

    #[test]
    fn inside_the_content_is_body_and_article_headers_are_not_page_headers() {
        let m = run(
            r#"<header><a class="logo" href="/">X</a></header><main><article><header class="article-header">
            <h1>Thế nào là trang thông tin điện tử tổng hợp?</h1></header></article></main>"#,
        );
        assert_eq!(places(&m), vec![Placement::Body]);
    }

    #[test]
    fn a_main_element_may_wrap_the_page_header() {
        let m = run(r#"<main id="app"><header class="top"><div class="site-name">Chè Xanh</div>
            <p>Trang thông tin điện tử tổng hợp</p></header><section><h2>Tin</h2></section></main>"#);
        assert_eq!(places(&m), vec![Placement::Top]);
    }

    #[test]
    fn logo_image_alt_counts_as_top_in_an_image() {
        let m = run(
            r#"<div class="header"><a href="/"><img src="/logo.png" alt="Biển Xanh - Trang TTĐT tổng hợp"></a></div><main><p>x</p></main>"#,
        );
        assert_eq!(places(&m), vec![Placement::Top]);
        assert!(m.service_type[0].in_image);
    }

    #[test]
    fn names_from_metadata_and_nothing_without_the_words() {
        let m = run_with_metas(
            "<p>Trang tin tổng hợp</p>",
            &[("og:site_name", "Báo Mới"), ("application-name", "Báo Mới")],
        );
        assert!(m.service_type.is_empty());
        assert_eq!(m.names.len(), 1, "the same name once: {:?}", m.names);
        assert_eq!(m.names[0].label, "og:site_name");
    }

    #[test]
    fn the_licence_title_is_not_the_service_type_and_menus_are_not_quoted() {
        let m = run(
            r#"<header><a class="logo" href="/">Phố Núi</a><nav><a href="/">Trang chủ</a></nav></header>
            <main><h2>Tin</h2></main><footer><p>Giấy phép thiết lập trang thông tin điện tử tổng hợp số 03/GP-STTTT</p></footer>"#,
        );
        assert!(m.service_type.is_empty(), "{:?}", m.service_type);
        let m = run(
            r#"<header><a class="logo" href="/">Phố Núi</a> <span>Trang thông tin điện tử tổng hợp</span>
            <nav><a href="/">Trang chủ</a></nav></header>"#,
        );
        assert_eq!(
            m.service_type.first().map(|s| s.snippet.as_str()),
            Some("Phố Núi Trang thông tin điện tử tổng hợp")
        );
    }

    #[test]
    fn scripts_are_not_text() {
        let m = run(r#"<header><script>var s = "Trang thông tin điện tử tổng hợp";</script></header>"#);
        assert!(m.service_type.is_empty());
    }
}
