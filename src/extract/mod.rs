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
pub(crate) struct WalkLink {
    pub href: String,
    /// Text of the link's own text nodes, collapsed.
    pub text: String,
    /// title / img alt, used when the link has no text.
    pub fallback: String,
    pub line_start: usize,
    pub pos_start: usize,
    pub line_end: usize,
    pub pos_end: usize,
    pub in_nav: bool,
    pub in_footer: bool,
}

/// What one walk over the DOM collects; every extractor works from this.
#[derive(Debug, Default)]
pub(crate) struct Walk {
    pub lines: Vec<text::Line>,
    pub links: Vec<WalkLink>,
    pub title: Option<String>,
    pub text_chars: usize,
    /// (property/name/itemprop lower-cased, content)
    pub metas: Vec<(String, String)>,
    pub json_ld: Vec<String>,
    /// `<time datetime>` values with the line they precede.
    pub times: Vec<(String, usize)>,
    pub feeds: Vec<String>,
    pub base_href: Option<String>,
    /// Line index of the first `<h1>`.
    pub h1_line: Option<usize>,
    /// Any table on the page (documents are looked for only then).
    pub has_table: bool,
}

const BLOCK_TAGS: &[&str] = &[
    "address",
    "article",
    "aside",
    "blockquote",
    "body",
    "br",
    "caption",
    "center",
    "dd",
    "details",
    "dialog",
    "div",
    "dl",
    "dt",
    "fieldset",
    "figcaption",
    "figure",
    "footer",
    "form",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "header",
    "hr",
    "html",
    "legend",
    "li",
    "main",
    "nav",
    "ol",
    "p",
    "pre",
    "section",
    "summary",
    "table",
    "tbody",
    "td",
    "tfoot",
    "th",
    "thead",
    "tr",
    "ul",
];
const SKIP_TAGS: &[&str] = &[
    "script", "style", "noscript", "template", "svg", "iframe", "object", "select", "textarea", "canvas", "video", "audio", "map",
];

const F_FOOTER: u8 = 1;
const F_NAV: u8 = 2;
const F_HEADING: u8 = 4;
const F_PARA: u8 = 8;
const F_LINK: u8 = 16;
const F_HEAD: u8 = 32;

fn attr_has_token(el: &scraper::node::Element, f: impl Fn(&str) -> bool) -> bool {
    let check = |v: Option<&str>| v.is_some_and(|v| v.split(|c: char| c.is_whitespace() || c == '_').any(|t| f(&t.to_ascii_lowercase())));
    check(el.attr("class")) || check(el.attr("id"))
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
pub(crate) fn walk_document(html: &scraper::Html, _url: &url::Url) -> Walk {
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
            Node::Text(t) => {
                if cnt.head == 0 {
                    let in_link = cnt.link > 0;
                    b.push(t, in_link, cnt.flags());
                    if let Some(l) = open_link.as_mut()
                        && l.text.len() < 1000
                    {
                        if !l.text.is_empty() && t.starts_with(char::is_whitespace) {
                            l.text.push(' ');
                        }
                        l.text.push_str(t.trim());
                    }
                }
            }
            Node::Element(el) => {
                let name = el.name();
                let block = BLOCK_TAGS.contains(&name);
                let mut mask = 0u8;
                let mut skip = SKIP_TAGS.contains(&name);
                match name {
                    "head" => mask |= F_HEAD,
                    "title" => {
                        if w.title.is_none() {
                            let t = text::clean(&node_text(n));
                            if !t.is_empty() {
                                w.title = Some(t);
                            }
                        }
                        skip = true;
                    }
                    "meta" => {
                        let key = el.attr("property").or_else(|| el.attr("itemprop")).or_else(|| el.attr("name"));
                        if let (Some(k), Some(c)) = (key, el.attr("content"))
                            && w.metas.len() < 200
                        {
                            w.metas.push((k.to_ascii_lowercase(), c.to_string()));
                        }
                    }
                    "script" => {
                        if el.attr("type").is_some_and(|t| t.eq_ignore_ascii_case("application/ld+json")) && w.json_ld.len() < 20 {
                            w.json_ld.push(node_text(n));
                        }
                    }
                    "link" => {
                        let rel = el.attr("rel").unwrap_or("").to_ascii_lowercase();
                        let ty = el.attr("type").unwrap_or("").to_ascii_lowercase();
                        if rel.split_whitespace().any(|r| r == "alternate")
                            && (ty.contains("rss") || ty.contains("atom"))
                            && let Some(h) = el.attr("href")
                            && w.feeds.len() < 50
                        {
                            w.feeds.push(h.trim().to_string());
                        }
                    }
                    "base" => {
                        if w.base_href.is_none() {
                            w.base_href = el.attr("href").map(|h| h.trim().to_string());
                        }
                    }
                    "time" => {
                        if let Some(d) = el.attr("datetime")
                            && w.times.len() < 200
                        {
                            w.times.push((d.to_string(), b.line_index()));
                        }
                    }
                    "footer" => mask |= F_FOOTER,
                    "nav" => mask |= F_NAV,
                    "h1" | "h2" | "h3" | "h4" | "h5" | "h6" => {
                        mask |= F_HEADING;
                    }
                    "p" => mask |= F_PARA,
                    "table" => w.has_table = true,
                    "img" => {
                        if let (Some(l), Some(alt)) = (open_link.as_mut(), el.attr("alt"))
                            && l.fallback.is_empty()
                        {
                            l.fallback = text::clean(alt);
                        }
                    }
                    "a" => {
                        if open_link.is_none()
                            && let Some(h) = el.attr("href")
                            && w.links.len() < MAX_LINKS
                        {
                            b.space();
                            let (f, nav, _, _) = cnt.flags();
                            open_link = Some(WalkLink {
                                href: h.trim().to_string(),
                                fallback: el.attr("title").map(text::clean).unwrap_or_default(),
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
                if matches!(
                    name,
                    "div" | "section" | "ul" | "aside" | "header" | "footer" | "p" | "span" | "table"
                ) {
                    if attr_has_token(el, |t| {
                        t.contains("footer") || (t.starts_with("foot") && !t.starts_with("football"))
                    }) {
                        mask |= F_FOOTER;
                    }
                    if attr_has_token(el, |t| t.contains("menu") || t.contains("navbar") || t == "nav") {
                        mask |= F_NAV;
                    }
                }
                if name == "h1" && w.h1_line.is_none() {
                    b.break_line();
                    w.h1_line = Some(b.line_index());
                }
                if block {
                    b.break_line();
                } else if matches!(name, "td" | "th" | "img" | "input" | "button" | "label") {
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

fn finish_link(w: &mut Walk, open: &mut Option<WalkLink>, b: &text::LineBuilder) {
    if let Some(mut l) = open.take() {
        l.line_end = b.line_index();
        l.pos_end = b.cur_len();
        l.text = text::clean(&l.text);
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

/// Full analysis of one decoded HTML page. `url` is the page's final URL,
/// used to resolve relative links. Never panics.
pub fn analyze_html(url: &url::Url, html: &str) -> PageFacts {
    let doc = scraper::Html::parse_document(html);
    let w = walk_document(&doc, url);
    let base = w.base_href.as_deref().and_then(|h| url.join(h).ok()).unwrap_or_else(|| url.clone());

    let mut facts = PageFacts {
        title: w.title.clone(),
        text_chars: u32::try_from(w.text_chars).unwrap_or(u32::MAX),
        ..Default::default()
    };

    let mut seen = std::collections::HashSet::new();
    let mut resolved: Vec<Option<String>> = Vec::with_capacity(w.links.len());
    for l in &w.links {
        let abs = resolve(&base, &l.href).map(String::from);
        if let Some(a) = &abs
            && seen.insert(a.clone())
        {
            let text = if l.text.is_empty() { l.fallback.clone() } else { l.text.clone() };
            facts.links.push(Link { url: a.clone(), text });
        }
        resolved.push(abs);
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
        .map(|l| (l.href.as_str(), l.text.as_str()))
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
fn is_item_link(l: &WalkLink) -> bool {
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
fn listing_items(w: &Walk, resolved: &[Option<String>]) -> Vec<Item> {
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
        let Some(Some(url)) = resolved.get(i) else { continue };
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
                if line.in_heading || claimed.get(j).copied().unwrap_or(true) {
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

fn meta<'a>(w: &'a Walk, keys: &[&str]) -> Option<&'a str> {
    keys.iter()
        .find_map(|k| w.metas.iter().find(|(mk, _)| mk == k).map(|(_, v)| v.as_str()))
}

static LD_DATE: std::sync::LazyLock<regex::Regex> =
    std::sync::LazyLock::new(|| regex::Regex::new(r#""datePublished"\s*:\s*"([^"]{8,40})""#).expect("static regex"));
static LD_ARTICLE: std::sync::LazyLock<regex::Regex> =
    std::sync::LazyLock::new(|| regex::Regex::new(r#""@type"\s*:\s*"(?:News|Blog|Reportage)?(?:Article|Posting)""#).expect("static regex"));

/// The page's own publication time, and whether the page is an article
/// (its own date plus a body of text).
fn article_date(w: &Walk) -> (Option<NaiveDateTime>, bool) {
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
