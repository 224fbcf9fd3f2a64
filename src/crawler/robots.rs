//! robots.txt (RFC 9309) for the `sitewarden` product token, with the
//! `Crawl-delay` and `Sitemap` lines Google's parser leaves to its caller.

use robotstxt::{DefaultMatcher, RobotsParseHandler};
use url::Url;

pub const AGENT: &str = "sitewarden";
/// RFC 9309 §2.5: crawlers must parse at least 500 KiB; we stop there.
pub const MAX_ROBOTS_BYTES: usize = 512 * 1024;

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
        let body = match body.char_indices().nth(MAX_ROBOTS_BYTES) {
            Some((i, _)) => body.get(..i).unwrap_or(body),
            None => body,
        };
        let mut c = Collector::default();
        robotstxt::parse_robotstxt(body, &mut c);
        let (crawl_delay, disallows) = if c.saw_our_group {
            (c.ours_delay, c.ours_disallow)
        } else {
            (c.star_delay, c.star_disallow)
        };
        Robots {
            mode: Mode::Rules(body.to_string()),
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
}
