//! Visible text of a page organised in lines, as the DOM walk (walk.rs)
//! collects it: whitespace collapsed, NFC, one line per block.

use super::text::nfc;

/// One line of visible text: a block element, a table cell or a `<br>`
/// ends a line, so "label: value", "label | value" in two cells and a value
/// on the next line all become neighbouring lines.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Line {
    /// NFC, whitespace collapsed, trimmed; never empty.
    pub text: String,
    /// Inside `<footer>` or an element whose id/class names a footer.
    pub in_footer: bool,
    /// Inside `<header>`, `<nav>` or a menu.
    pub in_nav: bool,
    /// Inside `<h1>`..`<h6>`.
    pub in_heading: bool,
    /// Some of the text lies outside any link.
    pub has_plain: bool,
    /// Inside a `<p>` (article bodies are made of them).
    pub in_paragraph: bool,
}

/// Bytes that are part of a word for certain: ASCII other than whitespace,
/// UTF-8 continuation bytes, and the lead bytes of characters none of
/// which is a space (every Vietnamese letter's: C3–C6, E1 but E1 9A). The
/// others (ASCII whitespace, C2, E1, E2, E3, EF) are looked at closer.
static IN_WORD: [bool; 256] = {
    let mut t = [true; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        t[b] = !(c.is_ascii_whitespace() || matches!(c, 0xC2 | 0xE1 | 0xE2 | 0xE3 | 0xEF));
        b += 1;
    }
    t
};

/// Accumulates text into lines while the DOM is walked.
#[derive(Debug, Default)]
pub struct LineBuilder {
    pub lines: Vec<Line>,
    cur: String,
    pending_space: bool,
    cur_plain: bool,
    cur_flags: (bool, bool, bool, bool),
    /// Total characters kept; text beyond the cap is dropped so huge pages stay linear.
    kept: usize,
    cap: usize,
}

/// Words of one text node not yet appended: `start..end`, of which
/// `word_bytes` are words (the rest single spaces).
#[derive(Clone, Copy)]
struct Run {
    start: usize,
    end: usize,
    word_bytes: usize,
    /// `pending_space` before the run's first word.
    space_before: bool,
}

struct Runs(Option<Run>);

impl Runs {
    /// Word `ws..we` of `bytes`: joins the open run when one ASCII space
    /// separates them, else flushes that run and opens another.
    #[inline]
    fn add(&mut self, bytes: &[u8], ws: usize, we: usize, pend: &mut bool, flush: impl FnOnce(Run)) {
        match &mut self.0 {
            Some(r) if r.end + 1 == ws && bytes.get(r.end) == Some(&b' ') => {
                r.end = we;
                r.word_bytes += we - ws;
            }
            open => {
                let next = Run {
                    start: ws,
                    end: we,
                    word_bytes: we - ws,
                    space_before: *pend,
                };
                if let Some(r) = open.replace(next) {
                    flush(r);
                }
            }
        }
        *pend = false;
    }
}

impl LineBuilder {
    pub fn new(cap: usize) -> Self {
        LineBuilder { cap, ..Default::default() }
    }

    /// Current line index (the line that text pushed now will belong to).
    pub fn line_index(&self) -> usize {
        self.lines.len()
    }

    /// Byte length of the line being built.
    pub fn cur_len(&self) -> usize {
        self.cur.len()
    }

    /// Characters of visible text kept (bytes while building, chars at the end).
    pub fn total_chars(&self) -> usize {
        self.lines.iter().map(|l| l.text.chars().count()).sum::<usize>() + self.cur.chars().count()
    }

    /// Appends raw text; `flags` = (footer, nav, heading, paragraph).
    pub fn push(&mut self, text: &str, in_link: bool, flags: (bool, bool, bool, bool)) {
        if self.kept >= self.cap {
            return;
        }
        let bytes = text.as_bytes();
        // Indented source puts runs of ASCII whitespace between tags: one
        // byte test each instead of the word scan below.
        let Some(mut i) = bytes.iter().position(|b| !b.is_ascii_whitespace()) else {
            self.pending_space |= !bytes.is_empty();
            return;
        };
        let mut word_start: Option<usize> = None;
        // Words are gathered into runs joined by single ASCII spaces (most
        // text) and copied a run at a time; `pend` is what `pending_space`
        // would be had each word been pushed as it ended.
        let mut run = Runs(None);
        let mut pend = self.pending_space || i > 0;
        while let Some(&b) = bytes.get(i) {
            if IN_WORD[usize::from(b)] {
                // The rest of the word at one table lookup a byte.
                if word_start.is_none() {
                    word_start = Some(i);
                }
                i += 1;
                while bytes.get(i).is_some_and(|&c| IN_WORD[usize::from(c)]) {
                    i += 1;
                }
                continue;
            }
            let (space, width) = if b < 0x80 {
                (true, 1)
            } else {
                // A char is decoded only when its lead byte can start a
                // space (U+0085/U+00A0: C2, U+1680: E1 9A, U+2000–U+205F:
                // E2, U+3000: E3, U+FEFF: EF).
                let width = if b < 0xE0 {
                    2
                } else if b < 0xF0 {
                    3
                } else {
                    4
                };
                let may_be_space = b != 0xE1 || bytes.get(i + 1) == Some(&0x9A);
                let space = may_be_space && {
                    let c = text.get(i..).and_then(|r| r.chars().next()).unwrap_or(' ');
                    c.is_whitespace() || c == '\u{200b}' || c == '\u{feff}'
                };
                (space, width)
            };
            if space {
                if let Some(ws) = word_start.take() {
                    run.add(bytes, ws, i, &mut pend, |r| self.push_run(text, r, in_link, flags));
                }
                pend = true;
            } else if word_start.is_none() {
                word_start = Some(i);
            }
            i += width;
        }
        if let Some(ws) = word_start {
            run.add(bytes, ws, bytes.len(), &mut pend, |r| self.push_run(text, r, in_link, flags));
        }
        if let Some(r) = run.0.take() {
            self.push_run(text, r, in_link, flags);
        }
        self.pending_space = pend;
    }

    /// Appends a run of words that were separated by single ASCII spaces,
    /// as one copy: what pushing them word by word would give.
    fn push_run(&mut self, text: &str, r: Run, in_link: bool, flags: (bool, bool, bool, bool)) {
        self.pending_space = r.space_before;
        self.push_word(text.get(r.start..r.end).unwrap_or(""), r.word_bytes, in_link, flags);
    }

    /// `kept` counts the word bytes only, not the spaces inside a run.
    fn push_word(&mut self, word: &str, kept: usize, in_link: bool, flags: (bool, bool, bool, bool)) {
        if word.is_empty() {
            return;
        }
        if self.cur.is_empty() {
            self.cur_flags = flags;
            self.cur_plain = false;
        } else if self.pending_space {
            self.cur.push(' ');
        }
        self.pending_space = false;
        self.cur.push_str(word);
        self.kept += kept;
        if !in_link {
            self.cur_plain = true;
        }
    }

    /// Inline separation (e.g. between two inline elements) without a new line.
    pub fn space(&mut self) {
        self.pending_space = true;
    }

    pub fn break_line(&mut self) {
        self.pending_space = false;
        if self.cur.is_empty() {
            return;
        }
        // Copy at exact size and keep the buffer for the next line.
        let text = nfc(self.cur.clone());
        self.cur.clear();
        let (in_footer, in_nav, in_heading, in_paragraph) = self.cur_flags;
        self.lines.push(Line {
            text,
            in_footer,
            in_nav,
            in_heading,
            has_plain: self.cur_plain,
            in_paragraph,
        });
    }

    pub fn finish(mut self) -> Vec<Line> {
        self.break_line();
        self.lines
    }
}

#[cfg(test)]
mod tests {
    use unicode_normalization::UnicodeNormalization;

    use super::*;

    #[test]
    fn line_builder_collapses_and_normalises() {
        let mut b = LineBuilder::new(1000);
        let nfd: String = "Tòa soạn".nfd().collect();
        b.push("  ", false, Default::default());
        b.push(&nfd, false, Default::default());
        b.push(" \n\t:  Số 2 ", false, Default::default());
        b.break_line();
        b.push("x", true, Default::default());
        let lines = b.finish();
        assert_eq!(lines[0].text, "Tòa soạn : Số 2");
        assert!(lines[0].has_plain);
        assert!(!lines[1].has_plain);
    }

    #[test]
    fn pushes_equal_collapsing_their_concatenation() {
        // Runs copied at once must give what word-by-word appending gives:
        // the concatenated text with each stretch of spaces made one ' '.
        let parts = [
            "a",
            "ế",
            " ",
            "  ",
            "\n",
            "\n\t\t  ",
            "\u{a0}",
            "\u{200b}",
            "bc d",
            " x ",
            "Hà Nội",
            "To\u{300}a",
            "\t\tCƠ QUAN ",
            "",
        ];
        let mut seed = 0x2545_F491_4F6C_DD1Du64;
        for _ in 0..3000 {
            let mut b = LineBuilder::new(1_000_000);
            let mut all = String::new();
            let n = (seed % 5) as usize + 1;
            for _ in 0..n {
                let mut t = String::new();
                for _ in 0..(seed % 7) {
                    seed ^= seed << 13;
                    seed ^= seed >> 7;
                    seed ^= seed << 17;
                    t.push_str(parts[(seed % parts.len() as u64) as usize]);
                }
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                b.push(&t, false, Default::default());
                all.push_str(&t);
            }
            let want: Vec<&str> = all
                .split(|c: char| c.is_whitespace() || c == '\u{200b}' || c == '\u{feff}')
                .filter(|w| !w.is_empty())
                .collect();
            let kept: usize = want.iter().map(|w| w.len()).sum();
            assert_eq!(b.kept, kept, "{all:?}");
            let lines = b.finish();
            assert_eq!(
                lines.first().map(|l| l.text.clone()).unwrap_or_default(),
                nfc(want.join(" ")),
                "{all:?}"
            );
        }
    }

    #[test]
    fn words_split_exactly_at_unicode_spaces() {
        // The lead-byte shortcut in `push` must split where char tests would.
        for c in (0x80u32..0x3_0000).filter_map(char::from_u32) {
            let mut b = LineBuilder::new(100);
            b.push(&format!("a{c}b"), false, Default::default());
            let split = c.is_whitespace() || c == '\u{200b}' || c == '\u{feff}';
            let want = if split { "a b".to_string() } else { format!("a{c}b") };
            assert_eq!(b.finish()[0].text, nfc(want), "U+{:04X}", c as u32);
        }
    }
}
