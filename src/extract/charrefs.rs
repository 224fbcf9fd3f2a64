//! Named character references rewritten as numeric ones before the parse.
//!
//! html5ever matches a named reference one character at a time, with a
//! hash-table lookup per character: `&amp;` costs four. Portals write
//! hundreds of them (`?id=1&amp;page=2` in every listing link, `&nbsp;`,
//! legacy CMSs `Th&ocirc;ng b&aacute;o`), and on the Hà Nội portal's listing
//! they were a tenth of the whole analysis. A numeric reference decodes to
//! the same character with a few compares, so the page is handed to the
//! parser with the common names written as numbers: `&amp;` → `&#38;`.
//!
//! Only where the tokenizer would decode them to that same character:
//! text, `<title>`/`<textarea>` text, attribute values. Never inside
//! `<script>`, `<style>` and the other raw-text elements, comments,
//! CDATA, doctype, tag or attribute names, whose text the parser keeps as
//! written (the JSON-LD of a page is read from its script). Where the scan
//! cannot tell how the parser reads on (MathML, framesets, some markup
//! inside SVG), it leaves the rest of the page as it is: a name left alone
//! costs time, never a different tree.

use std::borrow::Cow;

use memchr::{memchr, memmem};

use super::nesting::ascii_lower;

/// `html` with the common named references of its text and attribute
/// values written as numeric ones; borrowed when it has too few to be worth
/// it. Parses to the same tree as `html`.
pub(super) fn numeric(html: &str) -> Cow<'_, str> {
    // The scan below reads every tag, about 0.5 ns a byte (a 66 KB portal
    // page: 35 µs); the parser saves 0.2–0.4 µs per reference it no longer
    // looks up by name. Below one name every 600 bytes, as on news sites
    // that write few (dantri.com.vn: one per KB), the scan would cost more
    // than it saves, so the page goes to the parser as it is.
    const BYTES_PER_NAME: usize = 600;
    let b = html.as_bytes();
    // Eight bytes a name: a hostile 5 MB page of `&amp;` makes a million.
    let names: Vec<Name> = memchr::memchr_iter(b'&', b)
        .filter_map(|amp| {
            let end = name_at(b, amp)?;
            Some(Name {
                amp: u32::try_from(amp).ok()?,
                len: u8::try_from(end - amp).ok()?,
            })
        })
        .collect();
    if names.is_empty() || names.len().saturating_mul(BYTES_PER_NAME) < b.len() {
        return Cow::Borrowed(html);
    }
    let mut w = Writer {
        src: html,
        out: String::with_capacity(html.len() + 64),
        copied: 0,
        names,
        next: 0,
    };
    let mut i = 0;
    // Text up to each '<' is decoded; the markup says what of it is.
    while w.next < w.names.len() {
        let lt = b.get(i..).and_then(|r| memchr(b'<', r)).map_or(b.len(), |p| i + p);
        w.decode_to(lt);
        i = markup(b, lt, &mut w);
        w.skip_to(i);
    }
    w.finish()
}

/// A reference of the table, found in the page.
struct Name {
    /// Where its '&' is.
    amp: u32,
    /// Its bytes, '&' and ';' included.
    len: u8,
}

impl Name {
    fn start(&self) -> usize {
        self.amp as usize
    }

    fn end(&self) -> usize {
        self.start() + usize::from(self.len)
    }
}

/// Where the table's reference starting at `amp` (a '&') ends.
fn name_at(b: &[u8], amp: usize) -> Option<usize> {
    let name_start = amp + 1;
    // The longest name in the table is 6 bytes.
    let len = b
        .get(name_start..)
        .map_or(0, |r| r.iter().take(7).take_while(|c| c.is_ascii_alphanumeric()).count());
    let end = name_start + len;
    match (b.get(name_start..end), b.get(end)) {
        (Some(name), Some(b';')) => decimal(name).map(|_| end + 1),
        _ => None,
    }
}

/// Copies the page, rewriting the names found in it as the scan tells
/// which of them the parser decodes.
struct Writer<'a> {
    src: &'a str,
    out: String,
    /// Bytes of `src` already in `out` (or replaced there).
    copied: usize,
    names: Vec<Name>,
    /// The first of `names` not yet rewritten or skipped.
    next: usize,
}

impl<'a> Writer<'a> {
    /// Rewrites the names that start before `to`: they are where the
    /// parser decodes references.
    fn decode_to(&mut self, to: usize) {
        while let Some(n) = self.names.get(self.next).filter(|n| n.start() < to) {
            let (start, end) = (n.start(), n.end());
            let name = self.src.as_bytes().get(start + 1..end - 1).unwrap_or_default();
            if let Some(decimal) = decimal(name) {
                self.out.push_str(self.src.get(self.copied..start).unwrap_or_default());
                self.out.push_str("&#");
                self.out.push_str(decimal);
                self.out.push(';');
                self.copied = end;
            }
            self.next += 1;
        }
    }

    /// Passes over the names that start before `to`, left as written.
    fn skip_to(&mut self, to: usize) {
        while self.names.get(self.next).is_some_and(|n| n.start() < to) {
            self.next += 1;
        }
    }

    fn finish(mut self) -> Cow<'a, str> {
        if self.copied == 0 {
            return Cow::Borrowed(self.src);
        }
        self.out.push_str(self.src.get(self.copied..).unwrap_or_default());
        Cow::Owned(self.out)
    }
}

/// The named references worth rewriting, with their code points in
/// decimal: those real pages use, and the Latin letters of Vietnamese that
/// have a name (older CMSs write every vowel so). Names are case-sensitive,
/// as in HTML. One list makes both the lookup (a `match`, the fastest) and
/// the tests' list of names.
macro_rules! table {
    ($($name:literal => $decimal:literal,)*) => {
        fn decimal(name: &[u8]) -> Option<&'static str> {
            Some(match name {
                $($name => $decimal,)*
                _ => return None,
            })
        }
        #[cfg(test)]
        const NAMES: &[&[u8]] = &[$($name),*];
    };
}

table! {
    b"amp" => "38", b"lt" => "60", b"gt" => "62", b"quot" => "34", b"apos" => "39", b"nbsp" => "160", b"copy" => "169",
    b"reg" => "174", b"laquo" => "171", b"raquo" => "187", b"middot" => "183", b"deg" => "176", b"times" => "215",
    b"hellip" => "8230", b"ndash" => "8211", b"mdash" => "8212", b"lsquo" => "8216", b"rsquo" => "8217", b"ldquo" => "8220",
    b"rdquo" => "8221", b"bull" => "8226", b"Agrave" => "192", b"Aacute" => "193", b"Acirc" => "194", b"Atilde" => "195",
    b"Egrave" => "200", b"Eacute" => "201", b"Ecirc" => "202", b"Igrave" => "204", b"Iacute" => "205", b"Ograve" => "210",
    b"Oacute" => "211", b"Ocirc" => "212", b"Otilde" => "213", b"Ugrave" => "217", b"Uacute" => "218", b"Yacute" => "221",
    b"agrave" => "224", b"aacute" => "225", b"acirc" => "226", b"atilde" => "227", b"egrave" => "232", b"eacute" => "233",
    b"ecirc" => "234", b"igrave" => "236", b"iacute" => "237", b"ograve" => "242", b"oacute" => "243", b"ocirc" => "244",
    b"otilde" => "245", b"ugrave" => "249", b"uacute" => "250", b"yacute" => "253", b"Abreve" => "258", b"abreve" => "259",
    b"Dstrok" => "272", b"dstrok" => "273", b"Itilde" => "296", b"itilde" => "297", b"Utilde" => "360", b"utilde" => "361",
}

fn is_space(c: u8) -> bool {
    matches!(c, b'\t' | b'\n' | b'\x0C' | b'\r' | b' ')
}

/// Where the content of an element ends, for the elements whose content
/// the tokenizer does not read as tags.
enum Content {
    /// Tags: the ordinary case.
    Markup,
    /// Text with references decoded, up to the end tag (`title`, `textarea`).
    Rcdata,
    /// Text kept as written, up to the end tag.
    Raw,
    /// A script: raw, with the `<!--`/`<script>` escapes of script data.
    Script,
    /// Everything to the end of the page.
    Plaintext,
    /// SVG, whose `<title>`, `<style>` and CDATA the tokenizer reads
    /// otherwise: left as written up to its end tag (icons rarely hold
    /// references).
    Svg,
    /// MathML, read otherwise again in its many text elements: the rest of
    /// the page is left as written (portals do not use it).
    Opaque,
}

fn content_of(name: &[u8]) -> Content {
    // Most tags are none of these: told by their first letter.
    if !name
        .first()
        .is_some_and(|c| matches!(c.to_ascii_lowercase(), b's' | b't' | b'x' | b'i' | b'n' | b'p' | b'm' | b'f'))
    {
        return Content::Markup;
    }
    let mut buf = [0; 9];
    let Some(lower) = ascii_lower(name, &mut buf) else {
        return Content::Markup;
    };
    match lower {
        b"title" | b"textarea" => Content::Rcdata,
        // The parser runs with scripting on, so `<noscript>` is raw text.
        b"style" | b"xmp" | b"iframe" | b"noembed" | b"noframes" | b"noscript" => Content::Raw,
        b"script" => Content::Script,
        b"plaintext" => Content::Plaintext,
        b"svg" => Content::Svg,
        // A frameset page ignores most tags, `<script>` among them; it has
        // no text to speak of.
        b"math" | b"frameset" => Content::Opaque,
        _ => Content::Markup,
    }
}

/// The markup starting at `lt` (a '<'), its references rewritten where
/// they decode; returns where the text after it starts.
fn markup(b: &[u8], lt: usize, w: &mut Writer<'_>) -> usize {
    let after_gt = |from: usize| b.get(from..).and_then(|r| memchr(b'>', r)).map_or(b.len(), |p| from + p + 1);
    match b.get(lt + 1).copied() {
        Some(c) if c.is_ascii_alphabetic() => {
            let t = tag(b, lt + 1, Some(w));
            let (end, name) = (t.end, b.get(t.name).unwrap_or_default());
            match content_of(name) {
                Content::Markup => end,
                Content::Rcdata => {
                    let close = end_tag(b, end, name);
                    // Inside SVG a `<title>` holds markup, not text: with a
                    // '<' in it, which it is cannot be told here.
                    if b.get(end..close).is_some_and(|t| memchr(b'<', t).is_none()) {
                        w.skip_to(end);
                        w.decode_to(close);
                    }
                    close
                }
                Content::Raw => end_tag(b, end, name),
                Content::Script => script_end(b, end),
                Content::Plaintext => b.len(),
                Content::Svg if t.self_closing => end,
                Content::Svg => svg_end(b, end),
                Content::Opaque => b.len(),
            }
        }
        Some(b'/') => match b.get(lt + 2).copied() {
            // End tags carry attributes the tree drops; their quotes still
            // decide where the tag ends.
            Some(c) if c.is_ascii_alphabetic() => tag(b, lt + 2, Some(w)).end,
            _ => after_gt(lt + 2),
        },
        Some(b'!') => {
            let rest = b.get(lt + 2..).unwrap_or_default();
            if rest.starts_with(b"--") {
                // From the dashes, so that `<!-->` ends where the parser ends it.
                memmem::find(rest, b"-->").map_or(b.len(), |p| lt + 2 + p + 3)
            } else {
                // A doctype, or a comment to the first '>' (`<![CDATA[` too,
                // outside SVG and MathML, which are skipped whole).
                after_gt(lt + 2)
            }
        }
        Some(b'?') => after_gt(lt + 2),
        _ => lt + 1,
    }
}

/// A start or end tag, as the tokenizer reads it.
struct Tag {
    /// Where the text after it starts.
    end: usize,
    name: std::ops::Range<usize>,
    /// Ends in `/>` (outside a value): an `<svg/>` holds nothing.
    self_closing: bool,
}

/// The tag whose name starts at `from`, its values rewritten when `w` is
/// given. Follows the tokenizer's attribute states so that a quoted '>'
/// does not end it; in loops per state rather than a state per byte, as
/// tags are two thirds of a portal page.
fn tag(b: &[u8], from: usize, mut w: Option<&mut Writer<'_>>) -> Tag {
    let name_end = from
        + b.get(from..)
            .map_or(0, |r| r.iter().take_while(|&&c| !is_space(c) && c != b'/' && c != b'>').count());
    let eof = |name| Tag {
        end: b.len(),
        name,
        self_closing: false,
    };
    let name = from..name_end;
    let mut i = name_end;
    loop {
        // Before an attribute name: spaces and '/', the last of which marks
        // a self-closing tag when '>' follows it.
        let mut slash = false;
        while let Some(&c) = b.get(i).filter(|&&c| is_space(c) || c == b'/') {
            slash = c == b'/';
            i += 1;
        }
        match b.get(i) {
            None => return eof(name),
            Some(b'>') => {
                return Tag {
                    end: i + 1,
                    name,
                    self_closing: slash,
                };
            }
            _ => {}
        }
        // The name: its first byte whatever it is (even '='), then up to a
        // space, '/', '=' or '>'.
        i += 1;
        while b.get(i).is_some_and(|&c| !is_space(c) && !matches!(c, b'/' | b'=' | b'>')) {
            i += 1;
        }
        while b.get(i).is_some_and(|&c| is_space(c)) {
            i += 1;
        }
        match b.get(i) {
            None => return eof(name),
            Some(b'=') => i += 1,
            // '>', '/' or the next name.
            Some(_) => continue,
        }
        while b.get(i).is_some_and(|&c| is_space(c)) {
            i += 1;
        }
        match b.get(i).copied() {
            None => return eof(name),
            Some(q @ (b'"' | b'\'')) => {
                // The value runs to the same quote, whatever it holds.
                i += 1;
                let Some(close) = b.get(i..).and_then(|r| memchr(q, r)).map(|p| i + p) else {
                    return eof(name);
                };
                if let Some(w) = w.as_deref_mut() {
                    w.skip_to(i);
                    w.decode_to(close);
                }
                i = close + 1;
            }
            // Unquoted, up to a space or '>'.
            Some(_) => {
                let start = i;
                while b.get(i).is_some_and(|&c| !is_space(c) && c != b'>') {
                    i += 1;
                }
                if let Some(w) = w.as_deref_mut() {
                    w.skip_to(start);
                    w.decode_to(i);
                }
            }
        }
    }
}

/// Where the end tag of `name` starts, looking from `from`: `</name`
/// followed by a space, '/' or '>', in any case.
fn end_tag(b: &[u8], from: usize, name: &[u8]) -> usize {
    let mut i = from;
    while let Some(p) = b.get(i..).and_then(|r| memmem::find(r, b"</")) {
        let at = i + p;
        if closes(b, at, name) {
            return at;
        }
        i = at + 2;
    }
    b.len()
}

/// Whether `b` holds at `at` the end tag of `name`.
fn closes(b: &[u8], at: usize, name: &[u8]) -> bool {
    let n = at + 2;
    b.get(at + 1) == Some(&b'/')
        && b.get(n..n + name.len()).is_some_and(|x| x.eq_ignore_ascii_case(name))
        && b.get(n + name.len()).is_none_or(|&c| is_space(c) || c == b'/' || c == b'>')
}

/// Where the content of an `<svg>` opened before `from` ends, the `<svg>`s
/// nested in it counted; nothing in it is rewritten. Its
/// end tag is found only where the tokenizer finds it: not in comments or
/// quoted values. What the parser reads differently there (CDATA, raw-text
/// elements such as `<style>`, a `<title>` holding markup) ends the
/// rewriting of the page: the end of the page is returned.
fn svg_end(b: &[u8], from: usize) -> usize {
    let after_gt = |from: usize| b.get(from..).and_then(|r| memchr(b'>', r)).map_or(b.len(), |p| from + p + 1);
    let mut depth = 1usize;
    let mut i = from;
    while let Some(p) = b.get(i..).and_then(|r| memchr(b'<', r)) {
        let at = i + p;
        let rest = b.get(at + 1..).unwrap_or_default();
        i = match rest.first().copied() {
            Some(b'/') if closes(b, at, b"svg") => {
                depth -= 1;
                if depth == 0 {
                    return at;
                }
                tag(b, at + 2, None).end
            }
            Some(b'/') if closes(b, at, b"p") || closes(b, at, b"br") => return b.len(),
            Some(b'/') if rest.get(1).is_some_and(u8::is_ascii_alphabetic) => tag(b, at + 2, None).end,
            Some(b'/') => after_gt(at + 2),
            Some(b'!') if rest.starts_with(b"!--") => memmem::find(rest, b"-->").map_or(b.len(), |p| at + 1 + p + 3),
            Some(b'!') if rest.starts_with(b"![CDATA[") => return b.len(),
            Some(b'!' | b'?') => after_gt(at + 2),
            Some(c) if c.is_ascii_alphabetic() => {
                let t = tag(b, at + 1, None);
                let (end, tag_name) = (t.end, b.get(t.name).unwrap_or_default());
                let desc = tag_name.eq_ignore_ascii_case(b"desc");
                match content_of(tag_name) {
                    Content::Markup if unmodelled(tag_name) => return b.len(),
                    Content::Markup if !desc => end,
                    Content::Svg if t.self_closing => end,
                    Content::Svg => {
                        depth += 1;
                        end
                    }
                    // `<title>` and `<desc>` hold HTML here: text alone is
                    // read the same either way.
                    Content::Rcdata | Content::Markup => {
                        let close = end_tag(b, end, tag_name);
                        if b.get(end..close).is_some_and(|t| memchr(b'<', t).is_some()) {
                            return b.len();
                        }
                        close
                    }
                    _ => return b.len(),
                }
            }
            _ => at + 1,
        };
    }
    b.len()
}

/// Whether a start tag inside SVG is one after which this scan cannot
/// follow the parser: those that end SVG content, and `<foreignObject>`,
/// which holds HTML.
fn unmodelled(name: &[u8]) -> bool {
    const NAMES: &str = "b big blockquote body br center code dd div dl dt em embed h1 h2 h3 h4 h5 h6 head hr i img li listing menu \
                         meta nobr ol p pre ruby s small span strong strike sub sup table tt u ul var font foreignobject";
    let mut buf = [0; 13];
    ascii_lower(name, &mut buf).is_some_and(|lower| NAMES.split_ascii_whitespace().any(|n| n.as_bytes() == lower))
}

/// Where a script's content ends, from `from`. Script data has escapes of
/// its own: inside `<!-- … -->`, a `<script>` opens a nested one whose
/// `</script>` does not end the outer script (old portals write
/// `<!-- document.write("<script …></script>") -->`).
fn script_end(b: &[u8], from: usize) -> usize {
    let opens = |at: usize| {
        b.get(at + 1..at + 7).is_some_and(|x| x.eq_ignore_ascii_case(b"script"))
            && b.get(at + 7).is_none_or(|&c| is_space(c) || c == b'/' || c == b'>')
    };
    let dashes = |from: usize| b.get(from..).and_then(|r| memmem::find(r, b"-->")).map_or(b.len(), |p| from + p);
    let mut i = from;
    // Inside `<!--`: where its `-->` is; inside the nested script.
    let (mut escape_end, mut nested) = (None, false);
    while let Some(p) = b.get(i..).and_then(|r| memchr(b'<', r)) {
        let at = i + p;
        i = at + 1;
        if let Some(end) = escape_end.filter(|&end| end < at) {
            // The escape closed before this '<': read on from its end.
            (escape_end, nested) = (None, false);
            i = end + 3;
            continue;
        }
        if closes(b, at, b"script") {
            if !nested {
                return at;
            }
            nested = false;
        } else if escape_end.is_none() && b.get(at..at + 4) == Some(b"<!--") {
            // From the dashes, so that `<!-->` and `<!--->` close at once.
            escape_end = Some(dashes(at + 2));
        } else if escape_end.is_some() && !nested {
            nested = opens(at);
        }
    }
    b.len()
}

#[cfg(test)]
mod tests;
