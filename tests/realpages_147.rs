//! The Decree 147/2024 facts on the real pages of /work/shared/realpages/
//! (see realpages.rs): what the new rules would read there. Pages absent →
//! the test says so and passes.

use std::path::PathBuf;

use sitewarden::crawler::charset::decode_html;
use sitewarden::extract::{PageFacts, analyze_html};
use sitewarden::rules::disclosure_address::looks_like_address;
use sitewarden::rules::disclosure_name::{domain_note, press_words};

fn load(name: &str) -> Option<PageFacts> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(format!("../shared/realpages/{name}.html"));
    let Ok(bytes) = std::fs::read(&path) else {
        println!("skipping {name}: {} not present", path.display());
        return None;
    };
    let html = decode_html(&bytes, None);
    let url = url::Url::parse(&format!("https://example.vn/{name}.html")).expect("static url");
    Some(analyze_html(&url, &html))
}

#[test]
fn baomoi_shell_cannot_be_judged_and_names_itself_with_a_press_word() {
    let Some(f) = load("baomoi_aggregated_1") else {
        return;
    };
    // The article is drawn by script: no end to look at, no comment box in the HTML.
    assert!(f.is_article && f.text_chars == 0);
    assert!(!f.article_end.anchored, "{:?}", f.article_end);
    assert_eq!(f.comments.open, None);
    // The site's own name, from its metadata: "Báo Mới".
    let names: Vec<&str> = f.masthead.names.iter().map(|n| n.value.as_str()).collect();
    assert_eq!(names, vec!["Báo Mới"]);
    assert_eq!(press_words("Báo Mới"), vec!["báo"]);
    let note = domain_note(&url::Url::parse("https://baomoi.com/").expect("url")).unwrap_or_default();
    assert!(note.contains("\"baomoi\"") && note.contains("\"bao\""), "{note}");
    assert!(f.masthead.service_type.is_empty());
}

#[test]
fn tuoitre_articles_offer_a_comment_form() {
    for name in ["tuoitre_article_1", "tuoitre_article_2"] {
        let Some(f) = load(name) else {
            return;
        };
        let open = f.comments.open.unwrap_or_default();
        assert!(open.contains("Vui lòng nhập nội dung bình luận"), "{name}: {open}");
        assert!(f.article_end.anchored, "{name}");
    }
}

#[test]
fn unaccented_logo_words_are_not_press_words() {
    let Some(f) = load("vnexpress_article_1") else {
        return;
    };
    let logo = f.masthead.names.iter().find(|n| n.label == "logo (alt)").map(|n| n.value.clone());
    assert_eq!(logo.as_deref(), Some("VnExpress - Bao tieng Viet nhieu nguoi xem nhat"));
    assert!(press_words(logo.as_deref().unwrap_or("")).is_empty(), "\"Bao\" may be \"bảo\"");
    assert_eq!(f.comments.open, None, "vnexpress draws its comments by script");
}

#[test]
fn press_sites_name_themselves_as_press_and_show_addresses() {
    let Some(f) = load("dantri_listing_1") else {
        return;
    };
    let site_name = f.masthead.names.iter().find(|n| n.label == "og:site_name").map(|n| n.value.clone());
    assert_eq!(site_name.as_deref(), Some("Báo điện tử Dân Trí"));
    assert_eq!(press_words(site_name.as_deref().unwrap_or("")), vec!["báo"]);
    assert!(f.disclosures.address.as_ref().is_some_and(|a| looks_like_address(&a.value)));
    assert_eq!(f.license_renewal, None, "16-09-2013 is the licence's date, no renewal");
    for name in ["tuoitre_article_2", "sotttt-hanoi-gov_listing_1"] {
        let Some(f) = load(name) else {
            return;
        };
        let a = f.disclosures.address.map(|a| a.value).unwrap_or_default();
        assert!(looks_like_address(&a), "{name}: {a}");
        assert!(f.masthead.service_type.is_empty(), "{name}");
    }
}
