//! Hostile and broken servers (issue 5): every fault on its own loopback
//! server, all crawled at once next to a healthy site, each ending in the
//! SPEC §4 failure kind, within a bound, without a panic, and without
//! slowing the healthy crawl down.

mod support;

use std::io::Write as _;
use std::time::{Duration, Instant};

use bytes::Bytes;
use chrono::NaiveDate;
use sitewarden::crawler::site::NoCache;
use sitewarden::crawler::{Fetcher, PageCache, PageRole, RobotsStatus, SiteCrawl, crawl_site};
use sitewarden::fixtures::{self, FixtureSet};
use sitewarden::model::{FailureKind, Status};
use sitewarden::registry::Site;
use sitewarden::store::Store;
use support::gzip::gzip_bomb;
use support::raw::{Answer, RawServer, all_closed, keepalive_server, ok_html, raw_server, redirect, robots_404, status};
use support::tls::{SelfSignedServer, self_signed_server};
use support::{config, healthy_fixture, healthy_site, html_page, kind_of, reachable_result, site};
use tokio::sync::watch;
use url::Url;

/// A bound that tells "cut by its limit" from "ran on": a drip would take
/// 10,000 s and an endless body forever. It is not a speed target (those are
/// in the benches), so it is generous enough for a loaded CI machine.
const BEHAVIOUR_BOUND: Duration = Duration::from_secs(60);

#[test]
fn hand_made_gzip_bomb_is_valid_gzip() {
    use std::io::Read;
    let (gz, size) = gzip_bomb(10_000);
    let mut out = Vec::new();
    flate2::read::GzDecoder::new(&gz[..]).read_to_end(&mut out).expect("decodes");
    assert_eq!(out.len() as u64, size);
    assert!(out.iter().all(|b| *b == 0));
}

// ---------------------------------------------------------------------------
// The fault table: one row per fault, each on its own loopback server (or
// address), all crawled at once next to the healthy site.

/// `assert!` for a fault row: the failure is returned, so the table can
/// name the row it belongs to.
macro_rules! ensure {
    ($cond:expr, $($msg:tt)+) => {
        if !$cond {
            return Err(format!($($msg)+));
        }
    };
}

/// How a fault's crawl must end.
#[derive(Debug, Clone, Copy)]
enum Ends {
    /// The home page was fetched; the fault shows in the checks.
    Home,
    /// The home page failed with this kind.
    Fails(FailureKind),
    /// The home page failed with this kind and HTTP status.
    FailsWith(FailureKind, u16),
}

/// A further assertion of a row, on the site and its crawl.
type Check = Box<dyn Fn(&Site, &SiteCrawl) -> Result<(), String>>;

/// One row of the fault table: a fault, its site, and how the crawl of it
/// must end.
struct Fault {
    /// Also the id of its site.
    name: &'static str,
    /// How the server misbehaves.
    does: &'static str,
    site: Site,
    /// Crawled by the fetcher that refuses private addresses; the others
    /// by one that allows loopback, where their servers are.
    strict: bool,
    ends: Ends,
    /// The crawl takes less than this, and why it must.
    within: Option<(Duration, &'static str)>,
    checks: Vec<Check>,
}

impl Fault {
    fn new(name: &'static str, does: &'static str, url: &str) -> Fault {
        Fault {
            name,
            does,
            site: site(name, url),
            strict: false,
            ends: Ends::Home,
            within: None,
            checks: Vec::new(),
        }
    }

    fn ends(mut self, ends: Ends) -> Fault {
        self.ends = ends;
        self
    }

    fn strict(mut self) -> Fault {
        self.strict = true;
        self
    }

    fn within(mut self, limit: Duration, why: &'static str) -> Fault {
        self.within = Some((limit, why));
        self
    }

    fn check(mut self, check: impl Fn(&Site, &SiteCrawl) -> Result<(), String> + 'static) -> Fault {
        self.checks.push(Box::new(check));
        self
    }

    /// More in the registry entry than the home page.
    fn registered(mut self, edit: impl FnOnce(&mut Site)) -> Fault {
        edit(&mut self.site);
        self
    }

    fn judge(&self, crawl: &SiteCrawl, took: Duration) -> Result<(), String> {
        let ended = match self.ends {
            Ends::Home => crawl.home == Ok(()),
            Ends::Fails(kind) => kind_of(crawl) == Some(kind),
            Ends::FailsWith(kind, code) => crawl.home.as_ref().err().map(|f| (f.kind, f.status)) == Some((kind, Some(code))),
        };
        ensure!(ended, "home ended in {:?}, expected {:?}", crawl.home, self.ends);
        for check in &self.checks {
            check(&self.site, crawl)?;
        }
        if let Some((limit, why)) = self.within {
            ensure!(took < limit, "took {took:?}, more than {limit:?}: {why}");
        }
        Ok(())
    }
}

/// Every request to `server`, each redirect hop and retry included, names
/// sitewarden in its user agent.
fn identifies(server: &RawServer) -> impl Fn(&Site, &SiteCrawl) -> Result<(), String> + 'static {
    let server = server.clone();
    move |_, _| {
        ensure!(
            server.hits().iter().all(|h| h.user_agent.contains("sitewarden")),
            "a request without the sitewarden agent"
        );
        Ok(())
    }
}

/// An endless body or a gzip bomb: cut at max_body_bytes, noted as too_large.
fn cut_at_the_body_cap(_: &Site, c: &SiteCrawl) -> Result<(), String> {
    let Some(home) = c.home_page() else {
        return Err("no home page".into());
    };
    ensure!(home.truncated, "body not marked truncated");
    ensure!(c.partial.iter().any(|p| p.contains("too_large")), "{:?}", c.partial);
    ensure!(c.bytes <= 2 * 1_000_000, "read {} bytes", c.bytes);
    Ok(())
}

/// Analysed anyway: the crawl has a home page.
fn has_home_page(_: &Site, c: &SiteCrawl) -> Result<(), String> {
    ensure!(c.home_page().is_some(), "no home page");
    Ok(())
}

/// n redirects: / -> /r1 -> ... -> /rn, which answers 200.
fn chain(n: usize) -> impl Fn(&str, usize) -> Answer + Send + Sync {
    move |p: &str, _| {
        if p == "/robots.txt" {
            return status(404);
        }
        let at: usize = p.trim_start_matches("/r").parse().unwrap_or(0);
        if at < n {
            redirect(&format!("/r{}", at + 1))
        } else {
            ok_html("<html><title>end</title></html>")
        }
    }
}

/// The rows, each with its server started.
async fn faults() -> (Vec<Fault>, SelfSignedServer) {
    let self_signed = self_signed_server().await;
    // Refused before any connection, so nothing may reach it.
    let private_target = raw_server(|_, _| ok_html("<html></html>")).await;
    let untouched = |server: &RawServer| {
        let server = server.clone();
        move |_: &Site, _: &SiteCrawl| {
            ensure!(server.hits().is_empty(), "the private-address server saw a request");
            Ok(())
        }
    };
    let rows = vec![
        {
            let drip = raw_server(|p, _| robots_404(p).unwrap_or(Answer::Drip)).await;
            Fault::new("drip", "promises 10 KB, sends one byte a second", &format!("{}/", drip.base()))
                .ends(Ends::Fails(FailureKind::Timeout))
                .within(BEHAVIOUR_BOUND, "the request timeout cuts it, not the 10,000 s the body would take")
        },
        {
            let endless = raw_server(|p, _| robots_404(p).unwrap_or(Answer::Endless)).await;
            Fault::new("endless", "a chunked body that never ends", &format!("{}/", endless.base()))
                .check(cut_at_the_body_cap)
                .within(BEHAVIOUR_BOUND, "cut at max_body_bytes")
        },
        {
            let (bomb, bomb_size) = gzip_bomb(406_504);
            assert!(bomb_size > 100_000_000);
            let bomb = Bytes::from(bomb);
            let gz = raw_server(move |p, _| {
                robots_404(p).unwrap_or_else(|| Answer::Full {
                    status: 200,
                    headers: vec![("content-type", "text/html".into()), ("content-encoding", "gzip".into())],
                    body: bomb.clone(),
                })
            })
            .await;
            Fault::new(
                "gzip-bomb",
                "a gzip body that inflates to over 100 MB of zeros",
                &format!("{}/", gz.base()),
            )
            .check(cut_at_the_body_cap)
            .within(BEHAVIOUR_BOUND, "cut at max_body_bytes")
        },
        {
            let looping = raw_server(|p, _| match p {
                "/robots.txt" => status(404),
                "/" => redirect("/b"),
                _ => redirect("/"),
            })
            .await;
            Fault::new("redirect-loop", "/ -> /b -> / -> ...", &format!("{}/", looping.base()))
                .ends(Ends::Fails(FailureKind::RedirectLoop))
                .check(identifies(&looping))
        },
        {
            let eleven = raw_server(chain(11)).await;
            let followed = eleven.clone();
            Fault::new(
                "eleven-redirects",
                "/ -> /r1 -> ... -> /r11, one more than allowed",
                &format!("{}/", eleven.base()),
            )
            .ends(Ends::Fails(FailureKind::RedirectLoop))
            .check(move |_, _| {
                ensure!(followed.hits_on("/r11").is_empty(), "followed an eleventh redirect");
                Ok(())
            })
            .check(identifies(&eleven))
        },
        {
            let ten = raw_server(chain(10)).await;
            // Ten redirects are allowed.
            Fault::new(
                "ten-redirects",
                "/ -> /r1 -> ... -> /r10, as many as allowed",
                &format!("{}/", ten.base()),
            )
        },
        {
            let robots_500 = raw_server(|p, _| {
                if p == "/robots.txt" {
                    status(500)
                } else {
                    ok_html("<html></html>")
                }
            })
            .await;
            let server = robots_500.clone();
            // Nothing else fetched, reported as that status.
            Fault::new("robots-500", "robots.txt answers 500", &format!("{}/", robots_500.base()))
                .ends(Ends::FailsWith(FailureKind::HttpStatus, 500))
                .check(move |_, r| {
                    ensure!(matches!(r.robots.status, RobotsStatus::Unavailable(_)), "{:?}", r.robots.status);
                    ensure!(server.hits_on("/").is_empty(), "home fetched although robots.txt failed");
                    Ok(())
                })
        },
        {
            let robots_huge = raw_server(|p, _| {
                if p == "/robots.txt" {
                    Answer::Full {
                        status: 200,
                        headers: vec![("content-type", "text/plain".into())],
                        body: Bytes::from("User-agent: *\nDisallow: /nope/\n".repeat(10_000_000 / 30)),
                    }
                } else {
                    ok_html(html_page("Trang chủ", &[]))
                }
            })
            .await;
            // Read to the cap, crawl goes on.
            Fault::new("robots-huge", "a 10 MB robots.txt", &format!("{}/", robots_huge.base())).check(|_, r| {
                ensure!(r.bytes < 2_000_000, "read {} bytes of robots.txt and pages", r.bytes);
                Ok(())
            })
        },
        {
            let robots_html = raw_server(|p, _| {
                if p == "/robots.txt" {
                    ok_html("<!doctype html><html><body><h1>Trang chủ</h1><p>Disallow: nothing here</p></body></html>")
                } else {
                    ok_html(html_page("Trang chủ", &[]))
                }
            })
            .await;
            // Allows everything.
            Fault::new("robots-html", "robots.txt is an HTML page", &format!("{}/", robots_html.base())).check(|_, r| {
                ensure!(r.robots.home_allowed, "home disallowed by {:?}", r.robots.status);
                Ok(())
            })
        },
        {
            let too_many = raw_server(|p, n| match (p, n) {
                ("/robots.txt", _) => status(404),
                ("/", 0) => Answer::Full {
                    status: 429,
                    headers: vec![("retry-after", "1".into())],
                    body: Bytes::new(),
                },
                _ => ok_html(html_page("Trang chủ", &[])),
            })
            .await;
            let server = too_many.clone();
            // Retry-After: 1 is honoured, once, then the page comes.
            Fault::new("429", "429 with Retry-After: 1, the first time", &format!("{}/", too_many.base()))
                .check(move |_, _| {
                    let home_hits = server.hits_on("/");
                    ensure!(home_hits.len() == 2, "{} requests for the home page, expected 2", home_hits.len());
                    let wait = home_hits[1].at - home_hits[0].at;
                    ensure!(
                        wait >= Duration::from_millis(950) && wait < BEHAVIOUR_BOUND,
                        "retried after {wait:?}"
                    );
                    Ok(())
                })
                .check(identifies(&too_many))
        },
        {
            let unavailable = raw_server(|p, _| match p {
                "/robots.txt" => status(404),
                _ => Answer::Full {
                    status: 503,
                    headers: vec![("retry-after", "1".into())],
                    body: Bytes::from_static(b"<html>maintenance</html>"),
                },
            })
            .await;
            let server = unavailable.clone();
            // A bounded number of retries, then http_status 503.
            Fault::new("503", "503 with Retry-After: 1, forever", &format!("{}/", unavailable.base()))
                .ends(Ends::FailsWith(FailureKind::HttpStatus, 503))
                .check(move |_, _| {
                    let hits = server.hits_on("/");
                    ensure!((2..=3).contains(&hits.len()), "{} tries", hits.len());
                    ensure!(
                        hits[1].at - hits[0].at >= Duration::from_millis(950),
                        "retried after {:?}",
                        hits[1].at - hits[0].at
                    );
                    Ok(())
                })
                .check(identifies(&unavailable))
        },
        {
            // The handshake must fail as tls.
            let not_tls = raw_server(|_, _| Answer::Garbage(b"HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\n\r\n")).await;
            Fault::new(
                "not-tls",
                "plain HTTP where TLS was expected",
                &format!("https://{}/", not_tls.addr),
            )
            .ends(Ends::Fails(FailureKind::Tls))
        },
        {
            // Refused in the handshake, before any request is sent, and
            // reported to the officer as a tls failure of the site (the
            // control after the table shows the certificate is the only
            // fault).
            let server = self_signed.clone();
            Fault::new(
                "self-signed",
                "HTTPS with a certificate nobody issued",
                &format!("{}/", self_signed.base()),
            )
            .ends(Ends::Fails(FailureKind::Tls))
            .check(move |site, r| {
                let detail = r.home.as_ref().err().map(|f| f.detail.clone()).unwrap_or_default();
                ensure!(
                    detail.contains("invalid peer certificate") && detail.contains("UnknownIssuer"),
                    "detail does not name the certificate problem: {detail}"
                );
                ensure!(server.connections() >= 1, "never connected to the self-signed site");
                ensure!(
                    server.requests().is_empty(),
                    "sent a request over an untrusted connection: {:?}",
                    server.requests()
                );
                let result = reachable_result(site, r);
                ensure!(result.status == Status::Fail, "{result:?}");
                ensure!(result.message.contains("(tls)"), "{}", result.message);
                ensure!(
                    result
                        .evidence
                        .iter()
                        .any(|e| e.detail.starts_with("tls:") && e.detail.contains("invalid peer certificate")),
                    "{:?}",
                    result.evidence
                );
                ensure!(result.hint.as_deref().is_some_and(|h| h.contains("chứng chỉ")), "{:?}", result.hint);
                Ok(())
            })
        },
        Fault::new("nxdomain", "a name that does not resolve", "http://nonexistent.invalid/").ends(Ends::Fails(FailureKind::Dns)),
        {
            let refused = {
                let l = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
                let a = l.local_addr().expect("addr");
                drop(l);
                a
            };
            Fault::new("refused", "a port where nothing listens", &format!("http://{refused}/")).ends(Ends::Fails(FailureKind::Connect))
        },
        {
            let reset = raw_server(|p, _| robots_404(p).unwrap_or(Answer::ResetMidBody)).await;
            Fault::new("reset", "promises 100 KB, sends 5 KB, then resets", &format!("{}/", reset.base()))
                .ends(Ends::Fails(FailureKind::Other))
        },
        {
            let bad_utf8 = raw_server(|p, _| {
                robots_404(p).unwrap_or_else(|| {
                    let mut body = b"<html><head><meta charset=utf-8><title>Trang ch\xe1\xbb\xa7 \xff\xfe</title></head><body>".to_vec();
                    body.extend_from_slice(
                        b"\xc3\x28 \xe2\x82 \xf0\x28\x8c\xbc <p>S\xe1\xbb\x9f N\xe1\xbb\x99i v\xe1\xbb\xa5</p></body></html>",
                    );
                    ok_html(body)
                })
            })
            .await;
            // Analysed anyway.
            Fault::new("bad-utf8", "invalid UTF-8 in a utf-8 page", &format!("{}/", bad_utf8.base())).check(has_home_page)
        },
        {
            let pdf_as_html = raw_server(|p, _| match p {
                "/robots.txt" => status(404),
                "/van-ban/qd-1.html" => ok_html(&b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj <<>> endobj\n"[..]),
                _ => ok_html(html_page("Trang chủ", &["/van-ban/qd-1.html".to_string()])),
            })
            .await;
            let document = Url::parse(&format!("{}/van-ban/qd-1.html", pdf_as_html.base())).expect("url");
            // Not analysed as a page, noted as a failure.
            Fault::new(
                "pdf-as-html",
                "a registered document that is a PDF served as text/html",
                &format!("{}/", pdf_as_html.base()),
            )
            .registered(|s| s.documents.push(document))
            .check(|_, r| {
                ensure!(!r.pages.iter().any(|p| p.url.ends_with("qd-1.html")), "PDF analysed as HTML");
                let note = r
                    .failures
                    .iter()
                    .find(|(u, _)| u.ends_with("qd-1.html"))
                    .map(|(_, f)| f.detail.clone());
                ensure!(note.as_deref().is_some_and(|d| d.contains("PDF")), "{note:?}");
                Ok(())
            })
        },
        {
            let empty = raw_server(|p, _| robots_404(p).unwrap_or(ok_html(Bytes::new()))).await;
            Fault::new("empty", "an empty home page", &format!("{}/", empty.base())).check(has_home_page)
        },
        {
            let challenge = raw_server(|p, _| {
                robots_404(p).unwrap_or_else(|| {
                    ok_html("<!DOCTYPE html><html><head><title>Just a moment...</title></head><body><div id=\"cf-chl-widget\"></div><script src=\"/cdn-cgi/challenge-platform/h/b/orchestrate/chl_page/v1\"></script></body></html>")
                })
            })
            .await;
            Fault::new("challenge", "a bot-protection challenge page", &format!("{}/", challenge.base()))
                .ends(Ends::Fails(FailureKind::BotProtection))
        },
        {
            let links: Vec<String> = (0..10_000).map(|i| format!("/tin-tuc/bai-{i}.html")).collect();
            let many_links_page = html_page("Tin tức", &links);
            let many_links = raw_server(move |p, _| match p {
                "/robots.txt" | "/sitemap.xml" => status(404),
                _ => ok_html(many_links_page.clone()),
            })
            .await;
            let base = many_links.base();
            let server = many_links.clone();
            // The page cap holds and the crawl says it is partial.
            Fault::new("many-links", "10,000 article links on every page", &format!("{base}/"))
                // Registered listings beyond the cap make it bind before the
                // extractor finds the 10,000 article links; after, both have
                // to respect it.
                .registered(|s| {
                    s.news = (0..15)
                        .map(|i| Url::parse(&format!("{base}/tin-tuc/trang-{i}/")).expect("url"))
                        .collect();
                })
                .check(move |_, r| {
                    ensure!(r.pages.len() + r.failures.len() <= 10, "{} pages", r.pages.len());
                    ensure!(server.hits().len() <= 11, "{} requests with a cap of 10 pages", server.hits().len());
                    ensure!(r.partial.iter().any(|p| p.contains("đã đạt giới hạn 10 trang")), "{:?}", r.partial);
                    Ok(())
                })
        },
        {
            let deep_page = format!(
                "<html><body>{}Trang chủ{}</body></html>",
                "<div>".repeat(100_000),
                "</div>".repeat(100_000)
            );
            let deep = raw_server(move |p, _| robots_404(p).unwrap_or_else(|| ok_html(deep_page.clone()))).await;
            // Analysed up to the nesting cap, said so.
            Fault::new("deep", "100,000 nested elements", &format!("{}/", deep.base()))
                .check(|_, r| {
                    ensure!(r.partial.iter().any(|p| p.contains("lồng nhau sâu quá")), "{:?}", r.partial);
                    Ok(())
                })
                .within(BEHAVIOUR_BOUND, "the nesting cap bounds the analysis")
        },
        // Private addresses: refused before any connection.
        Fault::new(
            "loopback-literal",
            "a registry URL on 127.0.0.1",
            &format!("{}/", private_target.base()),
        )
        .strict()
        .ends(Ends::Fails(FailureKind::PrivateAddress))
        .check(untouched(&private_target))
        .within(Duration::from_secs(1), "it tried to connect"),
        Fault::new(
            "loopback-name",
            "a registry URL on localhost",
            &format!("http://localhost:{}/", private_target.addr.port()),
        )
        .strict()
        .ends(Ends::Fails(FailureKind::PrivateAddress))
        .check(untouched(&private_target))
        .within(Duration::from_secs(1), "it tried to connect"),
        Fault::new("metadata", "the cloud metadata address", "http://169.254.169.254/latest/meta-data/")
            .strict()
            .ends(Ends::Fails(FailureKind::PrivateAddress))
            .within(Duration::from_secs(1), "it tried to connect"),
        Fault::new("ten-net", "an address in 10.0.0.0/8", "http://10.0.0.1/")
            .strict()
            .ends(Ends::Fails(FailureKind::PrivateAddress))
            .within(Duration::from_secs(1), "it tried to connect"),
    ];
    (rows, self_signed)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn every_fault_ends_in_its_failure_kind_alongside_a_healthy_site() {
    let started = Instant::now();
    let fetcher = Fetcher::new(&config(true)).expect("client");
    let strict = Fetcher::new(&config(false)).expect("client");
    let (_tx, rx) = watch::channel(false);

    let healthy_set = healthy_fixture();
    let healthy = fixtures::serve(&healthy_set).await.expect("fixture server");
    let healthy_entry = healthy_site(&healthy.base("healthy").expect("base"));
    let (faults, self_signed) = faults().await;

    // All at once: the healthy site first, then every row.
    let tasks: Vec<_> = std::iter::once((&healthy_entry, &fetcher))
        .chain(faults.iter().map(|f| (&f.site, if f.strict { &strict } else { &fetcher })))
        .map(|(s, f)| {
            let (f, s, rx) = (f.clone(), s.clone(), rx.clone());
            tokio::spawn(async move {
                let t = Instant::now();
                let c = crawl_site(f, &s, &NoCache, rx).await;
                (s.id.clone(), c, t.elapsed())
            })
        })
        .collect();
    let mut crawls: Vec<(SiteCrawl, Duration)> = Vec::new();
    for t in tasks {
        // A panic inside a crawl would surface here as a JoinError.
        let (id, c, took) = t.await.expect("crawl task panicked");
        println!(
            "{id:>18}: {took:>8.2?} home={:?} pages={} failures={:?} partial={:?}",
            c.home.as_ref().err().map(|f| (f.kind, f.status)),
            c.pages.len(),
            c.failures.iter().map(|(u, f)| (u, f.kind)).collect::<Vec<_>>(),
            c.partial
        );
        crawls.push((c, took));
    }
    let whole = started.elapsed();

    // Healthy: complete, polite, unaffected by the neighbours.
    let h = &crawls[0].0;
    assert_eq!(h.home, Ok(()));
    assert!(h.partial.is_empty(), "healthy crawl marked partial: {:?}", h.partial);
    let healthy_result = reachable_result(&healthy_entry, h);
    assert_eq!(healthy_result.status, Status::Pass, "{healthy_result:?}");
    let listings = h.pages.iter().filter(|p| p.role == PageRole::Listing).count();
    assert_eq!(listings, 5, "every registered listing fetched");
    assert!(
        h.failures
            .iter()
            .all(|(u, f)| f.kind == FailureKind::RobotsDenied && u.contains("/private/")),
        "{:?}",
        h.failures
    );
    let seen = healthy.requests();
    assert!(
        seen.iter().all(|r| !r.path.starts_with("/private")),
        "requested a robots-disallowed path"
    );
    assert!(
        seen.iter().all(|r| r.user_agent.as_deref().unwrap_or("").contains("sitewarden")),
        "user agent without sitewarden"
    );
    let mut times: Vec<Instant> = seen.iter().map(|r| r.at).collect();
    times.sort();
    assert!(times.len() >= 7, "robots + home + 5 listings, got {}", times.len());
    for w in times.windows(2) {
        let gap = w[1] - w[0];
        assert!(
            gap >= Duration::from_millis(170),
            "two requests to one host {gap:?} apart, rate is 5/s"
        );
    }

    // Every fault ends as its row says; all the rows that do not are named.
    let wrong: Vec<String> = faults
        .iter()
        .zip(&crawls[1..])
        .filter_map(|(f, (c, took))| f.judge(c, *took).err().map(|e| format!("{} ({}): {e}", f.name, f.does)))
        .collect();
    assert!(
        wrong.is_empty(),
        "{} of {} faults did not end as their row says:\n  {}",
        wrong.len(),
        faults.len(),
        wrong.join("\n  ")
    );

    // Control for the self-signed row: a client that accepts any certificate
    // gets a normal home page, so the certificate is the whole reason for
    // the failure.
    let lax = reqwest::Client::builder()
        .danger_accept_invalid_certs(true)
        .no_proxy()
        .build()
        .expect("client");
    let home = lax
        .get(format!("{}/", self_signed.base()))
        .send()
        .await
        .expect("self-signed control: home over accepted TLS");
    assert_eq!(home.status(), 200, "self-signed control");
    assert!(
        home.text().await.expect("body").contains("UBND tỉnh Tiền Giang"),
        "self-signed control"
    );

    println!("whole fault pass: {whole:?}");
    assert!(whole < 2 * BEHAVIOUR_BOUND, "fault pass took {whole:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn second_crawl_with_the_store_sends_conditional_requests_and_gets_304() {
    let set = healthy_fixture();
    let running = fixtures::serve(&set).await.expect("fixture server");
    let base = running.base("healthy").expect("base");
    let mut s = healthy_site(&base);
    s.per_host_rate = None;
    let fetcher = Fetcher::new(&config(true)).expect("client");
    let dir = tempfile::tempdir().expect("tempdir");
    let store = Store::open(&dir.path().join("db"), 4 << 20).expect("store");
    let (_tx, rx) = watch::channel(false);
    let day = NaiveDate::from_ymd_opt(2026, 11, 24).expect("date");

    let first = crawl_site(fetcher.clone(), &s, &store, rx.clone()).await;
    assert_eq!(first.home, Ok(()));
    assert_eq!(first.not_modified, 0);
    store.save_crawl(&first, day).expect("save");
    let before = running.requests().len();
    assert!(store.cached(&format!("{base}/")).is_some(), "home page not stored");

    let second = crawl_site(fetcher, &s, &store, rx).await;
    assert_eq!(second.home, Ok(()));
    let again: Vec<_> = running
        .requests()
        .into_iter()
        .skip(before)
        .filter(|r| r.path != "/robots.txt" && r.path != "/sitemap.xml")
        .collect();
    assert!(!again.is_empty());
    assert!(
        again.iter().all(|r| r.conditional),
        "unconditional request for a stored page: {:?}",
        again.iter().filter(|r| !r.conditional).map(|r| &r.path).collect::<Vec<_>>()
    );
    assert!(
        again.iter().all(|r| r.status == 304),
        "{:?}",
        again.iter().map(|r| (&r.path, r.status)).collect::<Vec<_>>()
    );
    assert_eq!(second.not_modified as usize, again.len());
    assert!(
        second.bytes < first.bytes,
        "second pass downloaded {} bytes, first {}",
        second.bytes,
        first.bytes
    );
    // The facts of a 304 page are the stored ones, not empty.
    assert_eq!(second.home_page().map(|p| &p.facts), first.home_page().map(|p| &p.facts));

    let _ = std::io::stdout().flush();
}

/// What the store keeps of a page is trimmed to what discovery and the rules
/// read; a second crawl answered by 304s must still find every page the first
/// found by following links, and judge the disclosures on the same facts.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_crawl_answered_by_304s_finds_the_same_pages_through_stored_links() {
    let set = FixtureSet::bundled().expect("bundled fixtures");
    let running = fixtures::serve(&set).await.expect("fixture server");
    let base = running.base("gov-onehop").expect("base");
    let mut s = site("gov-onehop", &format!("{base}/"));
    s.per_host_rate = None;
    let fetcher = Fetcher::new(&config(true)).expect("client");
    let dir = tempfile::tempdir().expect("tempdir");
    let store = Store::open(&dir.path().join("db"), 4 << 20).expect("store");
    let (_tx, rx) = watch::channel(false);

    let visited = |c: &SiteCrawl| {
        let mut v: Vec<(String, String)> = c.pages.iter().map(|p| (format!("{:?}", p.role), p.url.clone())).collect();
        v.sort();
        v
    };
    let first = crawl_site(fetcher.clone(), &s, &store, rx.clone()).await;
    // Nothing in the registry but the home page: the rest came from links.
    for role in [PageRole::Disclosure, PageRole::Listing, PageRole::Article] {
        assert!(
            first.pages.iter().any(|p| p.role == role),
            "no {role:?} page: {:?}",
            visited(&first)
        );
    }
    let second = crawl_site(fetcher, &s, &store, rx).await;
    assert!(second.not_modified > 0);
    assert_eq!(visited(&second), visited(&first));
    let disclosures = |c: &SiteCrawl| {
        c.pages
            .iter()
            .filter(|p| matches!(p.role, PageRole::Home | PageRole::Disclosure))
            .map(|p| (p.url.clone(), p.facts.disclosures.clone()))
            .collect::<Vec<_>>()
    };
    assert_eq!(disclosures(&second), disclosures(&first));
}

/// A site's keep-alive connection ends with its crawl: a province's crawl
/// must not hold idle connections (and their buffers) to every site it has
/// finished, nor keep a server's connection slot busy.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_finished_sites_connection_is_closed_while_the_crawler_goes_on() {
    let (addr, accepted, closed) = keepalive_server().await;
    let fetcher = Fetcher::new(&config(true)).expect("client");
    let (_tx, rx) = watch::channel(false);
    let crawl = crawl_site(fetcher.clone(), &site("one", &format!("http://{addr}/")), &NoCache, rx).await;
    assert_eq!(crawl.home, Ok(()));
    // The fetcher lives on, as it does in the daemon; the connection must not.
    let (a, c) = all_closed(&accepted, &closed).await;
    assert!(a >= 1);
    assert_eq!(c, a, "{a} connections opened, {c} closed 3 s after the crawl");
    drop(fetcher);
}

/// Sites registered under one host (a province's departments under its
/// portal) are crawled over that host's one connection, not one each.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sites_on_one_host_share_its_connection() {
    let (addr, accepted, closed) = keepalive_server().await;
    let fetcher = Fetcher::new(&config(true)).expect("client");
    let (_tx, rx) = watch::channel(false);
    let sites: Vec<Site> = ["so-tu-phap", "so-y-te", "so-tai-chinh", "so-xay-dung"]
        .iter()
        .map(|id| site(id, &format!("http://{addr}/{id}/")))
        .collect();
    let crawls = futures_util::future::join_all(sites.iter().map(|s| crawl_site(fetcher.clone(), s, &NoCache, rx.clone()))).await;
    assert!(crawls.iter().all(|c| c.home == Ok(())));
    let (a, c) = all_closed(&accepted, &closed).await;
    // Requests to the host are paced one at a time, so one connection
    // serves them; a second may open while an answer is still in flight.
    assert!((1..=2).contains(&a), "{a} connections for 4 sites on one host");
    assert_eq!(c, a, "{a} connections opened, {c} closed 3 s after the crawls");
}

/// A server that answers 304 to a request without validators gives no page:
/// the crawl says so instead of judging an empty page (which would fail
/// every disclosure rule).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_304_to_an_unconditional_request_is_a_failure_not_an_empty_page() {
    let server = raw_server(|p, _| {
        robots_404(p).unwrap_or(Answer::Full {
            status: 304,
            headers: Vec::new(),
            body: Bytes::new(),
        })
    })
    .await;
    let fetcher = Fetcher::new(&config(true)).expect("client");
    let (_tx, rx) = watch::channel(false);
    let crawl = crawl_site(fetcher, &site("stuck", &format!("{}/", server.base())), &NoCache, rx).await;
    let home = crawl.home.as_ref().expect_err("a 304 with nothing kept is no page");
    assert_eq!(home.kind, FailureKind::HttpStatus);
    assert_eq!(home.status, Some(304));
    assert!(home.detail.contains("không kèm ETag hay Last-Modified"), "{}", home.detail);
    assert!(crawl.pages.is_empty());
}
