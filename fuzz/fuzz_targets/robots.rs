//! Arbitrary bytes as robots.txt, decoded and parsed as `crawler::site`
//! does, then asked about the home page and a few other paths.
#![no_main]

use std::sync::LazyLock;

use libfuzzer_sys::fuzz_target;
use sitewarden::crawler::charset::decode_text;
use sitewarden::crawler::robots::Robots;
use url::Url;

static URLS: LazyLock<Vec<Url>> = LazyLock::new(|| {
    [
        "https://tiengiang.gov.vn/",
        "https://tiengiang.gov.vn/robots.txt",
        "https://tiengiang.gov.vn/tin-tuc/bai-viet?id=1&p=2",
        "https://tiengiang.gov.vn/v%C4%83n-b%E1%BA%A3n/",
    ]
    .iter()
    .map(|u| Url::parse(u).expect("url"))
    .collect()
});

fuzz_target!(|data: &[u8]| {
    let robots = Robots::parse(&decode_text(data, Some("text/plain")));
    if let Some(d) = robots.crawl_delay {
        assert!(d.is_finite() && d >= 0.0, "crawl delay {d}");
    }
    for u in URLS.iter() {
        let _ = robots.allowed(u);
    }
});
