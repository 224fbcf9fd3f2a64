//! A licence renewal or re-issue shown beside the licence ("gia hạn đến",
//! "cấp lại ngày", "sửa đổi, bổ sung ngày"): from 25/12/2024 a licence
//! shown as issued more than five years ago is not "đang còn hiệu lực"
//! unless the page shows such a later date (Decree 147/2024 Art. 24(7)(a)).

use super::dates;
use super::facts::LicenseRenewal;
use super::text::{Folded, Line, truncate_chars};

/// Folded words that introduce a renewal date.
const WORDS: &[&str] = &["gia han", "cap lai", "sua doi, bo sung", "sua doi bo sung", "cap doi"];
const SNIPPET_CHARS: usize = 160;

/// Whether a line speaks of a licence: it holds a licence number ("…/GP-…",
/// "GP số"), as `disclosures::find_license` requires, so only such lines
/// and the one after each are folded, not the whole page.
fn about_license(line: &str) -> bool {
    line.contains("GP")
}

/// The latest renewal date written on a line that is, or follows, a licence line.
pub(super) fn find(lines: &[Line]) -> Option<LicenseRenewal> {
    let mut best: Option<LicenseRenewal> = None;
    let mut prev_about = false;
    for line in lines {
        let t = line.text.as_str();
        if t.len() > 600 {
            prev_about = false;
            continue;
        }
        let about = about_license(t);
        if about || prev_about {
            let folded = Folded::new(t);
            for w in WORDS {
                let Some(at) = folded.text.find(w) else { continue };
                let from = folded.orig(at);
                let date = dates::find_dates(t)
                    .into_iter()
                    .filter(|d| d.start >= from)
                    .map(|d| d.at.date())
                    .next();
                if let Some(date) = date
                    && best.as_ref().is_none_or(|b| b.date < date)
                {
                    best = Some(LicenseRenewal {
                        date,
                        snippet: truncate_chars(t.get(from..).unwrap_or(t), SNIPPET_CHARS).to_string(),
                    });
                }
            }
        }
        prev_about = about;
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    fn lines(texts: &[&str]) -> Vec<Line> {
        texts
            .iter()
            .map(|t| Line {
                text: t.to_string(),
                has_plain: true,
                ..Default::default()
            })
            .collect()
    }

    #[test]
    fn renewal_on_the_licence_line_or_the_next() {
        let r = find(&lines(&[
            "Giấy phép số 19/GP-STTTT do Sở TT&TT cấp ngày 10/01/2019, gia hạn ngày 05/01/2024",
        ]));
        assert_eq!(r.map(|r| r.date), NaiveDate::from_ymd_opt(2024, 1, 5));
        let r = find(&lines(&["Giấy phép số 19/GP-STTTT cấp ngày 10/01/2019", "Cấp lại ngày 05/01/2024"]));
        assert_eq!(r.map(|r| r.date), NaiveDate::from_ymd_opt(2024, 1, 5));
    }

    #[test]
    fn other_lines_and_undated_words_are_no_renewal() {
        assert_eq!(find(&lines(&["Giấy phép số 19/GP-STTTT cấp ngày 10/01/2019"])), None);
        assert_eq!(find(&lines(&["Gia hạn thẻ bảo hiểm y tế đến ngày 31/12/2026"])), None);
        assert_eq!(find(&lines(&["Giấy phép số 19/GP-STTTT, đang làm thủ tục gia hạn"])), None);
    }
}
