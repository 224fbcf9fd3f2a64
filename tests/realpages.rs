//! Every row of /work/shared/realpages/README.md, checked on the real pages:
//! raw bytes → `charset::decode_html` → `analyze_html`. The pages live beside
//! the project and are never copied into it; when absent the test says so
//! and passes.

use std::path::PathBuf;

use chrono::{NaiveDate, NaiveDateTime};
use sitewarden::crawler::charset::decode_html;
use sitewarden::extract::{PageFacts, analyze_html};

fn dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/realpages")
}

fn load(name: &str) -> Option<PageFacts> {
    let path = dir().join(format!("{name}.html"));
    let Ok(bytes) = std::fs::read(&path) else {
        println!("skipping {name}: {} not present", path.display());
        return None;
    };
    let html = decode_html(&bytes, None);
    let url = url::Url::parse(&format!("https://example.vn/{name}.html")).expect("static url");
    Some(analyze_html(&url, &html))
}

fn at(y: i32, m: u32, d: u32, h: u32, mi: u32) -> NaiveDateTime {
    NaiveDate::from_ymd_opt(y, m, d)
        .and_then(|x| x.and_hms_opt(h, mi, 0))
        .expect("valid date")
}

fn digits(s: &str) -> String {
    s.chars().filter(char::is_ascii_digit).collect()
}

/// Columns "governing agency", "responsible person / editor", "licence" all "no".
fn no_identity(f: &PageFacts, name: &str) {
    let d = &f.disclosures;
    assert!(d.governing_agency.is_none(), "{name}: {:?}", d.governing_agency);
    assert!(d.managing_organisation.is_none(), "{name}: {:?}", d.managing_organisation);
    assert!(d.responsible_person.is_none(), "{name}: {:?}", d.responsible_person);
    assert!(d.editorial_board.is_none(), "{name}: {:?}", d.editorial_board);
    assert!(d.license.is_none(), "{name}: {:?}", d.license);
}

#[test]
fn tuoitre_article_1() {
    let Some(f) = load("tuoitre_article_1") else { return };
    no_identity(&f, "tuoitre_article_1");
    let d = &f.disclosures;
    assert!(d.address.is_none(), "an advert 'CHO THUÊ VĂN PHÒNG' is no address: {:?}", d.address);
    let ad = d.phones.iter().find(|p| digits(&p.value) == "0918033133");
    assert_eq!(ad.map(|p| p.label.as_str()), Some("Điện thoại liên hệ"), "{:?}", d.phones);
    assert!(d.emails.is_empty(), "{:?}", d.emails);
    assert_eq!(f.published.map(|p| p.date()), NaiveDate::from_ymd_opt(2015, 3, 23));
    assert_eq!(f.published.map(|p| p.format("%H:%M").to_string()).as_deref(), Some("08:06"));
    assert!(f.is_article);
    assert!(
        f.attribution.is_none(),
        "'Theo nguồn tin của Tuổi Trẻ' reports: {:?}",
        f.attribution
    );
}

#[test]
fn tuoitre_article_2() {
    let Some(f) = load("tuoitre_article_2") else { return };
    no_identity(&f, "tuoitre_article_2");
    let d = &f.disclosures;
    let addr = d.address.as_ref().map(|a| (a.label.as_str(), a.value.as_str()));
    assert_eq!(
        addr,
        Some(("Trụ sở", "60A, Hoàng Văn Thụ, Phường 9, Quận Phú Nhuận, Thành Phố Hồ Chí Minh"))
    );
    let p = d.phones.iter().find(|p| p.value == "(84.8)3.997.3838");
    assert_eq!(p.map(|p| p.label.as_str()), Some(""), "{:?}", d.phones);
    assert_eq!(d.phones.iter().filter(|p| p.value == "(84.8)3.997.3838").count(), 1);
    assert!(d.emails.is_empty());
    assert_eq!(f.published, Some(at(2015, 3, 23, 8, 6)));
    assert!(f.is_article);
    assert!(f.attribution.is_none(), "{:?}", f.attribution);
}

#[test]
fn tuoitre_listing_1() {
    let Some(f) = load("tuoitre_listing_1") else { return };
    no_identity(&f, "tuoitre_listing_1");
    let d = &f.disclosures;
    assert!(d.address.is_none(), "{:?}", d.address);
    assert!(!d.phones.is_empty());
    assert!(d.emails.is_empty());
    assert!(
        f.items.is_empty(),
        "no dated items; the headline's 'ngày 23-3-2015' is none: {:?}",
        f.items
    );
    assert_eq!(f.published, None);
    assert!(!f.is_article);
    assert!(f.attribution.is_none());
    assert!(f.links.len() > 100, "a home page links its articles");
}

#[test]
fn tuoitre_listing_2() {
    let Some(f) = load("tuoitre_listing_2") else { return };
    no_identity(&f, "tuoitre_listing_2");
    let d = &f.disclosures;
    assert!(d.address.as_ref().is_some_and(|a| a.value.starts_with("60A, Hoàng Văn Thụ")));
    assert!(d.phones.iter().any(|p| p.value == "(84.8)3.997.3838" && p.label.is_empty()));
    assert!(d.emails.is_empty());
    assert!(f.items.is_empty(), "{:?}", f.items);
    assert_eq!(f.published, None);
    assert!(f.attribution.is_none());
}

#[test]
fn vnexpress_article_1() {
    let Some(f) = load("vnexpress_article_1") else { return };
    no_identity(&f, "vnexpress_article_1");
    let d = &f.disclosures;
    assert!(
        d.address.is_none() && d.phones.is_empty() && d.emails.is_empty(),
        "footer is JavaScript: {d:?}"
    );
    // Meta datePublished 2022-02-13T16:08:35+07:00 = visible "13/2/2022, 16:08".
    assert_eq!(
        f.published.map(|p| p.format("%Y-%m-%d %H:%M").to_string()).as_deref(),
        Some("2022-02-13 16:08")
    );
    assert!(f.is_article);
    assert!(f.items.is_empty(), "the header clock is no item date: {:?}", f.items);
    assert!(
        f.attribution.is_none(),
        "'Theo lãnh đạo Cục Hàng không' reports: {:?}",
        f.attribution
    );
    assert_eq!(
        f.title.as_deref(),
        Some("Việt Nam dự kiến mở lại toàn bộ đường bay quốc tế từ 15/2 - VnExpress")
    );
}

fn dantri(name: &str) {
    let Some(f) = load(name) else { return };
    let d = &f.disclosures;
    let agency = d.governing_agency.as_ref().expect("governing agency");
    assert_eq!(agency.label, "Cơ quan của");
    assert_eq!(agency.value, "TW Hội Khuyến học Việt Nam");
    assert!(d.responsible_person.is_none() && d.editorial_board.is_none());
    let lic = d.license.as_ref().expect("licence");
    assert_eq!(lic.number, "378/GP - BTTTT");
    assert_eq!(lic.date, NaiveDate::from_ymd_opt(2013, 9, 16));
    let addr = d.address.as_ref().expect("address");
    assert_eq!(addr.label, "Tòa soạn");
    assert_eq!(addr.value, "Số 2 (nhà 48) Giảng Võ, Quận Đống Đa, Hà Nội");
    assert!(d.phones.iter().any(|p| p.value == "024-3736-6491" && p.label == "Điện thoại"));
    assert!(!d.phones.iter().any(|p| digits(&p.value) == "02437366490"), "fax is no phone");
    assert!(d.emails.iter().any(|e| e.value == "info@dantri.com.vn"));
    assert!(f.items.is_empty(), "16-09-2013 is the licence date: {:?}", f.items);
    assert_eq!(f.published, None);
    assert!(!f.is_article);
    assert!(f.attribution.is_none(), "'(Dân trí) -' is the paper's own tag: {:?}", f.attribution);
}

#[test]
fn dantri_listing_1() {
    dantri("dantri_listing_1");
}

#[test]
fn dantri_listing_2() {
    dantri("dantri_listing_2");
}

#[test]
fn sotttt_hanoi_gov_listing_1() {
    let Some(f) = load("sotttt-hanoi-gov_listing_1") else { return };
    no_identity(&f, "sotttt-hanoi-gov_listing_1");
    let d = &f.disclosures;
    assert!(
        d.address.as_ref().is_some_and(|a| a.value.starts_with("Số 185 Giảng Võ")),
        "{:?}",
        d.address
    );
    assert!(d.phones.iter().any(|p| p.value == "(024) 35123536"), "{:?}", d.phones);
    assert!(d.emails.iter().any(|e| e.value == "tiepnhanykien_sotttt@hanoi.gov.vn"));
    assert_eq!(f.items.len(), 15, "{:#?}", f.items);
    assert!(f.items.iter().all(|i| i.url.contains("/view_content/")));
    assert_eq!(f.items[0].published, Some(at(2022, 7, 27, 16, 4)), "12-hour clock");
    let kn = f.items.iter().find(|i| i.title.contains("27/7/1947"));
    assert_eq!(
        kn.and_then(|i| i.published),
        Some(at(2022, 7, 11, 10, 2)),
        "not the date in the title"
    );
    let sorted = f.items.windows(2).all(|w| w[0].published >= w[1].published);
    assert!(!sorted, "the listing is not in date order and the items keep page order");
    assert!(
        !f.items
            .iter()
            .any(|i| i.published.map(|p| p.date()) == NaiveDate::from_ymd_opt(2022, 4, 25))
    );
    assert_eq!(f.published, None);
    assert!(f.attribution.is_none(), "'Ghi rõ nguồn' in the footer is none: {:?}", f.attribution);
}

#[test]
fn baomoi_aggregated_1() {
    let Some(f) = load("baomoi_aggregated_1") else { return };
    no_identity(&f, "baomoi_aggregated_1");
    let d = &f.disclosures;
    assert!(d.address.is_none() && d.phones.is_empty() && d.emails.is_empty());
    assert_eq!(f.published, Some(at(2026, 7, 6, 18, 16)));
    assert!(f.is_article, "typed NewsArticle with its own date");
    assert!(f.attribution.is_none(), "no visible 'Nguồn:' line");
    assert_eq!(f.machine_source.as_deref(), Some("Báo Tin Tức TTXVN"));
}
