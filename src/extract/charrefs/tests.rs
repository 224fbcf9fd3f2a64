use super::*;

/// The tree `html` parses to, written out: scripts, comments and attribute
/// names as the parser kept them, text and values escaped.
fn tree(html: &str) -> String {
    scraper::Html::parse_document(html).html()
}

fn assert_same_tree(html: &str) {
    assert_eq!(tree(&numeric(html)), tree(html), "page: {html:?}\nrewritten: {:?}", numeric(html));
}

#[test]
fn every_name_is_the_html_reference_to_its_number() {
    for name in NAMES {
        let name = std::str::from_utf8(name).expect("ascii names");
        let (code, second) = html5ever::data::NAMED_ENTITIES
            .get(format!("{name};").as_str())
            .copied()
            .unwrap_or_else(|| panic!("&{name}; is not an HTML reference"));
        assert_eq!(second, 0, "{name}");
        assert_eq!(decimal(name.as_bytes()), Some(code.to_string().as_str()), "{name}");
        assert_eq!(numeric(&format!("<p>&{name};</p>")), format!("<p>&#{code};</p>"));
        assert_same_tree(&format!("<p title=\"&{name};\" class=&{name};>&{name};x</p>"));
    }
}

#[test]
fn text_values_and_titles_are_rewritten() {
    assert_eq!(
        numeric("<a href=\"/tin?id=1&amp;p=2\">A&nbsp;B</a>"),
        "<a href=\"/tin?id=1&#38;p=2\">A&#160;B</a>"
    );
    assert_eq!(numeric("<a title='x > &lt;' href=a&amp;b>"), "<a title='x > &#60;' href=a&#38;b>");
    assert_eq!(
        numeric("<title>S&ocirc;&#769; 1 &amp; 2</title>"),
        "<title>S&#244;&#769; 1 &#38; 2</title>"
    );
    assert_eq!(numeric("<textarea>&quot;</textarea>"), "<textarea>&#34;</textarea>");
    // `<!-->` is a whole comment; what follows is text.
    assert_eq!(numeric("<!-->&amp;"), "<!-->&#38;");
    assert_eq!(numeric("<!--->&amp;"), "<!--->&#38;");
    assert_eq!(numeric("<![CDATA[ x ]>&amp;"), "<![CDATA[ x ]>&#38;");
    assert_eq!(numeric("<svg><path/></svg>&amp;"), "<svg><path/></svg>&#38;");
    assert_eq!(
        numeric("<svg><title>X</title><svg></svg></svg>&amp;"),
        "<svg><title>X</title><svg></svg></svg>&#38;"
    );
    // End tags' attributes are dropped by the parser, rewritten or not.
    assert_same_tree("</p title=\"&amp;>\">&amp;");
}

#[test]
fn what_the_parser_keeps_as_written_is_left_alone() {
    for page in [
        "<script>var a = \"&amp;\";</script>",
        "<script type=\"application/ld+json\">{\"author\": \"S&amp;T\"}</script>",
        "<SCRIPT>a = '</scripts>&amp;';</SCRIPT >",
        "<style>a::after { content: \"&nbsp;\" }</style>",
        "<noscript>&amp;</noscript>",
        "<iframe>&amp;</iframe><xmp>&lt;</xmp>",
        "<!-- &amp; -->",
        "<!DOCTYPE html \"&amp;\">",
        "<?xml &amp; ?>",
        "<plaintext>&amp;<p>&amp;",
        "<a data-x&amp;y=1>",
        "<p &amp;>",
        // No semicolon, not a name in the table, or a longer name.
        "&amp &AMP; &ampx; &notin; &#38; &x;",
        "<svg><title>&amp;</title><path d=\"</svg>\"/><!-- </svg> --><svg>&amp;</svg>&amp;</svg>",
        // What SVG reads otherwise ends the rewriting of the page.
        "<svg><style>&lt;</style></svg>&amp;",
        "<svg><![CDATA[&amp;]]></svg>&amp;",
    ] {
        assert_eq!(numeric(page), page, "{page}");
        assert_same_tree(page);
    }
}

#[test]
fn escaped_script_ends_where_the_parser_ends_it() {
    // An old portal's counter: the inner `</script>` does not end the
    // outer script, so nothing before the last one is rewritten.
    let page = "<script><!-- document.write(\"<script src='c.js?a=1&amp;b=2'></script>&amp;\"); --></script><p>&amp;</p>";
    assert_eq!(numeric(page), page.replace("<p>&amp;", "<p>&#38;"));
    assert_same_tree(page);
    // Outside the escape, `<script>` is text and `</script>` ends it.
    let page = "<script>a = \"<script>\";</script><p>&amp;</p>";
    assert_eq!(numeric(page), page.replace("<p>&amp;", "<p>&#38;"));
    let page = "<script><!--></script><p>&amp;</p>";
    assert_eq!(numeric(page), page.replace("<p>&amp;", "<p>&#38;"));
    assert_same_tree(page);
}

#[test]
fn a_page_without_names_is_not_copied() {
    assert!(matches!(numeric("<p>Sở Khoa học &#38; Công nghệ</p>"), Cow::Borrowed(_)));
    assert!(matches!(numeric("<script>&amp;</script>"), Cow::Borrowed(_)));
    // One name in 2 KB of text would cost more to find than it saves.
    let sparse = format!("<p>{}&amp;</p>", "Sở Khoa học và Công nghệ. ".repeat(70));
    assert!(matches!(numeric(&sparse), Cow::Borrowed(_)));
    let dense = format!("<p>{}</p>", "<a href=\"/tin?id=1&amp;p=2\">Tin</a> ".repeat(70));
    assert!(matches!(numeric(&dense), Cow::Owned(_)));
}

#[test]
fn real_and_fixture_pages_parse_to_the_same_tree() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut pages = Vec::new();
    for dir in [root.join("../shared/realpages"), root.join("fixtures")] {
        collect_html(&dir, &mut pages);
    }
    let mut rewritten = 0;
    for path in &pages {
        let Ok(bytes) = std::fs::read(path) else { continue };
        let html = String::from_utf8_lossy(&bytes);
        let out = numeric(&html);
        rewritten += usize::from(matches!(out, Cow::Owned(_)));
        assert!(tree(&out) == tree(&html), "{} parses differently once rewritten", path.display());
    }
    // The fixtures alone have pages with `&amp;` and `&nbsp;`.
    assert!(rewritten >= 3, "only {rewritten} of {} pages had a name to rewrite", pages.len());
}

fn collect_html(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            collect_html(&p, out);
        } else if p.extension().is_some_and(|x| x == "html" || x == "htm") {
            out.push(p);
        }
    }
}

/// Pages built from the pieces that move the scan between its states, in
/// every order a small generator makes: the rewritten page must always
/// parse to the same tree.
#[test]
fn generated_markup_parses_to_the_same_tree() {
    const PIECES: &[&str] = &[
        "<",
        ">",
        "&amp;",
        "&nbsp;",
        "&lt;",
        "\"",
        "'",
        "=",
        " ",
        "a",
        "/",
        "-",
        "<p ",
        "<a href=",
        "x=",
        "</p>",
        "<script>",
        "</script>",
        "<!--",
        "-->",
        "<title>",
        "</title>",
        "<textarea>",
        "</textarea>",
        "<style>",
        "</style>",
        "<![CDATA[",
        "]]>",
        "<svg>",
        "</svg>",
        "<math>",
        "</MATH>",
        "<!-->",
        "<!",
        "<?",
        "</",
        "<noscript>",
        "</noscript>",
        "<b>",
        "&amp",
        "\n",
        "<iframe>",
        "</iframe>",
        "<xmp>",
        "<svg/>",
        "<title>x</title>",
        "<p>",
        "<div title=\"",
        "<plaintext>",
        "&quot;",
        "<foreignObject>",
        "<desc>",
        "<table>",
        "<template>",
        "</template>",
        "<noframes>",
        "<td>",
        "<frameset>",
        "<head>",
        "</body>",
        "</html>",
        "<select>",
        "<option>",
    ];
    let mut state = 0x2545_f491_4f6c_dd1du64;
    let mut next = |n: usize| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state % n as u64) as usize
    };
    for _ in 0..20_000 {
        let len = 1 + next(48);
        let page: String = (0..len).map(|_| PIECES[next(PIECES.len())]).collect();
        assert_same_tree(&page);
    }
}
