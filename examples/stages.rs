fn main() {
    let path = std::env::args().nth(1).unwrap_or("../shared/realpages/sotttt-hanoi-gov_listing_1.html".into());
    let bytes = std::fs::read(path).unwrap();
    let url = url::Url::parse("https://sotttt.hanoi.gov.vn/x").unwrap();
    let html = String::from_utf8(bytes.clone()).unwrap();
    let n = 3000;
    let (mut p, mut a) = (Vec::new(), Vec::new());
    for _ in 0..n {
        let t = std::time::Instant::now();
        drop(scraper::Html::parse_document(&html));
        p.push(t.elapsed().as_nanos());
        let t = std::time::Instant::now();
        let text = sitewarden::crawler::charset::decode_html(&bytes, Some("text/html"));
        drop(sitewarden::extract::analyze_html(&url, &text));
        a.push(t.elapsed().as_nanos());
    }
    p.sort(); a.sort();
    println!("min parse {} analyze {} ratio {:.3}", p[0], a[0], a[0] as f64 / p[0] as f64);
    println!("med parse {} analyze {} ratio {:.3}", p[n/2], a[n/2], a[n/2] as f64 / p[n/2] as f64);
    let mut tot: std::collections::BTreeMap<&str, u128> = Default::default();
    for _ in 0..500 {
        for (k, d) in sitewarden::extract::__stages(&url, &html) { *tot.entry(k).or_default() += d.as_nanos(); }
    }
    for (k, v) in tot { println!("{k:10} {:8.1} us", v as f64 / 500.0 / 1000.0); }
}
