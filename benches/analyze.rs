//! Issue 3: the full analysis of a 50–100 KB portal page may cost at most
//! 1.3× the bare `scraper::Html::parse_document` of the same page.

use std::hint::black_box;
use std::path::PathBuf;

use criterion::{Criterion, criterion_group, criterion_main};
use sitewarden::crawler::charset::decode_html;
use sitewarden::extract::analyze_html;

/// The real Hà Nội portal listing when present, else a generated portal page
/// of similar size and shape.
fn page() -> Vec<u8> {
    let real = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/realpages/sotttt-hanoi-gov_listing_1.html");
    if let Ok(b) = std::fs::read(&real) {
        return b;
    }
    let mut s = String::from(
        "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>Tin tức - Cổng TTĐT tỉnh Tiền Giang</title></head><body><div class=\"menu\"><a href=\"/\">Trang chủ</a> <a href=\"/gioi-thieu\">Giới thiệu</a></div><div class=\"content\">",
    );
    for i in 0..150 {
        s.push_str(&format!(
            "<div class=\"item\"><h3><a href=\"/tin/{i}\">Hội nghị triển khai nhiệm vụ phát triển kinh tế - xã hội số {i}</a></h3><div class=\"date\">{:02}/11/2026 | 0{}:30 PM</div><p>Sáng {}/11, Ủy ban nhân dân tỉnh tổ chức hội nghị với sự tham dự của lãnh đạo các sở, ban, ngành và địa phương trong tỉnh.</p></div>",
            i % 28 + 1,
            i % 9,
            i % 28 + 1
        ));
    }
    s.push_str("</div><footer><p>Cơ quan chủ quản: Ủy ban nhân dân tỉnh Tiền Giang</p><p>Địa chỉ: Số 23, đường 30/4, Phường 1, TP. Mỹ Tho - Điện thoại: 0273 3873 333 - Email: banbientap@tiengiang.gov.vn</p></footer></body></html>");
    s.into_bytes()
}

fn bench(c: &mut Criterion) {
    let bytes = page();
    let html = String::from_utf8_lossy(&bytes).into_owned();
    let url = url::Url::parse("https://sotttt.hanoi.gov.vn/bao-chi-xuat-ban").expect("static url");
    println!("page: {} bytes", bytes.len());
    let mut g = c.benchmark_group("analyze");
    g.bench_function("parse_document", |b| {
        b.iter(|| black_box(scraper::Html::parse_document(black_box(&html))))
    });
    g.bench_function("decode_and_analyze", |b| {
        b.iter(|| {
            let text = decode_html(black_box(&bytes), Some("text/html"));
            black_box(analyze_html(&url, &text))
        })
    });
    g.finish();
    println!("analysis / bare parse: {:.2}x", alternating_ratio(&html, &bytes, &url));
}

/// The ratio of the two, each round timing one after the other so that a
/// machine that speeds up or slows down between criterion's two
/// measurements (a shared VM does, by 5 % and more) moves both alike: the
/// median over the rounds.
fn alternating_ratio(html: &str, bytes: &[u8], url: &url::Url) -> f64 {
    const ROUNDS: usize = 300;
    const PER_ROUND: u32 = 4;
    let time = |f: &dyn Fn()| {
        let start = std::time::Instant::now();
        for _ in 0..PER_ROUND {
            f();
        }
        start.elapsed().as_secs_f64()
    };
    let mut ratios: Vec<f64> = (0..ROUNDS)
        .map(|_| {
            let bare = time(&|| drop(black_box(scraper::Html::parse_document(black_box(html)))));
            let full = time(&|| {
                let text = decode_html(black_box(bytes), Some("text/html"));
                drop(black_box(analyze_html(url, &text)));
            });
            full / bare
        })
        .collect();
    ratios.sort_by(f64::total_cmp);
    ratios.get(ROUNDS / 2).copied().unwrap_or(f64::NAN)
}

criterion_group!(benches, bench);
criterion_main!(benches);
