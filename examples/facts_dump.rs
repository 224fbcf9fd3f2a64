//! Prints what `analyze_html` finds in each HTML file named on the command
//! line, one Debug dump per file: diff two runs to check that a change to
//! the extractors kept their behaviour. A file under `fixtures/sites/NAME/`
//! is analysed as served from https://NAME.gov.vn/ at its path there; any
//! other as a page of sotttt.hanoi.gov.vn.

use sitewarden::crawler::charset::decode_html;
use sitewarden::extract::analyze_html_bounded;

fn main() -> anyhow::Result<()> {
    for path in std::env::args().skip(1) {
        let url = match path.split_once("fixtures/sites/").and_then(|(_, rest)| rest.split_once('/')) {
            Some((site, page)) => format!("https://{site}.gov.vn/{page}"),
            None => "https://sotttt.hanoi.gov.vn/bao-chi-xuat-ban".to_string(),
        };
        let url = url::Url::parse(&url)?;
        let bytes = std::fs::read(&path)?;
        let text = decode_html(&bytes, Some("text/html"));
        let facts = analyze_html_bounded(&url, &text);
        println!("== {path} at {url}\n{facts:#?}");
    }
    Ok(())
}
