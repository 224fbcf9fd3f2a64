//! Builds one static fixture site from a row of parameters, and the
//! decisions a correct checker makes on it. Expectations come from the
//! parameters alone (which days have news, which footer item is left out,
//! which document is late): never from what the program says.

use std::collections::HashMap;

use bytes::Bytes;
use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime, NaiveTime, Timelike, Weekday};
use sitewarden::calendar::Calendar;
use sitewarden::fixtures::{ServerSettings, SiteFiles};
use unicode_normalization::UnicodeNormalization;

use super::covering::Rng;

macro_rules! levels {
    ($name:ident { $($v:ident),* $(,)? }) => {
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum $name { $($v),* }
        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$v),*];
        }
    };
}

levels!(SiteKind { Gov, Agg });
levels!(UrlStyle {
    Html,
    CleanTinTuc,
    CleanNews,
    Aspx,
    Query
});
levels!(ListingLayout {
    List,
    Table,
    Cards,
    LabelLines
});
levels!(DateForm {
    Slash,
    SlashTime,
    Dash,
    WeekdayDashTime,
    WeekdayNoPadGmt,
    Pipe12h,
    NgayPrefix,
    LongForm,
    CapNhat,
    DangNgayViews,
    TinDangNgayViews,
    TimePipeDate,
    TimeNgay,
    CapNhatLuc,
    DateDashTime,
    HourH,
    GioPhut,
    WeekdayLong,
    ThuDigit,
    PlaceLong,
    MonthNameFirst,
    DayMonthName,
    Dots,
    EnDash,
    NgayDang,
    SpacedDash,
});
levels!(Marks { With, Without });
levels!(Clock { Absent, Present });
levels!(ItemSource {
    Listing,
    ArticleText,
    ArticleJsonLd,
    ArticleMeta,
    ArticleTime,
    Sitemap,
    SitemapIndex,
    SitemapIndexGuessed,
});
levels!(Length {
    OneSentence,
    TwoSentences,
    Medium,
    Long
});
levels!(Footer {
    Colon,
    Bold,
    Cells,
    NextLine,
    Upper,
    Entities,
    Nfd,
    Nbsp,
    NoMarks,
    OneLine,
});
levels!(Phone {
    Spaced,
    Paren,
    Dots,
    Dashes,
    Bare848,
    Plus84,
    Hotline1900,
    Mobile,
    Dash84,
    VanPhong080,
    ParenPlus84,
    SplitLines,
    SplitCells,
    DtFax,
    Dtdd,
    TelLink,
});
levels!(Email {
    Plain,
    TrailingDot,
    Entity,
    Mailto,
    Sentence
});
levels!(DocLayout {
    NoDocs,
    HeaderTable,
    LabelledCells,
    LabelLines,
    DefinitionList,
    Cards,
});
levels!(DocsTiming { OnTime, Late });
levels!(Charset {
    Utf8Header,
    Utf8Meta,
    Win1258Header,
    Win1258Meta
});
levels!(Update {
    Complete,
    GapNewest,
    GapMiddle,
    GapOldest
});
levels!(Missing {
    Nothing,
    Phone,
    Email,
    Agency,
    Responsible,
    Editorial,
});
levels!(Placement { Home, OneHop });
levels!(Attrib { Full, NoTime, OneMissing });
levels!(AttribStyle {
    NguonLine,
    TheoParen,
    NguonNextLine,
    NguonTin
});
levels!(AsOf { Nov25, Sep07, May05 });
levels!(DatePos {
    Below,
    Above,
    AboveBreadcrumb
});
levels!(Menu { Short, Long, Huge });
levels!(DocDate { Padded, NoPad, Dashes });
levels!(Logo { Plain, ImageH1, TextH1 });

/// Factor indices, in the order of a row.
pub mod f {
    pub const KIND: usize = 0;
    pub const URL: usize = 1;
    pub const LISTING: usize = 2;
    pub const DATE: usize = 3;
    pub const MARKS: usize = 4;
    pub const CLOCK: usize = 5;
    pub const SOURCE: usize = 6;
    pub const LENGTH: usize = 7;
    pub const FOOTER: usize = 8;
    pub const PHONE: usize = 9;
    pub const EMAIL: usize = 10;
    pub const DOCS: usize = 11;
    pub const DOCS_TIMING: usize = 12;
    pub const CHARSET: usize = 13;
    pub const UPDATE: usize = 14;
    pub const MISSING: usize = 15;
    pub const PLACEMENT: usize = 16;
    pub const ATTRIB: usize = 17;
    pub const ATTRIB_STYLE: usize = 18;
    pub const AS_OF: usize = 19;
    pub const DATE_POS: usize = 20;
    pub const MENU: usize = 21;
    pub const DOC_DATE: usize = 22;
    pub const LOGO: usize = 23;
    pub const COUNT: usize = 24;
}

pub fn levels() -> Vec<usize> {
    let mut l = vec![0; f::COUNT];
    l[f::KIND] = SiteKind::ALL.len();
    l[f::URL] = UrlStyle::ALL.len();
    l[f::LISTING] = ListingLayout::ALL.len();
    l[f::DATE] = DateForm::ALL.len();
    l[f::MARKS] = Marks::ALL.len();
    l[f::CLOCK] = Clock::ALL.len();
    l[f::SOURCE] = ItemSource::ALL.len();
    l[f::LENGTH] = Length::ALL.len();
    l[f::FOOTER] = Footer::ALL.len();
    l[f::PHONE] = Phone::ALL.len();
    l[f::EMAIL] = Email::ALL.len();
    l[f::DOCS] = DocLayout::ALL.len();
    l[f::DOCS_TIMING] = DocsTiming::ALL.len();
    l[f::CHARSET] = Charset::ALL.len();
    l[f::UPDATE] = Update::ALL.len();
    l[f::MISSING] = Missing::ALL.len();
    l[f::PLACEMENT] = Placement::ALL.len();
    l[f::ATTRIB] = Attrib::ALL.len();
    l[f::ATTRIB_STYLE] = AttribStyle::ALL.len();
    l[f::AS_OF] = AsOf::ALL.len();
    l[f::DATE_POS] = DatePos::ALL.len();
    l[f::MENU] = Menu::ALL.len();
    l[f::DOC_DATE] = DocDate::ALL.len();
    l[f::LOGO] = Logo::ALL.len();
    l
}

/// Which factors the expectations of a row depend on; reads only the gates
/// (kind, item source, missing item, document layout).
pub fn relevant(row: &[usize], factor: usize) -> bool {
    let p = Params::from_row(row);
    let gov = p.kind == SiteKind::Gov;
    match factor {
        f::LISTING => gov && p.source == ItemSource::Listing,
        f::DATE | f::MARKS => p.article_text_date() || (gov && p.source == ItemSource::Listing),
        f::LENGTH => !gov || p.article_dated(),
        f::PHONE => p.missing != Missing::Phone,
        f::EMAIL => p.missing != Missing::Email,
        f::DOCS | f::UPDATE => gov,
        f::DOCS_TIMING => gov && p.docs != DocLayout::NoDocs,
        f::ATTRIB | f::ATTRIB_STYLE => !gov,
        f::DATE_POS => p.article_text_date(),
        f::DOC_DATE => gov && p.docs != DocLayout::NoDocs,
        _ => true,
    }
}

pub const GATES: &[usize] = &[f::KIND, f::SOURCE, f::MISSING, f::DOCS];

/// Factors whose pairs must all be built: dates and articles, footers, documents.
pub fn groups() -> Vec<Vec<usize>> {
    vec![
        vec![
            f::KIND,
            f::URL,
            f::LISTING,
            f::DATE,
            f::MARKS,
            f::CLOCK,
            f::SOURCE,
            f::LENGTH,
            f::CHARSET,
            f::UPDATE,
            f::AS_OF,
            f::ATTRIB,
            f::ATTRIB_STYLE,
            f::DATE_POS,
            f::MENU,
            f::LOGO,
        ],
        vec![f::KIND, f::URL, f::FOOTER, f::PHONE, f::EMAIL, f::MISSING, f::PLACEMENT, f::CHARSET],
        vec![
            f::KIND,
            f::URL,
            f::DOCS,
            f::DOCS_TIMING,
            f::DOC_DATE,
            f::MARKS,
            f::CHARSET,
            f::AS_OF,
            f::CLOCK,
            f::MENU,
        ],
    ]
}

#[derive(Debug, Clone, Copy)]
pub struct Params {
    pub kind: SiteKind,
    pub url: UrlStyle,
    pub listing: ListingLayout,
    pub date: DateForm,
    pub marks: Marks,
    pub clock: Clock,
    pub source: ItemSource,
    pub length: Length,
    pub footer: Footer,
    pub phone: Phone,
    pub email: Email,
    pub docs: DocLayout,
    pub docs_timing: DocsTiming,
    pub charset: Charset,
    pub update: Update,
    pub missing: Missing,
    pub placement: Placement,
    pub attrib: Attrib,
    pub attrib_style: AttribStyle,
    pub as_of: AsOf,
    pub date_pos: DatePos,
    pub menu: Menu,
    pub doc_date: DocDate,
    pub logo: Logo,
}

impl Params {
    pub fn from_row(r: &[usize]) -> Params {
        let g = |i: usize| r.get(i).copied().unwrap_or(0);
        Params {
            kind: SiteKind::ALL[g(f::KIND) % SiteKind::ALL.len()],
            url: UrlStyle::ALL[g(f::URL) % UrlStyle::ALL.len()],
            listing: ListingLayout::ALL[g(f::LISTING) % ListingLayout::ALL.len()],
            date: DateForm::ALL[g(f::DATE) % DateForm::ALL.len()],
            marks: Marks::ALL[g(f::MARKS) % Marks::ALL.len()],
            clock: Clock::ALL[g(f::CLOCK) % Clock::ALL.len()],
            source: ItemSource::ALL[g(f::SOURCE) % ItemSource::ALL.len()],
            length: Length::ALL[g(f::LENGTH) % Length::ALL.len()],
            footer: Footer::ALL[g(f::FOOTER) % Footer::ALL.len()],
            phone: Phone::ALL[g(f::PHONE) % Phone::ALL.len()],
            email: Email::ALL[g(f::EMAIL) % Email::ALL.len()],
            docs: DocLayout::ALL[g(f::DOCS) % DocLayout::ALL.len()],
            docs_timing: DocsTiming::ALL[g(f::DOCS_TIMING) % DocsTiming::ALL.len()],
            charset: Charset::ALL[g(f::CHARSET) % Charset::ALL.len()],
            update: Update::ALL[g(f::UPDATE) % Update::ALL.len()],
            missing: Missing::ALL[g(f::MISSING) % Missing::ALL.len()],
            placement: Placement::ALL[g(f::PLACEMENT) % Placement::ALL.len()],
            attrib: Attrib::ALL[g(f::ATTRIB) % Attrib::ALL.len()],
            attrib_style: AttribStyle::ALL[g(f::ATTRIB_STYLE) % AttribStyle::ALL.len()],
            as_of: AsOf::ALL[g(f::AS_OF) % AsOf::ALL.len()],
            date_pos: DatePos::ALL[g(f::DATE_POS) % DatePos::ALL.len()],
            menu: Menu::ALL[g(f::MENU) % Menu::ALL.len()],
            doc_date: DocDate::ALL[g(f::DOC_DATE) % DocDate::ALL.len()],
            logo: Logo::ALL[g(f::LOGO) % Logo::ALL.len()],
        }
    }

    /// Articles show their own date as visible text in `date` form.
    fn article_text_date(&self) -> bool {
        match self.kind {
            SiteKind::Gov => self.source == ItemSource::ArticleText,
            // An aggregator's articles always carry their own date; where the
            // site's dates come from elsewhere, as text.
            SiteKind::Agg => matches!(
                self.source,
                ItemSource::Listing
                    | ItemSource::ArticleText
                    | ItemSource::Sitemap
                    | ItemSource::SitemapIndex
                    | ItemSource::SitemapIndexGuessed
            ),
        }
    }

    /// Articles carry their own date in some form.
    fn article_dated(&self) -> bool {
        self.kind == SiteKind::Agg
            || matches!(
                self.source,
                ItemSource::ArticleText | ItemSource::ArticleJsonLd | ItemSource::ArticleMeta | ItemSource::ArticleTime
            )
    }

    pub fn as_of_date(&self) -> NaiveDate {
        let (y, m, d) = match self.as_of {
            AsOf::Nov25 => (2026, 11, 25),
            AsOf::Sep07 => (2026, 9, 7),
            AsOf::May05 => (2026, 5, 5),
        };
        NaiveDate::from_ymd_opt(y, m, d).expect("fixed as-of dates are valid")
    }
}

// ---------------------------------------------------------------------------
// Words

const PROVINCES: &[&str] = &[
    "Tiền Giang",
    "Kiên Giang",
    "Vĩnh Long",
    "Quảng Trị",
    "Hà Tĩnh",
    "Đồng Tháp",
    "Bình Định",
    "Lào Cai",
    "Cà Mau",
    "Thái Bình",
];
const PEOPLE: &[&str] = &[
    "Nguyễn Văn An",
    "Trần Thị Bích",
    "Lê Hoàng Dũng",
    "Phạm Minh Đức",
    "Võ Thị Hồng",
    "Huỳnh Quốc Việt",
];
const COMPANIES: &[&str] = &["Phương Nam", "Sông Hồng", "Ánh Dương", "Đất Việt", "Hoàng Long"];
const TITLES: &[&str] = &[
    "Hội nghị triển khai kế hoạch chuyển đổi số năm 2027",
    "Tỉnh đẩy mạnh cải cách hành chính tại cấp xã",
    "Khởi công xây dựng cầu nối hai bờ sông Tiền",
    "Tăng cường phòng chống dịch bệnh trên đàn gia súc",
    "Đoàn công tác kiểm tra tiến độ giải ngân vốn đầu tư công",
    "Trao tặng nhà tình nghĩa cho gia đình chính sách",
    "Sơ kết công tác bảo vệ môi trường sáu tháng",
    "Hướng dẫn người dân thực hiện dịch vụ công trực tuyến",
    "Thông báo lịch tiếp công dân của lãnh đạo tỉnh",
    "Phát động phong trào thi đua lao động sản xuất giỏi",
    "Tổ chức kỳ thi chọn học sinh giỏi cấp tỉnh",
    "Nâng cao chất lượng khám chữa bệnh tại trạm y tế xã",
];
const SENTENCES: &[&str] = &[
    "Sáng nay, Ủy ban nhân dân tỉnh tổ chức hội nghị với sự tham dự của lãnh đạo các sở, ban, ngành.",
    "Hội nghị đã thảo luận các giải pháp trọng tâm nhằm hoàn thành chỉ tiêu kinh tế xã hội đề ra.",
    "Các đại biểu thống nhất cần tập trung nguồn lực cho hạ tầng giao thông và chuyển đổi số.",
    "Lãnh đạo tỉnh yêu cầu các địa phương khẩn trương rà soát, báo cáo kết quả thực hiện.",
    "Theo kế hoạch, các công trình trọng điểm sẽ được đẩy nhanh tiến độ trong quý tới.",
    "Nhiều mô hình hay, cách làm sáng tạo đã được nhân rộng trên địa bàn toàn tỉnh.",
    "Theo nguồn tin của phóng viên, người dân rất phấn khởi trước các chính sách mới.",
    "Kết thúc hội nghị, Ban tổ chức đã trao giấy khen cho các tập thể có thành tích xuất sắc.",
];
const SOURCES: &[&str] = &["Báo Tin tức", "TTXVN", "Báo Nhân Dân", "Báo Quân đội nhân dân"];

/// The date forms of RULES.md, written for `at`.
pub fn render_date(form: DateForm, at: NaiveDateTime, marks: Marks) -> String {
    let (d, m, y) = (at.day(), at.month(), at.year());
    let (h, mi) = (at.hour(), at.minute());
    let dmy = format!("{d:02}/{m:02}/{y}");
    let hm = format!("{h:02}:{mi:02}");
    let s = match form {
        DateForm::Slash => dmy,
        DateForm::SlashTime => format!("{dmy} {hm}"),
        DateForm::Dash => format!("{d:02}-{m:02}-{y}"),
        DateForm::WeekdayDashTime => format!("{}, {dmy} - {hm}", weekday_vi(at.date())),
        DateForm::WeekdayNoPadGmt => format!("{}, {d}/{m}/{y}, {h}:{mi:02} (GMT+7)", weekday_vi(at.date())),
        DateForm::Pipe12h => {
            let (h12, ampm) = match h {
                0 => (12, "AM"),
                1..=11 => (h, "AM"),
                12 => (12, "PM"),
                _ => (h - 12, "PM"),
            };
            format!("{dmy} | {h12:02}:{mi:02} {ampm}")
        }
        DateForm::NgayPrefix => format!("Ngày {dmy}"),
        DateForm::LongForm => format!("ngày {d} tháng {m} năm {y}"),
        DateForm::CapNhat => format!("Cập nhật: {dmy}"),
        DateForm::DangNgayViews => format!("Đăng ngày {d:02} - {m:02} - {y} / Lượt xem: 400"),
        DateForm::TinDangNgayViews => format!("Tin đăng ngày: {d}/{m}/{y} - Xem: 92"),
        DateForm::TimePipeDate => format!("{hm} | {dmy}"),
        DateForm::TimeNgay => format!("{hm} Ngày {dmy}"),
        DateForm::CapNhatLuc => format!("Cập nhật lúc: {hm} |{dmy}"),
        DateForm::DateDashTime => format!("{dmy} - {hm}"),
        DateForm::HourH => format!("{dmy} {h}h{mi:02}"),
        DateForm::GioPhut => format!("{dmy}, {h}giờ {mi} phút"),
        DateForm::WeekdayLong => format!("{} , ngày {d} tháng {m} năm {y}", lower_rest(&weekday_vi(at.date()))),
        DateForm::ThuDigit => format!("{}, {dmy}", weekday_digit(at.date())),
        DateForm::PlaceLong => format!("Hà Nội, ngày {d:02} tháng {m:02} năm {y}"),
        DateForm::MonthNameFirst => format!("Tháng {} {d}, {y}", month_vi(m)),
        DateForm::DayMonthName => format!("{d} Tháng {}, {y}", month_vi(m)),
        DateForm::Dots => format!("{d:02}.{m:02}.{y}"),
        DateForm::EnDash => format!("{d:02}–{m:02}–{y}"),
        DateForm::NgayDang => format!("Ngày đăng: {dmy}"),
        DateForm::SpacedDash => format!("{d:02} - {m:02} - {y} {hm}"),
    };
    marked(&s, marks)
}

/// The forms that carry a publication label ("Ngày", "Cập nhật", "Đăng ngày", …).
fn labelled(form: DateForm) -> bool {
    matches!(
        form,
        DateForm::NgayPrefix
            | DateForm::CapNhat
            | DateForm::DangNgayViews
            | DateForm::TinDangNgayViews
            | DateForm::TimeNgay
            | DateForm::CapNhatLuc
            | DateForm::NgayDang
    )
}

/// "Thứ Hai" → "Thứ hai", as "Thứ hai , ngày 16 tháng 12 năm 2019" writes it.
fn lower_rest(s: &str) -> String {
    match s.split_once(' ') {
        Some((a, b)) => format!("{a} {}", b.to_lowercase()),
        None => s.to_string(),
    }
}

fn weekday_vi(d: NaiveDate) -> String {
    match d.weekday() {
        Weekday::Mon => "Thứ Hai",
        Weekday::Tue => "Thứ Ba",
        Weekday::Wed => "Thứ Tư",
        Weekday::Thu => "Thứ Năm",
        Weekday::Fri => "Thứ Sáu",
        Weekday::Sat => "Thứ Bảy",
        Weekday::Sun => "Chủ nhật",
    }
    .to_string()
}

fn weekday_digit(d: NaiveDate) -> String {
    match d.weekday() {
        Weekday::Sun => "Chủ nhật".to_string(),
        w => format!("Thứ {}", w.number_from_monday() + 1),
    }
}

fn month_vi(m: u32) -> &'static str {
    const NAMES: [&str; 12] = [
        "Một",
        "Hai",
        "Ba",
        "Tư",
        "Năm",
        "Sáu",
        "Bảy",
        "Tám",
        "Chín",
        "Mười",
        "Mười Một",
        "Mười Hai",
    ];
    NAMES.get(m as usize - 1).copied().unwrap_or("Một")
}

/// Vietnamese without its diacritics, as older and hurried sites type it.
pub fn strip_marks(s: &str) -> String {
    s.nfd()
        .filter(|c| !('\u{300}'..='\u{36f}').contains(c))
        .map(|c| match c {
            'đ' => 'd',
            'Đ' => 'D',
            c => c,
        })
        .collect()
}

fn marked(s: &str, marks: Marks) -> String {
    match marks {
        Marks::With => s.to_string(),
        Marks::Without => strip_marks(s),
    }
}

/// Every non-ASCII character as a decimal character reference.
fn ncr(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_ascii() { c.to_string() } else { format!("&#{};", c as u32) })
        .collect()
}

/// `f` applied to the text between tags of a fragment of HTML.
fn map_text(html: &str, f: &dyn Fn(&str) -> String) -> String {
    let mut out = String::with_capacity(html.len() + 16);
    let mut rest = html;
    while let Some(lt) = rest.find('<') {
        out.push_str(&f(&rest[..lt]));
        let gt = rest[lt..].find('>').map_or(rest.len(), |g| lt + g + 1);
        out.push_str(&rest[lt..gt]);
        rest = &rest[gt..];
    }
    out.push_str(&f(rest));
    out
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// windows-1258 as Vietnamese sites wrote it: base letters with their
/// circumflex, breve or horn, tone marks as combining characters after them.
fn encode_1258(s: &str) -> Vec<u8> {
    use unicode_normalization::char::{compose, decompose_canonical};
    const TONES: [char; 5] = ['\u{300}', '\u{301}', '\u{303}', '\u{309}', '\u{323}'];
    let nfc: String = s.nfc().collect();
    let mut prepared = String::with_capacity(nfc.len() + 64);
    for c in nfc.chars() {
        if c.is_ascii() {
            prepared.push(c);
            continue;
        }
        let mut parts = Vec::new();
        decompose_canonical(c, |d| parts.push(d));
        let Some((&base, marks)) = parts.split_first() else { continue };
        let mut letter = base;
        let mut tones = Vec::new();
        let mut others = Vec::new();
        for &m in marks {
            if TONES.contains(&m) {
                tones.push(m);
            } else if let Some(x) = compose(letter, m) {
                letter = x;
            } else {
                others.push(m);
            }
        }
        prepared.push(letter);
        prepared.extend(others);
        prepared.extend(tones);
    }
    let (bytes, _, _) = encoding_rs::WINDOWS_1258.encode(&prepared);
    bytes.into_owned()
}

// ---------------------------------------------------------------------------
// The site

/// One generated site: its files, its registry entry, and the decisions a
/// correct checker makes on it as of `as_of`.
pub struct Built {
    pub files: SiteFiles,
    /// `[[site]]` entry; `{base}` stands for the server's base URL.
    pub registry: String,
    pub as_of: NaiveDate,
    pub expected: Vec<(&'static str, &'static str)>,
    /// Facts of the build an officer would check by hand when a variant fails.
    pub notes: Vec<String>,
}

struct Article {
    id: u32,
    path: String,
    title: String,
    at: NaiveDateTime,
    /// The trap: a date inside the headline.
    trap: bool,
}

struct Doc {
    number: &'static str,
    title: &'static str,
    signed: NaiveDate,
    posted: NaiveDate,
}

struct Paths {
    listing: String,
    docs: String,
    contact: String,
}

impl Paths {
    fn new(style: UrlStyle) -> Paths {
        let (listing, docs, contact) = match style {
            UrlStyle::Html => ("/tin-tuc.html", "/van-ban-phap-luat.html", "/lien-he.html"),
            UrlStyle::CleanTinTuc => ("/tin-tuc/", "/van-ban/", "/lien-he/"),
            UrlStyle::CleanNews => ("/news/", "/documents/", "/contact/"),
            UrlStyle::Aspx => ("/Pages/tin-tuc.aspx", "/Pages/van-ban.aspx", "/Pages/lien-he.aspx"),
            UrlStyle::Query => (
                "/index.php?option=com_content&view=category&id=5",
                "/index.php?option=com_vanban&view=list",
                "/index.php?option=com_contact&view=contact",
            ),
        };
        Paths {
            listing: listing.into(),
            docs: docs.into(),
            contact: contact.into(),
        }
    }

    fn article(style: UrlStyle, id: u32, title: &str) -> String {
        let slug: String = strip_marks(title)
            .to_lowercase()
            .split(|c: char| !c.is_ascii_alphanumeric())
            .filter(|w| !w.is_empty())
            .take(6)
            .collect::<Vec<_>>()
            .join("-");
        match style {
            UrlStyle::Html => format!("/tin-tuc/{slug}-{id}.html"),
            UrlStyle::CleanTinTuc => format!("/tin-tuc/chi-tiet/{id}/"),
            UrlStyle::CleanNews => format!("/news/{id}/"),
            UrlStyle::Aspx => format!("/Pages/chi-tiet-tin.aspx?ItemID={id}"),
            UrlStyle::Query => format!("/index.php?option=com_content&view=article&id={id}"),
        }
    }
}

/// The file key and the request path (for the Content-Type) of a URL path.
fn file_key(path: &str) -> (String, String) {
    let (p, q) = match path.split_once('?') {
        Some((p, q)) => (p, Some(q)),
        None => (path, None),
    };
    let file = if p.ends_with('/') {
        format!("{p}index.html")
    } else {
        p.to_string()
    };
    let key = match q {
        Some(q) => format!("{file}?{q}"),
        None => file,
    };
    (key, p.to_string())
}

fn add_working_days(cal: &Calendar, mut d: NaiveDate, n: u32) -> NaiveDate {
    let mut left = n;
    while left > 0 {
        d += Duration::days(1);
        if cal.is_working_day(d) {
            left -= 1;
        }
    }
    d
}

fn at(d: NaiveDate, h: u32, m: u32) -> NaiveDateTime {
    d.and_time(NaiveTime::from_hms_opt(h, m, 0).unwrap_or(NaiveTime::MIN))
}

fn iso(t: NaiveDateTime) -> String {
    format!("{}+07:00", t.format("%Y-%m-%dT%H:%M:%S"))
}

enum Part {
    /// A label and its value (HTML allowed in the value).
    Field(String, String),
    /// A line of its own.
    Raw(String),
}

struct Builder<'a> {
    p: &'a Params,
    idx: usize,
    cal: &'a Calendar,
    province: &'static str,
    company: &'static str,
    name: String,
    domain: String,
    paths: Paths,
    files: HashMap<String, Bytes>,
    content_type: HashMap<String, String>,
}

pub fn build(p: &Params, idx: usize, cal: &Calendar) -> Built {
    let province = PROVINCES[idx % PROVINCES.len()];
    let company = COMPANIES[idx % COMPANIES.len()];
    let slug = strip_marks(province).to_lowercase().replace(' ', "");
    let (name, domain) = match p.kind {
        SiteKind::Gov => (format!("Cổng Thông tin điện tử tỉnh {province}"), format!("{slug}.gov.vn")),
        SiteKind::Agg => (format!("Nhịp sống {province}"), format!("nhipsong{slug}.vn")),
    };
    let mut b = Builder {
        p,
        idx,
        cal,
        province,
        company,
        name,
        domain,
        paths: Paths::new(p.url),
        files: HashMap::new(),
        content_type: HashMap::new(),
    };
    b.build()
}

impl Builder<'_> {
    fn gov(&self) -> bool {
        self.p.kind == SiteKind::Gov
    }

    fn put_html(&mut self, path: &str, html: &str) {
        let (key, req_path) = file_key(path);
        let bytes = match self.p.charset {
            Charset::Utf8Header | Charset::Utf8Meta => html.as_bytes().to_vec(),
            Charset::Win1258Header | Charset::Win1258Meta => encode_1258(html),
        };
        let ct = match self.p.charset {
            Charset::Utf8Header => "text/html; charset=utf-8",
            Charset::Win1258Header => "text/html; charset=windows-1258",
            Charset::Utf8Meta | Charset::Win1258Meta => "text/html",
        };
        self.content_type.insert(req_path, ct.to_string());
        self.files.insert(key, Bytes::from(bytes));
    }

    fn put_text(&mut self, path: &str, text: String) {
        self.files.insert(path.to_string(), Bytes::from(text));
    }

    /// Category pages of a long menu, at URLs that look like listings.
    fn categories(&self) -> Vec<(String, &'static str)> {
        const NAMES: &[(&str, &str)] = &[
            ("chinh-tri", "Chính trị"),
            ("kinh-te", "Kinh tế"),
            ("van-hoa-xa-hoi", "Văn hóa - Xã hội"),
            ("quoc-phong-an-ninh", "Quốc phòng - An ninh"),
            ("chuyen-doi-so", "Chuyển đổi số"),
            ("cai-cach-hanh-chinh", "Cải cách hành chính"),
            ("thong-bao", "Thông báo"),
            ("su-kien", "Sự kiện nổi bật"),
            ("hoi-dap", "Hỏi đáp"),
            ("du-lich", "Du lịch"),
        ];
        match self.p.menu {
            Menu::Short => Vec::new(),
            Menu::Long => NAMES.iter().map(|(slug, name)| (format!("/chuyen-muc/{slug}/"), *name)).collect(),
            // More categories than the page cap leaves room for: the
            // articles must still be fetched before them.
            Menu::Huge => (0..2)
                .flat_map(|k| NAMES.iter().map(move |(slug, name)| (format!("/chuyen-muc/{slug}-{k}/"), *name)))
                .collect(),
        }
    }

    fn menu(&self) -> String {
        let mut m = String::from("<ul class=\"menu\"><li><a href=\"/\">Trang chủ</a></li>");
        // A long menu of categories comes first, as on portals, so that the
        // listing-looking links outnumber the listings a crawl visits.
        for (path, name) in self.categories() {
            m += &format!("<li><a href=\"{path}\">{name}</a></li>");
        }
        m += &format!("<li><a href=\"{}\">Tin tức</a></li>", esc(&self.paths.listing));
        if self.gov() && self.p.docs != DocLayout::NoDocs {
            m += &format!("<li><a href=\"{}\">Văn bản pháp luật</a></li>", esc(&self.paths.docs));
        }
        m += &format!("<li><a href=\"{}\">Liên hệ</a></li></ul>", esc(&self.paths.contact));
        m
    }

    fn page(&self, title: &str, head: &str, clock_day: NaiveDate, main: &str, footer: &str) -> String {
        let meta = match self.p.charset {
            Charset::Utf8Meta => "<meta charset=\"utf-8\">",
            Charset::Win1258Meta => "<meta http-equiv=\"Content-Type\" content=\"text/html; charset=windows-1258\">",
            _ => "",
        };
        let clock = match self.p.clock {
            Clock::Absent => String::new(),
            Clock::Present => format!(
                "<div class=\"top-bar\"><span class=\"today\">{}</span></div>\n",
                marked(
                    &format!(
                        "{}, ngày {} tháng {} năm {}",
                        weekday_vi(clock_day),
                        clock_day.day(),
                        clock_day.month(),
                        clock_day.year()
                    ),
                    self.p.marks
                )
            ),
        };
        let service = if self.gov() {
            String::new()
        } else {
            "<div class=\"service\">Trang thông tin điện tử tổng hợp</div>".to_string()
        };
        // Many portals put their logo in an h1 on every page, before the
        // article's own title.
        let name = esc(&self.name);
        let logo = match self.p.logo {
            Logo::Plain => format!("<a href=\"/\"><img src=\"/logo.png\" alt=\"{name}\"></a><div class=\"site-name\">{name}</div>"),
            Logo::ImageH1 => {
                format!("<h1><a href=\"/\"><img src=\"/logo.png\" alt=\"{name}\"></a></h1><div class=\"site-name\">{name}</div>")
            }
            Logo::TextH1 => format!("<h1 class=\"logo\"><a href=\"/\">{name}</a></h1>"),
        };
        format!(
            "<!DOCTYPE html>\n<html lang=\"vi\"><head>{meta}<title>{}</title>{head}</head>\n<body>\n{clock}\
             <div class=\"header\">{logo}{service}</div>\n\
             {}\n<div class=\"main\">\n{main}\n</div>\n<div class=\"footer\">\n{footer}\n</div>\n</body></html>\n",
            esc(title),
            self.menu()
        )
    }

    fn build(&mut self) -> Built {
        let p = *self.p;
        let as_of = p.as_of_date();
        let cal = self.cal;
        let window = cal.working_days_before(as_of, 5);
        let gap = match p.update {
            Update::Complete => None,
            Update::GapNewest => window.first().copied(),
            Update::GapMiddle => window.get(2).copied(),
            Update::GapOldest => window.last().copied(),
        }
        .filter(|_| self.gov());
        let oldest = window.last().copied().unwrap_or(as_of);
        // A day off inside the last fortnight: its item counts for no working day.
        let off_day = (1..15)
            .map(|k| as_of - Duration::days(k))
            .find(|d| !cal.is_working_day(*d))
            .unwrap_or(oldest - Duration::days(1));

        // News: one item per working day of the window (less the gap), one on
        // a day off, and one whose headline holds a date of the window.
        let mut dated: Vec<(NaiveDateTime, bool)> = window
            .iter()
            .filter(|d| Some(**d) != gap)
            .enumerate()
            .map(|(i, d)| (at(*d, 7 + i as u32, 15 + 5 * i as u32), false))
            .collect();
        if !self.gov() {
            dated.truncate(3);
        }
        dated.push((at(off_day, 9, 40), false));
        dated.push((at(oldest - Duration::days(7), 14, 5), true));
        let trap_day = gap.or(window.first().copied()).unwrap_or(as_of);
        let mut articles: Vec<Article> = dated
            .iter()
            .enumerate()
            .map(|(i, (t, trap))| {
                let id = 1000 + (self.idx as u32) * 20 + i as u32;
                let base = TITLES[(self.idx + i) % TITLES.len()];
                let title = if *trap {
                    format!(
                        "Ngày {}/{}/{}: {}",
                        trap_day.day(),
                        trap_day.month(),
                        trap_day.year(),
                        TITLES[(self.idx + i + 3) % TITLES.len()]
                    )
                } else {
                    base.to_string()
                };
                Article {
                    id,
                    path: Paths::article(p.url, id, &title),
                    title,
                    at: *t,
                    trap: *trap,
                }
            })
            .collect();
        // Listings are not always in date order.
        let mut rng = Rng::new(0x5eed ^ self.idx as u64);
        for i in (1..articles.len()).rev() {
            articles.swap(i, rng.below(i + 1));
        }

        let clock_day = gap.unwrap_or(as_of);
        let footer_block = self.disclosure_block();
        let copyright = format!("<p>© Bản quyền thuộc về {}</p>", esc(&self.name));
        let footer = match p.placement {
            Placement::Home => format!("{footer_block}\n{copyright}"),
            Placement::OneHop => copyright.clone(),
        };

        // Home: the latest articles, undated, and the way to the listing.
        let mut main = String::from("<h2>Tin mới</h2>\n<ul class=\"home-news\">");
        for a in articles.iter().filter(|a| !a.trap).take(3) {
            main += &format!("<li><a href=\"{}\">{}</a></li>", esc(&a.path), esc(&a.title));
        }
        main += &format!("</ul>\n<p><a href=\"{}\">Xem thêm</a></p>", esc(&self.paths.listing));
        let home = self.page(&self.name, "", clock_day, &main, &footer);
        self.put_html("/", &home);

        // Listing.
        let listing = self.listing(&articles);
        let html = self.page(&format!("Tin tức - {}", self.name), "", clock_day, &listing, &footer);
        let path = self.paths.listing.clone();
        self.put_html(&path, &html);

        // Articles.
        for (i, a) in articles.iter().enumerate() {
            let (head, body) = self.article(a, i, &articles);
            let html = self.page(&format!("{} - {}", a.title, self.name), &head, clock_day, &body, &footer);
            self.put_html(&a.path, &html);
        }

        // Contact page.
        let contact_main = match p.placement {
            Placement::Home => "<h1>Liên hệ</h1>\n<p>Mọi thắc mắc xin liên hệ theo thông tin ở cuối trang.</p>".to_string(),
            Placement::OneHop => format!("<h1>Liên hệ</h1>\n<div class=\"contact-info\">\n{footer_block}\n</div>"),
        };
        let html = self.page(&format!("Liên hệ - {}", self.name), "", clock_day, &contact_main, &footer);
        let path = self.paths.contact.clone();
        self.put_html(&path, &html);

        // Category pages of the long menu: a heading and nothing dated yet.
        for (path, name) in self.categories() {
            let main = format!("<h1>{name}</h1>\n<p>Chưa có tin bài trong chuyên mục này.</p>");
            let html = self.page(&format!("{name} - {}", self.name), "", clock_day, &main, &footer);
            self.put_html(&path, &html);
        }

        // Legal documents.
        let docs = self.documents(as_of);
        if self.gov() && p.docs != DocLayout::NoDocs {
            let main = self.doc_listing(&docs);
            let html = self.page(&format!("Văn bản pháp luật - {}", self.name), "", clock_day, &main, &footer);
            let path = self.paths.docs.clone();
            self.put_html(&path, &html);
        }

        // robots.txt and sitemaps.
        let mut robots = String::from("User-agent: *\nDisallow: /admin/\n");
        let urlset = |entries: &[(String, NaiveDateTime)]| {
            let mut x = String::from(
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
            );
            for (loc, t) in entries {
                x += &format!("<url><loc>{}</loc><lastmod>{}</lastmod></url>\n", esc(loc), iso(*t));
            }
            x + "</urlset>\n"
        };
        let news_entries: Vec<(String, NaiveDateTime)> = articles.iter().map(|a| (a.path.clone(), a.at)).collect();
        let old = at(as_of - Duration::days(200), 8, 0);
        let page_entries = vec![(self.paths.contact.clone(), old), (self.paths.listing.clone(), old)];
        match p.source {
            ItemSource::Sitemap => {
                let mut all = news_entries.clone();
                all.extend(page_entries);
                self.put_text("/sitemap.xml", urlset(&all));
            }
            ItemSource::SitemapIndex | ItemSource::SitemapIndexGuessed => {
                // Named in robots.txt, or where a crawler guesses a sitemap.
                let index_path = if p.source == ItemSource::SitemapIndex {
                    robots += "Sitemap: /sitemap_index.xml\n";
                    "/sitemap_index.xml"
                } else {
                    "/sitemap.xml"
                };
                let index = format!(
                    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n\
                     <sitemap><loc>/sitemaps/pages.xml</loc><lastmod>{}</lastmod></sitemap>\n\
                     <sitemap><loc>/sitemaps/news.xml</loc><lastmod>{}</lastmod></sitemap>\n</sitemapindex>\n",
                    iso(old),
                    iso(at(as_of, 0, 0)),
                );
                self.put_text(index_path, index);
                self.put_text("/sitemaps/pages.xml", urlset(&page_entries));
                self.put_text("/sitemaps/news.xml", urlset(&news_entries));
            }
            _ => {}
        }
        self.put_text("/robots.txt", robots);

        let expected = self.expected(gap, &docs);
        let notes = vec![
            format!(
                "as_of {as_of}, window {}",
                window.iter().map(|d| d.to_string()).collect::<Vec<_>>().join(" ")
            ),
            format!("gap {gap:?}, off day {off_day}, clock {clock_day}"),
            format!(
                "paths: listing {}, docs {}, contact {}, articles {}",
                self.paths.listing,
                self.paths.docs,
                self.paths.contact,
                articles
                    .iter()
                    .map(|a| format!("{}@{}", a.path, a.at))
                    .collect::<Vec<_>>()
                    .join(" ")
            ),
        ];
        let registry = self.registry();
        Built {
            files: SiteFiles {
                files: std::mem::take(&mut self.files),
                settings: ServerSettings {
                    status: None,
                    content_type: std::mem::take(&mut self.content_type),
                    redirect: HashMap::new(),
                },
            },
            registry,
            as_of,
            expected,
            notes,
        }
    }

    fn registry(&self) -> String {
        let agency = match self.p.kind {
            // The registry abbreviates; the page spells it out (or not).
            SiteKind::Gov if self.idx.is_multiple_of(2) => format!("UBND tỉnh {}", self.province),
            SiteKind::Gov => format!("Ủy ban nhân dân tỉnh {}", self.province),
            SiteKind::Agg => format!("Công ty Cổ phần Truyền thông Số {}", self.company),
        };
        let kind = match self.p.kind {
            SiteKind::Gov => "government",
            SiteKind::Agg => "aggregator",
        };
        let license = if self.gov() {
            String::new()
        } else {
            "license = \"45/GP-STTTT\"\n".to_string()
        };
        format!(
            "[[site]]\nid = \"{{id}}\"\nname = \"{}\"\nurl = \"{{base}}/\"\nkind = \"{kind}\"\nagency = \"{agency}\"\n{license}",
            self.name
        )
    }

    fn date_text(&self, t: NaiveDateTime) -> String {
        render_date(self.p.date, t, self.p.marks)
    }

    fn listing(&self, articles: &[Article]) -> String {
        let p = self.p;
        let show = p.source == ItemSource::Listing;
        let date = |a: &Article| if show { esc(&self.date_text(a.at)) } else { String::new() };
        let sapo = "Tóm tắt: các sở, ngành và địa phương đã triển khai nhiều giải pháp thiết thực trong thời gian qua.";
        let mut s = String::from("<h1>Tin tức</h1>\n");
        match p.listing {
            ListingLayout::List => {
                s += "<ul class=\"list-news\">\n";
                for a in articles {
                    s += &format!(
                        "<li><a href=\"{}\">{}</a> <span class=\"date\">{}</span></li>\n",
                        esc(&a.path),
                        esc(&a.title),
                        date(a)
                    );
                }
                s += "</ul>";
            }
            ListingLayout::Table => {
                s += "<table class=\"list\"><tr><th>STT</th><th>Tiêu đề</th><th>Thời gian</th></tr>\n";
                for (i, a) in articles.iter().enumerate() {
                    s += &format!(
                        "<tr><td>{}</td><td><a href=\"{}\">{}</a></td><td>{}</td></tr>\n",
                        i + 1,
                        esc(&a.path),
                        esc(&a.title),
                        date(a)
                    );
                }
                s += "</table>";
            }
            ListingLayout::Cards => {
                for a in articles {
                    s += &format!(
                        "<div class=\"card\"><div class=\"card-date\">{}</div><h3 class=\"card-title\"><a href=\"{}\">{}</a></h3><p class=\"sapo\">{sapo}</p></div>\n",
                        date(a),
                        esc(&a.path),
                        esc(&a.title)
                    );
                }
            }
            ListingLayout::LabelLines => {
                for (i, a) in articles.iter().enumerate() {
                    s += &format!(
                        "<div class=\"item\"><h3><a href=\"{}\">{}</a></h3><div class=\"meta\">{}</div><div class=\"views\">Lượt xem: {}</div></div>\n",
                        esc(&a.path),
                        esc(&a.title),
                        date(a),
                        120 + i * 7
                    );
                }
            }
        }
        s
    }

    /// The head additions and main content of one article page.
    fn article(&self, a: &Article, i: usize, all: &[Article]) -> (String, String) {
        let p = self.p;
        let gov = self.gov();
        let mut head = String::new();
        let mut date_html = String::new();
        let visible = p.article_text_date();
        if visible {
            date_html = format!("<div class=\"post-date\">{}</div>", esc(&self.date_text(a.at)));
        } else {
            match p.source {
                ItemSource::ArticleJsonLd => {
                    head = format!(
                        "<script type=\"application/ld+json\">{{\"@context\":\"https://schema.org\",\"@type\":\"NewsArticle\",\"headline\":\"{}\",\"datePublished\":\"{}\"}}</script>",
                        esc(&a.title),
                        iso(a.at)
                    );
                }
                ItemSource::ArticleMeta => {
                    head = format!("<meta property=\"article:published_time\" content=\"{}\">", iso(a.at));
                }
                ItemSource::ArticleTime => {
                    date_html = format!(
                        "<div class=\"post-date\"><time datetime=\"{}\">{}</time></div>",
                        iso(a.at),
                        a.at.format("%d/%m/%Y %H:%M")
                    );
                }
                _ => {}
            }
        }
        let count = match p.length {
            Length::OneSentence => 1,
            Length::TwoSentences => 2,
            Length::Medium => 3,
            Length::Long => 8,
        };
        let sentences: Vec<&str> = (0..count).map(|k| SENTENCES[(i + k) % SENTENCES.len()]).collect();
        let mut paragraphs: Vec<String> = match p.length {
            Length::OneSentence | Length::TwoSentences => vec![sentences.join(" ")],
            _ => sentences.chunks(2).map(|c| c.join(" ")).collect(),
        };
        // The source line of a reproduced article.
        let mut after = String::new();
        let unattributed = p.attrib == Attrib::OneMissing && i == 1;
        if !gov && !unattributed {
            let src = SOURCES[i % SOURCES.len()];
            let author = PEOPLE[(i + 2) % PEOPLE.len()];
            let t = a.at - Duration::hours(3);
            let timed = p.attrib != Attrib::NoTime;
            let nguon = marked("Nguồn", p.marks);
            match p.attrib_style {
                AttribStyle::NguonLine => {
                    let time = if timed {
                        format!(", {}", t.format("%H:%M %d/%m/%Y"))
                    } else {
                        String::new()
                    };
                    after = format!(
                        "<p class=\"source\" style=\"text-align:right\"><strong>{nguon}: {} - {author}{time}</strong></p>",
                        esc(src)
                    );
                }
                AttribStyle::TheoParen => {
                    let time = if timed {
                        format!(", {}", t.format("%d/%m/%Y %H:%M"))
                    } else {
                        String::new()
                    };
                    if let Some(last) = paragraphs.last_mut() {
                        *last += &format!(" ({} {} - {author}{time})", marked("Theo", p.marks), esc(src));
                    }
                }
                AttribStyle::NguonNextLine => {
                    let time = if timed {
                        format!(", {}", t.format("%H:%M %d/%m/%Y"))
                    } else {
                        String::new()
                    };
                    after = format!(
                        "<div class=\"source-label\">{nguon}:</div><div class=\"source-link\"><a href=\"https://baotintuc.vn/thoi-su/bai-{}.htm\">{} - {author}{time}</a></div>",
                        a.id,
                        esc(src)
                    );
                }
                AttribStyle::NguonTin => {
                    let time = if timed {
                        format!(", {}", t.format("%H:%M %d/%m/%Y"))
                    } else {
                        String::new()
                    };
                    after = format!("<p><em>{} tin: {}, {author}{time}</em></p>", nguon, esc(src));
                }
            }
        }
        let breadcrumb = format!(
            "<div class=\"breadcrumb\"><a href=\"/\">Trang chủ</a> » <a href=\"{}\">Tin tức</a></div>\n",
            esc(&self.paths.listing)
        );
        // Above the breadcrumb, two lines over the title, a date is the
        // article's only when labelled (RULES.md: prefer labelled dates; a
        // bare one there may be a clock): only labelled forms go there.
        let head_lines = match p.date_pos {
            DatePos::Below => format!("{breadcrumb}<h1 class=\"title\">{}</h1>\n{date_html}", esc(&a.title)),
            DatePos::AboveBreadcrumb if labelled(p.date) => {
                format!("{date_html}\n{breadcrumb}<h1 class=\"title\">{}</h1>\n", esc(&a.title))
            }
            DatePos::Above | DatePos::AboveBreadcrumb => {
                format!("{breadcrumb}{date_html}\n<h1 class=\"title\">{}</h1>\n", esc(&a.title))
            }
        };
        let mut body = format!("{head_lines}\n<div class=\"content\">\n");
        for para in &paragraphs {
            body += &format!("<p>{para}</p>\n");
        }
        body += &after;
        body += "\n</div>\n<div class=\"related\"><h3>Tin khác</h3><ul>";
        for o in all.iter().filter(|o| o.id != a.id).take(2) {
            body += &format!("<li><a href=\"{}\">{}</a></li>", esc(&o.path), esc(&o.title));
        }
        body += "</ul></div>";
        (head, body)
    }

    fn documents(&self, as_of: NaiveDate) -> Vec<Doc> {
        let cal = self.cal;
        let base = as_of - Duration::days(40);
        let numbers = ["88/QĐ-UBND", "12/2026/QĐ-UBND", "1234/UBND-KT"];
        let titles = [
            "Quyết định về việc ban hành quy chế làm việc của Ủy ban nhân dân tỉnh",
            "Quyết định quy định bảng giá đất trên địa bàn tỉnh",
            "Công văn về việc tăng cường công tác phòng chống thiên tai",
        ];
        let delays = match self.p.docs_timing {
            DocsTiming::OnTime => [0, 1, 2],
            DocsTiming::Late => [1, 4, 0],
        };
        (0..3)
            .map(|i| {
                let signed = add_working_days(cal, base + Duration::days(4 * i as i64), 1);
                Doc {
                    number: numbers[i],
                    title: titles[i],
                    signed,
                    posted: add_working_days(cal, signed, delays[i]),
                }
            })
            .collect()
    }

    fn doc_listing(&self, docs: &[Doc]) -> String {
        let m = |s: &str| esc(&marked(s, self.p.marks));
        let day = |d: NaiveDate| match self.p.doc_date {
            DocDate::Padded => d.format("%d/%m/%Y").to_string(),
            DocDate::NoPad => format!("{}/{}/{}", d.day(), d.month(), d.year()),
            DocDate::Dashes => d.format("%d-%m-%Y").to_string(),
        };
        let href = |i: usize| format!("/files/van-ban-{}-{i}.pdf", self.idx);
        let mut s = format!("<h1>{}</h1>\n", m("Văn bản pháp luật"));
        match self.p.docs {
            DocLayout::NoDocs => {}
            DocLayout::HeaderTable => {
                s += &format!(
                    "<table class=\"vb\"><tr><th>STT</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr>\n",
                    m("Số/Ký hiệu"),
                    m("Trích yếu"),
                    m("Ngày ban hành"),
                    m("Ngày hiệu lực"),
                    m("Ngày đăng")
                );
                for (i, d) in docs.iter().enumerate() {
                    s += &format!(
                        "<tr><td>{}</td><td>{}</td><td><a href=\"{}\">{}</a></td><td>{}</td><td>{}</td><td>{}</td></tr>\n",
                        i + 1,
                        esc(d.number),
                        href(i),
                        esc(d.title),
                        day(d.signed),
                        m("Còn hiệu lực"),
                        day(d.posted)
                    );
                }
                s += "</table>";
            }
            DocLayout::LabelledCells => {
                s += "<table class=\"vb\">\n";
                for (i, d) in docs.iter().enumerate() {
                    s += &format!(
                        "<tr><td><a href=\"{}\">{}</a></td><td>{}</td><td>{}: {}</td><td>{}: {}</td></tr>\n",
                        href(i),
                        esc(d.number),
                        esc(d.title),
                        m("Ngày ban hành"),
                        day(d.signed),
                        m("Ngày đăng"),
                        day(d.posted)
                    );
                }
                s += "</table>";
            }
            DocLayout::LabelLines => {
                for (i, d) in docs.iter().enumerate() {
                    s += &format!(
                        "<div class=\"vb-item\"><p><a href=\"{}\">{}</a></p><p>{}: {}</p><p>{}: {}</p><p>{}: {}</p></div>\n",
                        href(i),
                        esc(d.title),
                        m("Số ký hiệu"),
                        esc(d.number),
                        m("Ngày ban hành"),
                        day(d.signed),
                        m("Ngày đăng"),
                        day(d.posted)
                    );
                }
            }
            DocLayout::DefinitionList => {
                for (i, d) in docs.iter().enumerate() {
                    s += &format!(
                        "<dl class=\"vb\"><dt>{}</dt><dd>{}</dd><dt>{}</dt><dd><a href=\"{}\">{}</a></dd><dt>{}</dt><dd>{}</dd><dt>{}</dt><dd>{}</dd></dl>\n",
                        m("Số ký hiệu"),
                        esc(d.number),
                        m("Trích yếu"),
                        href(i),
                        esc(d.title),
                        m("Ngày ban hành"),
                        day(d.signed),
                        m("Ngày đăng"),
                        day(d.posted)
                    );
                }
            }
            DocLayout::Cards => {
                for (i, d) in docs.iter().enumerate() {
                    s += &format!(
                        "<div class=\"card\"><h3><a href=\"{}\">{}</a></h3><div class=\"meta\"><span>{}: {}</span> | <span>{}: {}</span> | <span>{}: {}</span></div></div>\n",
                        href(i),
                        esc(d.title),
                        m("Số"),
                        esc(d.number),
                        m("Ngày ký"),
                        day(d.signed),
                        m("Ngày đăng"),
                        day(d.posted)
                    );
                }
            }
        }
        s
    }

    fn phone_parts(&self) -> Vec<Part> {
        let field = |l: &str, v: &str| vec![Part::Field(l.to_string(), v.to_string())];
        match self.p.phone {
            Phone::Spaced => field("Điện thoại", "0273 3873 333"),
            Phone::Paren => field("Điện thoại", "(0293) 3876 543"),
            Phone::Dots => field("ĐT", "0290.3567.890"),
            Phone::Dashes => field("Điện thoại", "024-3736-6491"),
            Phone::Bare848 => vec![Part::Raw("(84.8)3.997.3838".into())],
            Phone::Plus84 => field("Tel", "+84 24 3512 3536"),
            Phone::Hotline1900 => field("Hotline", "1900 1234"),
            Phone::Mobile => field("Đường dây nóng", "0942.86.11.33"),
            Phone::Dash84 => field("Điện thoại", "84-8-3930.6262 / 3930.3270"),
            Phone::VanPhong080 => field("Văn phòng", "080 43162"),
            Phone::ParenPlus84 => field("Điện thoại", "(+84) 236.3822.123"),
            Phone::SplitLines => field("Điện thoại", "05013<br>710<br>979"),
            Phone::SplitCells => vec![Part::Raw(
                "<table class=\"phone\"><tr><td>ĐT:</td><td>05013</td><td>710</td><td>979</td></tr></table>".into(),
            )],
            Phone::DtFax => field("ĐT/Fax", "0273 3873 333"),
            Phone::Dtdd => field("ĐTDĐ", "0912 345 678"),
            Phone::TelLink => field("Điện thoại", "<a href=\"tel:02363822123\">0236 3822 123</a>"),
        }
    }

    fn email_parts(&self) -> Vec<Part> {
        let addr = format!("banbientap@{}", self.domain);
        match self.p.email {
            Email::Plain => vec![Part::Field("Email".into(), addr)],
            Email::TrailingDot => vec![Part::Field("E-mail".into(), format!("{addr}."))],
            Email::Entity => vec![Part::Field("Thư điện tử".into(), addr.replace('@', "&#64;"))],
            Email::Mailto => vec![Part::Field(
                "Email".into(),
                format!("<a href=\"mailto:{addr}\">Gửi thư cho Ban biên tập</a>"),
            )],
            Email::Sentence => vec![Part::Raw(format!("Mọi ý kiến xin gửi về hộp thư {addr}. Xin cảm ơn!"))],
        }
    }

    /// The identity items, less the one the parameters leave out.
    fn disclosure_block(&self) -> String {
        let p = self.p;
        let person = |k: usize| PEOPLE[(self.idx + k) % PEOPLE.len()];
        let mut parts: Vec<Part> = Vec::new();
        let field = |l: &str, v: String| Part::Field(l.to_string(), v);
        if p.missing != Missing::Agency {
            parts.push(match p.kind {
                SiteKind::Gov => field("Cơ quan chủ quản", format!("Ủy ban nhân dân tỉnh {}", self.province)),
                SiteKind::Agg => field("Đơn vị chủ quản", format!("Công ty Cổ phần Truyền thông Số {}", self.company)),
            });
        }
        if self.gov() && p.missing != Missing::Editorial {
            parts.push(field("Trưởng Ban biên tập", format!("Ông {} - Chánh Văn phòng", person(0))));
        }
        if p.missing != Missing::Responsible {
            parts.push(match p.kind {
                SiteKind::Gov => field(
                    "Chịu trách nhiệm chính",
                    format!("Ông {}, Giám đốc Sở Khoa học và Công nghệ", person(1)),
                ),
                SiteKind::Agg => field("Chịu trách nhiệm quản lý nội dung", format!("Bà {}", person(1))),
            });
        }
        parts.push(field(
            "Địa chỉ",
            format!("Số 23, đường Hùng Vương, Phường 1, tỉnh {}", self.province),
        ));
        if p.missing == Missing::Phone {
            parts.push(field("Fax", "0273 3873 334".into()));
        } else {
            parts.extend(self.phone_parts());
        }
        if p.missing == Missing::Email {
            parts.push(field("Website", format!("www.{}", self.domain)));
        } else {
            parts.extend(self.email_parts());
        }
        if !self.gov() {
            parts.push(Part::Raw(format!(
                "Giấy phép thiết lập trang thông tin điện tử tổng hợp số 45/GP-STTTT do Sở Thông tin và Truyền thông tỉnh {} cấp ngày 12/03/2024",
                self.province
            )));
        }
        self.render_parts(&parts)
    }

    fn render_parts(&self, parts: &[Part]) -> String {
        let footer = self.p.footer;
        let text: Box<dyn Fn(&str) -> String> = match footer {
            Footer::Entities => Box::new(ncr),
            Footer::Nfd => Box::new(|s: &str| s.nfd().collect()),
            Footer::NoMarks => Box::new(strip_marks),
            _ => Box::new(|s: &str| s.to_string()),
        };
        let label = |l: &str| -> String {
            match footer {
                Footer::Upper => l.to_uppercase(),
                Footer::Nbsp => l.replace(' ', "&nbsp;"),
                _ => text(l),
            }
        };
        let value = |v: &str| map_text(v, &*text);
        match footer {
            Footer::Cells => {
                let mut s = String::from("<table class=\"footer-info\">\n");
                for part in parts {
                    s += &match part {
                        Part::Field(l, v) => format!("<tr><td>{}</td><td>{}</td></tr>\n", label(l), value(v)),
                        Part::Raw(r) => format!("<tr><td colspan=\"2\">{}</td></tr>\n", value(r)),
                    };
                }
                s + "</table>"
            }
            Footer::OneLine => {
                let pieces: Vec<String> = parts
                    .iter()
                    .map(|part| match part {
                        Part::Field(l, v) => format!("{}: {}", label(l), value(v)),
                        Part::Raw(r) => value(r),
                    })
                    .collect();
                format!("<p>{}</p>", pieces.join(" - "))
            }
            _ => {
                let mut s = String::new();
                for part in parts {
                    s += &match part {
                        Part::Field(l, v) => match footer {
                            Footer::Bold => format!("<p><b>{}:</b> {}</p>\n", label(l), value(v)),
                            Footer::NextLine => format!("<p>{}:<br>{}</p>\n", label(l), value(v)),
                            Footer::Nbsp => format!("<p>{}:&nbsp;{}</p>\n", label(l), value(v)),
                            _ => format!("<p>{}: {}</p>\n", label(l), value(v)),
                        },
                        Part::Raw(r) => format!("<p>{}</p>\n", value(r)),
                    };
                }
                s
            }
        }
    }

    fn expected(&self, gap: Option<NaiveDate>, docs: &[Doc]) -> Vec<(&'static str, &'static str)> {
        let p = self.p;
        let pass_fail = |ok: bool| if ok { "pass" } else { "fail" };
        let mut e = vec![("site.reachable", "pass")];
        // Aggregators must show the identity items on the home page itself.
        let shown = p.placement == Placement::Home || self.gov();
        let has = |m: Missing| p.missing != m && shown;
        e.push(("disclosure.contact", pass_fail(has(Missing::Phone) && has(Missing::Email))));
        e.push(("disclosure.governing_agency", pass_fail(has(Missing::Agency))));
        e.push(("disclosure.responsible_person", pass_fail(has(Missing::Responsible))));
        match p.kind {
            SiteKind::Gov => {
                e.push(("disclosure.editorial_board", pass_fail(has(Missing::Editorial))));
                e.push(("update.daily", pass_fail(gap.is_none())));
                let docs_status = if p.docs == DocLayout::NoDocs {
                    "unknown"
                } else {
                    let max = 2;
                    let late = docs.iter().any(|d| self.cal.working_days_between(d.signed, d.posted) > max);
                    pass_fail(!late)
                };
                e.push(("update.legal_documents", docs_status));
            }
            SiteKind::Agg => {
                e.push(("attribution.source", pass_fail(p.attrib != Attrib::OneMissing)));
                e.push(("attribution.details", pass_fail(p.attrib != Attrib::NoTime)));
            }
        }
        e
    }
}
