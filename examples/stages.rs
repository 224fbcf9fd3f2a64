fn main() {
    let bytes = std::fs::read("../shared/realpages/sotttt-hanoi-gov_listing_1.html").unwrap();
    let url = url::Url::parse("https://sotttt.hanoi.gov.vn/x").unwrap();
    let mut tot: std::collections::BTreeMap<&str, u128> = Default::default();
    let n = 2000;
    let t = std::time::Instant::now();
    for _ in 0..n { let _ = sitewarden::crawler::charset::decode_html(&bytes, Some("text/html")); }
    println!("decode {:?}", t.elapsed() / n);
    let html = String::from_utf8(bytes).unwrap();
    for _ in 0..n {
        for (k, d) in sitewarden::extract::__stages(&url, &html) { *tot.entry(k).or_default() += d.as_nanos(); }
    }
    let t = std::time::Instant::now();
    for _ in 0..n { let _ = scraper::Html::parse_document(&html); }
    let p = t.elapsed() / n;
    let t = std::time::Instant::now();
    for _ in 0..n { let _ = sitewarden::extract::analyze_html(&url, &html); }
    let a = t.elapsed() / n;
    println!("parse {:?} analyze {:?} ratio {:.3}", p, a, a.as_secs_f64() / p.as_secs_f64());
    for (k, v) in tot { println!("{k:10} {:8.1} us", v as f64 / n as f64 / 1000.0); }
}
#[allow(dead_code)]
fn total() {}
