//! Bytes to text for HTML, XML and robots.txt.
//!
//! Vietnamese sites still serve windows-1258 (and mislabel it), and some
//! declare their charset late in the head, so the order is: HTTP header,
//! `<meta>` in the first 8 KiB, BOM, valid UTF-8, then windows-1258.
//! windows-1258 decodes tone marks as combining characters, hence the NFC.

use encoding_rs::{Encoding, UTF_8, WINDOWS_1258};

/// How far into the document a `<meta charset>` is looked for; dantri.com.vn
/// declares it after byte 1,024, past the 1,024 bytes browsers prescan.
const META_SCAN: usize = 8 * 1024;

/// The charset named by a Content-Type value ("text/html; charset=UTF-8").
fn charset_param(content_type: &str) -> Option<&'static Encoding> {
    let lower = content_type.to_ascii_lowercase();
    let pos = lower.find("charset")?;
    let rest = lower.get(pos + 7..)?.trim_start();
    let rest = rest.strip_prefix('=')?.trim_start();
    let value: String = rest
        .trim_start_matches(['"', '\''])
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | ':'))
        .collect();
    Encoding::for_label(value.as_bytes())
}

/// The charset declared by `<meta charset=..>` or `<meta http-equiv ...
/// content="..charset=..">` in the first 8 KiB.
fn meta_charset(bytes: &[u8]) -> Option<&'static Encoding> {
    let head = bytes.get(..bytes.len().min(META_SCAN)).unwrap_or(bytes);
    // The declaration is ASCII in every encoding we care about; look only at
    // `<meta ...>` tags instead of lower-casing the whole head.
    let mut from = 0;
    while let Some(rel) = head.get(from..).and_then(|h| h.iter().position(|&b| b == b'<')) {
        let start = from + rel;
        from = start + 1;
        if !head.get(start + 1..start + 5).is_some_and(|t| t.eq_ignore_ascii_case(b"meta")) {
            continue;
        }
        let end = head
            .get(start..)
            .and_then(|h| h.iter().position(|&b| b == b'>'))
            .map(|e| start + e)
            .unwrap_or(head.len());
        let tag = String::from_utf8_lossy(head.get(start..end).unwrap_or_default()).to_ascii_lowercase();
        if tag.contains("charset")
            && let Some(enc) = charset_param(&tag.replace(['"', '\''], " ").replace("= ", "="))
        {
            return Some(enc);
        }
        from = end.max(from);
    }
    None
}

/// UTF-16 declared in a meta tag cannot be right (the tag itself was read
/// as ASCII): treat it as UTF-8 like browsers do.
fn sane(enc: &'static Encoding) -> &'static Encoding {
    if enc == encoding_rs::UTF_16LE || enc == encoding_rs::UTF_16BE {
        UTF_8
    } else {
        enc
    }
}

fn decode_with(enc: &'static Encoding, bytes: &[u8]) -> String {
    let (text, _, _) = enc.decode(bytes);
    match crate::extract::text::nfc_document(&text) {
        std::borrow::Cow::Owned(normalised) => normalised,
        std::borrow::Cow::Borrowed(_) => text.into_owned(),
    }
}

/// `body` without the one to three bytes of a UTF-8 character cut in half
/// when the body was `truncated` at the size cap: that is the cut, not a sign
/// of another charset, and detection would otherwise take the whole page for
/// windows-1258. Any other body, including one invalid elsewhere, is whole.
pub fn without_cut_char(mut body: Vec<u8>, truncated: bool) -> Vec<u8> {
    if truncated
        // No error length: the input ended inside a character.
        && let Err(e) = std::str::from_utf8(&body)
        && e.error_len().is_none()
    {
        body.truncate(e.valid_up_to());
    }
    body
}

/// Decodes an HTML body to NFC text. Never fails: undecodable bytes become U+FFFD.
pub fn decode_html(bytes: &[u8], content_type: Option<&str>) -> String {
    if let Some((enc, bom_len)) = Encoding::for_bom(bytes) {
        // A BOM is unambiguous and browsers let it win over the header.
        return decode_with(enc, bytes.get(bom_len..).unwrap_or_default());
    }
    let enc = content_type
        .and_then(charset_param)
        .or_else(|| meta_charset(bytes).map(sane))
        .unwrap_or_else(|| if std::str::from_utf8(bytes).is_ok() { UTF_8 } else { WINDOWS_1258 });
    decode_with(enc, bytes)
}

/// Decodes XML (feeds, sitemaps) or robots.txt: header charset, BOM, else
/// UTF-8 with replacement characters.
pub fn decode_text(bytes: &[u8], content_type: Option<&str>) -> String {
    if let Some((enc, bom_len)) = Encoding::for_bom(bytes) {
        return decode_with(enc, bytes.get(bom_len..).unwrap_or_default());
    }
    let enc = content_type.and_then(charset_param).unwrap_or(UTF_8);
    decode_with(enc, bytes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use unicode_normalization::UnicodeNormalization;

    /// windows-1258 bytes the way a legacy CMS writes them: decomposed tones.
    fn cp1258(text: &str) -> Vec<u8> {
        // windows-1258 has the vowel letters (ê, ơ, ư, ă) precomposed and
        // only the five tone marks as combining characters.
        const TONES: [char; 5] = ['\u{300}', '\u{301}', '\u{303}', '\u{309}', '\u{323}'];
        let mut legacy = String::new();
        for c in text.nfc() {
            let parts: Vec<char> = c.to_string().nfd().collect();
            let base: String = parts.iter().filter(|p| !TONES.contains(p)).collect::<String>().nfc().collect();
            legacy.push_str(&base);
            legacy.extend(parts.iter().filter(|p| TONES.contains(p)));
        }
        let (bytes, _, had_errors) = WINDOWS_1258.encode(&legacy);
        assert!(!had_errors, "test text must be encodable");
        bytes.into_owned()
    }

    #[test]
    fn windows_1258_from_header_is_nfc() {
        let bytes = cp1258("<p>Cơ quan chủ quản: Ủy ban nhân dân tỉnh Tiền Giang</p>");
        let s = decode_html(&bytes, Some("text/html; charset=windows-1258"));
        assert!(s.contains("Cơ quan chủ quản: Ủy ban nhân dân tỉnh Tiền Giang"));
    }

    #[test]
    fn meta_charset_after_first_kilobyte_is_honoured() {
        let mut page = String::from("<html><head>");
        page.push_str(&"<!-- padding -->".repeat(120));
        page.push_str("<meta http-equiv=\"Content-Type\" content=\"text/html; charset=windows-1258\">");
        page.push_str("</head><body>Điện thoại liên hệ</body></html>");
        let bytes = cp1258(&page);
        assert!(page.find("<meta").unwrap_or(0) > 1024);
        let s = decode_html(&bytes, Some("text/html"));
        assert!(s.contains("Điện thoại liên hệ"));
    }

    #[test]
    fn meta_charset_short_form() {
        let bytes = cp1258("<meta charset='windows-1258'><p>Tòa soạn</p>");
        assert!(decode_html(&bytes, None).contains("Tòa soạn"));
    }

    #[test]
    fn undeclared_legacy_bytes_fall_back_to_windows_1258() {
        let bytes = cp1258("<p>Người chịu trách nhiệm</p>");
        assert!(std::str::from_utf8(&bytes).is_err());
        assert!(decode_html(&bytes, None).contains("Người chịu trách nhiệm"));
    }

    #[test]
    fn utf8_wins_when_valid_and_bom_wins_over_header() {
        let s = "<p>Địa chỉ</p>";
        assert_eq!(decode_html(s.as_bytes(), None), s);
        let mut bom = vec![0xEF, 0xBB, 0xBF];
        bom.extend_from_slice(s.as_bytes());
        assert_eq!(decode_html(&bom, Some("text/html; charset=iso-8859-1")), s);
    }

    #[test]
    fn nfd_utf8_is_normalised() {
        let nfd: String = "Thư điện tử".nfd().collect();
        assert_eq!(decode_html(nfd.as_bytes(), Some("text/html; charset=utf-8")), "Thư điện tử");
    }

    #[test]
    fn decode_text_is_lossy_utf8_by_default() {
        assert_eq!(decode_text(b"User-agent: *\xff", None), "User-agent: *\u{fffd}");
        let bytes = cp1258("Tin mới");
        assert_eq!(decode_text(&bytes, Some("text/xml; charset=windows-1258")), "Tin mới");
        assert_eq!(decode_text(b"", None), "");
    }

    #[test]
    fn utf8_body_cut_mid_character_is_still_utf8() {
        const CUT: usize = 5_000_000;
        let head = "<html><head><title>Cổng thông tin điện tử tỉnh Tiền Giang</title></head><body>";
        let footer = "<footer>Cơ quan chủ quản: Ủy ban nhân dân tỉnh Tiền Giang. Người chịu trách nhiệm: Giám đốc Sở Thông tin và Truyền thông</footer></body></html>";
        let mut page = String::with_capacity(CUT + 256);
        page.push_str(head);
        page.push_str(&"<p>tin tuc</p>\n".repeat((CUT - head.len() - 60) / 15));
        // Land the cut inside one of the footer's multi-byte characters.
        while footer.is_char_boundary(CUT - page.len()) {
            page.push(' ');
        }
        page.push_str(footer);
        page.push_str(&" ".repeat(5_000_200_usize.saturating_sub(page.len())));
        assert!(!page.is_char_boundary(CUT));
        let cut = page.as_bytes().get(..CUT).unwrap().to_vec();

        let text = decode_html(&without_cut_char(cut, true), None);
        assert!(text.contains("Cổng thông tin điện tử tỉnh Tiền Giang"));
        assert!(text.contains("<footer>Cơ quan chủ quản"));
        assert!(!text.contains('\u{fffd}'));
    }

    #[test]
    fn only_a_cut_at_the_end_is_forgiven() {
        let s = "Địa chỉ".as_bytes();
        // "ỉ" is three bytes; one or two of them left.
        for keep in [s.len() - 2, s.len() - 1] {
            let cut = s.get(..keep).unwrap();
            assert_eq!(without_cut_char(cut.to_vec(), true), "Địa ch".as_bytes());
            // Not cut by us: the bytes are as the server sent them.
            assert_eq!(without_cut_char(cut.to_vec(), false), cut);
        }
        assert_eq!(without_cut_char(s.to_vec(), true), s);
        // windows-1258 is invalid UTF-8 before its end: left whole.
        let legacy = cp1258("Người chịu trách nhiệm ở");
        assert_eq!(without_cut_char(legacy.clone(), true), legacy);
        assert_eq!(without_cut_char(Vec::new(), true), b"");
        assert_eq!(without_cut_char(b"\xff\xff".to_vec(), true), b"\xff\xff");
    }
}
