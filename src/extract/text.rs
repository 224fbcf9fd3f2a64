//! The folding that makes Vietnamese comparisons blind to case, diacritics
//! and normalisation form, and NFC; the lines of visible text themselves
//! are built in lines.rs.

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::{decompose_canonical, is_combining_mark};

pub use super::lines::{Line, LineBuilder};

/// True when `s` may not be NFC. Vietnamese text leaves NFC only through
/// combining diacritics (U+0300–U+036F, lead bytes 0xCC/0xCD in UTF-8), so a
/// byte scan settles the common case without per-character table lookups.
pub fn maybe_not_nfc(s: &str) -> bool {
    has_combining_lead(s.as_bytes()) && !unicode_normalization::is_nfc(s)
}

fn has_combining_lead(b: &[u8]) -> bool {
    if b.len() < 256 {
        // Every line and link text is asked: eight bytes at a time. A byte
        // is 0xCC or 0xCD when it equals 0xCC with its lowest bit cleared,
        // i.e. when that byte of the xor below is zero.
        const LOW: u64 = 0x0101_0101_0101_0101;
        const HIGH: u64 = 0x8080_8080_8080_8080;
        let (words, rest) = b.as_chunks::<8>();
        words.iter().any(|w| {
            let v = (u64::from_le_bytes(*w) & (LOW * 0xFE)) ^ (LOW * 0xCC);
            v.wrapping_sub(LOW) & !v & HIGH != 0
        }) || rest.iter().any(|&c| c & 0xFE == 0xCC)
    } else {
        // One pass for both bytes: a whole page is checked once per fetch.
        memchr::memchr2(0xCC, 0xCD, b).is_some()
    }
}

/// NFC of a whole document, normalising only the stretches between two
/// `<` that hold combining marks. Safe because no canonical composition has
/// an ASCII second part, so a cut before '<' never separates a base from
/// its marks; a page with a few NFD words costs a copy, not a full pass.
pub fn nfc_document(s: &str) -> std::borrow::Cow<'_, str> {
    if !has_combining_lead(s.as_bytes()) {
        return std::borrow::Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 64);
    let mut start = 0;
    let mut changed = false;
    let cuts = s.match_indices('<').map(|(i, _)| i).chain(std::iter::once(s.len()));
    for cut in cuts {
        let seg = s.get(start..cut).unwrap_or("");
        if has_combining_lead(seg.as_bytes()) && !unicode_normalization::is_nfc(seg) {
            out.extend(seg.nfc());
            changed = true;
        } else {
            out.push_str(seg);
        }
        start = cut;
    }
    if changed {
        std::borrow::Cow::Owned(out)
    } else {
        std::borrow::Cow::Borrowed(s)
    }
}

/// NFC without reallocating the common already-normalised case.
pub fn nfc(s: String) -> String {
    if maybe_not_nfc(&s) { s.nfc().collect() } else { s }
}

/// NFC, whitespace collapsed and trimmed.
pub fn clean(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for w in s.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(w);
    }
    nfc(out)
}

fn fold_char_slow(c: char) -> Option<char> {
    match c {
        'đ' | 'Đ' | 'ð' | 'Ð' => return Some('d'),
        '\u{a0}' => return Some(' '),
        _ => {}
    }
    if is_combining_mark(c) {
        return None;
    }
    let mut base = None;
    decompose_canonical(c, |d| {
        if base.is_none() && !is_combining_mark(d) {
            base = Some(d);
        }
    });
    let b = base.unwrap_or(c);
    match b {
        'đ' | 'Đ' => Some('d'),
        _ => b.to_lowercase().next(),
    }
}

/// Latin-1 Supplement to Latin Extended-B, and Latin Extended Additional
/// (all precomposed Vietnamese letters), folded once.
const TABLE_A: std::ops::RangeInclusive<u32> = 0x80..=0x24F;
const TABLE_B: std::ops::RangeInclusive<u32> = 0x1E00..=0x1EFF;
static FOLD_TABLE: std::sync::LazyLock<(Vec<char>, Vec<char>)> = std::sync::LazyLock::new(|| {
    let build = |r: std::ops::RangeInclusive<u32>| {
        r.map(|u| char::from_u32(u).and_then(fold_char_slow).unwrap_or('\u{0}'))
            .collect::<Vec<char>>()
    };
    (build(TABLE_A), build(TABLE_B))
});

/// Folds one character: lower case, no diacritics, đ → d. None for a bare
/// combining mark (NFD text, windows-1258 tone marks).
#[inline]
pub fn fold_char(c: char) -> Option<char> {
    fold_char_with(&FOLD_TABLE, c)
}

#[inline]
fn fold_char_with(table: &(Vec<char>, Vec<char>), c: char) -> Option<char> {
    if c.is_ascii() {
        return Some(c.to_ascii_lowercase());
    }
    let u = c as u32;
    let hit = if TABLE_A.contains(&u) {
        table.0.get((u - TABLE_A.start()) as usize)
    } else if TABLE_B.contains(&u) {
        table.1.get((u - TABLE_B.start()) as usize)
    } else {
        None
    };
    match hit {
        Some('\u{0}') => None,
        Some(&f) => Some(f),
        None => fold_char_slow(c),
    }
}

/// Decodes `&#NNNN;` / `&#xHHHH;` so a raw fragment compares like its rendering.
fn decode_numeric_refs(s: &str) -> std::borrow::Cow<'_, str> {
    if !s.contains("&#") {
        return std::borrow::Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(pos) = rest.find("&#") {
        out.push_str(&rest[..pos]);
        let after = &rest[pos + 2..];
        let (hex, digits_start) = match after.as_bytes().first() {
            Some(b'x') | Some(b'X') => (true, 1),
            _ => (false, 0),
        };
        let body = &after[digits_start..];
        let end = body
            .find(|c: char| !(if hex { c.is_ascii_hexdigit() } else { c.is_ascii_digit() }))
            .unwrap_or(body.len());
        let num = &body[..end];
        let parsed = if hex {
            u32::from_str_radix(num, 16).ok()
        } else {
            num.parse::<u32>().ok()
        }
        .and_then(char::from_u32);
        match parsed {
            Some(c) if !num.is_empty() => {
                out.push(c);
                let mut consumed = digits_start + end;
                if body[end..].starts_with(';') {
                    consumed += 1;
                }
                rest = &after[consumed..];
            }
            _ => {
                out.push_str("&#");
                rest = after;
            }
        }
    }
    out.push_str(rest);
    std::borrow::Cow::Owned(out)
}

/// [`fold`] into a reused buffer (no entity decoding: for page text).
pub fn fold_into(buf: &mut String, s: &str) {
    buf.clear();
    let mut space = false;
    let table = &*FOLD_TABLE;
    for c in s.chars() {
        let Some(f) = fold_char_with(table, c) else {
            continue;
        };
        if f.is_whitespace() {
            space = true;
            continue;
        }
        if space && !buf.is_empty() {
            buf.push(' ');
        }
        space = false;
        buf.push(f);
    }
}

/// Lower case, diacritics removed, đ → d, whitespace collapsed and trimmed:
/// "CƠ QUAN CHỦ QUẢN", "Cơ quan chủ quản" (NFC or NFD), "Co quan chu quan"
/// and "C&#417; quan" all give "co quan chu quan".
pub fn fold(s: &str) -> String {
    let s = decode_numeric_refs(s);
    let mut out = String::with_capacity(s.len());
    let mut space = false;
    for c in s.chars() {
        let Some(f) = fold_char(c) else { continue };
        if f.is_whitespace() {
            space = true;
            continue;
        }
        if space && !out.is_empty() {
            out.push(' ');
        }
        space = false;
        out.push(f);
    }
    out
}

/// A folded copy of a line with, for each folded byte, the byte offset in
/// the original, so a match on the folded text quotes the original.
#[derive(Debug, Default)]
pub struct Folded {
    pub text: String,
    map: Vec<u32>,
    orig_len: usize,
}

impl Folded {
    pub fn new(orig: &str) -> Self {
        let mut text = String::with_capacity(orig.len());
        let mut map = Vec::with_capacity(orig.len() + 1);
        let table = &*FOLD_TABLE;
        for (i, c) in orig.char_indices() {
            if c.is_ascii() {
                text.push(c.to_ascii_lowercase());
                map.push(i as u32);
                continue;
            }
            let Some(f) = fold_char_with(table, c) else {
                continue;
            };
            let f = if f.is_whitespace() { ' ' } else { f };
            let before = text.len();
            text.push(f);
            for _ in before..text.len() {
                map.push(i as u32);
            }
        }
        Folded {
            text,
            map,
            orig_len: orig.len(),
        }
    }

    /// Original byte offset of folded byte offset `k` (end maps to end).
    pub fn orig(&self, k: usize) -> usize {
        self.map.get(k).map(|&v| v as usize).unwrap_or(self.orig_len)
    }
}

/// Expands the abbreviations of RULES.md in folded text, so "UBND tỉnh X"
/// and "Ủy ban nhân dân tỉnh X" compare equal; punctuation becomes space.
pub fn expand_abbreviations(folded: &str) -> String {
    let s = folded.replace("tt & tt", "tttt").replace("tt&tt", "tttt").replace("tp.", "tp ");
    let mut out = String::with_capacity(s.len() + 32);
    for raw in s.split(|c: char| !(c.is_alphanumeric() || c == '&')) {
        if raw.is_empty() {
            continue;
        }
        let word = match raw {
            "ubnd" => "uy ban nhan dan",
            "hdnd" => "hoi dong nhan dan",
            "tttt" => "thong tin va truyen thong",
            "ttdt" => "thong tin dien tu",
            "bbt" => "ban bien tap",
            "tp" => "thanh pho",
            "&" => continue,
            w => w,
        };
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

/// The comparison key of a name: folded, abbreviations expanded.
pub fn name_key(s: &str) -> String {
    expand_abbreviations(&fold(s))
}

/// True when the name found on the page is the registry's name: equal after
/// folding and expansion, or containing it ("Cơ quan chủ quản: UBND tỉnh X"
/// found as "Ủy ban nhân dân tỉnh X - Việt Nam").
pub fn same_name(registry: &str, found: &str) -> bool {
    let a = name_key(registry);
    let b = name_key(found);
    if a.is_empty() || b.is_empty() {
        return false;
    }
    if a == b {
        return true;
    }
    let padded_b = format!(" {b} ");
    padded_b.contains(&format!(" {a} "))
}

/// Cuts `s` to at most `max` characters on a char boundary.
pub fn truncate_chars(s: &str, max: usize) -> &str {
    match s.char_indices().nth(max) {
        Some((i, _)) => &s[..i],
        None => s,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn combining_lead_bytes_are_found_at_every_offset() {
        for len in 0..40 {
            for at in 0..len {
                for (byte, want) in [
                    (0xCCu8, true),
                    (0xCD, true),
                    (0xCE, false),
                    (0x4C, false),
                    (0xCB, false),
                    (0xDC, false),
                ] {
                    let mut b = vec![b'a'; len];
                    if let Some(x) = b.get_mut(at) {
                        *x = byte;
                    }
                    assert_eq!(has_combining_lead(&b), want, "{len} {at} {byte:x}");
                }
            }
        }
    }

    #[test]
    fn fold_is_blind_to_case_diacritics_and_form() {
        let nfc = "Cơ quan chủ quản";
        let nfd: String = nfc.nfd().collect();
        assert_eq!(fold(nfc), "co quan chu quan");
        assert_eq!(fold("CƠ QUAN CHỦ QUẢN"), "co quan chu quan");
        assert_eq!(fold("Co  quan\u{a0}chu quan "), "co quan chu quan");
        assert_eq!(fold(&nfd), "co quan chu quan");
        assert_eq!(fold("Cơ quan ch&#7911; quản"), "co quan chu quan");
        assert_eq!(fold("Uỷ ban"), fold("Ủy ban"));
        assert_eq!(fold("hoà bình"), fold("hòa bình"));
        assert_eq!(fold("Đường ĐT"), "duong dt");
    }

    #[test]
    fn folded_maps_back_to_original() {
        let s = "Địa chỉ: Số 185 Giảng Võ";
        let f = Folded::new(s);
        let pos = f.text.find("so 185").unwrap_or(0);
        assert_eq!(&s[f.orig(pos)..], "Số 185 Giảng Võ");
    }

    #[test]
    fn abbreviations_expand() {
        assert_eq!(expand_abbreviations(&fold("UBND TP. Hà Nội")), "uy ban nhan dan thanh pho ha noi");
        assert_eq!(
            expand_abbreviations(&fold("Sở TT&TT")),
            expand_abbreviations(&fold("Sở Thông tin và Truyền thông"))
        );
        assert_eq!(expand_abbreviations(&fold("Sở TTTT")), "so thong tin va truyen thong");
        assert_eq!(expand_abbreviations(&fold("Cổng TTĐT")), "cong thong tin dien tu");
        assert_eq!(expand_abbreviations(&fold("HĐND")), "hoi dong nhan dan");
        assert_eq!(expand_abbreviations(&fold("BBT")), "ban bien tap");
    }

    #[test]
    fn same_name_matches_registry_names() {
        assert!(same_name("Ủy ban nhân dân tỉnh Tiền Giang", "UBND tỉnh Tiền Giang"));
        assert!(same_name("Uỷ ban nhân dân tỉnh Tiền Giang", "ỦY BAN NHÂN DÂN TỈNH TIỀN GIANG"));
        assert!(same_name("Sở Thông tin và Truyền thông", "Sở TT&TT tỉnh Kiên Giang"));
        assert!(!same_name("UBND tỉnh Tiền Giang", "UBND tỉnh Kiên Giang"));
        assert!(same_name("UBND tỉnh Tiền Giang", "Cơ quan: UBND tỉnh Tiền Giang."));
        assert!(!same_name("UBND tỉnh Tiền Giang", "UBND tỉnh Tiền"));
        assert!(!same_name("", "UBND"));
    }

    #[test]
    fn document_nfc_equals_full_nfc() {
        let nfd: String = "Chủ nhật, 13/2/2022 Tòa soạn".nfd().collect();
        let doc = format!("<p>{nfd}</p><p>Điện thoại</p><b>e\u{301}</b>x<\u{338}y");
        let full: String = doc.nfc().collect();
        assert_eq!(nfc_document(&doc), full);
        assert!(matches!(nfc_document("<p>Đã chuẩn</p>"), std::borrow::Cow::Borrowed(_)));
    }

    #[test]
    fn truncate_respects_char_boundaries() {
        assert_eq!(truncate_chars("Điện thoại", 3), "Điệ");
        assert_eq!(truncate_chars("ab", 5), "ab");
    }
}
