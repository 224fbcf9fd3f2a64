//! The one walk over a parsed page every extractor works from: lines of
//! visible text, links with their positions, and the machine-readable
//! metadata.

use html5ever::local_name;

use super::dom::{self, NodeRef};
use super::text;

/// Work caps that keep a pathological page linear.
const MAX_TEXT_CHARS: usize = 2_000_000;
const MAX_LINKS: usize = 5_000;

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
    /// Line indices of the first `<h1>`s (a logo may come before the title).
    pub h1_lines: Vec<usize>,
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
fn tag_of(name: &html5ever::LocalName) -> Tag {
    use Tag::*;
    // Atoms compare as integers; matching the name as a string read it out
    // of its atom first.
    match *name {
        local_name!("a") => A,
        local_name!("p") => P,
        // A cell is its own line: "label | value" cells read like "label" / "value" lines.
        local_name!("li")
        | local_name!("tr")
        | local_name!("br")
        | local_name!("ol")
        | local_name!("dd")
        | local_name!("dl")
        | local_name!("dt")
        | local_name!("hr")
        | local_name!("td")
        | local_name!("th") => Block,
        local_name!("ul") => Container,
        local_name!("h1") => H1,
        local_name!("h2") | local_name!("h3") | local_name!("h4") | local_name!("h5") | local_name!("h6") => Heading,
        local_name!("div") => Container,
        local_name!("nav") => Nav,
        local_name!("pre") => Block,
        local_name!("img") => Img,
        local_name!("svg") | local_name!("map") => Skip,
        local_name!("span") => Span,
        local_name!("body") | local_name!("html") | local_name!("main") | local_name!("form") => Block,
        local_name!("head") => Head,
        local_name!("meta") => Meta,
        local_name!("link") => LinkEl,
        local_name!("base") => Base,
        local_name!("time") => Time,
        local_name!("table") => Table,
        local_name!("aside") => Container,
        local_name!("tbody") | local_name!("thead") | local_name!("tfoot") => Block,
        local_name!("title") => Title,
        local_name!("style") | local_name!("video") | local_name!("audio") => Skip,
        local_name!("input") | local_name!("label") => Spaced,
        local_name!("footer") => Footer,
        local_name!("header") => Container,
        local_name!("figure") | local_name!("center") | local_name!("legend") | local_name!("dialog") => Block,
        local_name!("script") => Script,
        local_name!("iframe") | local_name!("object") | local_name!("select") | local_name!("canvas") => Skip,
        local_name!("button") => Spaced,
        local_name!("section") => Container,
        local_name!("article") | local_name!("address") | local_name!("caption") | local_name!("details") | local_name!("summary") => Block,
        local_name!("fieldset") => Block,
        local_name!("noscript") | local_name!("template") | local_name!("textarea") => Skip,
        local_name!("blockquote") | local_name!("figcaption") => Block,
        _ => Other,
    }
}

/// Attribute lookup by local name, whatever the namespace: `Element::attr`
/// interns its argument as an atom on every call, and comparing the names as
/// strings reads each name's atom out first; atoms compare as integers.
#[inline]
fn attr<'a>(el: &'a scraper::node::Element, name: &html5ever::LocalName) -> Option<&'a str> {
    el.attrs.iter().find(|(k, _)| k.local == *name).map(|(_, v)| &**v)
}

const F_FOOTER: u8 = 1;
const F_NAV: u8 = 2;
const F_HEADING: u8 = 4;
const F_PARA: u8 = 8;
const F_LINK: u8 = 16;
const F_HEAD: u8 = 32;

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

#[cfg(test)]
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

/// Whether the walk is inside a footer, a menu, a heading and a paragraph
/// (what a line records of where it stands), from its F_* depths.
fn flags(depths: &dom::Depths) -> (bool, bool, bool, bool) {
    let inside = |bit| depths.inside(bit);
    (inside(F_FOOTER), inside(F_NAV), inside(F_HEADING), inside(F_PARA))
}

/// Another reader of the page, told of its nodes as the walk reaches them
/// (as `dom::visit` would tell it), so a page is walked once: each pass
/// over the nodes of a big page costs as much again in pointer chasing.
pub(crate) trait Reader {
    /// Entering `n`, whose class and id name `class` (`dom::class_bits`;
    /// 0 for other nodes); false: the reader is not told of its children.
    /// The closing call comes either way.
    fn open(&mut self, n: NodeRef<'_>, class: u8) -> bool;
    /// Leaving `n`.
    fn close(&mut self, n: NodeRef<'_>);
}

/// No other reader.
#[cfg(test)]
struct NoReader;

#[cfg(test)]
impl Reader for NoReader {
    fn open(&mut self, _: NodeRef<'_>, _: u8) -> bool {
        false
    }

    fn close(&mut self, _: NodeRef<'_>) {}
}

/// An element the walk descended into: the line walk's (mask, block) when
/// it reads the children too, and which of the two readers skips them.
struct Frame {
    line: Option<(u8, bool)>,
    line_skips: bool,
    reader: bool,
    reader_skips: bool,
}

/// One pass over the parsed document: lines of visible text, links with
/// their positions, and the machine-readable metadata.
#[cfg(test)]
pub(crate) fn walk_document<'a>(html: &'a scraper::Html) -> Walk<'a> {
    walk_with(html, &mut NoReader)
}

/// One pass over the parsed document: lines of visible text, links with
/// their positions, and the machine-readable metadata; `reader` is told
/// of the nodes on the way.
pub(crate) fn walk_with<'a>(html: &'a scraper::Html, reader: &mut impl Reader) -> Walk<'a> {
    use scraper::Node;
    let mut w = Walk::default();
    let mut b = text::LineBuilder::new(MAX_TEXT_CHARS);
    let mut cnt = dom::Depths::default();
    // The open elements we descended into, innermost last.
    let mut frames: Vec<Frame> = Vec::new();
    // How many of those the line walk, or the reader, skips the inside of.
    let (mut line_off, mut reader_off) = (0u32, 0u32);
    let mut open_link: Option<WalkLink> = None;
    let root = html.tree.root();
    let mut node = root.first_child();
    while let Some(n) = node {
        let line_on = line_off == 0;
        let mut descend = false;
        let mut line = None;
        let mut class = None;
        match n.value() {
            Node::Text(t) if line_on && !cnt.inside(F_HEAD) => {
                let in_link = cnt.inside(F_LINK);
                b.push(t, in_link, flags(&cnt));
                if let Some(l) = open_link.as_mut()
                    && l.text.len() < 1000
                {
                    // Collapsed while collected, so no clean-up pass per link;
                    // room for the node's words at once, not a few doublings.
                    l.text.reserve(t.trim_ascii().len() + 1);
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
            Node::Element(el) if line_on => {
                let tag = tag_of(&el.name.local);
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
                        let key = attr(el, &local_name!("property"))
                            .or_else(|| attr(el, &local_name!("itemprop")))
                            .or_else(|| attr(el, &local_name!("name")));
                        if let (Some(k), Some(c)) = (key, attr(el, &local_name!("content")))
                            && w.metas.len() < 200
                        {
                            w.metas.push((k, c));
                        }
                    }
                    Tag::Script => {
                        if attr(el, &local_name!("type")).is_some_and(|t| t.eq_ignore_ascii_case("application/ld+json"))
                            && w.json_ld.len() < 20
                        {
                            w.json_ld.push(node_text(n));
                        }
                        skip = true;
                    }
                    Tag::LinkEl => {
                        let rel = attr(el, &local_name!("rel")).unwrap_or("");
                        let ty = attr(el, &local_name!("type")).unwrap_or("").as_bytes();
                        if rel.split_whitespace().any(|r| r.eq_ignore_ascii_case("alternate"))
                            && (contains_ci(ty, b"rss") || contains_ci(ty, b"atom"))
                            && let Some(h) = attr(el, &local_name!("href"))
                            && w.feeds.len() < 50
                        {
                            w.feeds.push(h.trim());
                        }
                    }
                    Tag::Base if w.base_href.is_none() => {
                        w.base_href = attr(el, &local_name!("href")).map(str::trim);
                    }
                    Tag::Time => {
                        if let Some(d) = attr(el, &local_name!("datetime"))
                            && w.times.len() < 200
                        {
                            w.times.push((d, b.line_index()));
                        }
                    }
                    Tag::Footer => mask |= F_FOOTER,
                    Tag::Nav => mask |= F_NAV,
                    Tag::H1 => {
                        mask |= F_HEADING;
                        if w.h1_line.is_none() || w.h1_lines.len() < 16 {
                            b.break_line();
                            w.h1_line.get_or_insert(b.line_index());
                            if w.h1_lines.len() < 16 {
                                w.h1_lines.push(b.line_index());
                            }
                        }
                    }
                    Tag::Heading => mask |= F_HEADING,
                    Tag::P => mask |= F_PARA,
                    Tag::Table => w.has_table = true,
                    Tag::Img => {
                        if let Some(l) = open_link.as_mut()
                            && l.alt.is_empty()
                            && let Some(alt) = attr(el, &local_name!("alt"))
                        {
                            l.alt = alt;
                        }
                    }
                    Tag::A => {
                        if open_link.is_none()
                            && w.links.len() < MAX_LINKS
                            && let Some(h) = attr(el, &local_name!("href"))
                        {
                            b.space();
                            let (f, nav, _, _) = flags(&cnt);
                            open_link = Some(WalkLink {
                                href: h.trim(),
                                title: attr(el, &local_name!("title")).unwrap_or(""),
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
                    let bits = dom::class_bits(el);
                    class = Some(bits);
                    if bits & dom::CLS_LINE_FOOTER != 0 {
                        mask |= F_FOOTER;
                    }
                    if bits & dom::CLS_LINE_NAV != 0 {
                        mask |= F_NAV;
                    }
                }
                if block {
                    b.break_line();
                } else if matches!(tag, Tag::Spaced | Tag::Img) {
                    b.space();
                }
                if !skip && n.has_children() {
                    descend = true;
                    cnt.apply(mask, true);
                    line = Some((mask, block));
                } else if mask & F_LINK != 0 {
                    finish_link(&mut w, &mut open_link, &b);
                }
            }
            _ => {}
        }
        let reader_on = reader_off == 0;
        let mut reader_in = false;
        if reader_on {
            let bits = match n.value() {
                Node::Element(el) => class.unwrap_or_else(|| dom::class_bits(el)),
                _ => 0,
            };
            reader_in = reader.open(n, bits) && n.has_children();
            if !reader_in {
                reader.close(n);
            }
        }
        if descend || reader_in {
            frames.push(Frame {
                line,
                line_skips: line_on && !descend,
                reader: reader_in,
                reader_skips: reader_on && !reader_in,
            });
            if line_on && !descend {
                line_off += 1;
            }
            if reader_on && !reader_in {
                reader_off += 1;
            }
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
                && let Some(f) = frames.pop()
            {
                if let Some((mask, block)) = f.line {
                    if mask & F_LINK != 0 {
                        finish_link(&mut w, &mut open_link, &b);
                    }
                    if block {
                        b.break_line();
                    }
                    cnt.apply(mask, false);
                }
                if f.line_skips {
                    line_off = line_off.saturating_sub(1);
                }
                if f.reader {
                    reader.close(p);
                }
                if f.reader_skips {
                    reader_off = reader_off.saturating_sub(1);
                }
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

#[cfg(test)]
mod tests {
    use super::*;

    /// The token-by-token definition the line walk's bits of
    /// `dom::value_bits` must agree with.
    fn region_by_tokens(v: &str) -> u8 {
        let mut mask = 0;
        for t in v.split(|c: char| c.is_ascii_whitespace() || c == '_').map(str::as_bytes) {
            if contains_ci(t, b"footer") || (starts_ci(t, b"foot") && !starts_ci(t, b"football")) {
                mask |= F_FOOTER;
            }
            if contains_ci(t, b"menu") || contains_ci(t, b"navbar") || t.eq_ignore_ascii_case(b"nav") {
                mask |= F_NAV;
            }
        }
        mask
    }

    #[test]
    fn line_walk_class_bits_equal_per_token() {
        let parts = [
            "footer",
            "FOOTleft",
            "football",
            "site_footer",
            "x-foot",
            "foo",
            "nav",
            "NAV",
            "navx",
            "xnav",
            "navbar",
            "main-menu",
            "Menu",
            "me",
            "n",
            "f",
            "_",
            " ",
            "\t",
            "\n",
            "đfoot",
            "ftfoot",
            "portlet-boundary",
            "brand",
            "LOGO",
            "header",
            "site-name",
            "ten-trang",
            "x_nav",
            "nav_x",
            "foot_er",
            "",
        ];
        for a in parts {
            for b in parts {
                for sep in ["", " ", "_", "\t"] {
                    let v = format!("{a}{sep}{b}");
                    let bits = dom::value_bits(v.as_bytes());
                    let footer = if bits & dom::CLS_LINE_FOOTER != 0 { F_FOOTER } else { 0 };
                    let line = footer | if bits & dom::CLS_LINE_NAV != 0 { F_NAV } else { 0 };
                    assert_eq!(line, region_by_tokens(&v), "{v:?}");
                }
            }
        }
    }
}
