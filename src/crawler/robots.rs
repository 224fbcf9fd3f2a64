//! robots.txt (RFC 9309) for the `sitewarden` product token, with the
//! `Crawl-delay` and `Sitemap` lines Google's parser leaves to its caller.

use std::borrow::Cow;

use robotstxt::{DefaultMatcher, RobotsParseHandler};
use url::Url;

pub const AGENT: &str = "sitewarden";
/// RFC 9309 §2.5: crawlers must parse at least 500 KiB; we stop there.
pub const MAX_ROBOTS_BYTES: usize = 500 * 1024;

/// The `robotstxt` crate keeps the first `2083 * 8 - 1` bytes of a line and
/// then skips the rest counting characters as if they were bytes, so a
/// multi-byte character past that point makes it slice inside a character
/// and panic. Lines are cut below its limit before it sees them.
const MAX_LINE_BYTES: usize = 16 * 1024;

/// `body` cut to [`MAX_ROBOTS_BYTES`] and each line to [`MAX_LINE_BYTES`],
/// on character boundaries. A cut line keeps its start: a `Disallow` path
/// cut short still forbids at least what it names.
fn bounded(body: &str) -> Cow<'_, str> {
    let body = body.get(..body.floor_char_boundary(MAX_ROBOTS_BYTES)).unwrap_or(body);
    // Line ends as the crate counts them: CR and LF alike.
    const EOL: [char; 2] = ['\r', '\n'];
    if !body.split(EOL).any(|line| line.len() > MAX_LINE_BYTES) {
        return Cow::Borrowed(body);
    }
    let mut out = String::with_capacity(body.len());
    let mut rest = body;
    loop {
        let (line, tail) = rest.split_at(rest.find(EOL).unwrap_or(rest.len()));
        let keep = line.floor_char_boundary(MAX_LINE_BYTES);
        if keep < line.len() {
            tracing::debug!(
                offset = body.len() - rest.len(),
                bytes = line.len(),
                kept = keep,
                "robots.txt line cut to the parser's limit"
            );
        }
        out.push_str(line.get(..keep).unwrap_or_default());
        let mut eol = tail.chars();
        match eol.next() {
            Some(c) => {
                out.push(c);
                rest = eol.as_str();
            }
            None => break,
        }
    }
    Cow::Owned(out)
}

#[derive(Debug, Clone, PartialEq)]
enum Mode {
    AllowAll,
    DenyAll,
    Rules(String),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Robots {
    mode: Mode,
    pub crawl_delay: Option<f64>,
    pub sitemaps: Vec<String>,
    /// Disallow lines of the group that applies to us, for evidence.
    pub disallows: Vec<String>,
}

#[derive(Default)]
struct Collector {
    in_agent_lines: bool,
    group_is_ours: bool,
    group_is_star: bool,
    saw_our_group: bool,
    ours_delay: Option<f64>,
    star_delay: Option<f64>,
    ours_disallow: Vec<String>,
    star_disallow: Vec<String>,
    sitemaps: Vec<String>,
}

impl RobotsParseHandler for Collector {
    fn handle_robots_start(&mut self) {}
    fn handle_robots_end(&mut self) {}
    fn handle_user_agent(&mut self, _line: u32, user_agent: &str) {
        if !self.in_agent_lines {
            self.group_is_ours = false;
            self.group_is_star = false;
        }
        self.in_agent_lines = true;
        // Product token: the name up to the first character that cannot be in one.
        let token: String = user_agent
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '-')
            .collect();
        if token.eq_ignore_ascii_case(AGENT) {
            self.group_is_ours = true;
            self.saw_our_group = true;
        } else if user_agent.trim_start().starts_with('*') {
            self.group_is_star = true;
        }
    }
    fn handle_allow(&mut self, _line: u32, _value: &str) {
        self.in_agent_lines = false;
    }
    fn handle_disallow(&mut self, _line: u32, value: &str) {
        self.in_agent_lines = false;
        if value.is_empty() {
            return;
        }
        if self.group_is_ours {
            self.ours_disallow.push(value.to_string());
        } else if self.group_is_star {
            self.star_disallow.push(value.to_string());
        }
    }
    fn handle_sitemap(&mut self, _line: u32, value: &str) {
        if self.sitemaps.len() < 16 {
            self.sitemaps.push(value.to_string());
        }
    }
    fn handle_unknown_action(&mut self, _line: u32, action: &str, value: &str) {
        self.in_agent_lines = false;
        if !action.eq_ignore_ascii_case("crawl-delay") {
            return;
        }
        let Ok(delay) = value.trim().parse::<f64>() else { return };
        if !delay.is_finite() || delay < 0.0 {
            return;
        }
        if self.group_is_ours {
            self.ours_delay = Some(delay);
        } else if self.group_is_star {
            self.star_delay = Some(delay);
        }
    }
}

impl Robots {
    pub fn allow_all() -> Robots {
        Robots {
            mode: Mode::AllowAll,
            crawl_delay: None,
            sitemaps: Vec::new(),
            disallows: Vec::new(),
        }
    }

    pub fn deny_all() -> Robots {
        Robots {
            mode: Mode::DenyAll,
            ..Robots::allow_all()
        }
    }

    pub fn parse(body: &str) -> Robots {
        let body = bounded(body);
        let mut c = Collector::default();
        robotstxt::parse_robotstxt(&body, &mut c);
        let (crawl_delay, disallows) = if c.saw_our_group {
            (c.ours_delay, c.ours_disallow)
        } else {
            (c.star_delay, c.star_disallow)
        };
        Robots {
            mode: Mode::Rules(body.into_owned()),
            crawl_delay,
            sitemaps: c.sitemaps,
            disallows,
        }
    }

    pub fn allowed(&self, url: &Url) -> bool {
        match &self.mode {
            Mode::AllowAll => true,
            Mode::DenyAll => false,
            // robots.txt never applies to itself.
            Mode::Rules(_) if url.path() == "/robots.txt" => true,
            Mode::Rules(body) => DefaultMatcher::default().one_agent_allowed_by_robots(body, AGENT, url.as_str()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn u(s: &str) -> Url {
        Url::parse(s).unwrap()
    }

    #[test]
    fn our_group_wins_over_star() {
        let r = Robots::parse("User-agent: *\nDisallow: /admin\nCrawl-delay: 10\n\nUser-agent: sitewarden\nDisallow: /\nCrawl-delay: 1\n");
        assert!(!r.allowed(&u("http://a.vn/")));
        assert_eq!(r.crawl_delay, Some(1.0));
        assert_eq!(r.disallows, vec!["/".to_string()]);
    }

    #[test]
    fn star_group_applies_when_we_are_not_named() {
        let r = Robots::parse(
            "User-agent: Googlebot\nDisallow: /\n\nUser-agent: *\nDisallow: /private/\nCrawl-delay: 3\nSitemap: http://a.vn/sitemap.xml\n",
        );
        assert!(r.allowed(&u("http://a.vn/")));
        assert!(!r.allowed(&u("http://a.vn/private/x")));
        assert_eq!(r.crawl_delay, Some(3.0));
        assert_eq!(r.sitemaps, vec!["http://a.vn/sitemap.xml".to_string()]);
    }

    #[test]
    fn html_or_junk_allows_everything() {
        let r = Robots::parse("<html><body>Not found</body></html>");
        assert!(r.allowed(&u("http://a.vn/tin-tuc/")));
        let big = "Disallow: /x\n".repeat(200_000);
        let r = Robots::parse(&big);
        assert!(r.allowed(&u("http://a.vn/")));
    }

    #[test]
    fn overlong_multibyte_line_does_not_panic_and_later_group_applies() {
        // The issue 11 repro: past the parser's line limit it skips multi-byte
        // characters by count, not by bytes, and slices mid-character.
        let mut body = "a".repeat(16_700);
        body.push_str(&"ệ".repeat(100));
        body.push_str(
            "
User-agent: sitewarden
Disallow: /private/
Crawl-delay: 2
",
        );
        let r = Robots::parse(&body);
        assert!(!r.allowed(&u("http://a.vn/private/x")));
        assert!(r.allowed(&u("http://a.vn/")));
        assert_eq!(r.crawl_delay, Some(2.0));
    }

    #[test]
    fn whole_file_is_capped_on_a_character_boundary() {
        // 3-byte characters put the 500 KiB mark inside one.
        let mut body = String::from("User-agent: sitewarden\nDisallow: /a\n");
        body.push_str(&format!("#{}\n", "ệ".repeat(33)).repeat(MAX_ROBOTS_BYTES / 101 + 10));
        body.push_str("\nDisallow: /beyond-the-cap\n");
        assert!(!body.is_char_boundary(MAX_ROBOTS_BYTES));
        let cut = bounded(&body);
        assert!(cut.len() <= MAX_ROBOTS_BYTES && cut.len() > MAX_ROBOTS_BYTES - 4, "{}", cut.len());
        let r = Robots::parse(&body);
        assert!(!r.allowed(&u("http://a.vn/a")));
        assert!(r.allowed(&u("http://a.vn/beyond-the-cap")));
    }

    #[test]
    fn overlong_lines_are_cut_not_dropped() {
        // Separated by CR alone, which the crate also takes for a line end.
        let long = format!("/{}", "ệ".repeat(6_000));
        let body = format!("User-agent: sitewarden\rDisallow: {long}\rDisallow: /next\r");
        let cut = bounded(&body);
        let lines: Vec<&str> = cut.split('\r').collect();
        assert_eq!(lines.len(), 4, "{lines:?}");
        assert!(lines[1].len() <= MAX_LINE_BYTES && lines[1].len() > MAX_LINE_BYTES - 4);
        assert!(lines[1].starts_with("Disallow: /ệệ"));
        assert_eq!(lines[2], "Disallow: /next");
        let r = Robots::parse(&body);
        assert!(!r.allowed(&u("http://a.vn/next")));
        assert_eq!(r.disallows.len(), 2);
        assert!(matches!(bounded("User-agent: *\nDisallow: /\n"), Cow::Borrowed(_)));
    }
}
