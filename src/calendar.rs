//! Vietnam's working-day calendar: Monday–Friday less the public holidays of
//! the Labour Code 2019, Art. 112, with Art. 111(3)'s rule that a holiday
//! falling on a weekly rest day is taken on the next working day.
//!
//! The lunar dates (Tết, Hùng Kings' day) come from Hồ Ngọc Đức's algorithm
//! computed for the UTC+7 meridian, which is what Vietnamese calendars use
//! and why they differ from Chinese ones in some years.
//!
//! What the built-in rule gives, and where it differs from what the
//! government actually announced (those differences go in the holidays file,
//! `off = [...]`, `work = [...]`):
//! - Tết: the last day of the old lunar year and days 1–4 of the new one,
//!   weekend days moved to the next working days. 2025: 28–31 Jan and 3 Feb
//!   (the official break was 25/1–2/2: add `off = ["2025-01-27"]`,
//!   `work = ["2025-02-03"]`); 2026: 16–20 Feb (matches the official
//!   14–22/2 break); 2027: 5, 8, 9, 10, 11 Feb.
//! - National Day: 2 September plus 1 September (the adjacent day the
//!   government chose in 2022–2025); a year it picks 3 September instead
//!   goes in the holidays file.
//! - Days announced but not in the Labour Code (24 November, Ngày Văn hóa
//!   Việt Nam, from 2026) are not built in: the holidays file adds them.

use std::collections::{BTreeMap, BTreeSet};
use std::f64::consts::PI;
use std::path::Path;

use chrono::{Datelike, Days, NaiveDate, Weekday};
use serde::Deserialize;
use toml::Spanned;

use crate::config::{ConfigError, err_at, parse_toml, read_file};

/// Vietnam's offset from UTC, in hours, for the lunar computation.
const TZ_HOURS: f64 = 7.0;

/// Years whose holidays are computed once at construction; others on demand.
const CACHED_YEARS: std::ops::RangeInclusive<i32> = 2000..=2100;

const FILE_OFF_NAME: &str = "Ngày nghỉ theo thông báo (tệp ngày nghỉ)";

#[derive(Debug, Clone)]
pub struct Calendar {
    /// Public holidays (and their compensation days) for `CACHED_YEARS`.
    holidays: BTreeMap<NaiveDate, &'static str>,
    /// Extra days off from the holidays file.
    off: BTreeSet<NaiveDate>,
    /// Swapped working days (a Saturday worked) from the holidays file.
    work: BTreeSet<NaiveDate>,
}

impl Default for Calendar {
    fn default() -> Self {
        Calendar::builtin()
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawHolidays {
    #[serde(default)]
    off: Vec<Spanned<toml::Value>>,
    #[serde(default)]
    work: Vec<Spanned<toml::Value>>,
}

impl Calendar {
    /// The Labour Code holidays only, no holidays file.
    pub fn builtin() -> Calendar {
        let mut holidays = BTreeMap::new();
        for year in CACHED_YEARS {
            holidays.extend(public_holidays(year));
        }
        Calendar {
            holidays,
            off: BTreeSet::new(),
            work: BTreeSet::new(),
        }
    }

    /// The built-in holidays plus, when given, the holidays file
    /// (`off = ["2026-11-24"]`, `work = ["2025-02-08"]`, quoted or bare dates).
    pub fn load(path: Option<&Path>) -> Result<Calendar, ConfigError> {
        let mut cal = Calendar::builtin();
        if let Some(path) = path {
            let src = read_file(path)?;
            cal.add_file(path, &src)?;
        }
        Ok(cal)
    }

    /// Parse the text of a holidays file (`path` names it in errors).
    pub fn parse(path: &Path, src: &str) -> Result<Calendar, ConfigError> {
        let mut cal = Calendar::builtin();
        cal.add_file(path, src)?;
        Ok(cal)
    }

    fn add_file(&mut self, path: &Path, src: &str) -> Result<(), ConfigError> {
        let raw: RawHolidays = parse_toml(path, src)?;
        let date = |v: &Spanned<toml::Value>| -> Result<NaiveDate, ConfigError> {
            let text = match v.get_ref() {
                toml::Value::String(s) => s.clone(),
                toml::Value::Datetime(d) => d.to_string(),
                other => {
                    return Err(err_at(
                        path,
                        src,
                        v.span(),
                        format!("expected a date like \"2026-11-24\", found {}", other.type_str()),
                    ));
                }
            };
            NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d").map_err(|_| {
                err_at(
                    path,
                    src,
                    v.span(),
                    format!("invalid date {text:?}: expected YYYY-MM-DD, like \"2026-11-24\""),
                )
            })
        };
        for v in &raw.off {
            self.off.insert(date(v)?);
        }
        for v in &raw.work {
            let d = date(v)?;
            if self.off.contains(&d) {
                return Err(err_at(path, src, v.span(), format!("{d} is listed both in `off` and in `work`")));
            }
            self.work.insert(d);
        }
        Ok(())
    }

    pub fn is_working_day(&self, day: NaiveDate) -> bool {
        if self.work.contains(&day) {
            return true;
        }
        if self.off.contains(&day) || is_weekend(day) {
            return false;
        }
        self.builtin_holiday(day).is_none()
    }

    /// The Vietnamese name of the holiday that makes `day` a day off, if any
    /// (None for ordinary weekends and for swapped working days).
    pub fn holiday_name(&self, day: NaiveDate) -> Option<&'static str> {
        if self.work.contains(&day) {
            return None;
        }
        if let Some(name) = self.builtin_holiday(day) {
            return Some(name);
        }
        self.off.contains(&day).then_some(FILE_OFF_NAME)
    }

    fn builtin_holiday(&self, day: NaiveDate) -> Option<&'static str> {
        if CACHED_YEARS.contains(&day.year()) {
            self.holidays.get(&day).copied()
        } else {
            public_holidays(day.year()).remove(&day)
        }
    }

    /// The `n` working days strictly before `as_of`, most recent first.
    pub fn working_days_before(&self, as_of: NaiveDate, n: usize) -> Vec<NaiveDate> {
        let mut out = Vec::with_capacity(n);
        let mut day = as_of;
        // Even the longest Tết break leaves working days within a month;
        // the bound only guards against a holidays file that lists every day.
        let mut budget = n.saturating_mul(30).saturating_add(60);
        while out.len() < n && budget > 0 {
            budget -= 1;
            match day.pred_opt() {
                Some(d) => day = d,
                None => break,
            }
            if self.is_working_day(day) {
                out.push(day);
            }
        }
        out
    }

    /// Working days after `a` up to and including `b`; negative when `b` is
    /// before `a` (a document "posted" before it was signed).
    pub fn working_days_between(&self, a: NaiveDate, b: NaiveDate) -> i64 {
        let (from, to, sign) = if b >= a { (a, b, 1) } else { (b, a, -1) };
        let count = from
            .iter_days()
            .skip(1)
            .take_while(|d| *d <= to)
            .filter(|d| self.is_working_day(*d))
            .count();
        sign * count as i64
    }
}

fn is_weekend(day: NaiveDate) -> bool {
    matches!(day.weekday(), Weekday::Sat | Weekday::Sun)
}

/// The Labour Code holidays of one solar year, with weekend days moved to
/// the next working day.
fn public_holidays(year: i32) -> BTreeMap<NaiveDate, &'static str> {
    let mut days: Vec<(NaiveDate, &'static str, &'static str)> = Vec::new();
    let mut solar = |m: u32, d: u32, name: &'static str, comp: &'static str| {
        if let Some(day) = NaiveDate::from_ymd_opt(year, m, d) {
            days.push((day, name, comp));
        }
    };
    solar(1, 1, "Tết Dương lịch", "Nghỉ bù Tết Dương lịch");
    solar(4, 30, "Ngày Giải phóng miền Nam, thống nhất đất nước", "Nghỉ bù ngày 30/4");
    solar(5, 1, "Ngày Quốc tế Lao động", "Nghỉ bù ngày 1/5");
    solar(9, 1, "Quốc khánh (ngày liền kề)", "Nghỉ bù Quốc khánh");
    solar(9, 2, "Quốc khánh", "Nghỉ bù Quốc khánh");
    if let Some(tet) = lunar_to_solar(1, 1, year) {
        for offset in -1i64..=3 {
            if let Some(day) = tet.checked_add_signed(chrono::Duration::days(offset)) {
                days.push((day, "Tết Nguyên đán", "Nghỉ bù Tết Nguyên đán"));
            }
        }
    }
    if let Some(hung) = lunar_to_solar(10, 3, year) {
        days.push((hung, "Giỗ Tổ Hùng Vương", "Nghỉ bù Giỗ Tổ Hùng Vương"));
    }
    days.sort_by_key(|(d, _, _)| *d);

    let mut out: BTreeMap<NaiveDate, &'static str> = days.iter().map(|(d, n, _)| (*d, *n)).collect();
    for (day, _, comp) in &days {
        if !is_weekend(*day) {
            continue;
        }
        let mut next = *day;
        while let Some(d) = next.checked_add_days(Days::new(1)) {
            next = d;
            if !is_weekend(next) && !out.contains_key(&next) {
                out.insert(next, comp);
                break;
            }
        }
    }
    out.retain(|d, _| !is_weekend(*d));
    out
}

// ---- Hồ Ngọc Đức's lunar calendar (https://www.informatik.uni-leipzig.de/~duc/amlich/) ----

fn julian_day(d: NaiveDate) -> i64 {
    // 0001-01-01 (proleptic Gregorian) is Julian day 1721426.
    i64::from(d.num_days_from_ce()) + 1_721_425
}

fn from_julian_day(jd: i64) -> Option<NaiveDate> {
    NaiveDate::from_num_days_from_ce_opt(i32::try_from(jd - 1_721_425).ok()?)
}

/// Julian day (fractional, UT) of the k-th new moon after 1900-01-01.
fn new_moon(k: f64) -> f64 {
    let t = k / 1236.85;
    let t2 = t * t;
    let t3 = t2 * t;
    let dr = PI / 180.0;
    let mut jd1 = 2415020.75933 + 29.53058868 * k + 0.0001178 * t2 - 0.000000155 * t3;
    jd1 += 0.00033 * ((166.56 + 132.87 * t - 0.009173 * t2) * dr).sin();
    let m = 359.2242 + 29.10535608 * k - 0.0000333 * t2 - 0.00000347 * t3;
    let mpr = 306.0253 + 385.81691806 * k + 0.0107306 * t2 + 0.00001236 * t3;
    let f = 21.2964 + 390.67050646 * k - 0.0016528 * t2 - 0.00000239 * t3;
    let mut c1 = (0.1734 - 0.000393 * t) * (m * dr).sin() + 0.0021 * (2.0 * dr * m).sin();
    c1 = c1 - 0.4068 * (mpr * dr).sin() + 0.0161 * (dr * 2.0 * mpr).sin();
    c1 -= 0.0004 * (dr * 3.0 * mpr).sin();
    c1 = c1 + 0.0104 * (dr * 2.0 * f).sin() - 0.0051 * (dr * (m + mpr)).sin();
    c1 = c1 - 0.0074 * (dr * (m - mpr)).sin() + 0.0004 * (dr * (2.0 * f + m)).sin();
    c1 = c1 - 0.0004 * (dr * (2.0 * f - m)).sin() - 0.0006 * (dr * (2.0 * f + mpr)).sin();
    c1 = c1 + 0.0010 * (dr * (2.0 * f - mpr)).sin() + 0.0005 * (dr * (2.0 * mpr + m)).sin();
    let deltat = if t < -11.0 {
        0.001 + 0.000839 * t + 0.0002261 * t2 - 0.00000845 * t3 - 0.000000081 * t * t3
    } else {
        -0.000278 + 0.000265 * t + 0.000262 * t2
    };
    jd1 + c1 - deltat
}

/// The sun's ecliptic longitude in radians, normalised to [0, 2π).
fn sun_longitude(jdn: f64) -> f64 {
    let t = (jdn - 2451545.0) / 36525.0;
    let t2 = t * t;
    let dr = PI / 180.0;
    let m = 357.52910 + 35999.05030 * t - 0.0001559 * t2 - 0.00000048 * t * t2;
    let l0 = 280.46645 + 36000.76983 * t + 0.0003032 * t2;
    let mut dl = (1.914600 - 0.004817 * t - 0.000014 * t2) * (dr * m).sin();
    dl += (0.019993 - 0.000101 * t) * (dr * 2.0 * m).sin() + 0.000290 * (dr * 3.0 * m).sin();
    let l = (l0 + dl) * dr;
    l - PI * 2.0 * (l / (PI * 2.0)).floor()
}

/// Which of the 12 thirty-degree sectors the sun is in at local midnight starting `day`.
fn sun_sector(day: i64) -> i64 {
    (sun_longitude(day as f64 - 0.5 - TZ_HOURS / 24.0) / PI * 6.0).floor() as i64
}

fn new_moon_day(k: i64) -> i64 {
    (new_moon(k as f64) + 0.5 + TZ_HOURS / 24.0).floor() as i64
}

/// The Julian day on which lunar month 11 (the one holding the winter solstice) of `year` starts.
fn lunar_month_11(year: i32) -> Option<i64> {
    let dec31 = NaiveDate::from_ymd_opt(year, 12, 31)?;
    let off = julian_day(dec31) - 2415021;
    let k = (off as f64 / 29.530588853).floor() as i64;
    let nm = new_moon_day(k);
    Some(if sun_sector(nm) >= 9 { new_moon_day(k - 1) } else { nm })
}

/// Offset (in months after month 11) of the leap month in a 13-month year.
fn leap_month_offset(a11: i64) -> i64 {
    let k = ((a11 as f64 - 2415021.076998695) / 29.530588853 + 0.5).floor() as i64;
    let mut i = 1;
    let mut arc = sun_sector(new_moon_day(k + i));
    loop {
        let last = arc;
        i += 1;
        arc = sun_sector(new_moon_day(k + i));
        if arc == last || i >= 14 {
            break;
        }
    }
    i - 1
}

/// Solar date of `day`/`month` (not leap) of lunar `year`.
pub fn lunar_to_solar(day: u32, month: u32, year: i32) -> Option<NaiveDate> {
    if !(1..=30).contains(&day) || !(1..=12).contains(&month) {
        return None;
    }
    let (a11, b11) = if month < 11 {
        (lunar_month_11(year - 1)?, lunar_month_11(year)?)
    } else {
        (lunar_month_11(year)?, lunar_month_11(year + 1)?)
    };
    let k = (0.5 + (a11 as f64 - 2415021.076998695) / 29.530588853).floor() as i64;
    let mut off = i64::from(month) - 11;
    if off < 0 {
        off += 12;
    }
    if b11 - a11 > 365 && off >= leap_month_offset(a11) {
        off += 1;
    }
    from_julian_day(new_moon_day(k + off) + i64::from(day) - 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn off_days(cal: &Calendar, from: NaiveDate, to: NaiveDate) -> Vec<NaiveDate> {
        from.iter_days()
            .take_while(|x| *x <= to)
            .filter(|x| !is_weekend(*x) && !cal.is_working_day(*x))
            .collect()
    }

    #[test]
    fn tet_and_hung_kings_follow_the_vietnamese_lunar_calendar() {
        assert_eq!(lunar_to_solar(1, 1, 2025), Some(d(2025, 1, 29)));
        assert_eq!(lunar_to_solar(1, 1, 2026), Some(d(2026, 2, 17)));
        assert_eq!(lunar_to_solar(1, 1, 2027), Some(d(2027, 2, 6)));
        assert_eq!(lunar_to_solar(10, 3, 2025), Some(d(2025, 4, 7)));
        assert_eq!(lunar_to_solar(10, 3, 2026), Some(d(2026, 4, 26)));
        assert_eq!(lunar_to_solar(10, 3, 2027), Some(d(2027, 4, 16)));
        // The UTC+7 meridian is why Vietnam differs from China: 1985 by a
        // month (21 Jan vs 20 Feb), 2007 by a day (17 Feb vs 18 Feb).
        assert_eq!(lunar_to_solar(1, 1, 1985), Some(d(1985, 1, 21)));
        assert_eq!(lunar_to_solar(1, 1, 2007), Some(d(2007, 2, 17)));
    }

    #[test]
    fn tet_2025_is_the_last_day_of_the_year_plus_four_with_saturday_moved() {
        let cal = Calendar::builtin();
        assert_eq!(
            off_days(&cal, d(2025, 1, 20), d(2025, 2, 10)),
            vec![d(2025, 1, 28), d(2025, 1, 29), d(2025, 1, 30), d(2025, 1, 31), d(2025, 2, 3)]
        );
        assert_eq!(cal.holiday_name(d(2025, 1, 29)), Some("Tết Nguyên đán"));
        assert_eq!(cal.holiday_name(d(2025, 2, 3)), Some("Nghỉ bù Tết Nguyên đán"));
    }

    #[test]
    fn tet_2026_and_2027() {
        let cal = Calendar::builtin();
        assert_eq!(
            off_days(&cal, d(2026, 2, 9), d(2026, 2, 27)),
            vec![d(2026, 2, 16), d(2026, 2, 17), d(2026, 2, 18), d(2026, 2, 19), d(2026, 2, 20)]
        );
        // Tết 2027 starts on a Saturday: the weekend days move past mùng 4.
        assert_eq!(
            off_days(&cal, d(2027, 2, 1), d(2027, 2, 19)),
            vec![d(2027, 2, 5), d(2027, 2, 8), d(2027, 2, 9), d(2027, 2, 10), d(2027, 2, 11)]
        );
    }

    #[test]
    fn every_other_holiday_of_2025_to_2027() {
        let cal = Calendar::builtin();
        // 2025: 1/1 Wed, Hùng 7/4 Mon, 30/4 Wed, 1/5 Thu, 1–2/9 Mon–Tue.
        for day in [
            d(2025, 1, 1),
            d(2025, 4, 7),
            d(2025, 4, 30),
            d(2025, 5, 1),
            d(2025, 9, 1),
            d(2025, 9, 2),
        ] {
            assert!(!cal.is_working_day(day), "{day}");
        }
        // 2026: 1/1 Thu; Hùng 26/4 is a Sunday -> Monday 27/4; 30/4 Thu, 1/5 Fri; 1–2/9 Tue–Wed.
        assert_eq!(cal.holiday_name(d(2026, 1, 1)), Some("Tết Dương lịch"));
        assert_eq!(cal.holiday_name(d(2026, 4, 27)), Some("Nghỉ bù Giỗ Tổ Hùng Vương"));
        assert!(cal.is_working_day(d(2026, 4, 28)));
        assert_eq!(
            cal.holiday_name(d(2026, 4, 30)),
            Some("Ngày Giải phóng miền Nam, thống nhất đất nước")
        );
        assert_eq!(cal.holiday_name(d(2026, 5, 1)), Some("Ngày Quốc tế Lao động"));
        assert_eq!(cal.holiday_name(d(2026, 9, 1)), Some("Quốc khánh (ngày liền kề)"));
        assert_eq!(cal.holiday_name(d(2026, 9, 2)), Some("Quốc khánh"));
        assert!(cal.is_working_day(d(2026, 9, 3)));
        // 2027: 1/1 Fri, Hùng 16/4 Fri, 30/4 Fri, 1/5 Sat -> Mon 3/5, 1–2/9 Wed–Thu.
        for day in [
            d(2027, 1, 1),
            d(2027, 4, 16),
            d(2027, 4, 30),
            d(2027, 5, 3),
            d(2027, 9, 1),
            d(2027, 9, 2),
        ] {
            assert!(!cal.is_working_day(day), "{day}");
        }
        assert_eq!(cal.holiday_name(d(2027, 5, 3)), Some("Nghỉ bù ngày 1/5"));
        assert!(cal.is_working_day(d(2027, 5, 4)));
        // Weekends are not holidays and ordinary days are working days.
        assert_eq!(cal.holiday_name(d(2026, 11, 21)), None);
        assert!(!cal.is_working_day(d(2026, 11, 21)));
        assert!(cal.is_working_day(d(2026, 11, 24)));
    }

    #[test]
    fn holidays_file_adds_days_off_and_swapped_working_days() {
        let cal = Calendar::parse(
            Path::new("holidays.toml"),
            "off = [\"2026-11-24\", 2025-01-27]\nwork = [\"2025-02-08\"]\n",
        )
        .unwrap();
        assert!(!cal.is_working_day(d(2026, 11, 24)));
        assert_eq!(cal.holiday_name(d(2026, 11, 24)), Some(FILE_OFF_NAME));
        assert!(!cal.is_working_day(d(2025, 1, 27)));
        assert!(cal.is_working_day(d(2025, 2, 8)));
        assert_eq!(
            cal.working_days_before(d(2026, 11, 25), 5),
            vec![d(2026, 11, 23), d(2026, 11, 20), d(2026, 11, 19), d(2026, 11, 18), d(2026, 11, 17)]
        );
    }

    #[test]
    fn holidays_file_errors_are_located() {
        let err = Calendar::parse(Path::new("h.toml"), "off = [\"2026-11-24\"]\nextra = []\n")
            .unwrap_err()
            .to_string();
        assert!(err.starts_with("h.toml:2:1:"), "{err}");
        let err = Calendar::parse(Path::new("h.toml"), "off = [\"2026-11-24\",\n  \"24/11/2026\"]\n")
            .unwrap_err()
            .to_string();
        assert!(err.starts_with("h.toml:2:3:") && err.contains("YYYY-MM-DD"), "{err}");
        let err = Calendar::parse(Path::new("h.toml"), "off = [\"2026-11-24\"]\nwork = [\"2026-11-24\"]\n")
            .unwrap_err()
            .to_string();
        assert!(err.starts_with("h.toml:2:") && err.contains("both"), "{err}");
        assert!(matches!(
            Calendar::load(Some(Path::new("/nonexistent/h.toml"))),
            Err(ConfigError::Io { .. })
        ));
    }

    #[test]
    fn working_days_between_counts_after_a_up_to_b() {
        let cal = Calendar::builtin();
        // Signed Friday 20/11/2026, posted Monday 23/11: one working day.
        assert_eq!(cal.working_days_between(d(2026, 11, 20), d(2026, 11, 23)), 1);
        assert_eq!(cal.working_days_between(d(2026, 11, 20), d(2026, 11, 20)), 0);
        assert_eq!(cal.working_days_between(d(2026, 11, 23), d(2026, 11, 20)), -1);
        // Across Tết 2026 (16–20 Feb off): Friday 13 Feb to Monday 23 Feb is one working day.
        assert_eq!(cal.working_days_between(d(2026, 2, 13), d(2026, 2, 23)), 1);
    }

    #[test]
    fn window_skips_weekends_and_holidays() {
        let cal = Calendar::builtin();
        assert_eq!(
            cal.working_days_before(d(2026, 9, 4), 3),
            vec![d(2026, 9, 3), d(2026, 8, 31), d(2026, 8, 28)]
        );
        assert!(cal.working_days_before(d(2026, 9, 4), 0).is_empty());
    }

    #[test]
    fn far_years_do_not_panic() {
        let cal = Calendar::builtin();
        assert!(cal.is_working_day(d(1990, 1, 2)));
        let _ = cal.is_working_day(NaiveDate::MIN);
        let _ = cal.is_working_day(NaiveDate::MAX);
        let _ = cal.working_days_before(NaiveDate::MIN, 5);
    }
}
