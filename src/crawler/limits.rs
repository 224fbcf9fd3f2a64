//! Bounds on what one site's pages may cost: the parser's memory on a
//! pathological page, and how much of a sitemap or feed is kept.
//!
//! A page's bytes can cost the site its results, never the process: the
//! HTML parser builds a node per tag (and then some), so a 5 MB page of
//! `<p>` took 237 MB; a sitemap of 50,000 URLs a night grew the store by
//! megabytes for entries no rule reads.

use chrono::NaiveDate;
use url::Url;

use super::discover::same_site;
use crate::extract::Item;

/// Most tags ('<') of a page handed to the HTML parser. A large real portal
/// page has a few tens of thousands; past this a page is cut before the tag
/// that would exceed it, and the crawl says so.
pub const MAX_PARSED_TAGS: usize = 100_000;

/// Where to cut `body` so that it holds at most [`MAX_PARSED_TAGS`] tags:
/// the offset of the first '<' past the bound, or None when within it.
/// Counting bytes is enough: '<' is one byte in every encoding a web page
/// uses, and never part of a longer UTF-8 sequence.
pub fn tag_cut(body: &[u8]) -> Option<usize> {
    memchr::memchr_iter(b'<', body).nth(MAX_PARSED_TAGS)
}

/// Remove NUL characters from decoded HTML. The parser ignores them in the
/// body or turns them into U+FFFD, one at a time: 5 MB of them cost
/// hundreds of megabytes and carry nothing a rule reads.
pub fn without_nul(mut html: String) -> String {
    if memchr::memchr(0, html.as_bytes()).is_some() {
        html.retain(|c| c != '\0');
    }
    html
}

/// Dated entries kept of one sitemap or feed: the newest. The rules look at
/// the last few weeks (`update.daily`'s window, the report's 30-day chart),
/// and a night's new entries are stored night after night.
pub const MAX_LISTED_DATED: usize = 500;

/// Entries without a date are only worth keeping when they can all be
/// kept: their day is the day sitewarden first saw them, so keeping a part
/// would make the rest look new the next night. A sitemap or feed with more
/// than this many undated entries gives none.
pub const MAX_LISTED_UNDATED: usize = 200;

/// What to keep of a sitemap's or feed's entries: those on the site of
/// `home`, the [`MAX_LISTED_DATED`] newest dated ones and, when there are
/// at most [`MAX_LISTED_UNDATED`] of them, the undated ones.
pub fn keep_listed(items: Vec<Item>, home: &Url) -> Vec<Item> {
    let (mut dated, undated): (Vec<Item>, Vec<Item>) = items
        .into_iter()
        .filter(|i| Url::parse(&i.url).is_ok_and(|u| same_site(home, &u)))
        .partition(|i| i.published.is_some());
    // Newest first; the sort is stable, so entries of one day keep the
    // order the site listed them in.
    dated.sort_by_key(|i| std::cmp::Reverse(i.published));
    dated.truncate(MAX_LISTED_DATED);
    if undated.len() <= MAX_LISTED_UNDATED {
        dated.extend(undated);
    } else {
        tracing::debug!(
            undated = undated.len(),
            "too many undated entries in a sitemap or feed to track; none kept"
        );
    }
    dated
}

/// How much of what a crawl saw the store keeps as items (see
/// [`crate::store::Store::save_crawl_with`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ItemLimits {
    /// Sitemap and feed entries dated more than this many days before the
    /// as-of date, or after the day following it, are not stored.
    pub window_days: u32,
    /// New items stored per site per crawl at most; the rest wait for the
    /// next crawl (those still listed then are stored then).
    pub max_new_per_crawl: usize,
}

impl Default for ItemLimits {
    fn default() -> ItemLimits {
        ItemLimits {
            window_days: 30,
            max_new_per_crawl: 500,
        }
    }
}

impl ItemLimits {
    /// Wide enough for the rules: `update.daily` looks back
    /// `window_working_days` working days, which with weekends and Tết's
    /// nine days off take up to about twice as many calendar days.
    pub fn for_window(window_working_days: u32) -> ItemLimits {
        ItemLimits {
            window_days: window_working_days.saturating_mul(2).saturating_add(10).max(30),
            ..ItemLimits::default()
        }
    }

    /// Whether a sitemap or feed entry dated `published` is worth storing on `today`.
    pub fn keeps(&self, published: Option<NaiveDate>, today: NaiveDate) -> bool {
        let Some(day) = published else { return true };
        let oldest = today - chrono::Duration::days(i64::from(self.window_days));
        let newest = today + chrono::Duration::days(1);
        (oldest..=newest).contains(&day)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_page_is_cut_before_the_tag_past_the_bound() {
        assert_eq!(tag_cut(b"<html><body><p>x</p></body></html>"), None);
        let page = "<p>".repeat(MAX_PARSED_TAGS + 5);
        let at = tag_cut(page.as_bytes()).expect("cut");
        assert_eq!(at, 3 * MAX_PARSED_TAGS);
        assert_eq!(memchr::memchr_iter(b'<', &page.as_bytes()[..at]).count(), MAX_PARSED_TAGS);
        assert_eq!(tag_cut("<".repeat(MAX_PARSED_TAGS).as_bytes()), None);
    }

    #[test]
    fn nul_characters_are_removed_before_parsing() {
        let html = format!("<title>Cổng\0 thông tin</title>{}", "\0".repeat(1000));
        assert_eq!(without_nul(html), "<title>Cổng thông tin</title>");
        let facts = crate::crawler::site::analyse(
            crate::crawler::PageRole::Home,
            &Url::parse("https://xa.gov.vn/").expect("url"),
            Some("text/html; charset=utf-8"),
            "<html><head><title>Cổng\0 thông tin</title></head><body>\0\0\0</body></html>".as_bytes(),
        )
        .expect("html")
        .0;
        assert_eq!(facts.title.as_deref(), Some("Cổng thông tin"));
    }
}
