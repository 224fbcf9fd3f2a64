//! Arbitrary bytes as an RSS/Atom feed and as an XML sitemap.
#![no_main]

use std::sync::LazyLock;

use libfuzzer_sys::fuzz_target;
use sitewarden::extract::feeds::{parse_feed, parse_sitemap};
use url::Url;

static BASE: LazyLock<Url> = LazyLock::new(|| Url::parse("https://tiengiang.gov.vn/").expect("base url"));

fuzz_target!(|data: &[u8]| {
    for item in parse_feed(data, &BASE) {
        assert!(Url::parse(&item.url).is_ok(), "feed item url {:?}", item.url);
    }
    let (items, _children) = parse_sitemap(data, &BASE);
    for item in items {
        assert!(Url::parse(&item.url).is_ok(), "sitemap item url {:?}", item.url);
    }
});
