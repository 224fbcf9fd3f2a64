//! Telephone numbers and e-mail addresses as Vietnamese sites write them
//! (RULES.md: `0273 3873 333`, `(84.8)3.997.3838`, `080 43162`, numbers
//! split over cells, `&#64;` already decoded by the walk).

use std::sync::LazyLock;

use regex::Regex;

use super::facts::Found;
use super::text::Line;

static PHONE_RE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:\+[ \t\r\n]?84|(?-u:\b)84[-. ][0-9]|\([ \t\r\n]*\+?[ \t\r\n]?84[[0-9].[ \t\r\n]]*\)|\([ \t\r\n]*0[0-9]{1,4}[ \t\r\n]*\)|(?-u:\b)0[0-9]|(?-u:\b)1[89]00)[[0-9] .\-–()]{3,18}[0-9]")
        .expect("static regex")
});
static EMAIL_RE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"[A-Za-z0-9][A-Za-z0-9._%+\-]*@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}").expect("static regex"));

/// Most telephone numbers one page is credited with.
pub(super) const MAX_CONTACTS: usize = 20;

/// "84 24 …" and "024 …" are the same number.
pub(super) fn phone_key(digits: &str) -> String {
    match digits.strip_prefix("84") {
        Some(rest) if digits.len() >= 10 => format!("0{rest}"),
        _ => digits.to_string(),
    }
}

pub(super) fn phone_ok(digits: &str) -> bool {
    let n = digits.len();
    if digits.starts_with("84") {
        (10..=12).contains(&n)
    } else if digits.starts_with("1800") || digits.starts_with("1900") {
        (8..=10).contains(&n)
    } else if digits.starts_with("080") && n == 8 {
        // The government's own network: 080 and five digits ("080 43162").
        true
    } else if digits.starts_with('0') {
        (10..=11).contains(&n)
    } else {
        false
    }
}

/// How many ASCII digits `text` holds, counted eight bytes at a time: every
/// line of a page is asked (it has no telephone number with fewer than
/// eight), and a byte-by-byte count was a third of the search.
pub(super) fn ascii_digits(text: &str) -> usize {
    const LOW: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let (words, rest) = text.as_bytes().as_chunks::<8>();
    let in_words: u32 = words
        .iter()
        .map(|w| {
            // A digit's byte is 0x00..=0x09 after the xor: its high bit is
            // clear, and stays clear when 0x0A is taken from it with the
            // high bit set (no borrow crosses into the next byte).
            let d = u64::from_le_bytes(*w) ^ (LOW * u64::from(b'0'));
            (!d & !((d | HIGH) - LOW * 0x0A) & HIGH).count_ones()
        })
        .sum();
    in_words as usize + rest.iter().filter(|b| b.is_ascii_digit()).count()
}

/// Telephone numbers in a piece of text, as written, with their digits.
pub fn find_phones(text: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    if ascii_digits(text) < 8 {
        return out;
    }
    for m in PHONE_RE.find_iter(text) {
        let before = text[..m.start()].chars().next_back();
        if matches!(before, Some(c) if c.is_ascii_digit() || c == '/' || c.is_alphabetic()) {
            continue;
        }
        let after = text[m.end()..].chars().next();
        if matches!(after, Some(c) if c.is_ascii_digit() || c == '/') {
            continue;
        }
        // "0273 3873 333 - 0273 3873 334": two numbers joined by a dash.
        for piece in m.as_str().split([';', '–']).flat_map(|p| p.split(" - ")) {
            let piece = piece.trim_matches(|c: char| c.is_whitespace() || c == '-' || c == '.');
            let digits: String = piece.chars().filter(char::is_ascii_digit).collect();
            if phone_ok(&digits) {
                out.push((piece.to_string(), digits));
            }
        }
    }
    out
}

/// A line of nothing but digit groups ("710", "3930.3270").
pub(super) fn digit_groups(t: &str) -> bool {
    t.bytes().any(|b| b.is_ascii_digit())
        && t.chars()
            .all(|c| c.is_ascii_digit() || matches!(c, ' ' | '.' | '-' | '(' | ')' | '+'))
}

/// A number split over elements after a telephone label ("05013" / "710" /
/// "979" in three cells or lines): the label's own digits, if any, and the
/// digit groups of the lines that follow, read as one number.
pub(super) fn split_phone(first: &str, lines: &[Line], from: usize) -> Option<(String, String)> {
    let mut joined = first.trim().to_string();
    for l in lines.iter().skip(from).take(4) {
        // The last group may lead a line that goes on ("979 - Email: …").
        let whole = digit_groups(&l.text);
        let groups = if whole {
            l.text.as_str()
        } else {
            let end = l
                .text
                .find(|c: char| !(c.is_ascii_digit() || c == ' ' || c == '.'))
                .unwrap_or(l.text.len());
            l.text.get(..end).unwrap_or("").trim_end_matches([' ', '.'])
        };
        if !groups.bytes().any(|b| b.is_ascii_digit()) {
            break;
        }
        if !joined.is_empty() {
            joined.push(' ');
        }
        joined.push_str(groups);
        if let Some(p) = find_phones(&joined).into_iter().next() {
            return Some(p);
        }
        if !whole {
            break;
        }
    }
    None
}

/// E-mail addresses in a piece of text.
pub fn find_emails(text: &str) -> Vec<String> {
    if !text.contains('@') {
        return Vec::new();
    }
    EMAIL_RE
        .find_iter(text)
        .map(|m| m.as_str().trim_end_matches('.').to_string())
        .collect()
}

/// Adds a phone once per number; a labelled sighting replaces a bare one.
pub(super) fn add_phone(phones: &mut Vec<Found>, keys: &mut Vec<String>, key: String, found: Found) {
    if let Some(i) = keys.iter().position(|k| *k == key) {
        if let Some(old) = phones.get_mut(i)
            && old.label.is_empty()
            && !found.label.is_empty()
        {
            *old = found;
        }
        return;
    }
    if keys.len() < MAX_CONTACTS {
        keys.push(key);
        phones.push(found);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ascii_digits_counts_every_byte_class() {
        let mut all: Vec<u8> = (0u8..=255).collect();
        all.extend(b"0123456789/:09");
        for start in 0..all.len() {
            for len in [0, 1, 7, 8, 9, 17, 64] {
                let bytes = all.get(start..(start + len).min(all.len())).unwrap_or_default();
                let text = String::from_utf8_lossy(bytes);
                let want = text.bytes().filter(u8::is_ascii_digit).count();
                assert_eq!(ascii_digits(&text), want, "{text:?}");
            }
        }
    }
}
