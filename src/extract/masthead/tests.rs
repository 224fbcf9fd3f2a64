use super::*;

// The token-by-token reading the one-pass `dom::class_bits` replaced,
// kept as the reference its tests hold it to.
/// class/id tokens of the element holding the site's name.
const LOGO_TOKENS: &[&str] = &[
    "logo",
    "brand",
    "branding",
    "site-name",
    "sitename",
    "site-title",
    "sitetitle",
    "ten-trang",
    "tentrang",
];
/// class/id fragments of a page header, as [`token_marks`] reads them
/// (`HEADER_PARTS`); kept as its tests' reference.
const HEADER_TOKENS: &[&str] = &["header", "masthead", "banner", "logo", "brand", "slogan", "site-name", "sitename"];
/// Any class/id fragment this walk looks at: footer, header, logo, menu.
/// Every token test below needs one of them in the value.
pub(in crate::extract) const TOKEN_FRAGMENTS: &[&str] = &[
    "foot",
    "header",
    "masthead",
    "banner",
    "logo",
    "brand",
    "slogan",
    "site-name",
    "sitename",
    "site-title",
    "sitetitle",
    "ten-trang",
    "tentrang",
    "menu",
    "nav",
];
static TOKEN_FILTER: crate::extract::dom::Fragments = crate::extract::dom::Fragments::new(TOKEN_FRAGMENTS);
/// The fragments a token is searched for: `FOOTER_PART`, then
/// [`HEADER_TOKENS`], then the menu ones.
static TOKEN_PARTS: crate::extract::dom::Fragments = crate::extract::dom::Fragments::new(&[
    "footer",
    "header",
    "masthead",
    "banner",
    "logo",
    "brand",
    "slogan",
    "site-name",
    "sitename",
    "menu",
    "navbar",
]);
const FOOTER_PART: u32 = 1;
const HEADER_PARTS: u32 = 0b1_1111_1110;
const MENU_PARTS: u32 = 0b110_0000_0000;

/// What class/id tokens (lower case, space-separated) name, one search per
/// token: (footer, header, menu, logo). The reading `dom::class_bits` must
/// agree with, on the tokens `dom::class_id_into` gathers.
fn token_marks(toks: &str) -> (bool, bool, bool, bool) {
    let (mut footer, mut header, mut nav, mut logo) = (false, false, false, false);
    for t in toks.split(' ').filter(|t| !t.is_empty()) {
        let parts = TOKEN_PARTS.found_mask(t.as_bytes());
        footer |= parts & FOOTER_PART != 0 || (t.starts_with("foot") && !t.starts_with("football"));
        header |= parts & HEADER_PARTS != 0;
        nav |= parts & MENU_PARTS != 0 || t == "nav";
        logo |= LOGO_TOKENS.contains(&t) || t.starts_with("logo");
    }
    (footer, header, nav, logo)
}

fn run(html: &str) -> Masthead {
    run_with_metas(html, &[])
}

fn run_with_metas(html: &str, metas: &[(&str, &str)]) -> Masthead {
    let doc = scraper::Html::parse_document(html);
    let mut st = State::default();
    let w = super::super::walk::walk_with(&doc, &mut st);
    finish(st, metas, &w.lines)
}

fn places(m: &Masthead) -> Vec<Placement> {
    m.service_type.iter().map(|s| s.placement).collect()
}

/// The word-by-word reading `token_marks` must agree with.
fn marks_by_words(toks: &str) -> (bool, bool, bool, bool) {
    let toks = || toks.split(' ').filter(|t| !t.is_empty());
    (
        toks().any(|t| t.contains("footer") || (t.starts_with("foot") && !t.starts_with("football"))),
        toks().any(|t| HEADER_TOKENS.iter().any(|h| t.contains(h))),
        toks().any(|t| t.contains("menu") || t.contains("navbar") || t == "nav"),
        toks().any(|t| LOGO_TOKENS.contains(&t) || t.starts_with("logo")),
    )
}

#[test]
fn token_marks_equal_the_word_by_word_reading() {
    let parts = [
        "footer",
        "foot",
        "football",
        "x-foot",
        "header",
        "masthead",
        "banner",
        "logo",
        "logox",
        "xlogo",
        "brand",
        "branding",
        "slogan",
        "site-name",
        "sitename",
        "site-title",
        "sitetitle",
        "ten-trang",
        "tentrang",
        "menu",
        "navbar",
        "nav",
        "navx",
        "ſite",
        "đ",
        "a",
        "",
    ];
    for a in parts {
        for b in parts {
            for sep in ["", " ", "  ", "-"] {
                let v = format!("{a}{sep}{b}");
                assert_eq!(token_marks(&v), marks_by_words(&v), "{v:?}");
            }
        }
    }
}

#[test]
fn class_bits_in_one_pass_equal_the_token_reading() {
    let parts = [
        "footer",
        "FOOT",
        "football",
        "x-foot",
        "header",
        "Masthead",
        "banner",
        "logo",
        "LOGOx",
        "xlogo",
        "brand",
        "Branding",
        "brandx",
        "slogan",
        "site-name",
        "SiteName",
        "site-title",
        "sitetitle",
        "ten-trang",
        "TenTrang",
        "tentrangx",
        "menu",
        "navbar",
        "nav",
        "NAV",
        "navx",
        "xnav",
        "ſite",
        "đ",
        "a",
        "-",
        "_",
        "",
    ];
    let to_bits = |(f, h, n, l): (bool, bool, bool, bool)| {
        [(f, CLS_FOOTER), (h, CLS_HEADER), (n, CLS_NAV), (l, CLS_LOGO)]
            .iter()
            .filter(|(on, _)| *on)
            .fold(0, |acc, (_, bit)| acc | bit)
    };
    let masthead_bits = CLS_FOOTER | CLS_HEADER | CLS_NAV | CLS_LOGO;
    for a in parts {
        for b in parts {
            for sep in ["", " ", "  ", "\t", "\n", "-", "_", "\u{a0}"] {
                let class = format!("{a}{sep}{b}");
                for id in ["", "logo", "x"] {
                    let html = format!(r#"<div class="{class}" id="{id}" title="header logo">x</div>"#);
                    let doc = scraper::Html::parse_fragment(&html);
                    let Some(el) = doc.tree.nodes().find_map(|n| n.value().as_element().filter(|e| e.name() == "div")) else {
                        panic!("no div in {html}");
                    };
                    let mut toks = String::new();
                    super::super::dom::class_id_into(el, &TOKEN_FILTER, &mut toks);
                    let bits = super::super::dom::class_bits(el) & masthead_bits;
                    assert_eq!(bits, to_bits(token_marks(&toks)), "{html:?}");
                }
            }
        }
    }
}

#[test]
fn tag_bits_answer_what_the_name_compares_answered() {
    use super::super::dom::{block, invisible};
    let names = [
        "p",
        "div",
        "li",
        "ul",
        "ol",
        "tr",
        "td",
        "th",
        "br",
        "table",
        "section",
        "article",
        "main",
        "header",
        "footer",
        "nav",
        "aside",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "form",
        "dd",
        "dt",
        "dl",
        "figure",
        "figcaption",
        "blockquote",
        "address",
        "center",
        "hr",
        "script",
        "style",
        "noscript",
        "template",
        "head",
        "title",
        "svg",
        "iframe",
        "object",
        "select",
        "canvas",
        "textarea",
        "img",
        "a",
        "span",
        "b",
        "DIV",
        "Header",
        "foreignObject",
        "picture",
        "h7",
        "x",
        "",
    ];
    for n in names {
        let t = tag_bits(&html5ever::LocalName::from(n));
        assert_eq!(t & T_INVISIBLE != 0, invisible(n), "{n}");
        assert_eq!(t & T_BLOCK != 0, block(n), "{n}");
        assert_eq!(t & T_IMG != 0, n == "img", "{n}");
        assert_eq!(t & T_FOOTER != 0, n == "footer", "{n}");
        assert_eq!(t & T_MAIN != 0, matches!(n, "main" | "article"), "{n}");
        assert_eq!(t & T_ARTICLE != 0, n == "article", "{n}");
        assert_eq!(t & T_SUBHEADING != 0, matches!(n, "h2" | "h3" | "h4" | "h5" | "h6"), "{n}");
        assert_eq!(t & T_HEADER != 0, n == "header", "{n}");
        assert_eq!(t & T_NAV != 0, n == "nav", "{n}");
    }
}

#[test]
fn phrase_prefilter_gives_what_folding_everything_gives() {
    use unicode_normalization::UnicodeNormalization;
    let parts = [
        "Trang thông tin điện tử tổng hợp",
        "TRANG THÔNG TIN ĐIỆN TỬ TỔNG HỢP",
        "Trang TTĐT tổng hợp",
        "tổng\u{a0}hợp",
        "tổng  hợp",
        "Giấy phép thiết lập ",
        "trong huyện",
        "tong hop",
        "Tong Hop",
        " ",
        "\u{a0}",
        "x",
    ];
    let mut scratch = String::new();
    for a in parts {
        for b in parts {
            for text in [format!("{a}{b}"), format!("{a}{b}").nfd().collect::<String>(), format!("{b} {a}")] {
                let slow = if contains_ascii_ci(&text, "ng h") {
                    phrase_in_folded(&text)
                } else {
                    None
                };
                assert_eq!(find_phrase(&text, &mut scratch), slow, "{text:?}");
            }
        }
    }
}

#[test]
fn every_token_looked_for_passes_the_filter() {
    for t in LOGO_TOKENS
        .iter()
        .chain(HEADER_TOKENS)
        .chain(&["footer", "foot", "menu", "navbar", "nav", "logox"])
    {
        assert!(TOKEN_FILTER.found_in(t.to_ascii_uppercase().as_bytes()), "{t}");
    }
}

#[test]
fn service_type_beside_the_name_in_the_header_is_top() {
    let m = run(
        r#"<header class="site-header"><a class="logo" href="/">Biển Xanh - Trang thông tin điện tử tổng hợp</a>
            <nav><a href="/">Trang chủ</a></nav></header><main><h2>Tin mới</h2><p>Bài</p></main>"#,
    );
    assert_eq!(places(&m), vec![Placement::Top]);
    assert!(m.service_type[0].snippet.contains("Trang thông tin điện tử tổng hợp"));
    assert_eq!(
        m.names.first().map(|n| n.value.as_str()),
        Some("Biển Xanh - Trang thông tin điện tử tổng hợp")
    );
}

#[test]
fn under_the_name_split_across_elements_and_upper_case() {
    let m = run(r#"<div id="banner"><div class="site-name">CHÈ XANH</div>
            <div class="slogan"><span>TRANG THÔNG TIN ĐIỆN TỬ</span> <span>TỔNG HỢP</span></div></div>
            <div class="content"><h2>Tin</h2></div>"#);
    assert_eq!(places(&m), vec![Placement::Top]);
    assert_eq!(m.names.first().map(|n| n.value.as_str()), Some("CHÈ XANH"));
}

#[test]
fn only_in_the_footer_is_footer() {
    let m = run(
        r#"<header><a class="logo" href="/">Tin Nhanh</a></header><main><h2>Tin</h2><p>x</p></main>
            <footer><p>Trang thông tin điện tử tổng hợp Tin Nhanh</p><p>Giấy phép số 1/GP-STTTT</p></footer>"#,
    );
    assert_eq!(places(&m), vec![Placement::Footer]);
    let m = run(r#"<div class="ft-wrap"><p>Trang thông tin điện tử tổng hợp</p></div>"#);
    assert_eq!(
        places(&m),
        vec![Placement::Top],
        "no header, no main: the first words of the page are its top"
    );
    let m = run(r#"<div class="footer-header"><p>Trang thông tin điện tử tổng hợp</p></div>"#);
    assert_eq!(places(&m), vec![Placement::Footer]);
}

#[test]
fn inside_the_content_is_body_and_article_headers_are_not_page_headers() {
    let m = run(
        r#"<header><a class="logo" href="/">X</a></header><main><article><header class="article-header">
            <h1>Thế nào là trang thông tin điện tử tổng hợp?</h1></header></article></main>"#,
    );
    assert_eq!(places(&m), vec![Placement::Body]);
}

#[test]
fn a_main_element_may_wrap_the_page_header() {
    let m = run(r#"<main id="app"><header class="top"><div class="site-name">Chè Xanh</div>
            <p>Trang thông tin điện tử tổng hợp</p></header><section><h2>Tin</h2></section></main>"#);
    assert_eq!(places(&m), vec![Placement::Top]);
}

#[test]
fn logo_image_alt_counts_as_top_in_an_image() {
    let m = run(
        r#"<div class="header"><a href="/"><img src="/logo.png" alt="Biển Xanh - Trang TTĐT tổng hợp"></a></div><main><p>x</p></main>"#,
    );
    assert_eq!(places(&m), vec![Placement::Top]);
    assert!(m.service_type[0].in_image);
}

#[test]
fn names_from_metadata_and_nothing_without_the_words() {
    let m = run_with_metas(
        "<p>Trang tin tổng hợp</p>",
        &[("og:site_name", "Báo Mới"), ("application-name", "Báo Mới")],
    );
    assert!(m.service_type.is_empty());
    assert_eq!(m.names.len(), 1, "the same name once: {:?}", m.names);
    assert_eq!(m.names[0].label, "og:site_name");
}

#[test]
fn the_licence_title_is_not_the_service_type_and_menus_are_not_quoted() {
    let m = run(
        r#"<header><a class="logo" href="/">Phố Núi</a><nav><a href="/">Trang chủ</a></nav></header>
            <main><h2>Tin</h2></main><footer><p>Giấy phép thiết lập trang thông tin điện tử tổng hợp số 03/GP-STTTT</p></footer>"#,
    );
    assert!(m.service_type.is_empty(), "{:?}", m.service_type);
    let m = run(
        r#"<header><a class="logo" href="/">Phố Núi</a> <span>Trang thông tin điện tử tổng hợp</span>
            <nav><a href="/">Trang chủ</a></nav></header>"#,
    );
    assert_eq!(
        m.service_type.first().map(|s| s.snippet.as_str()),
        Some("Phố Núi Trang thông tin điện tử tổng hợp")
    );
}

#[test]
fn scripts_are_not_text() {
    let m = run(r#"<header><script>var s = "Trang thông tin điện tử tổng hợp";</script></header>"#);
    assert!(m.service_type.is_empty());
}
