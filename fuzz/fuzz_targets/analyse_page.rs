//! Arbitrary bytes as a fetched home page, through the crawler's own
//! per-page function: not-HTML sniffing, charset decoding, NFC, the nesting
//! cap and every extractor.
#![no_main]

use std::sync::LazyLock;

use libfuzzer_sys::fuzz_target;
use sitewarden::crawler::PageRole;
use sitewarden::crawler::site::analyse;
use url::Url;

/// The Content-Type headers Vietnamese government sites actually send.
const CONTENT_TYPES: [Option<&str>; 3] = [Some("text/html; charset=utf-8"), Some("text/html; charset=windows-1258"), None];

static BASE: LazyLock<Url> = LazyLock::new(|| Url::parse("https://tiengiang.gov.vn/tin-tuc/").expect("base url"));

fuzz_target!(|data: &[u8]| {
    // First byte picks the header; the rest is the body.
    let Some((&pick, body)) = data.split_first() else { return };
    let content_type = CONTENT_TYPES[usize::from(pick) % CONTENT_TYPES.len()];
    if let Ok((facts, _items, _cut)) = analyse(PageRole::Home, &BASE, content_type, body) {
        // The same invariant tests/props.rs checks: every reported link is absolute.
        for l in &facts.links {
            assert!(Url::parse(&l.url).is_ok(), "relative or invalid link {:?}", l.url);
        }
    }
});
