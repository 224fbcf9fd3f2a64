//! RSS/Atom feeds and XML sitemaps: dated items for `update.daily`.

use quick_xml::Reader;
use quick_xml::events::Event;

use super::dates;
use super::facts::{DateSource, Item};

/// Entries kept from one feed or sitemap; sitemaps may legally hold 50,000.
pub const MAX_ENTRIES: usize = 50_000;

fn absolute(base: &url::Url, href: &str) -> Option<String> {
    let mut u = base.join(href.trim()).ok()?;
    if !matches!(u.scheme(), "http" | "https") {
        return None;
    }
    u.set_fragment(None);
    Some(u.into())
}

/// Items of an RSS or Atom feed, dates in Vietnam local time. Junk gives
/// no items, never a panic.
pub fn parse_feed(bytes: &[u8], base: &url::Url) -> Vec<Item> {
    let Ok(feed) = feed_rs::parser::parse(bytes) else {
        return Vec::new();
    };
    let vn = crate::model::vn_offset();
    feed.entries
        .into_iter()
        .take(MAX_ENTRIES)
        .filter_map(|e| {
            let link = e
                .links
                .iter()
                .find(|l| l.rel.as_deref().is_none_or(|r| r == "alternate"))
                .or_else(|| e.links.first())
                .map(|l| l.href.clone())
                .or_else(|| e.id.starts_with("http").then(|| e.id.clone()))?;
            let url = absolute(base, &link)?;
            let published = e.published.or(e.updated).map(|d| d.with_timezone(&vn).naive_local());
            Some(Item {
                url,
                title: e.title.map(|t| super::text::clean(&t.content)).unwrap_or_default(),
                published,
                source: DateSource::Feed,
            })
        })
        .collect()
}

/// A sitemap: `<urlset>` gives items (dated by `<lastmod>`), `<sitemapindex>`
/// gives the child sitemaps to fetch. Bounded and tolerant of junk.
pub fn parse_sitemap(bytes: &[u8], base: &url::Url) -> (Vec<Item>, Vec<String>) {
    let mut items = Vec::new();
    let mut children = Vec::new();
    let mut reader = Reader::from_reader(bytes);
    reader.config_mut().trim_text(true);
    let mut buf = Vec::new();
    let mut in_index = false;
    let mut field: Option<&'static str> = None;
    let mut loc = String::new();
    let mut lastmod = String::new();
    let mut in_entry = false;
    loop {
        if items.len() + children.len() >= MAX_ENTRIES {
            break;
        }
        let ev = match reader.read_event_into(&mut buf) {
            Ok(ev) => ev,
            Err(_) => break,
        };
        match ev {
            Event::Start(e) => match AsRef::<str>::as_ref(&e.local_name()) {
                "sitemapindex" => in_index = true,
                "url" | "sitemap" => {
                    in_entry = true;
                    loc.clear();
                    lastmod.clear();
                }
                "loc" if in_entry => field = Some("loc"),
                "lastmod" if in_entry => field = Some("lastmod"),
                _ => field = None,
            },
            Event::Text(t) => {
                let s = t.xml10_content();
                push_field(field, &s, &mut loc, &mut lastmod);
            }
            Event::CData(t) => {
                let s = AsRef::<str>::as_ref(&t).to_string();
                push_field(field, &s, &mut loc, &mut lastmod);
            }
            Event::GeneralRef(r) => {
                let c = match r.resolve_char_ref() {
                    Ok(Some(c)) => Some(c),
                    _ => match AsRef::<str>::as_ref(&r) {
                        "amp" => Some('&'),
                        "lt" => Some('<'),
                        "gt" => Some('>'),
                        "quot" => Some('"'),
                        "apos" => Some('\''),
                        _ => None,
                    },
                };
                if let Some(c) = c {
                    push_field(field, c.encode_utf8(&mut [0u8; 4]), &mut loc, &mut lastmod);
                }
            }
            Event::End(e) => match AsRef::<str>::as_ref(&e.local_name()) {
                "loc" | "lastmod" => field = None,
                "url" | "sitemap" if in_entry => {
                    in_entry = false;
                    if let Some(u) = absolute(base, &loc) {
                        if in_index || AsRef::<str>::as_ref(&e.local_name()) == "sitemap" {
                            children.push(u);
                        } else {
                            items.push(Item {
                                url: u,
                                title: String::new(),
                                published: dates::parse_iso(&lastmod),
                                source: DateSource::Sitemap,
                            });
                        }
                    }
                }
                _ => {}
            },
            Event::Eof => break,
            _ => {}
        }
        buf.clear();
    }
    (items, children)
}

fn push_field(field: Option<&str>, s: &str, loc: &mut String, lastmod: &mut String) {
    let target = match field {
        Some("loc") => loc,
        Some("lastmod") => lastmod,
        _ => return,
    };
    if target.len() + s.len() <= 4096 {
        target.push_str(s.trim());
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    fn base() -> url::Url {
        url::Url::parse("https://tiengiang.gov.vn/").expect("static url")
    }

    #[test]
    fn rss_pub_date_in_vietnam_time() {
        let rss = r#"<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Tin</title>
          <item><title>Hội nghị tổng kết</title><link>/tin/1</link><pubDate>Mon, 23 Nov 2026 01:30:00 GMT</pubDate></item>
          <item><title>Không ngày</title><link>https://tiengiang.gov.vn/tin/2</link></item>
        </channel></rss>"#;
        let items = parse_feed(rss.as_bytes(), &base());
        assert_eq!(items.len(), 2);
        assert_eq!(items[0].url, "https://tiengiang.gov.vn/tin/1");
        assert_eq!(items[0].title, "Hội nghị tổng kết");
        assert_eq!(
            items[0].published,
            NaiveDate::from_ymd_opt(2026, 11, 23).and_then(|d| d.and_hms_opt(8, 30, 0))
        );
        assert_eq!(items[1].published, None);
    }

    #[test]
    fn atom_updated() {
        let atom = r#"<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>x</title><id>x</id><updated>2026-11-23T20:00:00Z</updated>
          <entry><title>Tin A</title><id>urn:a</id><link href="https://tiengiang.gov.vn/a"/><updated>2026-11-23T20:00:00Z</updated></entry></feed>"#;
        let items = parse_feed(atom.as_bytes(), &base());
        assert_eq!(items.len(), 1);
        assert_eq!(items[0].published.map(|d| d.date()), NaiveDate::from_ymd_opt(2026, 11, 24));
    }

    #[test]
    fn sitemap_urlset_and_index() {
        let xml = r#"<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
          <url><loc>https://tiengiang.gov.vn/tin?id=1&amp;p=2</loc><lastmod>2026-11-23T08:00:00+07:00</lastmod></url>
          <url><loc>https://tiengiang.gov.vn/b</loc></url></urlset>"#;
        let (items, children) = parse_sitemap(xml.as_bytes(), &base());
        assert!(children.is_empty());
        assert_eq!(items.len(), 2);
        assert_eq!(items[0].url, "https://tiengiang.gov.vn/tin?id=1&p=2");
        assert_eq!(
            items[0].published,
            NaiveDate::from_ymd_opt(2026, 11, 23).and_then(|d| d.and_hms_opt(8, 0, 0))
        );
        let idx = r#"<sitemapindex><sitemap><loc>https://tiengiang.gov.vn/s1.xml</loc></sitemap></sitemapindex>"#;
        let (items, children) = parse_sitemap(idx.as_bytes(), &base());
        assert!(items.is_empty());
        assert_eq!(children, vec!["https://tiengiang.gov.vn/s1.xml".to_string()]);
    }

    #[test]
    fn junk_gives_nothing() {
        assert!(parse_feed(b"\x00\xff<<not xml", &base()).is_empty());
        let (a, b) = parse_sitemap(b"<urlset><url><loc>", &base());
        assert!(a.is_empty() && b.is_empty());
        let (a, _) = parse_sitemap(&[0xff; 100], &base());
        assert!(a.is_empty());
    }
}
