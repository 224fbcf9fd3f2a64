//! Hostile and broken servers (issue 5): every fault on its own loopback
//! server, all crawled at once next to a healthy site, each ending in the
//! SPEC §4 failure kind, within a bound, without a panic, and without
//! slowing the healthy crawl down.

mod support;

use std::collections::HashMap;
use std::io::Write as _;
use std::sync::atomic::Ordering;
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
use support::raw::{Answer, all_closed, keepalive_server, ok_html, raw_server, redirect, robots_404, status};
use support::tls::self_signed_server;
use support::{config, healthy_fixture, healthy_site, html_page, kind_of, reachable_result, site};
use tokio::sync::watch;
use url::Url;

#[test]
fn hand_made_gzip_bomb_is_valid_gzip() {
    use std::io::Read;
    let (gz, size) = gzip_bomb(10_000);
    let mut out = Vec::new();
    flate2::read::GzDecoder::new(&gz[..]).read_to_end(&mut out).expect("decodes");
    assert_eq!(out.len() as u64, size);
    assert!(out.iter().all(|b| *b == 0));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn every_fault_ends_in_its_failure_kind_alongside_a_healthy_site() {
    let started = Instant::now();
    let fetcher = Fetcher::new(&config(true)).expect("client");
    let strict = Fetcher::new(&config(false)).expect("client");
    let (_tx, rx) = watch::channel(false);

    let healthy_set = healthy_fixture();
    let healthy = fixtures::serve(&healthy_set).await.expect("fixture server");
    let healthy_base = healthy.base("healthy").expect("base");

    let drip = raw_server(|p, _| robots_404(p).unwrap_or(Answer::Drip)).await;
    let endless = raw_server(|p, _| robots_404(p).unwrap_or(Answer::Endless)).await;
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
    let looping = raw_server(|p, _| match p {
        "/robots.txt" => status(404),
        "/" => redirect("/b"),
        _ => redirect("/"),
    })
    .await;
    // n redirects: / -> /r1 -> ... -> /rn, which answers 200.
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
    let eleven = raw_server(chain(11)).await;
    let ten = raw_server(chain(10)).await;
    let private_target = raw_server(|_, _| ok_html("<html></html>")).await;
    let robots_500 = raw_server(|p, _| {
        if p == "/robots.txt" {
            status(500)
        } else {
            ok_html("<html></html>")
        }
    })
    .await;
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
    let robots_html = raw_server(|p, _| {
        if p == "/robots.txt" {
            ok_html("<!doctype html><html><body><h1>Trang chủ</h1><p>Disallow: nothing here</p></body></html>")
        } else {
            ok_html(html_page("Trang chủ", &[]))
        }
    })
    .await;
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
    let unavailable = raw_server(|p, _| match p {
        "/robots.txt" => status(404),
        _ => Answer::Full {
            status: 503,
            headers: vec![("retry-after", "1".into())],
            body: Bytes::from_static(b"<html>maintenance</html>"),
        },
    })
    .await;
    // An HTTP server where TLS was expected: the handshake must fail as tls.
    let not_tls = raw_server(|_, _| Answer::Garbage(b"HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\n\r\n")).await;
    let self_signed = self_signed_server().await;
    let refused = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        let a = l.local_addr().expect("addr");
        drop(l);
        a
    };
    let reset = raw_server(|p, _| robots_404(p).unwrap_or(Answer::ResetMidBody)).await;
    let bad_utf8 = raw_server(|p, _| {
        robots_404(p).unwrap_or_else(|| {
            let mut body = b"<html><head><meta charset=utf-8><title>Trang ch\xe1\xbb\xa7 \xff\xfe</title></head><body>".to_vec();
            body.extend_from_slice(b"\xc3\x28 \xe2\x82 \xf0\x28\x8c\xbc <p>S\xe1\xbb\x9f N\xe1\xbb\x99i v\xe1\xbb\xa5</p></body></html>");
            ok_html(body)
        })
    })
    .await;
    let pdf_as_html = raw_server(|p, _| match p {
        "/robots.txt" => status(404),
        "/van-ban/qd-1.html" => ok_html(&b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj <<>> endobj\n"[..]),
        _ => ok_html(html_page("Trang chủ", &["/van-ban/qd-1.html".to_string()])),
    })
    .await;
    let empty = raw_server(|p, _| robots_404(p).unwrap_or(ok_html(Bytes::new()))).await;
    let challenge = raw_server(|p, _| {
        robots_404(p).unwrap_or_else(|| {
            ok_html("<!DOCTYPE html><html><head><title>Just a moment...</title></head><body><div id=\"cf-chl-widget\"></div><script src=\"/cdn-cgi/challenge-platform/h/b/orchestrate/chl_page/v1\"></script></body></html>")
        })
    })
    .await;
    let links: Vec<String> = (0..10_000).map(|i| format!("/tin-tuc/bai-{i}.html")).collect();
    let many_links_page = html_page("Tin tức", &links);
    let many_links = raw_server(move |p, _| match p {
        "/robots.txt" | "/sitemap.xml" => status(404),
        _ => ok_html(many_links_page.clone()),
    })
    .await;

    let deep_page = format!(
        "<html><body>{}Trang chủ{}</body></html>",
        "<div>".repeat(100_000),
        "</div>".repeat(100_000)
    );
    let deep = raw_server(move |p, _| robots_404(p).unwrap_or_else(|| ok_html(deep_page.clone()))).await;

    let mut pdf_site = site("pdf-as-html", &format!("{}/", pdf_as_html.base()));
    pdf_site
        .documents
        .push(Url::parse(&format!("{}/van-ban/qd-1.html", pdf_as_html.base())).expect("url"));
    let mut links_site = site("many-links", &format!("{}/", many_links.base()));
    // Registered listings beyond the cap make it bind before the extractor
    // finds the 10,000 article links; after, both have to respect it.
    links_site.news = (0..15)
        .map(|i| Url::parse(&format!("{}/tin-tuc/trang-{i}/", many_links.base())).expect("url"))
        .collect();

    let lenient_sites = vec![
        healthy_site(&healthy_base),
        site("drip", &format!("{}/", drip.base())),
        site("endless", &format!("{}/", endless.base())),
        site("gzip-bomb", &format!("{}/", gz.base())),
        site("redirect-loop", &format!("{}/", looping.base())),
        site("eleven-redirects", &format!("{}/", eleven.base())),
        site("ten-redirects", &format!("{}/", ten.base())),
        site("robots-500", &format!("{}/", robots_500.base())),
        site("robots-huge", &format!("{}/", robots_huge.base())),
        site("robots-html", &format!("{}/", robots_html.base())),
        site("429", &format!("{}/", too_many.base())),
        site("503", &format!("{}/", unavailable.base())),
        site("not-tls", &format!("https://{}/", not_tls.addr)),
        site("self-signed", &format!("{}/", self_signed.base())),
        site("nxdomain", "http://nonexistent.invalid/"),
        site("refused", &format!("http://{refused}/")),
        site("reset", &format!("{}/", reset.base())),
        site("bad-utf8", &format!("{}/", bad_utf8.base())),
        pdf_site,
        site("empty", &format!("{}/", empty.base())),
        site("challenge", &format!("{}/", challenge.base())),
        links_site,
        site("deep", &format!("{}/", deep.base())),
    ];
    let strict_sites = [
        site("loopback-literal", &format!("{}/", private_target.base())),
        site("loopback-name", &format!("http://localhost:{}/", private_target.addr.port())),
        site("metadata", "http://169.254.169.254/latest/meta-data/"),
        site("ten-net", "http://10.0.0.1/"),
    ];

    let mut tasks = Vec::new();
    for (s, f) in lenient_sites
        .iter()
        .map(|s| (s, &fetcher))
        .chain(strict_sites.iter().map(|s| (s, &strict)))
    {
        let (f, s, rx) = (f.clone(), s.clone(), rx.clone());
        tasks.push(tokio::spawn(async move {
            let t = Instant::now();
            let c = crawl_site(f, &s, &NoCache, rx).await;
            (s.id.clone(), c, t.elapsed())
        }));
    }
    let mut crawls: HashMap<String, (SiteCrawl, Duration)> = HashMap::new();
    for t in tasks {
        // A panic inside a crawl would surface here as a JoinError.
        let (id, c, took) = t.await.expect("crawl task panicked");
        crawls.insert(id, (c, took));
    }
    let whole = started.elapsed();
    let get = |id: &str| &crawls.get(id).unwrap_or_else(|| panic!("no crawl for {id}")).0;
    let took = |id: &str| crawls.get(id).map(|c| c.1).unwrap_or_default();
    for (id, (c, t)) in &crawls {
        println!(
            "{id:>18}: {t:>8.2?} home={:?} pages={} failures={:?} partial={:?}",
            c.home.as_ref().err().map(|f| (f.kind, f.status)),
            c.pages.len(),
            c.failures.iter().map(|(u, f)| (u, f.kind)).collect::<Vec<_>>(),
            c.partial
        );
    }

    // Healthy: complete, polite, unaffected by the neighbours.
    let h = get("healthy");
    assert_eq!(h.home, Ok(()));
    assert!(h.partial.is_empty(), "healthy crawl marked partial: {:?}", h.partial);
    let healthy_entry = lenient_sites.iter().find(|s| s.id == "healthy").expect("healthy site");
    let healthy_result = reachable_result(healthy_entry, h);
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

    // Every hop of a redirect chain and every retry identifies itself too.
    for server in [&looping, &eleven, &too_many, &unavailable] {
        assert!(
            server.hits().iter().all(|h| h.user_agent.contains("sitewarden")),
            "a request without the sitewarden agent"
        );
    }

    // Slow drip: the request timeout cuts it, not the 10,000 s the body would take.
    assert_eq!(kind_of(get("drip")), Some(FailureKind::Timeout));
    assert!(took("drip") < Duration::from_secs(8), "drip took {:?}", took("drip"));

    // Endless body and gzip bomb: cut at max_body_bytes, noted as too_large.
    for id in ["endless", "gzip-bomb"] {
        let c = get(id);
        assert_eq!(c.home, Ok(()), "{id}");
        let home = c.home_page().unwrap_or_else(|| panic!("{id}: no home page"));
        assert!(home.truncated, "{id}: body not marked truncated");
        assert!(c.partial.iter().any(|p| p.contains("too_large")), "{id}: {:?}", c.partial);
        assert!(c.bytes <= 2 * 1_000_000, "{id}: read {} bytes", c.bytes);
        assert!(took(id) < Duration::from_secs(8), "{id} took {:?}", took(id));
    }

    assert_eq!(kind_of(get("redirect-loop")), Some(FailureKind::RedirectLoop));
    assert_eq!(kind_of(get("eleven-redirects")), Some(FailureKind::RedirectLoop));
    assert_eq!(get("ten-redirects").home, Ok(()), "ten redirects are allowed");
    assert!(eleven.hits_on("/r11").is_empty(), "followed an eleventh redirect");

    // Private addresses: refused before any connection.
    for id in ["loopback-literal", "loopback-name", "metadata", "ten-net"] {
        assert_eq!(kind_of(get(id)), Some(FailureKind::PrivateAddress), "{id}");
        assert!(took(id) < Duration::from_secs(1), "{id} took {:?}: it tried to connect", took(id));
    }
    assert!(private_target.hits().is_empty(), "the private-address server saw a request");

    // robots.txt 500: nothing else fetched, reported as that status.
    let r = get("robots-500");
    assert_eq!(
        r.home.as_ref().err().map(|f| (f.kind, f.status)),
        Some((FailureKind::HttpStatus, Some(500)))
    );
    assert!(matches!(r.robots.status, RobotsStatus::Unavailable(_)));
    assert!(robots_500.hits_on("/").is_empty(), "home fetched although robots.txt failed");

    // 10 MB robots.txt: read to the cap, crawl goes on.
    let r = get("robots-huge");
    assert_eq!(r.home, Ok(()));
    assert!(r.bytes < 2_000_000, "read {} bytes of robots.txt and pages", r.bytes);
    // HTML as robots.txt: allows everything.
    let r = get("robots-html");
    assert_eq!(r.home, Ok(()));
    assert!(r.robots.home_allowed);

    // 429 Retry-After: 1 is honoured, once, then the page comes.
    assert_eq!(get("429").home, Ok(()));
    let home_hits = too_many.hits_on("/");
    assert_eq!(home_hits.len(), 2);
    let wait = home_hits[1].at - home_hits[0].at;
    assert!(
        wait >= Duration::from_millis(950) && wait < Duration::from_secs(3),
        "retried after {wait:?}"
    );
    // 503 with Retry-After forever: a bounded number of retries, then http_status 503.
    let r = get("503");
    assert_eq!(
        r.home.as_ref().err().map(|f| (f.kind, f.status)),
        Some((FailureKind::HttpStatus, Some(503)))
    );
    let hits = unavailable.hits_on("/");
    assert!((2..=3).contains(&hits.len()), "{} tries", hits.len());
    assert!(hits[1].at - hits[0].at >= Duration::from_millis(950));

    assert_eq!(kind_of(get("not-tls")), Some(FailureKind::Tls), "{:?}", get("not-tls").home);

    // A self-signed certificate: refused in the handshake, before any request
    // is sent, and reported to the officer as a tls failure of the site.
    let r = get("self-signed");
    assert_eq!(kind_of(r), Some(FailureKind::Tls), "{:?}", r.home);
    let detail = r.home.as_ref().err().map(|f| f.detail.clone()).unwrap_or_default();
    assert!(
        detail.contains("invalid peer certificate") && detail.contains("UnknownIssuer"),
        "detail does not name the certificate problem: {detail}"
    );
    assert!(
        self_signed.connections.load(Ordering::SeqCst) >= 1,
        "never connected to the self-signed site"
    );
    assert!(
        self_signed.requests().is_empty(),
        "sent a request over an untrusted connection: {:?}",
        self_signed.requests()
    );
    let self_signed_site = lenient_sites.iter().find(|s| s.id == "self-signed").expect("self-signed site");
    let result = reachable_result(self_signed_site, r);
    assert_eq!(result.status, Status::Fail, "{result:?}");
    assert!(result.message.contains("(tls)"), "{}", result.message);
    assert!(
        result
            .evidence
            .iter()
            .any(|e| e.detail.starts_with("tls:") && e.detail.contains("invalid peer certificate")),
        "{:?}",
        result.evidence
    );
    assert!(result.hint.as_deref().is_some_and(|h| h.contains("chứng chỉ")), "{:?}", result.hint);
    // Control: a client that accepts any certificate gets a normal home page,
    // so the certificate is the whole reason for the failure above.
    let lax = reqwest::Client::builder()
        .danger_accept_invalid_certs(true)
        .no_proxy()
        .build()
        .expect("client");
    let home = lax
        .get(format!("{}/", self_signed.base()))
        .send()
        .await
        .expect("home over accepted TLS");
    assert_eq!(home.status(), 200);
    assert!(home.text().await.expect("body").contains("UBND tỉnh Tiền Giang"));

    assert_eq!(kind_of(get("nxdomain")), Some(FailureKind::Dns), "{:?}", get("nxdomain").home);
    assert_eq!(kind_of(get("refused")), Some(FailureKind::Connect), "{:?}", get("refused").home);
    let r = get("reset");
    assert_eq!(kind_of(r), Some(FailureKind::Other), "{:?}", r.home);

    // Invalid UTF-8: analysed anyway.
    let r = get("bad-utf8");
    assert_eq!(r.home, Ok(()));
    assert!(r.home_page().is_some());

    // PDF served as text/html: not analysed as a page, noted as a failure.
    let r = get("pdf-as-html");
    assert_eq!(r.home, Ok(()));
    assert!(!r.pages.iter().any(|p| p.url.ends_with("qd-1.html")), "PDF analysed as HTML");
    let note = r
        .failures
        .iter()
        .find(|(u, _)| u.ends_with("qd-1.html"))
        .map(|(_, f)| f.detail.clone());
    assert!(note.as_deref().is_some_and(|d| d.contains("PDF")), "{note:?}");

    let r = get("empty");
    assert_eq!(r.home, Ok(()));
    assert!(r.home_page().is_some());

    let r = get("challenge");
    assert_eq!(kind_of(r), Some(FailureKind::BotProtection));

    // 10,000 links: the page cap holds and the crawl says it is partial.
    let r = get("many-links");
    assert_eq!(r.home, Ok(()));
    assert!(r.pages.len() + r.failures.len() <= 10, "{} pages", r.pages.len());
    assert!(
        many_links.hits().len() <= 11,
        "{} requests with a cap of 10 pages",
        many_links.hits().len()
    );
    assert!(r.partial.iter().any(|p| p.contains("page cap")), "{:?}", r.partial);

    // 100,000 nested elements: analysed up to the nesting cap, said so.
    let r = get("deep");
    assert_eq!(r.home, Ok(()));
    assert!(r.partial.iter().any(|p| p.contains("nest deeper")), "{:?}", r.partial);
    assert!(took("deep") < Duration::from_secs(10), "deep page took {:?}", took("deep"));

    println!("whole fault pass: {whole:?}");
    assert!(whole < Duration::from_secs(30), "fault pass took {whole:?}");
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
    assert!(home.detail.contains("without validators"), "{}", home.detail);
    assert!(crawl.pages.is_empty());
}
