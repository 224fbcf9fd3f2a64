//! One page, start to end: the DOM walk, link resolution, then every
//! extractor on what the walk collected.

use super::article::article_date;
use super::facts::{Link, PageFacts};
use super::listing::listing_items;
use super::urls::{resolve, resolve_fast};
use super::walk::walk_with;
use super::{article_end, charrefs, comments, masthead, renewal};
use super::{attribution, disclosures, documents, nesting, text};
use html5ever::tendril::TendrilSink;

/// Full analysis of one decoded HTML page. `url` is the page's final URL,
/// used to resolve relative links. Never panics.
pub fn analyze_html(url: &url::Url, html: &str) -> PageFacts {
    analyze_html_bounded(url, html).0
}

/// [`analyze_html`], also telling where the page was cut because its
/// elements nest deeper than [`nesting::MAX_NESTING`] (None: not cut).
pub fn analyze_html_bounded(url: &url::Url, html: &str) -> (PageFacts, Option<usize>) {
    let (kept, opening_tags) = nesting::cut_counted(html, nesting::MAX_NESTING);
    let doc = parse(&charrefs::numeric(kept.unwrap_or(html)), opening_tags);
    (analyze_parsed(url, &doc), kept.map(str::len))
}

/// `scraper::Html::parse_document`, into a tree sized for the page.
fn parse(html: &str, opening_tags: usize) -> scraper::Html {
    // Real pages make 2.0–2.6 nodes per opening tag (elements, the text
    // between them, implied ones): the tree's one vector of nodes is
    // allocated once instead of doubling a dozen times, each doubling a
    // copy of every node so far whenever another allocation sits after it
    // (the page's text does). Capped, as '<' in text makes no node.
    const MAX_RESERVED: usize = 1 << 14;
    let nodes = opening_tags.saturating_mul(5) / 2 + 8;
    let mut doc = scraper::Html::new_document();
    doc.tree = ego_tree::Tree::with_capacity(scraper::Node::Document, nodes.min(MAX_RESERVED));
    html5ever::driver::parse_document(scraper::HtmlTreeSink::new(doc), Default::default()).one(html)
}

fn analyze_parsed(url: &url::Url, doc: &scraper::Html) -> PageFacts {
    // The masthead reads the page in the same walk as the lines.
    let mut top = masthead::State::default();
    let mut w = walk_with(doc, &mut top);
    let base = w.base_href.and_then(|h| url.join(h).ok()).unwrap_or_else(|| url.clone());

    let mut facts = PageFacts {
        title: w.title.clone(),
        text_chars: u32::try_from(w.text_chars).unwrap_or(u32::MAX),
        ..Default::default()
    };

    // Listings link each item twice (picture and title): resolve each href
    // once, remembering where its first resolution sits.
    // xxh3 instead of SipHash: keys come from one page, not an adversary's
    // table, and hashing every href twice is visible in the profile.
    let mut by_href: std::collections::HashMap<&str, usize, xxhash_rust::xxh3::Xxh3DefaultBuilder> =
        std::collections::HashMap::with_capacity_and_hasher(w.links.len(), Default::default());
    let origin = base.origin().ascii_serialization();
    let base_str = base.as_str();
    let path_end = base_str.find(['?', '#']).unwrap_or(base_str.len());
    let dir = base_str
        .get(..path_end)
        .and_then(|p| p.rfind('/').map(|i| &base_str[..=i]))
        .unwrap_or(base_str);
    let simple_base = matches!(base.scheme(), "http" | "https") && base.path().starts_with('/');
    let mut resolved: Vec<Option<String>> = Vec::with_capacity(w.links.len());
    for (i, l) in w.links.iter().enumerate() {
        let first = *by_href.entry(l.href).or_insert(i);
        let r = match resolved.get(first) {
            Some(r) => r.clone(),
            None if simple_base => resolve_fast(&base, &origin, dir, l.href),
            None => resolve(&base, l.href).map(String::from),
        };
        resolved.push(r);
    }
    // The links the facts keep, the first of each absolute URL. Their
    // strings are moved into the facts once every extractor has read them,
    // not copied (hundreds of links on a portal page).
    let kept: Vec<usize> = {
        let mut seen: std::collections::HashSet<&str, xxhash_rust::xxh3::Xxh3DefaultBuilder> =
            std::collections::HashSet::with_capacity_and_hasher(resolved.len(), Default::default());
        resolved
            .iter()
            .enumerate()
            .filter_map(|(i, abs)| abs.as_deref().filter(|a| seen.insert(a)).map(|_| i))
            .collect()
    };
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
            // Only hrefs of seven bytes or more, as the scheme is read from the first seven.
            h.get(..7)
                .is_some_and(|p| starts_ci(p.as_bytes(), b"mailto:") || starts_ci(p.as_bytes(), b"tel:"))
        })
        .collect();
    facts.disclosures = disclosures::extract(&w.lines, &contact_links);
    facts.items = listing_items(&w, &resolved);
    let title = title_line(&w, &resolved, &base);
    facts.attribution = attribution::find(&w.lines, title.or(w.h1_line));
    let (published, is_article) = article_date(&w, title, facts.attribution.is_some());
    facts.published = published;
    facts.is_article = is_article;
    facts.documents = documents::extract(doc, &w, &resolved, &base);
    facts.machine_source = attribution::machine_source(&w.json_ld, w.title.as_deref());
    // What the Decree 147/2024 rules read (facts.rs).
    facts.masthead = masthead::finish(top, &w.metas, &w.lines);
    facts.article_end = article_end::extract(&w, &resolved, title.or(w.h1_line));
    // Comments matter under reproduced articles only.
    if facts.is_article {
        facts.comments = comments::extract(doc, &w.lines);
    }
    facts.license_renewal = renewal::find(&w.lines);
    facts.links = kept
        .into_iter()
        .filter_map(|i| {
            let url = resolved.get_mut(i)?.take()?;
            let l = w.links.get_mut(i)?;
            let text = if !l.text.is_empty() {
                std::mem::take(&mut l.text)
            } else if !l.title.trim().is_empty() {
                text::clean(l.title)
            } else {
                text::clean(l.alt)
            };
            Some(Link { url, text })
        })
        .collect();
    facts
}

fn starts_ci(s: &[u8], prefix: &[u8]) -> bool {
    s.get(..prefix.len()).is_some_and(|p| p.eq_ignore_ascii_case(prefix))
}

/// The line of the page's own title: the first `<h1>` that holds text,
/// outside menus and footers, and is not a link to another page or to the
/// home page. A logo (`<h1><a href="/">Cổng TTĐT</a></h1>`, even on the home
/// page itself) or a listing's featured headline
/// (`<h1><a href="/tin/bai-khac.html">…</a></h1>`) is not; a title linked to
/// itself or to `javascript:` is.
fn title_line(w: &super::walk::Walk<'_>, resolved: &[Option<String>], page: &url::Url) -> Option<usize> {
    let page = page.as_str().split('#').next().unwrap_or("");
    w.h1_lines.iter().copied().find(|&h1| {
        let Some(line) = w.lines.get(h1) else { return false };
        if !line.in_heading || line.in_nav || line.in_footer {
            return false;
        }
        let total = line.text.chars().count();
        !w.links.iter().zip(resolved).any(|(l, r)| {
            l.line_start == h1
                && l.text.chars().count() * 2 >= total
                && r.as_deref().is_some_and(|r| r != page || super::listing::is_site_root(r))
        })
    })
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;

    /// The facts of `html` served at https://tiengiang.gov.vn/tin-tuc/.
    pub(in crate::extract) fn analyze(html: &str) -> PageFacts {
        let url = url::Url::parse("https://tiengiang.gov.vn/tin-tuc/").expect("static url");
        analyze_html(&url, html)
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
