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
    let Some(f) = load("tuoitre_article_1") else {
        return;
    };
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
    let Some(f) = load("tuoitre_article_2") else {
        return;
    };
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
    let Some(f) = load("tuoitre_listing_1") else {
        return;
    };
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
    let Some(f) = load("tuoitre_listing_2") else {
        return;
    };
    no_identity(&f, "tuoitre_listing_2");
    let d = &f.disclosures;
    assert!(d.address.as_ref().is_some_and(|a| a.value.starts_with("60A, Hoàng Văn Thụ")));
    assert!(d.phones.iter().any(|p| p.value == "(84.8)3.997.3838" && p.label.is_empty()));
    assert!(d.emails.is_empty());
    assert!(f.items.is_empty(), "{:?}", f.items);
    assert_eq!(f.published, None);
    assert!(!f.is_article);
    assert!(f.attribution.is_none());
}

#[test]
fn vnexpress_article_1() {
    let Some(f) = load("vnexpress_article_1") else {
        return;
    };
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
    let Some(f) = load("sotttt-hanoi-gov_listing_1") else {
        return;
    };
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
    assert!(!f.is_article, "a listing under its portlet heading");
    assert!(f.attribution.is_none(), "'Ghi rõ nguồn' in the footer is none: {:?}", f.attribution);
}

#[test]
fn baomoi_aggregated_1() {
    let Some(f) = load("baomoi_aggregated_1") else {
        return;
    };
    no_identity(&f, "baomoi_aggregated_1");
    let d = &f.disclosures;
    assert!(d.address.is_none() && d.phones.is_empty() && d.emails.is_empty());
    assert_eq!(f.published, Some(at(2026, 7, 6, 18, 16)));
    assert!(f.is_article, "typed NewsArticle with its own date");
    assert!(f.attribution.is_none(), "no visible 'Nguồn:' line");
    assert_eq!(f.machine_source.as_deref(), Some("Báo Tin Tức TTXVN"));
}

// ---------------------------------------------------------------------------
// The same pages as sites: each page served on loopback where a real crawl
// meets it, and the decisions its README row calls for, rule by rule.

mod as_sites {
    use std::collections::HashMap;

    use bytes::Bytes;
    use chrono::NaiveDate;
    use sitewarden::config::Config;
    use sitewarden::engine::Engine;
    use sitewarden::fixtures::{FixtureSet, ServerSettings, SiteFiles, serve};
    use sitewarden::registry::Registry;
    use sitewarden::settings::Settings;
    use tokio::sync::watch;

    struct RealSite {
        id: &'static str,
        kind: &'static str,
        as_of: (i32, u32, u32),
        /// path → real page file name (without .html), or inline HTML.
        pages: Vec<(&'static str, Page)>,
        expected: Vec<(&'static str, &'static str)>,
    }

    enum Page {
        Real(&'static str),
        Inline(String),
    }

    /// A home page of nothing but links to the pages under test.
    fn home(links: &[(&str, &str)]) -> Page {
        let items: String = links
            .iter()
            .map(|(href, text)| format!("<li><a href=\"{href}\">{text}</a></li>"))
            .collect();
        Page::Inline(format!(
            "<html><head><title>Trang chủ</title></head><body><ul class=\"news\">{items}</ul></body></html>"
        ))
    }

    fn sites() -> Vec<RealSite> {
        let disclosure = |page: &'static str, kind: &'static str, contact: &'static str, agency: &'static str| RealSite {
            id: page.split('_').next().unwrap_or("x").trim_end_matches("-hanoi-gov"),
            kind,
            as_of: (2026, 11, 25),
            pages: vec![("/", Page::Real(page))],
            expected: vec![
                ("disclosure.contact", contact),
                ("disclosure.governing_agency", agency),
                // No page names a person responsible for content or an editorial board.
                ("disclosure.responsible_person", "fail"),
            ],
        };
        let mut v = vec![
            // Phone (advertising) but no e-mail; no identity.
            RealSite {
                id: "tuoitre-a1",
                ..disclosure("tuoitre_article_1", "government", "fail", "fail")
            },
            RealSite {
                id: "tuoitre-a2",
                ..disclosure("tuoitre_article_2", "government", "fail", "fail")
            },
            RealSite {
                id: "tuoitre-l1",
                ..disclosure("tuoitre_listing_1", "government", "fail", "fail")
            },
            RealSite {
                id: "tuoitre-l2",
                ..disclosure("tuoitre_listing_2", "government", "fail", "fail")
            },
            // Footer drawn by JavaScript: nothing in the HTML.
            RealSite {
                id: "vnexpress",
                ..disclosure("vnexpress_article_1", "government", "fail", "fail")
            },
            // "Cơ quan của …", telephone and e-mail on the home page.
            RealSite {
                id: "dantri-1",
                ..disclosure("dantri_listing_1", "aggregator", "pass", "pass")
            },
            RealSite {
                id: "dantri-2",
                ..disclosure("dantri_listing_2", "aggregator", "pass", "pass")
            },
            // Telephone and an e-mail written as character references.
            RealSite {
                id: "sotttt",
                ..disclosure("sotttt-hanoi-gov_listing_1", "government", "pass", "fail")
            },
            RealSite {
                id: "baomoi-home",
                ..disclosure("baomoi_aggregated_1", "aggregator", "fail", "fail")
            },
        ];
        // The articles at clean URLs ending in `/`, where a URL guess takes
        // them for listings: their dates must still count (window of one
        // working day: 23/03/2015, 13/02/2022 is a Sunday so 11/02 is empty).
        v.push(RealSite {
            id: "tuoitre-article-dates",
            kind: "government",
            as_of: (2015, 3, 24),
            pages: vec![
                (
                    "/",
                    home(&[
                        ("/tin-tuc/chi-tiet/1/", "Bài viết thứ nhất của trang"),
                        ("/tin-tuc/chi-tiet/2/", "Bài viết thứ hai của trang"),
                    ]),
                ),
                ("/tin-tuc/chi-tiet/1/", Page::Real("tuoitre_article_1")),
                ("/tin-tuc/chi-tiet/2/", Page::Real("tuoitre_article_2")),
            ],
            expected: vec![("update.daily", "pass")],
        });
        v.push(RealSite {
            id: "vnexpress-article-date",
            kind: "government",
            as_of: (2022, 2, 14),
            pages: vec![
                ("/", home(&[("/news/1/", "Việt Nam mở lại đường bay quốc tế")])),
                ("/news/1/", Page::Real("vnexpress_article_1")),
            ],
            // Window 11/02/2022 (Friday): the Sunday article is not in it.
            expected: vec![("update.daily", "fail")],
        });
        // The listing of 15 dated items, not in date order, as the site's
        // news: 27/07/2022 has an item (04:04 PM), 28/07 none.
        for (id, day, want) in [("sotttt-listing-27", 28, "pass"), ("sotttt-listing-28", 29, "fail")] {
            v.push(RealSite {
                id,
                kind: "government",
                as_of: (2022, 7, day),
                pages: vec![
                    ("/", home(&[("/tin-tuc/", "Tin tức")])),
                    ("/tin-tuc/", Page::Real("sotttt-hanoi-gov_listing_1")),
                ],
                expected: vec![("update.daily", want)],
            });
        }
        // The aggregated article names its source only in machine-readable form.
        v.push(RealSite {
            id: "baomoi-article",
            kind: "aggregator",
            as_of: (2026, 7, 7),
            pages: vec![
                ("/", home(&[("/tin/bai-viet/1/", "Bài viết tổng hợp từ báo khác")])),
                ("/tin/bai-viet/1/", Page::Real("baomoi_aggregated_1")),
            ],
            expected: vec![("attribution.source", "fail"), ("attribution.details", "unknown")],
        });
        v
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn each_page_decided_as_its_row_says() {
        let mut set = FixtureSet::default();
        let mut registry = String::new();
        let mut wanted = Vec::new();
        for s in sites() {
            let mut files = HashMap::new();
            let mut content_type = HashMap::new();
            let mut missing = false;
            for (path, page) in &s.pages {
                let body = match page {
                    Page::Real(name) => match std::fs::read(super::dir().join(format!("{name}.html"))) {
                        Ok(b) => b,
                        Err(_) => {
                            missing = true;
                            break;
                        }
                    },
                    Page::Inline(html) => html.clone().into_bytes(),
                };
                let key = if path.ends_with('/') {
                    format!("{path}index.html")
                } else {
                    path.to_string()
                };
                files.insert(key, Bytes::from(body));
                content_type.insert(path.to_string(), "text/html".to_string());
            }
            if missing {
                println!("skipping {}: a real page is not present", s.id);
                continue;
            }
            set.sites.insert(
                s.id.to_string(),
                SiteFiles {
                    files,
                    settings: ServerSettings {
                        content_type,
                        ..Default::default()
                    },
                },
            );
            registry += &format!(
                "[[site]]\nid = \"{}\"\nname = \"{}\"\nurl = \"{{base:{}}}/\"\nkind = \"{}\"\n\n",
                s.id, s.id, s.id, s.kind
            );
            let as_of = NaiveDate::from_ymd_opt(s.as_of.0, s.as_of.1, s.as_of.2).expect("valid as-of");
            wanted.push((s.id, as_of, s.expected));
        }
        if wanted.is_empty() {
            return;
        }
        set.registry_template = registry;
        let running = serve(&set).await.expect("servers start");
        let dir = tempfile::tempdir().expect("tempdir");
        let config = Config::parse(
            &dir.path().join("sitewarden.toml"),
            "state_dir = \"state\"\nregistry = \"sites.toml\"\n[crawl]\nper_host_rate = \"1000/1s\"\nallow_private_addresses = true\n\
             [rules.update]\nwindow_working_days = 1\n",
        )
        .expect("config");
        let registry = Registry::parse(&dir.path().join("sites.toml"), &running.registry).expect("registry");
        let engine = Engine::new(Settings::new(config, registry).expect("settings")).expect("engine");
        let (_stop, shutdown) = watch::channel(false);
        let mut problems = Vec::new();
        for (id, as_of, expected) in wanted {
            let site = engine.registry.get(id).expect("site");
            let outcome = engine
                .check_site(&site, as_of, shutdown.clone())
                .await
                .expect("check runs")
                .expect("not interrupted");
            for (rule, want) in expected {
                let got = outcome.results.iter().find(|r| r.rule == rule);
                let status = got.map_or("(none)", |r| r.status.as_str());
                if status != want {
                    let ev: Vec<String> = got
                        .map(|r| r.evidence.iter().map(|e| e.detail.clone()).collect())
                        .unwrap_or_default();
                    problems.push(format!("{id} {rule}: expected {want}, got {status}: {}", ev.join(" || ")));
                }
            }
        }
        assert!(problems.is_empty(), "{}", problems.join("\n"));
    }
}
