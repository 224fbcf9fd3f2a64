//! Arbitrary UTF-8 through the Vietnamese date finder and its wrappers.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sitewarden::extract::dates::{find_dates, parse_date_time, parse_iso};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    for d in find_dates(text) {
        // Documented as a byte range in the original text.
        assert!(
            d.start <= d.end && d.end <= text.len(),
            "range {}..{} of {}",
            d.start,
            d.end,
            text.len()
        );
        assert!(
            text.is_char_boundary(d.start) && text.is_char_boundary(d.end),
            "range {}..{} not on char boundaries",
            d.start,
            d.end
        );
    }
    let _ = parse_date_time(text);
    let _ = parse_iso(text);
});
