use super::*;

fn dt(y: i32, m: u32, d: u32, h: u32, mi: u32) -> NaiveDateTime {
    NaiveDate::from_ymd_opt(y, m, d)
        .and_then(|x| x.and_hms_opt(h, mi, 0))
        .unwrap_or_default()
}

fn p(s: &str) -> Option<NaiveDateTime> {
    parse_date_time(s)
}

#[test]
fn numeric_forms() {
    assert_eq!(p("23/11/2026"), Some(dt(2026, 11, 23, 0, 0)));
    assert_eq!(p("23-11-2026"), Some(dt(2026, 11, 23, 0, 0)));
    assert_eq!(p("23.02.2022"), Some(dt(2022, 2, 23, 0, 0)));
    assert_eq!(p("6/2/2020"), Some(dt(2020, 2, 6, 0, 0)));
    assert_eq!(p("23/11/2026 08:30"), Some(dt(2026, 11, 23, 8, 30)));
    assert_eq!(p("04/07/2023 - 16:45"), Some(dt(2023, 7, 4, 16, 45)));
}

/// The forms RULES.md lists, with and without leading zeros.
#[test]
fn forms_real_sites_write() {
    for (text, want) in [
        ("01/12/2026", dt(2026, 12, 1, 0, 0)),
        ("1/12/2026", dt(2026, 12, 1, 0, 0)),
        ("01/2/2026", dt(2026, 2, 1, 0, 0)),
        ("01-12-2026", dt(2026, 12, 1, 0, 0)),
        ("1-2-2026", dt(2026, 2, 1, 0, 0)),
        ("01.12.2026", dt(2026, 12, 1, 0, 0)),
        ("2026-12-01", dt(2026, 12, 1, 0, 0)),
        ("01 / 12 / 2026", dt(2026, 12, 1, 0, 0)),
        ("01–12–2026", dt(2026, 12, 1, 0, 0)),
        ("ngày 1 tháng 12 năm 2026", dt(2026, 12, 1, 0, 0)),
        ("ngày 01 tháng 02 năm 2026", dt(2026, 2, 1, 0, 0)),
        ("Thứ hai, 01/12/2026 08:30", dt(2026, 12, 1, 8, 30)),
        ("Thứ Hai, 1/12/2026 8:30", dt(2026, 12, 1, 8, 30)),
        ("01/12/2026 - 08:30", dt(2026, 12, 1, 8, 30)),
        ("08:30 01/12/2026", dt(2026, 12, 1, 8, 30)),
        ("(01/12/2026 14:05)", dt(2026, 12, 1, 14, 5)),
        ("Cập nhật 01/12/2026 lúc 8h30", dt(2026, 12, 1, 8, 30)),
    ] {
        assert_eq!(p(text), Some(want), "{text}");
        assert_eq!(first_date_time(text), Some(want), "{text}");
    }
    for text in [
        "01/12",
        "1/12/26/7",
        "12/2026",
        "01/13/2026",
        "0/12/2026",
        "01/12/20265",
        "01/12-2026",
    ] {
        assert_eq!(p(text), None, "{text}");
    }
}

#[test]
fn weekday_and_time_forms() {
    assert_eq!(p("Thứ Hai, 23/11/2026 - 15:30"), Some(dt(2026, 11, 23, 15, 30)));
    assert_eq!(p("Chủ nhật, 13/2/2022, 16:08 (GMT+7)"), Some(dt(2022, 2, 13, 16, 8)));
    assert_eq!(p("27/07/2022 | 04:04 PM"), Some(dt(2022, 7, 27, 16, 4)));
    assert_eq!(p("11/07/2022 | 10:02 AM"), Some(dt(2022, 7, 11, 10, 2)));
    assert_eq!(p("15:51 | 17/04/2020"), Some(dt(2020, 4, 17, 15, 51)));
    assert_eq!(p("17:42 Ngày 04/06/2018"), Some(dt(2018, 6, 4, 17, 42)));
    assert_eq!(p("Cập nhật lúc: 08:47 |02/03/2015"), Some(dt(2015, 3, 2, 8, 47)));
    assert_eq!(p("Ngày 23/11/2026 8h00"), Some(dt(2026, 11, 23, 8, 0)));
    assert_eq!(p("23/11/2026, 7giờ 20 phút"), Some(dt(2026, 11, 23, 7, 20)));
}

#[test]
fn long_and_month_name_forms() {
    assert_eq!(p("ngày 23 tháng 11 năm 2026"), Some(dt(2026, 11, 23, 0, 0)));
    assert_eq!(p("Thứ hai , ngày 16 tháng 12 năm 2019"), Some(dt(2019, 12, 16, 0, 0)));
    assert_eq!(p("Hải Phòng, ngày 19 tháng 01 năm 2020"), Some(dt(2020, 1, 19, 0, 0)));
    assert_eq!(p("Tháng Bảy 8, 2024"), Some(dt(2024, 7, 8, 0, 0)));
    assert_eq!(p("6 Tháng Mười Hai, 2022"), Some(dt(2022, 12, 6, 0, 0)));
    assert_eq!(p("THÁNG MƯỜI MỘT 3, 2026"), Some(dt(2026, 11, 3, 0, 0)));
}

#[test]
fn view_counts_are_not_years_or_times() {
    assert_eq!(p("Đăng ngày 17 - 05 - 2024 / Lượt xem: 400"), Some(dt(2024, 5, 17, 0, 0)));
    assert_eq!(p("Tin đăng ngày: 6/2/2020 - Xem: 92"), Some(dt(2020, 2, 6, 0, 0)));
    let f = find_dates("Đăng ngày 17 - 05 - 2024 / Lượt xem: 400");
    assert!(f.first().is_some_and(|d| d.labelled && !d.has_time));
}

#[test]
fn never_invents_a_year_or_reads_document_numbers() {
    assert_eq!(p("sáng 25-7"), None);
    assert_eq!(p("Ngày 28-10, tại Hà Nội"), None);
    assert_eq!(p("Luật số 28/2004/QH11"), None);
    assert_eq!(p("Quyết định 3107/2016/QĐ-UBND"), None);
    assert_eq!(p("31/02/2026"), None);
    assert_eq!(p("kỷ niệm 1-8-1930"), None);
    assert_eq!(p("32/13/2026"), None);
}

#[test]
fn labelled_dates_are_preferred() {
    let s = "Kỷ niệm 27/7/1947 - 27/7/2022. Ngày đăng: 11/07/2022";
    assert_eq!(p(s), Some(dt(2022, 7, 11, 0, 0)));
    let f = find_dates("Cập nhật: 23/11/2026");
    assert!(f.first().is_some_and(|d| d.labelled));
}

#[test]
fn labels_without_diacritics_are_labels() {
    for s in [
        "Ngay 23/11/2026",
        "Ngày 23/11/2026",
        "17:42 Ngay 23/11/2026",
        "Cap nhat: 23/11/2026",
        "CẬP NHẬT LÚC: 08:47 |23/11/2026",
        "Ngay dang: 23/11/2026",
        "Dang ngay 23 - 11 - 2026 / Luot xem: 400",
        "Tin dang ngay: 23/11/2026 - Xem: 92",
    ] {
        let f = find_dates(s);
        assert!(f.first().is_some_and(|d| d.labelled), "{s}: {f:?}");
        assert_eq!(f.first().map(|d| d.at.date()), NaiveDate::from_ymd_opt(2026, 11, 23), "{s}");
    }
    for s in [
        "Thứ Ba, ngày 24 tháng 11 năm 2026",
        "Hà Nội, ngày 23/11/2026",
        "Hội nghị ngày 23/11/2026",
    ] {
        assert!(find_dates(s).first().is_some_and(|d| !d.labelled), "{s}");
    }
}

#[test]
fn range_of_original_text_is_quoted() {
    let s = "Thứ Hai, 23/11/2026 - 15:30 xem";
    let f = find_dates(s);
    let d = f.first().copied().unwrap_or(FoundDate {
        at: NaiveDateTime::MIN,
        has_time: false,
        labelled: false,
        start: 0,
        end: 0,
    });
    assert_eq!(s.get(d.start..d.end), Some("23/11/2026 - 15:30"));
}

/// The listing's shortcut must read what the full search reads first,
/// on NFC and NFD text, upper case, non-breaking spaces, ranges, codes
/// and times before or after the date.
#[test]
fn first_date_time_equals_the_first_found_date() {
    use unicode_normalization::UnicodeNormalization;
    let parts = [
        "27/07/2022",
        " | 04:04 PM",
        "15:51 | ",
        "Ngày ",
        "NGÀY ",
        "ngày 23 tháng 11 năm 2026",
        "THÁNG MƯỜI MỘT 3, 2026",
        "Tháng Bảy 8, 2024",
        " - ",
        "27/7/1947",
        "28/2004/QH11",
        "Cập nhật lúc: ",
        "\u{a0}",
        ", 7giờ 20 phút",
        "8h00 ",
        "Kỷ niệm ",
        "31/02/2026",
        "23-11-2026",
        "2026-11-23",
        "Thứ 4",
    ];
    for a in parts {
        for b in parts {
            for c in ["", " ", "x"] {
                for text in [
                    format!("{a}{c}{b}"),
                    format!("{a}{c}{b}").nfd().collect::<String>(),
                    format!("{b}{a}{c}{a}"),
                ] {
                    let want = find_dates(&text).first().map(|d| d.at);
                    assert_eq!(first_date_time(&text), want, "{text:?}");
                }
            }
        }
    }
}

/// The regex the hand-written `numeric_at` replaced, kept as its reference.
static NUMERIC: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"([0-9]{1,4})[ \t\r\n]*([/.\-–])[ \t\r\n]*([0-9]{1,2})[ \t\r\n]*([/.\-–])[ \t\r\n]*([0-9]{1,4})").expect("static regex")
});

/// `numeric_at` finds what the regex's `captures_at` finds, group by
/// group, from every start, on pieces real pages put around numbers.
#[test]
fn numeric_scanner_equals_the_regex() {
    let parts = ["1", "23", "2026", "12345", "/", ".", "-", "–", " ", "\t\n", "a", "x/", "999", "đ"];
    let mut texts: Vec<String> = Vec::new();
    for a in parts {
        for b in parts {
            for c in parts {
                for d in ["", "/", "1", " 2026"] {
                    texts.push(format!("{a}{b}{c}{d}"));
                    texts.push(format!("{a}/{b}/{c}{d}"));
                    texts.push(format!("{a}{b}-{c}-{d}"));
                }
            }
        }
    }
    for t in [
        "23/11/2026",
        "1/2/2020 - 3/4/2021",
        "27/7/1947 - 27/7/2022",
        "Đăng ngày 17 - 05 - 2024 / Lượt xem: 400",
        "2026-11-23T08:30",
        "12.3.2022.5",
        "28/2004/QH11",
        "123456/12/20261",
        "1 . 2 . 3",
        "23 –11– 2026",
        "01/12/2026 08:30",
    ] {
        texts.push(t.to_string());
    }
    for t in &texts {
        for pos in (0..=t.len()).filter(|&p| t.is_char_boundary(p)) {
            let want = NUMERIC.captures_at(t, pos).map(|c| {
                let g = |k: usize| c.get(k).map(|m| (m.start(), m.end()));
                (g(0), g(1), g(2), g(3), g(4), g(5))
            });
            let got = numeric_at(t, pos).map(|m| {
                let at = |s: &str| {
                    let start = s.as_ptr() as usize - t.as_ptr() as usize;
                    Some((start, start + s.len()))
                };
                (
                    Some((m.start, m.end)),
                    at(m.first),
                    at(m.sep1),
                    at(m.middle),
                    at(m.sep2),
                    at(m.last),
                )
            });
            assert_eq!(got, want, "{t:?} from {pos}");
        }
    }
}

#[test]
fn iso_with_offsets_becomes_vietnam_local() {
    assert_eq!(
        parse_iso("2022-02-13T16:08:35+07:00"),
        Some(dt(2022, 2, 13, 16, 8)).map(|d| d + chrono::Duration::seconds(35))
    );
    assert_eq!(parse_iso("2026-07-06T18:16:00.000+07:00"), Some(dt(2026, 7, 6, 18, 16)));
    assert_eq!(parse_iso("2026-11-23T01:30:00Z"), Some(dt(2026, 11, 23, 8, 30)));
    assert_eq!(parse_iso("2015-03-23 08:06 +07:00"), Some(dt(2015, 3, 23, 8, 6)));
    assert_eq!(parse_iso("2026-11-23"), Some(dt(2026, 11, 23, 0, 0)));
    assert_eq!(parse_iso("2026-11-23T10:00:00"), Some(dt(2026, 11, 23, 10, 0)));
    assert_eq!(parse_iso("garbage"), None);
    assert_eq!(parse_iso("2026-02-30"), None);
}
