//! Whether readers can post comments on a page (Decree 147/2024 Art.
//! 28(1)(d) forbids it under reproduced articles): a text area whose form
//! or surroundings speak of comments ("Bình luận", "Ý kiến bạn đọc",
//! "Gửi bình luận", "Viết bình luận"), or a comment widget's mark-up
//! (`fb-comments`, `disqus_thread`), which holds no text until a script
//! fills it. A text area of another kind (a search or contact form) is not
//! a comment box; a note that comments are closed is kept for evidence.

use super::dom::{Depths, Fragments, NodeRef, attr, class_id_into, contains_ascii_ci, invisible, push_words, visit};
use super::facts::Comments;
use super::text::{Line, fold, truncate_chars};

/// Folded words that make a form or a region a comment one.
const COMMENT_WORDS: &[&str] = &["binh luan", "y kien ban doc", "y kien cua ban", "gui y kien", "comment"];
/// class/id fragments of a comment region.
const COMMENT_TOKENS: &[&str] = &["comment", "binhluan", "binh-luan", "ykien", "y-kien"];
/// Folded phrases that say comments are closed.
const CLOSED: &[&str] = &[
    "binh luan da dong",
    "binh luan da bi dong",
    "da dong binh luan",
    "da tat binh luan",
    "binh luan da tat",
    "binh luan da bi tat",
    "khong cho phep binh luan",
    "khong nhan binh luan",
    "chuc nang binh luan da tat",
    "chuc nang binh luan da bi tat",
    "comments are closed",
];
/// Any class/id fragment this walk looks at: comment regions and widgets.
/// Every token test below needs one of them in the value.
pub(super) const TOKEN_FRAGMENTS: &[&str] = &["comment", "binhluan", "binh-luan", "ykien", "y-kien", "disqus_thread"];
static TOKEN_FILTER: Fragments = Fragments::new(TOKEN_FRAGMENTS);
const CAP: usize = 2_000;
const DETAIL_CHARS: usize = 120;

const M_FORM: u8 = 1;
const M_REGION: u8 = 2;
const M_SKIP: u8 = 4;

#[derive(Default)]
struct Form {
    /// Visible text, button values and the form's own class/id/action.
    words: String,
    /// What a reader sees of it: the heading before it, its text, placeholders, button labels.
    shown: String,
    textarea: Option<String>,
}

#[derive(Default)]
struct State<'a> {
    forms: Vec<Form>,
    /// Inside comment regions (M_REGION) and hidden parts (M_SKIP).
    depths: Depths,
    /// The last visible text before the current point, for a text area
    /// outside any form ("Bình luận" heading, then the box) and the heading
    /// before a form; borrowed from the page, not copied.
    last_text: &'a str,
    frames: Vec<u8>,
    /// The current element's class/id tokens (reused buffer).
    toks: String,
    out: Comments,
}

fn says_comment(s: &str) -> bool {
    let f = fold(s);
    COMMENT_WORDS.iter().any(|w| f.contains(w))
}

impl<'a> State<'a> {
    fn open(&mut self, n: NodeRef<'a>) -> bool {
        match n.value() {
            scraper::Node::Text(t) => {
                let t: &'a str = t;
                if !self.depths.inside(M_SKIP) && !t.trim().is_empty() {
                    if let Some(f) = self.forms.last_mut() {
                        push_words(&mut f.words, t, CAP);
                        push_words(&mut f.shown, t, CAP);
                    }
                    self.last_text = t;
                }
                false
            }
            scraper::Node::Element(el) => {
                let name = el.name();
                let mut mask = 0u8;
                let mut buf = std::mem::take(&mut self.toks);
                class_id_into(el, &TOKEN_FILTER, &mut buf);
                let toks = || buf.split(' ').filter(|t| !t.is_empty());
                if self.out.open.is_none() {
                    if let Some(t) = toks().find(|t| t.starts_with("fb-comments") || *t == "disqus_thread") {
                        self.out.open = Some(format!("mã nhúng khung bình luận (\"{t}\")"));
                    } else if name == "fb:comments" {
                        self.out.open = Some("mã nhúng khung bình luận (\"fb:comments\")".to_string());
                    }
                }
                if name == "form" {
                    mask |= M_FORM;
                    let mut f = Form::default();
                    for key in ["id", "class", "action", "name"] {
                        push_words(&mut f.words, attr(el, key).unwrap_or(""), CAP);
                    }
                    // The heading just before the form ("Ý kiến bạn đọc") names it.
                    let lead = truncate_chars(self.last_text.trim(), DETAIL_CHARS);
                    if !lead.is_empty() {
                        push_words(&mut f.words, lead, CAP);
                        push_words(&mut f.shown, &format!("{lead}:"), CAP);
                    }
                    self.forms.push(f);
                }
                if toks().any(|t| COMMENT_TOKENS.iter().any(|c| t.contains(c))) {
                    mask |= M_REGION;
                }
                if matches!(name, "input" | "button") {
                    let kind = attr(el, "type").unwrap_or("").to_ascii_lowercase();
                    if matches!(kind.as_str(), "submit" | "button" | "") || name == "button" {
                        let value = attr(el, "value").unwrap_or("");
                        let placeholder = attr(el, "placeholder").unwrap_or("");
                        if let Some(f) = self.forms.last_mut() {
                            push_words(&mut f.words, value, CAP);
                            push_words(&mut f.shown, value, CAP);
                            push_words(&mut f.words, placeholder, CAP);
                        }
                    }
                }
                if name == "textarea" && !self.depths.inside(M_SKIP) {
                    self.textarea(el);
                }
                if invisible(name) {
                    mask |= M_SKIP;
                }
                self.toks = buf;
                self.depths.apply(mask, true);
                self.frames.push(mask);
                mask & M_SKIP == 0
            }
            _ => false,
        }
    }

    fn textarea(&mut self, el: &scraper::node::Element) {
        let mut own = String::new();
        for key in ["name", "id", "class", "placeholder", "aria-label", "title"] {
            push_words(&mut own, attr(el, key).unwrap_or(""), CAP);
        }
        if let Some(f) = self.forms.last_mut() {
            push_words(&mut f.words, &own, CAP);
            push_words(&mut f.shown, attr(el, "placeholder").unwrap_or(""), CAP);
            f.textarea = Some(own);
            return;
        }
        // Outside a form (a box sent by script): its own wording, its
        // region, or the words just before it.
        if self.out.open.is_none() {
            let tail = self.last_text;
            if self.depths.inside(M_REGION) || says_comment(&own) || says_comment(tail) {
                let what = if own.trim().is_empty() { tail.trim() } else { own.trim() };
                self.out.open = Some(format!("ô nhập văn bản cho bạn đọc (\"{}\")", truncate_chars(what, DETAIL_CHARS)));
            }
        }
    }

    fn close(&mut self, n: NodeRef<'a>) {
        if !matches!(n.value(), scraper::Node::Element(_)) {
            return;
        }
        let Some(mask) = self.frames.pop() else { return };
        self.depths.apply(mask, false);
        if mask & M_FORM != 0
            && let Some(f) = self.forms.pop()
            && f.textarea.is_some()
            && self.out.open.is_none()
            && (self.depths.inside(M_REGION) || mask & M_REGION != 0 || says_comment(&f.words))
        {
            self.out.open = Some(format!(
                "biểu mẫu có ô nhập văn bản cho bạn đọc (\"{}\")",
                truncate_chars(f.shown.trim(), DETAIL_CHARS)
            ));
        }
    }
}

/// The comment box of a parsed page, if readers can post with it, and a
/// note from its visible `lines` that comments are closed.
pub(super) fn extract(doc: &scraper::Html, lines: &[Line]) -> Comments {
    let mut st = State::default();
    visit(doc, |n, entering| {
        if entering {
            st.open(n)
        } else {
            st.close(n);
            false
        }
    });
    // "luận" keeps "lu" in ASCII in every case and form: most lines are not folded.
    st.out.closed = lines
        .iter()
        .filter(|l| contains_ascii_ci(&l.text, "lu") || contains_ascii_ci(&l.text, "comment"))
        .find(|l| {
            let f = fold(&l.text);
            CLOSED.iter().any(|c| f.contains(c))
        })
        .map(|l| truncate_chars(&l.text, DETAIL_CHARS).to_string());
    st.out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(html: &str) -> Comments {
        let doc = scraper::Html::parse_document(html);
        let w = super::super::walk::walk_document(&doc);
        extract(&doc, &w.lines)
    }

    #[test]
    fn every_token_looked_for_passes_the_filter() {
        for t in COMMENT_TOKENS.iter().chain(&["fb-comments", "disqus_thread"]) {
            assert!(TOKEN_FILTER.found_in(t.to_ascii_uppercase().as_bytes()), "{t}");
        }
    }

    #[test]
    fn a_comment_form_with_a_text_area_is_open() {
        let c = run(r#"<article><p>Bài</p></article><div class="box"><h3>Ý kiến bạn đọc</h3>
            <form action="/gui"><textarea name="noidung"></textarea><input type="text" name="ten">
            <button type="submit">Gửi bình luận</button></form></div>"#);
        let open = c.open.unwrap_or_default();
        assert!(open.contains("(\"Ý kiến bạn đọc: Gửi bình luận\")"), "{open}");
        assert!(
            !open.contains("noidung") && !open.contains("/gui"),
            "attributes are not quoted: {open}"
        );
    }

    #[test]
    fn widgets_are_open_even_while_empty() {
        assert!(
            run(r#"<div class="fb-comments" data-href="x" data-width="100%"></div>"#)
                .open
                .is_some()
        );
        assert!(run(r#"<div id="disqus_thread"></div>"#).open.is_some());
    }

    #[test]
    fn a_text_area_under_a_comment_heading_without_a_form_is_open() {
        let c = run(r#"<h3>Viết bình luận</h3><div><textarea></textarea><button>Gửi</button></div>"#);
        assert!(c.open.is_some_and(|o| o.contains("Viết bình luận")));
    }

    #[test]
    fn search_and_contact_forms_are_not_comment_boxes() {
        let c = run(r#"<form action="/tim-kiem"><input name="q"><button>Tìm</button></form>
            <h3>Liên hệ</h3><form action="/lien-he"><textarea name="noidung"></textarea><button>Gửi</button></form>"#);
        assert_eq!(c.open, None);
    }

    #[test]
    fn closed_comments_are_noted_and_not_open() {
        let c = run(r#"<div class="comments"><h3>Bình luận</h3><p>Chức năng bình luận đã tắt đối với bài viết này.</p></div>"#);
        assert_eq!(c.open, None);
        assert!(c.closed.is_some_and(|t| t.starts_with("Chức năng bình luận đã tắt")));
    }
}
