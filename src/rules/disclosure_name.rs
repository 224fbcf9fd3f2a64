//! `disclosure.name`: an aggregator's name uses no word reserved to the
//! press.
//!
//! Basis: Decree 147/2024/NĐ-CP Art. 24(9)(a) ("Tên trang không được …
//! có những từ ngữ … như: Báo, đài, tạp chí, tin, tin tức, phát thanh,
//! truyền hình, truyền thông, thông tấn, thông tấn xã") and Art. 26(1) for
//! the domain name; in force from 25/12/2024, no result before.
//!
//! The name is read where the site gives it: the registry, the home page's
//! `<title>`, and the name at the top of the home page (logo, `og:site_name`).
//! A press word counts only as a word of its own, compared with its
//! diacritics: "thông tin" is not "tin", "thông báo", "cảnh báo", "dự báo"
//! and "báo cáo" are not "báo", "lâu đài" is not "đài", and "bảo" is not
//! "báo". A domain label that starts with the unaccented word (`tintuc…`,
//! `baomoi…`) is reported in the evidence but decides nothing: "bao" may
//! as well be "bảo". Warning: a name is the licence's business, and the
//! officer weighs it.

use crate::extract::text::clean;
use crate::model::{Evidence, Severity};

use super::{AGGREGATOR, RuleContext, RuleDef, Verdict, law};

pub const RULE: RuleDef = RuleDef {
    id: "disclosure.name",
    name: "Tên trang không dùng từ ngữ của báo chí",
    applies_to: AGGREGATOR,
    severity: Severity::Warning,
    law: law::SITE_NAME,
    needs_home: true,
    check,
};

/// The press words of Art. 24(9)(a), as sequences of words, longest first.
const PRESS: &[&[&str]] = &[
    &["thông", "tấn", "xã"],
    &["tin", "tức"],
    &["tạp", "chí"],
    &["phát", "thanh"],
    &["truyền", "hình"],
    &["truyền", "thông"],
    &["thông", "tấn"],
    &["báo"],
    &["đài"],
    &["tin"],
];

/// Words that make a one-syllable press word part of another word, as
/// (press word, words before it, words after it).
const COMPOUNDS: &[(&str, &[&str], &[&str])] = &[
    (
        "tin",
        &["thông", "niềm", "tự", "lòng", "đức", "tín"],
        &["học", "cậy", "tưởng", "nhắn", "dùng", "yêu"],
    ),
    (
        "báo",
        &["thông", "cảnh", "dự", "tình", "mật", "hồi"],
        &[
            "cáo", "động", "hiệu", "giá", "thức", "đáp", "danh", "ân", "oán", "thù", "công", "hại",
        ],
    ),
    (
        "đài",
        &["lâu", "khán", "lễ", "vũ", "vọng", "trang", "đền", "pháo", "kỳ"],
        &["loan", "các", "hoa", "tưởng", "thiên", "phun", "trang", "bắc"],
    ),
];

/// Unaccented press words a domain label may start with, and how they read.
const DOMAIN_WORDS: &[(&str, &str)] = &[
    ("tintuc", "tin tức"),
    ("tapchi", "tạp chí"),
    ("phatthanh", "phát thanh"),
    ("truyenhinh", "truyền hình"),
    ("truyenthong", "truyền thông"),
    ("thongtan", "thông tấn"),
    ("bao", "báo"),
    ("dai", "đài"),
    ("tin", "tin"),
];

/// Labels of a host that say nothing about the name.
const GENERIC_LABELS: &[&str] = &[
    "www", "com", "net", "org", "gov", "edu", "info", "biz", "vn", "ac", "int", "name", "pro",
];

/// The press words `name` uses as words of their own, as the law writes them.
pub fn press_words(name: &str) -> Vec<String> {
    let lower = clean(name).to_lowercase();
    let words: Vec<&str> = lower.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).collect();
    let mut found: Vec<String> = Vec::new();
    let mut i = 0;
    while i < words.len() {
        let hit = PRESS.iter().find(|p| {
            words.get(i..i + p.len()) == Some(*p) && {
                let (before, after) = (i.checked_sub(1).and_then(|j| words.get(j)), words.get(i + p.len()));
                !COMPOUNDS.iter().any(|(w, pre, post)| {
                    p.len() == 1
                        && p.first() == Some(w)
                        && (before.is_some_and(|b| pre.contains(b)) || after.is_some_and(|a| post.contains(a)))
                })
            }
        });
        match hit {
            Some(p) => {
                let w = p.join(" ");
                if !found.contains(&w) {
                    found.push(w);
                }
                i += p.len();
            }
            None => i += 1,
        }
    }
    found
}

/// A note on a domain label that starts with an unaccented press word.
pub fn domain_note(url: &url::Url) -> Option<String> {
    let Some(url::Host::Domain(host)) = url.host() else {
        return None;
    };
    let host = host.to_ascii_lowercase();
    let labels: Vec<&str> = host.split('.').collect();
    let last = labels.len().saturating_sub(1);
    labels.iter().enumerate().find_map(|(i, label)| {
        if i == last || GENERIC_LABELS.contains(label) {
            return None;
        }
        let (plain, word) = DOMAIN_WORDS.iter().find(|(p, _)| label.starts_with(p))?;
        Some(format!(
            "tên miền \"{host}\": nhãn \"{label}\" bắt đầu bằng \"{plain}\", có thể là \"{word}\" (từ ngữ dành cho báo chí, Điều 26 khoản 1) nhưng cũng có thể là từ khác (\"bao\" có thể là \"bảo\"); cần xem xét thêm"
        ))
    })
}

/// Where a name was read, in Vietnamese, from a masthead label.
fn where_(label: &str) -> String {
    match label {
        "logo" => "tên trang ở logo đầu trang chủ".to_string(),
        "logo (alt)" => "chữ thay thế (alt) của ảnh logo ở đầu trang chủ".to_string(),
        other => format!("tên trang khai báo trong thẻ meta \"{other}\" của trang chủ"),
    }
}

fn check(ctx: &RuleContext) -> Verdict {
    let site_url = ctx.site.url.as_str();
    let mut names: Vec<(String, String, String)> = vec![(
        site_url.to_string(),
        "tên trong danh sách trang đã đăng ký".to_string(),
        ctx.site.name.clone(),
    )];
    if let Some(home) = ctx.crawl.home_page() {
        if let Some(t) = home.facts.title.as_deref().filter(|t| !t.trim().is_empty()) {
            names.push((
                home.final_url.clone(),
                "tiêu đề (thẻ title) của trang chủ".to_string(),
                t.to_string(),
            ));
        }
        for n in &home.facts.masthead.names {
            names.push((home.final_url.clone(), where_(&n.label), n.value.clone()));
        }
    }
    let mut offending = Vec::new();
    let mut clean_names = Vec::new();
    let mut words_used: Vec<String> = Vec::new();
    for (url, where_, name) in &names {
        let words = press_words(name);
        if words.is_empty() {
            clean_names.push(Evidence::new(
                url,
                format!("{where_}: \"{name}\", không có từ ngữ dành cho báo chí"),
            ));
        } else {
            let quoted = words.iter().map(|w| format!("\"{w}\"")).collect::<Vec<_>>().join(", ");
            offending.push(Evidence::new(url, format!("{where_}: \"{name}\" có từ {quoted}")));
            for w in words {
                if !words_used.contains(&w) {
                    words_used.push(w);
                }
            }
        }
    }
    let note = domain_note(&ctx.site.url).map(|n| Evidence::new(site_url, n));
    if offending.is_empty() {
        let mut evidence = clean_names;
        evidence.extend(note);
        return Verdict::pass("Tên trang không dùng từ ngữ dành cho cơ quan báo chí", evidence);
    }
    let mut evidence = offending;
    evidence.extend(note);
    let quoted = words_used.iter().map(|w| format!("\"{w}\"")).collect::<Vec<_>>().join(", ");
    Verdict::fail(
        format!("Tên trang dùng từ ngữ dành cho cơ quan báo chí ({quoted})"),
        evidence,
        "Đặt lại tên trang (trong hồ sơ cấp phép, tiêu đề và đầu trang chủ) không dùng các từ báo, đài, tạp chí, tin, tin tức, phát thanh, truyền hình, truyền thông, thông tấn.",
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::Found;
    use crate::model::{Kind, Status};
    use crate::rules::testkit::*;

    #[test]
    fn press_words_as_words_of_their_own() {
        assert_eq!(press_words("Tin tức Phố Núi 24h"), vec!["tin tức"]);
        assert_eq!(press_words("Trang tin tổng hợp Đại Ngàn"), vec!["tin"]);
        assert_eq!(press_words("BÁO MỚI"), vec!["báo"]);
        assert_eq!(press_words("Đài Truyền hình Tổng hợp"), vec!["đài", "truyền hình"]);
        assert_eq!(press_words("Kênh Truyền thông Biển Xanh"), vec!["truyền thông"]);
        assert_eq!(press_words("Thông tấn xã Mới"), vec!["thông tấn xã"]);
        assert_eq!(press_words("Tạp chí Làng Quê"), vec!["tạp chí"]);
    }

    #[test]
    fn syllables_of_other_words_do_not_count() {
        for name in [
            "Trang thông tin điện tử tổng hợp Biển Xanh",
            "Chè Xanh - Thông tin tổng hợp Thái Nguyên",
            "Thông báo Dự báo Cảnh báo",
            "Báo cáo thường niên",
            "Bảo Minh tổng hợp",
            "Lâu đài Cát",
            "Tin học Trẻ",
            "Thông tin Hạ Long",
            "",
        ] {
            assert!(press_words(name).is_empty(), "{name}: {:?}", press_words(name));
        }
        // NFD and upper case read like NFC lower case.
        let nfd: String = unicode_normalization::UnicodeNormalization::nfd("TIN TỨC").collect();
        assert_eq!(press_words(&nfd), vec!["tin tức"]);
    }

    #[test]
    fn domain_labels_are_reported_not_decided() {
        let u = |s: &str| url::Url::parse(s).expect("test url");
        assert!(domain_note(&u("https://baomoi.com/")).is_some_and(|n| n.contains("\"baomoi\"") && n.contains("bảo")));
        assert!(domain_note(&u("https://www.tintuc24h.vn/")).is_some_and(|n| n.contains("tin tức")));
        assert_eq!(domain_note(&u("https://bienxanh.vn/")), None);
        assert_eq!(domain_note(&u("http://127.0.0.1:8080/")), None);
        let mut fx = Fx::aggregator();
        fx.site.name = "Mới Đây - Trang thông tin điện tử tổng hợp".into();
        fx.site.url = u("https://baomoi.com/");
        let v = fx.run(&RULE);
        assert_eq!(v.status, Status::Pass);
        assert!(ev(&v).contains("baomoi"), "{}", ev(&v));
    }

    #[test]
    fn a_press_word_in_title_or_logo_fails_as_a_warning() {
        let mut fx = Fx::aggregator();
        fx.site.name = "Trang thông tin điện tử tổng hợp Phố Núi".into();
        fx.home().title = Some("Tin tức Phố Núi - Trang thông tin điện tử tổng hợp".into());
        fx.home().masthead.names.push(Found {
            label: "logo".into(),
            value: "TIN TỨC PHỐ NÚI".into(),
            snippet: String::new(),
        });
        let v = fx.run(&RULE);
        assert_eq!(v.status, Status::Fail);
        assert_eq!(RULE.severity, Severity::Warning);
        assert!(v.message.contains("\"tin tức\""), "{}", v.message);
        let e = ev(&v);
        assert!(e.contains("tiêu đề (thẻ title)") && e.contains("logo đầu trang"), "{e}");
        assert!(!e.contains("danh sách trang đã đăng ký"), "the registry name is clean: {e}");
    }

    #[test]
    fn a_clean_name_passes_quoting_what_was_read() {
        let mut fx = Fx::aggregator();
        fx.site.name = "Trang thông tin tổng hợp Chè Xanh".into();
        fx.home().title = Some("Chè Xanh - Thông tin tổng hợp Thái Nguyên".into());
        let v = fx.run(&RULE);
        assert_eq!(v.status, Status::Pass);
        assert!(ev(&v).contains("Chè Xanh - Thông tin tổng hợp Thái Nguyên"), "{}", ev(&v));
    }

    #[test]
    fn unreachable_is_unknown_and_no_result_before_25_december_2024() {
        let mut fx = Fx::aggregator();
        fx.crawl.home = Err(failure(crate::model::FailureKind::Connect, None));
        assert_eq!(fx.run(&RULE).status, Status::Unknown);
        assert_eq!(RULE.basis(Kind::Aggregator, d(2024, 12, 24), None), None);
        assert!(RULE.basis(Kind::Aggregator, d(2024, 12, 25), None).is_some());
    }
}
