//! The last part of an article, where Decree 147/2024 Art. 28(1)(đ) wants
//! "đường dẫn liên kết đến bài viết nguồn ngay cuối bài dẫn lại": the
//! links on the source line, on the line just before it and on the few
//! lines after it, up to the next heading, menu or footer; and an author
//! written beside the source line when the line itself names none.
//!
//! Where an article has no source line its end is its last body paragraph.
//! Which link leads to the source article (another host, not its home page)
//! is the rule's judgement; this only says what stands at the end.

use super::attribution;
use super::facts::ArticleEnd;
use super::facts::Link;
use super::text::{Folded, Line, clean, truncate_chars};
use super::walk::Walk;

/// Lines looked at before and after the source line.
const BEFORE: usize = 1;
const AFTER: usize = 3;
const MAX_LINKS: usize = 10;

/// A short line of capitalised words, as bylines are written ("Minh Anh",
/// "NGUYỄN VĂN A"); not a sentence, not a date.
fn byline(line: &Line) -> Option<String> {
    let t = line.text.trim();
    if line.in_footer || line.in_nav || line.in_heading || !line.has_plain {
        return None;
    }
    if t.chars().any(|c| c.is_ascii_digit()) || t.ends_with(['.', ':', '?', '!', ',']) {
        return None;
    }
    let words: Vec<&str> = t.split_whitespace().collect();
    if !(2..=5).contains(&words.len()) {
        return None;
    }
    let capitalised = words
        .iter()
        .all(|w| w.chars().next().is_some_and(char::is_uppercase) && w.chars().all(|c| c.is_alphabetic() || c == '-' || c == '\''));
    capitalised.then(|| t.to_string())
}

/// "Tác giả: Minh Anh" on a line.
fn labelled_author(line: &Line) -> Option<String> {
    let folded = Folded::new(&line.text);
    let at = folded.text.find("tac gia")?;
    let rest = line.text.get(folded.orig(at + "tac gia".len())..)?;
    let rest = rest.trim_start().strip_prefix([':', '：'])?;
    let name = clean(rest.trim_end_matches(['.', ')']));
    (!name.is_empty() && name.split_whitespace().count() <= 6).then(|| truncate_chars(&name, 80).to_string())
}

/// The end of an article from the page's walk; `resolved` are the walk's
/// links made absolute (None where not followable), `title_line` the line
/// of the article's title, from which its body (and source line) is read,
/// as `attribution::find` reads it.
pub(super) fn extract(w: &Walk<'_>, resolved: &[Option<String>], title_line: Option<usize>) -> ArticleEnd {
    let lines = &w.lines;
    let body_from = title_line.unwrap_or(0);
    let source = attribution::find_at(lines, title_line);
    let anchor = source.as_ref().map(|(i, _)| *i).or_else(|| {
        lines
            .iter()
            .enumerate()
            .skip(body_from)
            .filter(|(_, l)| l.in_paragraph && l.has_plain && !l.in_footer && !l.in_nav && !l.in_heading)
            .map(|(i, _)| i)
            .next_back()
    });
    let Some(anchor) = anchor else {
        return ArticleEnd::default();
    };
    let outside = |l: &Line| l.in_footer || l.in_nav || l.in_heading;
    let mut first = anchor;
    while first > body_from && anchor - first < BEFORE && lines.get(first - 1).is_some_and(|l| !outside(l)) {
        first -= 1;
    }
    let mut last = anchor;
    while last - anchor < AFTER && lines.get(last + 1).is_some_and(|l| !outside(l)) {
        last += 1;
    }
    let mut links = Vec::new();
    for (l, abs) in w.links.iter().zip(resolved) {
        if links.len() >= MAX_LINKS {
            break;
        }
        if l.in_nav || l.in_footer || l.line_start < first || l.line_start > last {
            continue;
        }
        if let Some(url) = abs
            && !links.iter().any(|k: &Link| k.url == *url)
        {
            let text = if l.text.is_empty() { clean(l.title) } else { l.text.clone() };
            links.push(Link { url: url.clone(), text });
        }
    }
    let author = source.as_ref().filter(|(_, a)| a.author.is_none()).and_then(|(i, _)| {
        (first..=last).filter_map(|j| lines.get(j)).find_map(labelled_author).or_else(|| {
            i.checked_sub(1)
                .filter(|&j| j >= body_from)
                .and_then(|j| lines.get(j))
                .and_then(byline)
        })
    });
    ArticleEnd {
        anchored: true,
        links,
        author,
    }
}

#[cfg(test)]
mod tests {
    use crate::extract::analyze::tests::analyze;

    fn page(tail: &str) -> String {
        let body = "Nội dung bài viết về tình hình kinh tế xã hội của tỉnh trong năm. ".repeat(8);
        format!(
            "<html><head><meta property=\"og:type\" content=\"article\"></head><body><nav><a href=\"https://other.vn/x/y.html\">Menu</a></nav>\
             <article><h1>Tiêu đề</h1><div>Thứ Hai, 23/11/2026 09:05</div><p>{body}</p>{tail}</article>\
             <h3>Tin liên quan</h3><ul><li><a href=\"https://khac.vn/bai-khac.html\">Bài khác</a></li></ul>\
             <footer><a href=\"https://bocongan.gov.vn/\">Bộ Công an</a></footer></body></html>"
        )
    }

    #[test]
    fn link_after_the_source_line_is_at_the_end() {
        let f = analyze(&page(
            "<p style=\"text-align:right\"><em>Nguồn: Báo Khánh Hòa, 07:30 23/11/2026</em></p>\
             <p>Xem bài gốc: <a href=\"https://baokhanhhoa.vn/kinh-te/bai-goc-123.htm\">baokhanhhoa.vn</a></p>",
        ));
        let e = &f.article_end;
        assert!(e.anchored);
        let urls: Vec<&str> = e.links.iter().map(|l| l.url.as_str()).collect();
        assert_eq!(
            urls,
            vec!["https://baokhanhhoa.vn/kinh-te/bai-goc-123.htm"],
            "menu, related and footer links are not the end"
        );
    }

    #[test]
    fn link_on_the_source_line_and_byline_above_it() {
        let f = analyze(&page(
            "<p style=\"text-align:right\"><strong>Minh Anh</strong></p>\
             <p>Nguồn: <a href=\"https://baotintuc.vn/thoi-su/bai-1.htm\">Báo Tin tức</a>, 07:30 23/11/2026</p>",
        ));
        assert_eq!(f.article_end.links.len(), 1);
        assert_eq!(f.article_end.author.as_deref(), Some("Minh Anh"));
    }

    #[test]
    fn without_a_source_line_the_last_paragraph_is_the_end() {
        let f = analyze(&page(
            "<p>Đoạn cuối, xem thêm tại <a href=\"https://chinhphu.vn/\">chinhphu.vn</a>.</p>",
        ));
        assert!(f.article_end.anchored);
        assert_eq!(f.article_end.links.first().map(|l| l.url.as_str()), Some("https://chinhphu.vn/"));
        assert_eq!(f.article_end.author, None);
        let js = analyze("<html><body><div id=\"app\"></div></body></html>");
        assert!(!js.article_end.anchored);
    }

    #[test]
    fn labelled_author_counts() {
        let f = analyze(&page("<p>Tác giả: Lê Hoàng</p><p>Nguồn: Báo Khánh Hòa, 23/11/2026</p>"));
        assert_eq!(f.article_end.author.as_deref(), Some("Lê Hoàng"));
    }
}
