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

use super::dom::{CLS_FOOTER, CLS_HEADER, CLS_LOGO, CLS_NAV, Depths, NodeRef, around, attr, contains_ascii_ci, push_words};
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
    /// Inside the header, footer, skipped parts, main content, logo and
    /// menus (M_* bits); menus inside the header hold neither name nor type.
    depths: Depths,
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
                if !self.depths.inside(M_SKIP) {
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
                if tag & T_IMG != 0 && !self.depths.inside(M_SKIP) {
                    let alt = attr(el, "alt").unwrap_or("");
                    if self.depths.inside(M_HEADER) {
                        push_words(&mut self.head_alt, alt, BUF_CAP);
                    }
                    if self.depths.inside(M_LOGO) && self.logo_alt.is_empty() {
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
                if !self.depths.inside(M_HEADER) && tag & T_SUBHEADING != 0 {
                    self.main_seen = true;
                }
                // An article's own header is no page header; nor is a footer's.
                let header = !footer && !self.depths.inside(M_CONTENT | M_FOOTER) && (tag & T_HEADER != 0 || marks & CLS_HEADER != 0);
                if header {
                    mask |= M_HEADER;
                }
                if tag & T_NAV != 0 || marks & CLS_NAV != 0 {
                    mask |= M_NAV;
                }
                let logo = !self.logo_done && !self.depths.inside(M_LOGO | M_CONTENT | M_FOOTER) && !footer && marks & CLS_LOGO != 0;
                if logo {
                    mask |= M_LOGO;
                }
                self.depths.apply(mask, true);
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
        self.depths.apply(mask, false);
        if mask & M_HEADER != 0 && !self.depths.inside(M_HEADER) {
            let text = std::mem::take(&mut self.head_text);
            let alt = std::mem::take(&mut self.head_alt);
            let before = self.out.service_type.len();
            self.mark(Placement::Top, false, &text);
            if self.out.service_type.len() == before {
                self.mark(Placement::Top, true, &alt);
            }
        }
        if mask & M_LOGO != 0 && !self.depths.inside(M_LOGO) {
            self.logo_done = true;
            let text = std::mem::take(&mut self.logo_text);
            let alt = std::mem::take(&mut self.logo_alt);
            let (label, value) = if text.is_empty() { ("logo (alt)", alt) } else { ("logo", text) };
            self.logo_name = Some((label, value));
        }
    }

    fn text(&mut self, t: &str) {
        let top = !self.depths.inside(M_FOOTER) && !self.main_seen && self.chars_before_main < TOP_CHARS;
        // Most text is in none of the places kept: not even trimmed.
        if (!self.depths.inside(M_LOGO) && !self.depths.inside(M_HEADER) && !top) || t.trim().is_empty() {
            return;
        }
        if self.depths.inside(M_LOGO) {
            push_words(&mut self.logo_text, t, BUF_CAP);
        }
        if self.depths.inside(M_HEADER) {
            if !self.depths.inside(M_NAV) {
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
pub(super) mod tests;
