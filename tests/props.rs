//! No input makes the extractors panic, overflow the stack or stall: arbitrary
//! bytes, mutilated real pages, absurd nesting and attributes, arbitrary
//! robots.txt, feeds and sitemaps.
//!
//! Pages go through `crawler::site::analyse`, the crawler's own path:
//! `decode_html`, the nesting cap, then `analyze_html`.
//!
//! Page analysis runs on a thread with a 2 MiB stack, the size of tokio's
//! blocking-pool threads where the crawler runs it (`spawn_blocking`), so a
//! recursion that would crash the daemon crashes this test too.

use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use proptest::prelude::*;
use sitewarden::crawler::PageRole;
use sitewarden::crawler::robots::Robots;
use sitewarden::crawler::site;
use sitewarden::extract::feeds::{parse_feed, parse_sitemap};
use url::Url;

const BLOCKING_THREAD_STACK: usize = 2 * 1024 * 1024;
const CONTENT_TYPES: [Option<&str>; 3] = [Some("text/html; charset=utf-8"), Some("text/html; charset=windows-1258"), None];

/// Worst time seen per kind of input, printed at the end of each test.
static WORST: Mutex<Vec<(&'static str, Duration, usize)>> = Mutex::new(Vec::new());

fn note(what: &'static str, took: Duration, len: usize) {
    let mut w = WORST.lock().unwrap_or_else(|p| p.into_inner());
    match w.iter_mut().find(|(k, _, _)| *k == what) {
        Some(e) if e.1 < took => *e = (what, took, len),
        Some(_) => {}
        None => w.push((what, took, len)),
    }
}

fn report() {
    let w = WORST.lock().unwrap_or_else(|p| p.into_inner());
    for (what, took, len) in w.iter() {
        println!("worst {what}: {took:?} for {len} bytes");
    }
}

fn base() -> Url {
    Url::parse("https://tiengiang.gov.vn/tin-tuc/").expect("url")
}

/// Decode and analyse `body` exactly as the crawler does (charset, nesting
/// cap, extraction), on a blocking-pool-sized stack. Returns where the page
/// was cut for nesting too deep, if it was.
fn analyse(what: &'static str, body: Vec<u8>, content_type: Option<&'static str>) -> Option<usize> {
    let len = body.len();
    let (took, cut) = std::thread::Builder::new()
        .stack_size(BLOCKING_THREAD_STACK)
        .spawn(move || {
            let t = Instant::now();
            let analysed = site::analyse(PageRole::Home, &base(), content_type, &body);
            let took = t.elapsed();
            let cut = match analysed {
                Ok((facts, _, cut)) => {
                    // Every link the extractor reports must be absolute.
                    for l in &facts.links {
                        assert!(Url::parse(&l.url).is_ok(), "relative or invalid link {:?}", l.url);
                    }
                    cut
                }
                // Not HTML (a PDF, an image): refused, which is fine.
                Err(_) => None,
            };
            (took, cut)
        })
        .expect("spawn")
        .join()
        .unwrap_or_else(|_| panic!("{what}: analysis panicked on {len} bytes"));
    note(what, took, len);
    cut
}

fn html_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            html_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "html" || x == "htm") {
            out.push(p);
        }
    }
}

/// Real pages to mutilate: the fixtures and the shared corpus, when present.
fn corpus() -> Vec<Vec<u8>> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    html_files(&root.join("fixtures/sites"), &mut files);
    html_files(&root.join("../shared/realpages"), &mut files);
    files.sort();
    let mut pages: Vec<Vec<u8>> = files.iter().filter_map(|f| std::fs::read(f).ok()).collect();
    if pages.is_empty() {
        // Without a corpus the mutations still need something to mutate.
        pages.push(
            "<!doctype html><html><head><meta charset=utf-8><title>Cổng thông tin điện tử tỉnh Tiền Giang</title></head><body><ul><li><a href=\"/tin-tuc/1\">Tin 1</a> <span>24/11/2026</span></li></ul><footer>Email: ubnd@tiengiang.gov.vn &copy; 2026</footer></body></html>"
                .as_bytes()
                .to_vec(),
        );
    }
    pages
}

#[derive(Debug, Clone)]
enum Mutation {
    Cut(usize),
    Unbalanced(usize, &'static str),
    BrokenEntity(usize, &'static str),
    Flip(usize, u8),
    Splice(usize, usize, usize),
}

const TAGS: &[&str] = &[
    "<div><table><tr><td>",
    "</td></tr></table></div></div></div>",
    "<a href=\"",
    "<a href='javascript:alert(1)'>",
    "<!--",
    "<script>",
    "</body></html><html><body>",
    "<p><p><p><b><i><u>",
    "<meta charset=\"windows-1258\">",
    "<base href=\"http://[::1\">",
    "<svg><foreignObject><math><mi>",
    "<select><option><optgroup>",
    "<a href=\"http://\u{ff}\u{fe}:99999999/\">",
];
const ENTITIES: &[&str] = &[
    "&#x110000;",
    "&#99999999999999;",
    "&amp",
    "&;",
    "&#;",
    "&#x;",
    "&nbsp",
    "&#0;",
    "&#xD800;",
    "&notanentity;",
    "&amp;amp;",
    "&",
];

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        any::<usize>().prop_map(Mutation::Cut),
        (any::<usize>(), prop::sample::select(TAGS)).prop_map(|(p, t)| Mutation::Unbalanced(p, t)),
        (any::<usize>(), prop::sample::select(ENTITIES)).prop_map(|(p, e)| Mutation::BrokenEntity(p, e)),
        (any::<usize>(), any::<u8>()).prop_map(|(p, b)| Mutation::Flip(p, b)),
        (any::<usize>(), any::<usize>(), any::<usize>()).prop_map(|(a, b, c)| Mutation::Splice(a, b, c)),
    ]
}

fn apply(page: &[u8], muts: &[Mutation]) -> Vec<u8> {
    let mut p = page.to_vec();
    for m in muts {
        let at = |x: usize, p: &Vec<u8>| if p.is_empty() { 0 } else { x % (p.len() + 1) };
        match m {
            Mutation::Cut(x) => {
                let n = at(*x, &p);
                p.truncate(n);
            }
            Mutation::Unbalanced(x, t) | Mutation::BrokenEntity(x, t) => {
                let n = at(*x, &p);
                p.splice(n..n, t.bytes());
            }
            Mutation::Flip(x, b) => {
                let n = at(*x, &p);
                if let Some(c) = p.get_mut(n) {
                    *c = *b;
                }
            }
            Mutation::Splice(a, b, c) => {
                // Copy a piece of the page elsewhere in it: duplicated and
                // overlapping structure, cut at arbitrary bytes.
                let (a, b) = (at(*a, &p), at(*b, &p));
                let (lo, hi) = (a.min(b), a.max(b).min(a.min(b) + 4096));
                let piece = p.get(lo..hi).map(<[u8]>::to_vec).unwrap_or_default();
                let dst = at(*c, &p);
                p.splice(dst..dst, piece);
            }
        }
    }
    p
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn arbitrary_bytes_as_a_page(body in prop::collection::vec(any::<u8>(), 0..16_384), ct in 0usize..3) {
        analyse("arbitrary bytes", body, CONTENT_TYPES[ct]);
    }

    #[test]
    fn arbitrary_text_with_markup_as_a_page(body in "(<[a-z]{1,6}( [a-z]{1,5}=\"[^\"]{0,20}\")?>|</[a-z]{1,6}>|&[#a-z0-9]{0,8};?|[^<&]{0,40}|Cổng thông tin|Ngày \\d{1,2}/\\d{1,2}/\\d{4}){0,200}", ct in 0usize..3) {
        analyse("markup soup", body.into_bytes(), CONTENT_TYPES[ct]);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn mutilated_real_pages(pick in any::<usize>(), muts in prop::collection::vec(mutation(), 1..6), ct in 0usize..3) {
        let pages = corpus();
        let page = &pages[pick % pages.len()];
        analyse("mutilated real page", apply(page, &muts), CONTENT_TYPES[ct]);
    }
}

#[test]
fn every_real_page_whole_and_cut() {
    for page in corpus() {
        for ct in CONTENT_TYPES {
            assert_eq!(analyse("real page", page.clone(), ct), None, "a real page was cut for nesting");
        }
        // Mutations cut anywhere; these few fixed cuts keep the suite short
        // in debug once the real extractor runs (about 0.1 s a page).
        for third in 1..3 {
            let cut = page.len() * third / 3 + third;
            analyse("real page cut", page.get(..cut).unwrap_or_default().to_vec(), None);
        }
    }
    report();
}

#[test]
fn hundred_thousand_deep_nesting() {
    for (open, close) in [
        ("<div>", "</div>"),
        ("<span>", ""),
        ("<table><tr><td>", ""),
        ("<ul><li>", "</li></ul>"),
        ("<a href=/x>", ""),
        ("<font>", "</font>"),
        ("<b><i>", ""),
    ] {
        let mut page = String::from("<html><body>");
        page.push_str(&open.repeat(100_000));
        page.push_str("Ngày 24/11/2026");
        page.push_str(&close.repeat(100_000));
        let cut = analyse("100,000-deep nesting", page.into_bytes(), Some("text/html; charset=utf-8"));
        assert!(cut.is_some(), "{open} x 100,000 not cut");
    }
    report();
}

#[test]
fn megabyte_attribute_values() {
    let mb = "a".repeat(1 << 20);
    let vi = "Tiếng Việt ".repeat((1 << 20) / 14);
    for page in [
        format!("<html><body><a href=\"{mb}\">x</a></body></html>"),
        format!("<html><body><a href=\"/tin-tuc/{vi}\">{vi}</a></body></html>"),
        format!("<html><head><meta name=description content=\"{vi}\"><title>{mb}</title></head></html>"),
        format!("<html><body><div class=\"{mb}\" title='{vi}'>x</div><a href=\"mailto:{mb}@x.vn\">y</a></body></html>"),
        format!("<html><head><link rel=alternate type=application/rss+xml href=\"{mb}\"></head></html>"),
        format!("<html><body><a href=\"{mb}"),
    ] {
        analyse("1 MB attribute", page.into_bytes(), None);
    }
    report();
}

fn robots_line() -> impl Strategy<Value = String> {
    prop_oneof![
        "(User-agent|user-agent|USER-AGENT): ?(\\*|sitewarden|Sitewarden/1.0|Googlebot|[ -~]{0,12})",
        "(Disallow|Allow|disallow): ?(/[ -~]{0,20}|\\*|\\$|/\\*\\.pdf\\$|)",
        "Crawl-delay: ?([0-9]{0,5}(\\.[0-9]{0,3})?|-1|NaN|inf|1e308|[ -~]{0,6})",
        "Sitemap: ?[ -~]{0,40}",
        "[^\n]{0,60}",
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn arbitrary_robots_txt(text in "\\PC{0,2000}", path in "/[ -~]{0,40}") {
        let r = Robots::parse(&text);
        let url = base().join(&path).unwrap_or_else(|_| base());
        let _ = r.allowed(&url);
        let _ = r.allowed(&base());
        prop_assert!(r.crawl_delay.is_none_or(|d| d.is_finite() && d >= 0.0));
    }

    #[test]
    fn line_structured_robots_txt(lines in prop::collection::vec(robots_line(), 0..80), sep in prop::sample::select(vec!["\n", "\r\n", "\r"]), path in "/[ -~]{0,40}") {
        let text = lines.join(sep);
        let t = Instant::now();
        let r = Robots::parse(&text);
        let url = base().join(&path).unwrap_or_else(|_| base());
        let _ = r.allowed(&url);
        note("robots.txt", t.elapsed(), text.len());
        prop_assert!(r.crawl_delay.is_none_or(|d| d.is_finite() && d >= 0.0));
        prop_assert!(r.sitemaps.len() <= 16);
        // A last group naming us with only "Disallow: /" forbids everything,
        // whatever comes before it.
        let ours = format!("{text}\nUser-agent: sitewarden\nDisallow: /\n");
        if !text.to_ascii_lowercase().contains("sitewarden") {
            prop_assert!(!Robots::parse(&ours).allowed(&base()));
        }
    }

    #[test]
    fn arbitrary_feeds_and_sitemaps(body in prop::collection::vec(any::<u8>(), 0..8192)) {
        let t = Instant::now();
        let _ = parse_feed(&body, &base());
        let _ = parse_sitemap(&body, &base());
        note("feed/sitemap bytes", t.elapsed(), body.len());
    }

    #[test]
    fn mutilated_feeds_and_sitemaps(muts in prop::collection::vec(mutation(), 1..6), which in 0usize..3) {
        let templates = [RSS, ATOM, SITEMAP];
        let doc = apply(templates[which].as_bytes(), &muts);
        let t = Instant::now();
        let items = parse_feed(&doc, &base());
        let (sm_items, nested) = parse_sitemap(&doc, &base());
        note("mutilated feed/sitemap", t.elapsed(), doc.len());
        for i in items.iter().chain(&sm_items) {
            prop_assert!(Url::parse(&i.url).is_ok(), "relative item url {:?}", i.url);
        }
        prop_assert!(nested.len() <= 100_000);
    }
}

#[test]
fn huge_and_deep_feeds() {
    let deep = format!("<rss><channel>{}</channel></rss>", "<item>".repeat(100_000));
    let many = format!(
        "<?xml version=\"1.0\"?><urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">{}</urlset>",
        (0..50_000)
            .map(|i| format!("<url><loc>https://tiengiang.gov.vn/tin-tuc/{i}.html</loc><lastmod>2026-11-24</lastmod></url>"))
            .collect::<String>()
    );
    let entity_bomb = "<?xml version=\"1.0\"?><!DOCTYPE lolz [<!ENTITY lol \"lol\"><!ENTITY lol2 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\"><!ENTITY lol3 \"&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;\"><!ENTITY lol4 \"&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;\">]><rss><channel><item><title>&lol4;</title><link>https://a.vn/1</link></item></channel></rss>".to_string();
    for doc in [deep, many, entity_bomb] {
        let len = doc.len();
        let took = std::thread::Builder::new()
            .stack_size(BLOCKING_THREAD_STACK)
            .spawn(move || {
                let t = Instant::now();
                let _ = parse_feed(doc.as_bytes(), &base());
                let _ = parse_sitemap(doc.as_bytes(), &base());
                t.elapsed()
            })
            .expect("spawn")
            .join()
            .expect("feed parsing panicked");
        note("huge/deep feed", took, len);
    }
    report();
}

const RSS: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><rss version=\"2.0\"><channel><title>Tin tức - Cổng TTĐT tỉnh Tiền Giang</title><link>https://tiengiang.gov.vn/</link><item><title>Hội nghị triển khai nhiệm vụ năm 2027</title><link>/tin-tuc/hoi-nghi-1.html</link><pubDate>Tue, 24 Nov 2026 08:00:00 +0700</pubDate><description><![CDATA[<p>Sáng 24/11, UBND tỉnh&nbsp;tổ chức…</p>]]></description></item><item><title>Quyết định số 12/2026/QĐ-UBND</title><link>https://tiengiang.gov.vn/van-ban/qd-12.html</link><pubDate>24/11/2026</pubDate></item></channel></rss>";
const ATOM: &str = "<?xml version=\"1.0\" encoding=\"utf-8\"?><feed xmlns=\"http://www.w3.org/2005/Atom\"><title>Tin mới</title><entry><title>Thông báo tuyển dụng</title><link href=\"/thong-bao/1\"/><updated>2026-11-24T08:00:00+07:00</updated><id>urn:1</id></entry></feed>";
const SITEMAP: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\"><url><loc>https://tiengiang.gov.vn/tin-tuc/1.html</loc><lastmod>2026-11-24T08:00:00+07:00</lastmod></url><url><loc>https://tiengiang.gov.vn/tin-tuc/2.html</loc><lastmod>2026-11-23</lastmod></url></urlset><sitemapindex><sitemap><loc>https://tiengiang.gov.vn/sitemap-2.xml</loc></sitemap></sitemapindex>";
