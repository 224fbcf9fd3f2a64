//! What the rules need, pulled out of fetched bytes: text, dates,
//! disclosures, attributions, legal-document rows, feed and sitemap items.
//!
//! Every function here is pure (bytes in, facts out) so it can be tested on
//! real pages and fuzzed; none may panic on any input.

pub mod attribution;
pub mod dates;
pub mod disclosures;
pub mod documents;
pub mod feeds;
pub mod nesting;
pub mod text;

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
}

/// Work caps that keep a pathological page linear.
const MAX_TEXT_CHARS: usize = 2_000_000;
const MAX_LINKS: usize = 5_000;
const MAX_ITEMS: usize = 500;

/// A link as seen during the walk, with where its text sits among the lines.
#[derive(Debug, Clone, Default)]
pub(crate) struct WalkLink<'a> {
    pub href: &'a str,
    /// Text of the link's own text nodes, collapsed.
    pub text: String,
    /// title attribute, then img alt: used when the link has no text.
    pub title: &'a str,
    pub alt: &'a str,
    pub line_start: usize,
    pub pos_start: usize,
    pub line_end: usize,
    pub pos_end: usize,
    pub in_nav: bool,
    pub in_footer: bool,
    /// Whitespace seen after the last word of the link text.
    pub space: bool,
}

/// What one walk over the DOM collects; every extractor works from this.
#[derive(Debug, Default)]
pub(crate) struct Walk<'a> {
    pub lines: Vec<text::Line>,
    pub links: Vec<WalkLink<'a>>,
    pub title: Option<String>,
    pub text_chars: usize,
    /// (property/name/itemprop, content)
    pub metas: Vec<(&'a str, &'a str)>,
    pub json_ld: Vec<String>,
    /// `<time datetime>` values with the line they precede.
    pub times: Vec<(&'a str, usize)>,
    pub feeds: Vec<&'a str>,
    pub base_href: Option<&'a str>,
    /// Line index of the first `<h1>`.
    pub h1_line: Option<usize>,
    /// Any table on the page (documents are looked for only then).
    pub has_table: bool,
}

/// What the walk needs to know about an element, decided once per element
/// from its name (a string compare per arm is measurable on big pages).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Tag {
    Other,
    /// Inline element that separates words (cells, images, form controls).
    Spaced,
    Block,
    /// Block whose class/id may name a footer or a menu.
    Container,
    Skip,
    Head,
    Title,
    Meta,
    Script,
    LinkEl,
    Base,
    Time,
    Footer,
    Nav,
    H1,
    Heading,
    P,
    Table,
    Img,
    A,
    Span,
}

#[inline]
fn tag_of(name: &str) -> Tag {
    use Tag::*;
    match name.len() {
        1 => match name {
            "a" => A,
            "p" => P,
            _ => Other,
        },
        2 => match name {
            // A cell is its own line: "label | value" cells read like "label" / "value" lines.
            "li" | "tr" | "br" | "ol" | "dd" | "dl" | "dt" | "hr" | "td" | "th" => Block,
            "ul" => Container,
            "h1" => H1,
            "h2" | "h3" | "h4" | "h5" | "h6" => Heading,
            _ => Other,
        },
        3 => match name {
            "div" => Container,
            "nav" => Nav,
            "pre" => Block,
            "img" => Img,
            "svg" | "map" => Skip,
            _ => Other,
        },
        4 => match name {
            "span" => Span,
            "body" | "html" | "main" | "form" => Block,
            "head" => Head,
            "meta" => Meta,
            "link" => LinkEl,
            "base" => Base,
            "time" => Time,
            _ => Other,
        },
        5 => match name {
            "table" => Table,
            "aside" => Container,
            "tbody" | "thead" | "tfoot" => Block,
            "title" => Title,
            "style" | "video" | "audio" => Skip,
            "input" | "label" => Spaced,
            _ => Other,
        },
        6 => match name {
            "footer" => Footer,
            "header" => Container,
            "figure" | "center" | "legend" | "dialog" => Block,
            "script" => Script,
            "iframe" | "object" | "select" | "canvas" => Skip,
            "button" => Spaced,
            _ => Other,
        },
        7 => match name {
            "section" => Container,
            "article" | "address" | "caption" | "details" | "summary" => Block,
            _ => Other,
        },
        8 => match name {
            "fieldset" => Block,
            "noscript" | "template" | "textarea" => Skip,
            _ => Other,
        },
        10 => match name {
            "blockquote" | "figcaption" => Block,
            _ => Other,
        },
        _ => Other,
    }
}

/// Attribute lookup by string compare: `Element::attr` interns its argument
/// as an atom on every call, which costs more than scanning the few attributes.
#[inline]
fn attr<'a>(el: &'a scraper::node::Element, name: &str) -> Option<&'a str> {
    el.attrs().find(|(k, _)| *k == name).map(|(_, v)| v)
}

const F_FOOTER: u8 = 1;
const F_NAV: u8 = 2;
const F_HEADING: u8 = 4;
const F_PARA: u8 = 8;
const F_LINK: u8 = 16;
const F_HEAD: u8 = 32;

/// Footer or menu named by an element's class or id ("footer-wrapper",
/// "footleft", "main-menu", "navbar"), in one pass over the tokens.
fn region_of(el: &scraper::node::Element) -> u8 {
    let mut mask = 0;
    for (k, v) in el.attrs() {
        if k != "class" && k != "id" {
            continue;
        }
        for t in v.split(|c: char| c.is_ascii_whitespace() || c == '_').map(str::as_bytes) {
            if t.len() < 3 {
                continue;
            }
            if contains_ci(t, b"foot") && (contains_ci(t, b"footer") || (starts_ci(t, b"foot") && !starts_ci(t, b"football"))) {
                mask |= F_FOOTER;
            }
            if contains_ci(t, b"menu") || contains_ci(t, b"navbar") || t.eq_ignore_ascii_case(b"nav") {
                mask |= F_NAV;
            }
        }
    }
    mask
}

/// `needle` must be lower-case ASCII.
fn contains_ci(hay: &[u8], needle: &[u8]) -> bool {
    let Some(&first) = needle.first() else {
        return true;
    };
    if hay.len() < needle.len() {
        return false;
    }
    let last_start = hay.len() - needle.len();
    hay.iter()
        .take(last_start + 1)
        .enumerate()
        .any(|(i, &b)| (b | 0x20) == first && hay.get(i..i + needle.len()).is_some_and(|w| w.eq_ignore_ascii_case(needle)))
}

fn starts_ci(hay: &[u8], prefix: &[u8]) -> bool {
    hay.get(..prefix.len()).is_some_and(|h| h.eq_ignore_ascii_case(prefix))
}

fn node_text(n: ego_like::NodeRefAlias<'_>) -> String {
    let mut s = String::new();
    for d in n.descendants() {
        if let scraper::Node::Text(t) = d.value() {
            s.push_str(t);
        }
    }
    s
}

/// Lets helper functions name a tree node without depending on ego_tree.
mod ego_like {
    pub type NodeRefAlias<'a> = <scraper::ElementRef<'a> as std::ops::Deref>::Target;
}

#[derive(Default)]
struct Counters {
    footer: u32,
    nav: u32,
    heading: u32,
    para: u32,
    link: u32,
    head: u32,
}

impl Counters {
    fn apply(&mut self, mask: u8, delta: i32) {
        let upd = |c: &mut u32| {
            *c = if delta > 0 { c.saturating_add(1) } else { c.saturating_sub(1) };
        };
        if mask & F_FOOTER != 0 {
            upd(&mut self.footer);
        }
        if mask & F_NAV != 0 {
            upd(&mut self.nav);
        }
        if mask & F_HEADING != 0 {
            upd(&mut self.heading);
        }
        if mask & F_PARA != 0 {
            upd(&mut self.para);
        }
        if mask & F_LINK != 0 {
            upd(&mut self.link);
        }
        if mask & F_HEAD != 0 {
            upd(&mut self.head);
        }
    }
    fn flags(&self) -> (bool, bool, bool, bool) {
        (self.footer > 0, self.nav > 0, self.heading > 0, self.para > 0)
    }
}

/// One pass over the parsed document: lines of visible text, links with
/// their positions, and the machine-readable metadata.
pub(crate) fn walk_document<'a>(html: &'a scraper::Html, _url: &url::Url) -> Walk<'a> {
    use scraper::Node;
    let mut w = Walk::default();
    let mut b = text::LineBuilder::new(MAX_TEXT_CHARS);
    let mut cnt = Counters::default();
    // Masks of the open elements we descended into, innermost last.
    let mut frames: Vec<(u8, bool)> = Vec::new();
    let mut open_link: Option<WalkLink> = None;
    let root = html.tree.root();
    let mut node = root.first_child();
    while let Some(n) = node {
        let mut descend = false;
        match n.value() {
            Node::Text(t) if cnt.head == 0 => {
                let in_link = cnt.link > 0;
                b.push(t, in_link, cnt.flags());
                if let Some(l) = open_link.as_mut()
                    && l.text.len() < 1000
                {
                    // Collapsed while collected, so no clean-up pass per link.
                    let mut first = true;
                    for word in t.split_whitespace() {
                        if !l.text.is_empty() && (!first || t.starts_with(char::is_whitespace) || l.space) {
                            l.text.push(' ');
                        }
                        l.text.push_str(word);
                        first = false;
                        l.space = false;
                    }
                    if t.ends_with(char::is_whitespace) {
                        l.space = true;
                    }
                }
            }
            Node::Element(el) => {
                let tag = tag_of(el.name());
                let block = matches!(
                    tag,
                    Tag::Block | Tag::Container | Tag::Footer | Tag::Nav | Tag::H1 | Tag::Heading | Tag::P | Tag::Table
                );
                let mut skip = tag == Tag::Skip;
                let mut mask = 0u8;
                match tag {
                    Tag::Head => mask |= F_HEAD,
                    Tag::Title => {
                        if w.title.is_none() {
                            let t = text::clean(&node_text(n));
                            if !t.is_empty() {
                                w.title = Some(t);
                            }
                        }
                        skip = true;
                    }
                    Tag::Meta => {
                        let key = attr(el, "property").or_else(|| attr(el, "itemprop")).or_else(|| attr(el, "name"));
                        if let (Some(k), Some(c)) = (key, attr(el, "content"))
                            && w.metas.len() < 200
                        {
                            w.metas.push((k, c));
                        }
                    }
                    Tag::Script => {
                        if attr(el, "type").is_some_and(|t| t.eq_ignore_ascii_case("application/ld+json")) && w.json_ld.len() < 20 {
                            w.json_ld.push(node_text(n));
                        }
                        skip = true;
                    }
                    Tag::LinkEl => {
                        let rel = attr(el, "rel").unwrap_or("");
                        let ty = attr(el, "type").unwrap_or("").as_bytes();
                        if rel.split_whitespace().any(|r| r.eq_ignore_ascii_case("alternate"))
                            && (contains_ci(ty, b"rss") || contains_ci(ty, b"atom"))
                            && let Some(h) = attr(el, "href")
                            && w.feeds.len() < 50
                        {
                            w.feeds.push(h.trim());
                        }
                    }
                    Tag::Base if w.base_href.is_none() => {
                        w.base_href = attr(el, "href").map(str::trim);
                    }
                    Tag::Time => {
                        if let Some(d) = attr(el, "datetime")
                            && w.times.len() < 200
                        {
                            w.times.push((d, b.line_index()));
                        }
                    }
                    Tag::Footer => mask |= F_FOOTER,
                    Tag::Nav => mask |= F_NAV,
                    Tag::H1 => {
                        mask |= F_HEADING;
                        if w.h1_line.is_none() {
                            b.break_line();
                            w.h1_line = Some(b.line_index());
                        }
                    }
                    Tag::Heading => mask |= F_HEADING,
                    Tag::P => mask |= F_PARA,
                    Tag::Table => w.has_table = true,
                    Tag::Img => {
                        if let Some(l) = open_link.as_mut()
                            && l.alt.is_empty()
                            && let Some(alt) = attr(el, "alt")
                        {
                            l.alt = alt;
                        }
                    }
                    Tag::A => {
                        if open_link.is_none()
                            && w.links.len() < MAX_LINKS
                            && let Some(h) = attr(el, "href")
                        {
                            b.space();
                            let (f, nav, _, _) = cnt.flags();
                            open_link = Some(WalkLink {
                                href: h.trim(),
                                title: attr(el, "title").unwrap_or(""),
                                line_start: b.line_index(),
                                pos_start: b.cur_len(),
                                in_nav: nav,
                                in_footer: f,
                                ..Default::default()
                            });
                            mask |= F_LINK;
                        }
                    }
                    _ => {}
                }
                if matches!(tag, Tag::Container | Tag::Footer | Tag::P | Tag::Table) {
                    mask |= region_of(el);
                }
                if block {
                    b.break_line();
                } else if matches!(tag, Tag::Spaced | Tag::Img) {
                    b.space();
                }
                if !skip && n.has_children() {
                    descend = true;
                    cnt.apply(mask, 1);
                    frames.push((mask, block));
                } else if mask & F_LINK != 0 {
                    finish_link(&mut w, &mut open_link, &b);
                }
            }
            _ => {}
        }
        if descend {
            node = n.first_child();
            continue;
        }
        // Climb until a next sibling exists, closing the elements we leave.
        let mut cur = n;
        node = None;
        loop {
            if let Some(s) = cur.next_sibling() {
                node = Some(s);
                break;
            }
            let Some(p) = cur.parent() else { break };
            if let Node::Element(_) = p.value()
                && let Some((mask, block)) = frames.pop()
            {
                if mask & F_LINK != 0 {
                    finish_link(&mut w, &mut open_link, &b);
                }
                if block {
                    b.break_line();
                }
                cnt.apply(mask, -1);
            }
            cur = p;
        }
    }
    w.text_chars = b.total_chars();
    w.lines = b.finish();
    w
}

fn finish_link<'a>(w: &mut Walk<'a>, open: &mut Option<WalkLink<'a>>, b: &text::LineBuilder) {
    if let Some(mut l) = open.take() {
        l.line_end = b.line_index();
        l.pos_end = b.cur_len();
        l.text = text::nfc(std::mem::take(&mut l.text));
        w.links.push(l);
    }
}

fn resolve(base: &url::Url, href: &str) -> Option<url::Url> {
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

/// Characters the URL parser leaves untouched in a path or query, so a
/// plain href made only of them can be resolved by string concatenation.
fn plain_href(h: &str) -> bool {
    !h.is_empty()
        && h.bytes().all(|b| {
            b.is_ascii_alphanumeric()
                || matches!(
                    b,
                    b'-' | b'.' | b'_' | b'~' | b'/' | b'?' | b'=' | b'&' | b'+' | b'%' | b',' | b';' | b':'
                )
        })
        && !h.contains("./")
        && !h.ends_with("/.")
        && !h.ends_with("/..")
        && h != "."
        && h != ".."
        && !h.contains("%2e")
        && !h.contains("%2E")
}

/// Resolves a link to an absolute string without a full URL parse when the
/// href is plain (most links); anything unusual goes through `Url::join`.
/// `origin` is "scheme://host[:port]", `dir` the base URL up to its last '/'.
fn resolve_fast(base: &url::Url, origin: &str, dir: &str, href: &str) -> Option<String> {
    let h = href.trim();
    if plain_href(h) {
        if let Some(rest) = h.strip_prefix("https://").or_else(|| h.strip_prefix("http://")) {
            // Host must be lower-case and non-empty for the string to equal the parsed form.
            let host = rest.split(['/', '?']).next().unwrap_or("");
            if !host.is_empty()
                && !host.bytes().any(|b| b.is_ascii_uppercase() || b == b':' || b == b'%')
                && rest.len() > host.len()
                && !rest.get(host.len()..).unwrap_or("").starts_with('?')
            {
                return Some(h.to_string());
            }
        } else if h.starts_with('/') && !h.starts_with("//") {
            return Some(format!("{origin}{h}"));
        } else if !h.contains(':') && !h.starts_with(['?', '/']) {
            return Some(format!("{dir}{h}"));
        }
    }
    resolve(base, h).map(String::from)
}
/// Full analysis of one decoded HTML page. `url` is the page's final URL,
/// used to resolve relative links. Never panics.
pub fn analyze_html(url: &url::Url, html: &str) -> PageFacts {
    analyze_html_bounded(url, html).0
}

/// [`analyze_html`], also telling where the page was cut because its
/// elements nest deeper than [`nesting::MAX_NESTING`] (None: not cut).
pub fn analyze_html_bounded(url: &url::Url, html: &str) -> (PageFacts, Option<usize>) {
    let kept = nesting::cut_deep_nesting(html, nesting::MAX_NESTING);
    (analyze_parsed(url, kept.unwrap_or(html)), kept.map(str::len))
}

fn analyze_parsed(url: &url::Url, html: &str) -> PageFacts {
    let doc = scraper::Html::parse_document(html);
    let w = walk_document(&doc, url);
    let base = w.base_href.and_then(|h| url.join(h).ok()).unwrap_or_else(|| url.clone());

    let mut facts = PageFacts {
        title: w.title.clone(),
        text_chars: u32::try_from(w.text_chars).unwrap_or(u32::MAX),
        ..Default::default()
    };

    // Listings link each item twice (picture and title): resolve each href once.
    // xxh3 instead of SipHash: keys come from one page, not an adversary's
    // table, and hashing every href twice is visible in the profile.
    let mut by_href: std::collections::HashMap<&str, Option<String>, xxhash_rust::xxh3::Xxh3DefaultBuilder> =
        std::collections::HashMap::with_capacity_and_hasher(w.links.len(), Default::default());
    let origin = base.origin().ascii_serialization();
    let base_str = base.as_str();
    let path_end = base_str.find(['?', '#']).unwrap_or(base_str.len());
    let dir = base_str
        .get(..path_end)
        .and_then(|p| p.rfind('/').map(|i| &base_str[..=i]))
        .unwrap_or(base_str);
    let simple_base = matches!(base.scheme(), "http" | "https") && base.path().starts_with('/');
    let resolved: Vec<Option<String>> = w
        .links
        .iter()
        .map(|l| {
            by_href
                .entry(l.href)
                .or_insert_with(|| {
                    if simple_base {
                        resolve_fast(&base, &origin, dir, l.href)
                    } else {
                        resolve(&base, l.href).map(String::from)
                    }
                })
                .clone()
        })
        .collect();
    let mut seen: std::collections::HashSet<&str, xxhash_rust::xxh3::Xxh3DefaultBuilder> =
        std::collections::HashSet::with_capacity_and_hasher(resolved.len(), Default::default());
    for (l, abs) in w.links.iter().zip(&resolved) {
        if let Some(a) = abs
            && seen.insert(a.as_str())
        {
            let text = if !l.text.is_empty() {
                l.text.clone()
            } else if !l.title.trim().is_empty() {
                text::clean(l.title)
            } else {
                text::clean(l.alt)
            };
            facts.links.push(Link { url: a.clone(), text });
        }
    }
    for f in &w.feeds {
        if let Some(u) = resolve(&base, f) {
            let s = String::from(u);
            if !facts.feeds.contains(&s) {
                facts.feeds.push(s);
            }
        }
    }

    let contact_links: Vec<(&str, &str)> = w
        .links
        .iter()
        .map(|l| (l.href, l.text.as_str()))
        .filter(|(h, _)| {
            let h = h.get(..7).unwrap_or("").to_ascii_lowercase();
            h.starts_with("mailto:") || h.starts_with("tel:")
        })
        .collect();
    facts.disclosures = disclosures::extract(&w.lines, &contact_links);
    facts.items = listing_items(&w, &resolved);
    let (published, is_article) = article_date(&w);
    facts.published = published;
    facts.is_article = is_article;
    facts.documents = documents::extract(&doc, &w, &resolved, &base);
    facts.attribution = attribution::find(&w.lines, w.h1_line);
    facts.machine_source = attribution::machine_source(&w.json_ld, w.title.as_deref());
    facts
}

/// A link that can be a news item: real words of its own, not a menu.
fn is_item_link(l: &WalkLink<'_>) -> bool {
    if l.in_nav || l.in_footer {
        return false;
    }
    let words = l.text.split_whitespace().count();
    words >= 4 && l.text.chars().count() >= 20
}

/// A line short enough to be a date cell/label rather than a summary.
fn short(s: &str) -> bool {
    s.chars().count() <= 70
}

/// Dated items of a listing: the date next to each item's link (same line
/// after or before the link, or a short line right after it), never a date
/// inside a headline or a summary.
fn listing_items(w: &Walk<'_>, resolved: &[Option<String>]) -> Vec<Item> {
    let mut items: Vec<Item> = Vec::new();
    let mut claimed: Vec<bool> = vec![false; w.lines.len()];
    let candidates: Vec<usize> = (0..w.links.len())
        .filter(|&i| is_item_link(&w.links[i]) && resolved.get(i).is_some_and(|r| r.is_some()))
        .collect();
    let mut urls = std::collections::HashSet::new();
    for (k, &i) in candidates.iter().enumerate() {
        if items.len() >= MAX_ITEMS {
            break;
        }
        let l = &w.links[i];
        let Some(Some(url)) = resolved.get(i) else {
            continue;
        };
        let next_start = candidates.get(k + 1).map(|&j| w.links[j].line_start).unwrap_or(usize::MAX);
        let mut date = None;
        // Same line, after the link: "Tiêu đề (23/11/2026)".
        if let Some(line) = w.lines.get(l.line_end) {
            let tail = line.text.get(l.pos_end.min(line.text.len())..).unwrap_or("");
            if !tail.is_empty() && short(tail) && next_start > l.line_end {
                date = first_date(tail);
            }
            if date.is_none() && l.line_start == l.line_end {
                let head = line.text.get(..l.pos_start.min(line.text.len())).unwrap_or("");
                if !head.is_empty() && short(head) {
                    date = first_date(head);
                }
            }
        }
        // Following short lines, up to the next item.
        if date.is_none() {
            for j in (l.line_end + 1)..(l.line_end + 4).min(w.lines.len()) {
                if j >= next_start {
                    break;
                }
                let Some(line) = w.lines.get(j) else { break };
                // Footer licence dates and menu clocks belong to no item.
                if line.in_heading || line.in_footer || line.in_nav || claimed.get(j).copied().unwrap_or(true) {
                    continue;
                }
                if short(&line.text)
                    && let Some(d) = first_date(&line.text)
                {
                    date = Some(d);
                    if let Some(c) = claimed.get_mut(j) {
                        *c = true;
                    }
                    break;
                }
            }
        }
        // Preceding short line (date above the title), if nobody took it.
        if date.is_none() && l.line_start > 0 {
            let j = l.line_start - 1;
            if let Some(line) = w.lines.get(j)
                && !claimed.get(j).copied().unwrap_or(true)
                && !line.in_heading
                && !line.in_nav
                && !line.in_footer
                && short(&line.text)
                && let Some(d) = first_date(&line.text)
            {
                // Only a line that is nothing but the date, so a header
                // clock or a neighbour's summary is not taken.
                let rest = line.text.chars().filter(|c| c.is_alphabetic()).count();
                if rest <= 12 {
                    date = Some(d);
                    if let Some(c) = claimed.get_mut(j) {
                        *c = true;
                    }
                }
            }
        }
        if let Some(d) = date
            && urls.insert(url.clone())
        {
            items.push(Item {
                url: url.clone(),
                title: l.text.clone(),
                published: Some(d),
                source: DateSource::Text,
            });
        }
    }
    items
}

fn first_date(s: &str) -> Option<NaiveDateTime> {
    dates::find_dates(s).first().map(|d| d.at)
}

fn meta<'a>(w: &Walk<'a>, keys: &[&str]) -> Option<&'a str> {
    keys.iter()
        .find_map(|k| w.metas.iter().find(|(mk, _)| mk.eq_ignore_ascii_case(k)).map(|(_, v)| *v))
}

static LD_DATE: std::sync::LazyLock<regex::Regex> =
    std::sync::LazyLock::new(|| regex::Regex::new(r#""datePublished"[ \t\r\n]*:[ \t\r\n]*"([^"]{8,40})""#).expect("static regex"));
static LD_ARTICLE: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
    regex::Regex::new(r#""@type"[ \t\r\n]*:[ \t\r\n]*"(?:News|Blog|Reportage)?(?:Article|Posting)""#).expect("static regex")
});

/// The page's own publication time, and whether the page is an article
/// (its own date plus a body of text).
fn article_date(w: &Walk<'_>) -> (Option<NaiveDateTime>, bool) {
    let mut published = meta(
        w,
        &[
            "article:published_time",
            "datepublished",
            "pubdate",
            "og:published_time",
            "dc.date.issued",
        ],
    )
    .and_then(dates::parse_iso);
    if published.is_none() {
        published = w.json_ld.iter().find_map(|j| {
            LD_DATE
                .captures(j)
                .and_then(|c| c.get(1))
                .and_then(|m| dates::parse_iso(m.as_str()))
        });
    }
    if published.is_none() {
        published = w
            .times
            .iter()
            .filter(|(_, line)| w.lines.get(*line).is_none_or(|l| !l.in_footer && !l.in_nav))
            .find_map(|(d, _)| dates::parse_iso(d));
    }
    if published.is_none()
        && let Some(h1) = w.h1_line
    {
        // The date line under (or just above) the title; a labelled one wins.
        let from = h1.saturating_sub(3);
        let mut first = None;
        for j in from..(h1 + 12).min(w.lines.len()) {
            let Some(line) = w.lines.get(j) else { break };
            if j == h1 || line.in_heading || line.in_footer || !short(&line.text) {
                continue;
            }
            let found = dates::find_dates(&line.text);
            if let Some(d) = found.iter().find(|d| d.labelled) {
                first = Some(d.at);
                break;
            }
            if first.is_none() && j > h1 {
                first = found.first().map(|d| d.at);
            }
        }
        published = first;
    }
    let body_chars: usize = w
        .lines
        .iter()
        .filter(|l| l.in_paragraph && !l.in_footer && !l.in_nav && l.has_plain)
        .map(|l| l.text.chars().count())
        .sum();
    let typed_article =
        meta(w, &["og:type"]).is_some_and(|t| t.eq_ignore_ascii_case("article")) || w.json_ld.iter().any(|j| LD_ARTICLE.is_match(j));
    // A page typed as an article in its metadata is one even when its body
    // is drawn by JavaScript (aggregator shells); otherwise title plus body.
    let is_article = published.is_some() && (typed_article || (w.h1_line.is_some() && body_chars >= 400));
    (published, is_article)
}

#[cfg(test)]
mod resolve_tests {
    use super::*;

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

#[cfg(test)]
mod tests {
    use super::*;

    fn analyze(html: &str) -> PageFacts {
        let url = url::Url::parse("https://tiengiang.gov.vn/tin-tuc/").expect("static url");
        analyze_html(&url, html)
    }

    #[test]
    fn listing_dates_next_to_links_not_header_clock_or_headline() {
        let f = analyze(
            r#"<html><body>
            <div class="header"><a href="/"><img alt="Cổng thông tin điện tử tỉnh Tiền Giang"></a>
              <span>Thứ Ba, ngày 24 tháng 11 năm 2026</span></div>
            <ul class="news">
              <li><a href="bai-1.html#top">Kỷ niệm 27/7/1947 - 27/7/2026: tri ân các anh hùng liệt sĩ</a> <span>(23/11/2026)</span></li>
              <li><a href="/tin/bai-2.html">Hội nghị triển khai kế hoạch chuyển đổi số năm 2027</a><div>Đăng ngày 20 - 11 - 2026 / Lượt xem: 400</div></li>
              <li><a href="/tin/bai-3.html">Tỉnh tổ chức lễ mít tinh ngày 25/4 tại quảng trường</a></li>
            </ul>
            <footer><p>Giấy phép số 12/GP-TTĐT ngày 16/09/2013</p></footer>
            </body></html>"#,
        );
        let got: Vec<(String, Option<NaiveDate>)> = f.items.iter().map(|i| (i.url.clone(), i.published.map(|p| p.date()))).collect();
        assert_eq!(
            got,
            vec![
                (
                    "https://tiengiang.gov.vn/tin-tuc/bai-1.html".to_string(),
                    NaiveDate::from_ymd_opt(2026, 11, 23)
                ),
                (
                    "https://tiengiang.gov.vn/tin/bai-2.html".to_string(),
                    NaiveDate::from_ymd_opt(2026, 11, 20)
                ),
            ]
        );
        assert!(f.links.iter().all(|l| !l.url.contains('#')));
        assert_eq!(f.published, None);
    }

    #[test]
    fn footer_in_table_cells_with_nbsp_and_bold_labels() {
        let f = analyze(
            "<table><tr><td><b>Cơ&nbsp;quan chủ quản:</b></td><td>UBND tỉnh Tiền Giang</td></tr>\
             <tr><td><strong>Chịu trách nhiệm chính</strong></td><td>Ông Nguyễn Văn A</td></tr>\
             <tr><td>E-mail:</td><td>ubnd&#64;tiengiang.gov.vn</td></tr></table>",
        );
        let d = &f.disclosures;
        assert_eq!(d.governing_agency.as_ref().map(|x| x.value.as_str()), Some("UBND tỉnh Tiền Giang"));
        assert_eq!(d.responsible_person.as_ref().map(|x| x.value.as_str()), Some("Ông Nguyễn Văn A"));
        assert_eq!(d.emails.first().map(|x| x.value.as_str()), Some("ubnd@tiengiang.gov.vn"));
    }

    #[test]
    fn article_with_labelled_date_and_attribution() {
        let body = "Nội dung bài viết về tình hình kinh tế xã hội của tỉnh. ".repeat(12);
        let f = analyze(&format!(
            "<html><head><title>Tin bài - Cổng TTĐT</title>\
             <link rel=\"alternate\" type=\"application/rss+xml\" href=\"/rss/tin-tuc.rss\"></head><body>\
             <h1>Tỉnh triển khai kế hoạch năm 2027</h1><div class=\"date\">Cập nhật: 23/11/2026 08:30</div>\
             <p>{body}</p><p>Theo đó, các sở ngành thực hiện ngay.</p>\
             <p style=\"text-align:right\"><em>Nguồn: Báo Ấp Bắc, 07:30 23/11/2026</em></p></body></html>"
        ));
        assert_eq!(
            f.published,
            NaiveDate::from_ymd_opt(2026, 11, 23).and_then(|d| d.and_hms_opt(8, 30, 0))
        );
        assert!(f.is_article);
        let a = f.attribution.expect("attribution");
        assert_eq!(a.source, "Báo Ấp Bắc");
        assert_eq!(a.original_time.map(|t| t.format("%H:%M").to_string()).as_deref(), Some("07:30"));
        assert_eq!(f.feeds, vec!["https://tiengiang.gov.vn/rss/tin-tuc.rss".to_string()]);
        assert_eq!(f.title.as_deref(), Some("Tin bài - Cổng TTĐT"));
    }

    #[test]
    fn scripts_and_styles_are_not_text_and_js_pages_have_none() {
        let f = analyze("<body><script>var a='Điện thoại: 0273 3873 333';</script><style>.x{}</style><div id=\"app\"></div></body>");
        assert_eq!(f.text_chars, 0);
        assert!(f.disclosures.phones.is_empty());
    }

    #[test]
    fn garbage_and_deep_nesting_do_not_panic() {
        // Text up to the nesting bound is kept; what lies deeper is cut (see nesting.rs).
        let deep = "<div>".repeat(500) + "Địa chỉ: x" + &"<div>".repeat(3_000) + "Email: y@z.vn" + &"</div>".repeat(3_500);
        let f = analyze(&deep);
        assert_eq!(f.disclosures.address.map(|a| a.value), Some("x".to_string()));
        assert!(f.disclosures.emails.is_empty());
        for junk in [
            "",
            "<",
            "<a href=\"javascript:void(0)\">x</a>",
            "<a href=\"http://[::1\">y</a>",
            "\u{0}\u{fffd}<p>&#xD800;</p>",
        ] {
            let _ = analyze(junk);
        }
    }
}
