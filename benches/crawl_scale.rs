//! Scale benchmark (issue 5): N synthetic Vietnamese portals × P pages served
//! with ETag/304, checked through `Engine::check` (the daemon's path).
//! Prints wall time against the politeness bound, requests/s, peak RSS, CPU
//! seconds and sled size; then a second pass (304 share) and nightly passes
//! with a few pages changed each night, and a sweep.
//!
//! `cargo bench --bench crawl_scale -- --sites 100 --pages 10 [--rate 5/1s]
//! [--concurrency 64] [--nights 30] [--night-rate 100/1s]`
//!
//! The defaults are 500 sites × 20 pages and 30 nights (about 9 minutes:
//! each night waits out the sites that ask for a 0.5 s Crawl-delay). The
//! larger runs are `--sites 1000` and `--sites 2000`, usually with
//! `--nights 0`; the target they measure is a crawler peak RSS of at most
//! 64 MB with 1,000 sites and 64 in flight.
//!
//! `--slope 1000,10000 --pages 3 --page-kb 8` runs one first pass at each
//! registry size instead, each in a process of its own (the bench re-run
//! with `--slope N`: what one size leaves in the allocator must not count
//! against the next), `--repeat R` times each, and prints peak RSS against
//! registry size: with the registry packed and the results streamed to the
//! store as each site finishes (issue 14) it should grow with the sites in
//! flight (`--concurrency`), barely with the registry; what still grows is
//! what sled keeps of the records written (`cargo bench --bench
//! sled_memory`). It also prints the records stored per tree. With
//! `--check FORMAT` each size runs the release `sitewarden check` itself,
//! findings file included, on two nights (the second one reading the
//! first's results for what changed), and the peak is that process's.
//!
//! The servers run in a child process, the bench itself re-executed with
//! `--serve` (see "Server child" below), so the peak RSS and CPU printed for
//! the crawler are those of the bench process alone; the child's are
//! printed beside them for information. The child ends with the bench.
//!
//! `cargo bench --bench crawl_scale --features dhat-heap -- ...` writes a
//! heap profile of the crawler to dhat-heap.json.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Write};
use std::net::SocketAddr;
use std::path::Path;
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use bytes::Bytes;
use chrono::{Days, NaiveDate};
use http_body_util::Full;
use hyper::Response;
use hyper::http::request::Parts;
use sitewarden::config::{Config, parse_rate};
use sitewarden::engine::Engine;
use sitewarden::fixtures::{self, LoopbackServer, Xorshift};
use sitewarden::registry::Registry;
use sitewarden::settings::Settings;
use tokio::sync::watch;
use xxhash_rust::xxh3::xxh3_64;

struct Args {
    sites: usize,
    pages: usize,
    rate: String,
    concurrency: usize,
    nights: usize,
    night_rate: String,
    /// Hidden: run as the server child.
    serve: bool,
    /// Hidden, for the server child: seed of the nightly changes.
    seed: u64,
    /// `--slope 1000,10000`: one first pass at each registry size, peak RSS
    /// of each (issue 14: memory follows the sites in flight, not the registry).
    slope: Vec<usize>,
    /// `--repeat R`: runs of each `--slope` size.
    repeat: usize,
    /// `--page-kb N`: pages of about N KB instead of 30–80 KB, so that ten
    /// thousand sites fit in the server child's memory.
    page_kb: Option<usize>,
    /// `--check FORMAT`: with `--slope`, run the release `sitewarden check`
    /// itself over each registry, findings in FORMAT included, and report
    /// its peak RSS instead of the pass's.
    check: Option<String>,
}

/// Seed of the nightly page changes, passed to the server child.
const NIGHT_SEED: u64 = 0xA5A5_5A5A_1234_5678;

fn args() -> Args {
    let mut a = Args {
        sites: 500,
        pages: 20,
        rate: "5/1s".into(),
        concurrency: 64,
        nights: 30,
        night_rate: "100/1s".into(),
        serve: false,
        seed: NIGHT_SEED,
        slope: Vec::new(),
        repeat: 1,
        page_kb: None,
        check: None,
    };
    let argv: Vec<String> = std::env::args().collect();
    let mut i = 1;
    while i < argv.len() {
        let val = argv.get(i + 1).cloned().unwrap_or_default();
        match argv[i].as_str() {
            "--sites" => a.sites = val.parse().unwrap_or(a.sites),
            "--pages" => a.pages = val.parse().unwrap_or(a.pages).max(2),
            "--rate" => a.rate = val,
            "--concurrency" => a.concurrency = val.parse().unwrap_or(a.concurrency),
            "--nights" => a.nights = val.parse().unwrap_or(a.nights),
            "--night-rate" => a.night_rate = val,
            "--seed" => a.seed = val.parse().unwrap_or(a.seed),
            "--slope" => a.slope = val.split(',').filter_map(|n| n.trim().parse().ok()).collect(),
            "--repeat" => a.repeat = val.parse().unwrap_or(a.repeat).max(1),
            "--page-kb" => a.page_kb = val.parse().ok(),
            "--check" => a.check = Some(val),
            "--serve" => {
                a.serve = true;
                i += 1;
                continue;
            }
            // `cargo bench` passes --bench; ignore what is not ours.
            _ => {
                i += 1;
                continue;
            }
        }
        i += 2;
    }
    a
}

// ---------------------------------------------------------------------------
// Synthetic portals.

const WORDS: &[&str] = &[
    "Ủy ban nhân dân",
    "tỉnh",
    "triển khai",
    "kế hoạch",
    "phát triển",
    "kinh tế",
    "xã hội",
    "năm 2026",
    "cải cách hành chính",
    "chuyển đổi số",
    "người dân",
    "doanh nghiệp",
    "hội nghị",
    "thực hiện",
    "nhiệm vụ",
    "trọng tâm",
    "quý IV",
    "đầu tư công",
    "giải ngân",
    "nông thôn mới",
    "an sinh",
    "giáo dục",
    "y tế",
    "đường giao thông",
    "huyện",
    "xã",
    "phường",
    "Sở Thông tin và Truyền thông",
    "chỉ đạo",
    "đồng chí",
    "Chủ tịch",
    "Phó Chủ tịch",
    "báo cáo",
    "tiến độ",
    "công trình",
    "môi trường",
    "thủy lợi",
    "mùa mưa",
    "phòng chống",
    "thiên tai",
];
const MENU: &[&str] = &[
    "Giới thiệu",
    "Tin tức - Sự kiện",
    "Văn bản pháp luật",
    "Thủ tục hành chính",
    "Lịch công tác",
    "Liên hệ",
    "Sơ đồ cổng",
    "Hỏi đáp",
    "Thông báo",
    "Dự án",
];

fn sentence(r: &mut Xorshift, words: usize) -> String {
    let mut s = String::new();
    for i in 0..words {
        if i > 0 {
            s.push(' ');
        }
        s.push_str(r.pick(WORDS));
    }
    s
}

/// `nav` is the site's own pages: the menu links only to pages that exist,
/// so a crawl that follows it meets no 404s.
fn page(r: &mut Xorshift, site: usize, title: &str, body: &str, target: usize, nav: &[String]) -> String {
    let link = |k: usize| nav.get(k % nav.len().max(1)).map_or("/", String::as_str);
    let mut p = format!(
        "<!DOCTYPE html><html lang=\"vi\"><head><meta charset=\"utf-8\"><title>{title} - Cổng thông tin điện tử tỉnh {site}</title>\
         <link rel=\"alternate\" type=\"application/rss+xml\" href=\"/rss.xml\"><link rel=\"stylesheet\" href=\"/static/site.css\"></head><body>\
         <header><div class=\"banner\">CỔNG THÔNG TIN ĐIỆN TỬ TỈNH {site}</div><nav><ul>"
    );
    for (i, m) in MENU.iter().enumerate() {
        p.push_str(&format!(
            "<li class=\"menu-item\"><a href=\"{}\">{m}</a><ul class=\"sub\">",
            link(i * 5)
        ));
        for j in 0..4 {
            p.push_str(&format!("<li><a href=\"{}\">{}</a></li>", link(i * 5 + j + 1), sentence(r, 2)));
        }
        p.push_str("</ul></li>");
    }
    p.push_str("</ul></nav></header><main>");
    p.push_str(body);
    // Sidebars and boilerplate that real portals carry, up to the target size.
    p.push_str("<aside class=\"sidebar\">");
    while p.len() < target {
        p.push_str(&format!(
            "<div class=\"box\"><h3>{}</h3><p>{}.</p></div>",
            sentence(r, 3),
            sentence(r, 40)
        ));
    }
    p.push_str(&format!(
        "</aside></main><footer><p>Cơ quan chủ quản: Ủy ban nhân dân tỉnh {site}</p><p>Địa chỉ: Số 23, đường 30/4, phường 1</p>\
         <p>Điện thoại: 0273 3873 333 - Email: ubnd@tinh{site}.gov.vn</p><p>Người chịu trách nhiệm: Chánh Văn phòng UBND tỉnh</p>\
         <p>Giấy phép số 12/GP-TTĐT ngày 01/02/2024</p></footer></body></html>"
    ));
    p
}

/// `--page-kb`, set once at start (0: the usual 30–80 KB).
static PAGE_KB: AtomicU64 = AtomicU64::new(0);

/// How large a generated page grows: 30–80 KB, or about `--page-kb`.
fn page_size(r: &mut Xorshift) -> usize {
    match PAGE_KB.load(Ordering::Relaxed) as usize {
        0 => 30_000 + r.below(50_000),
        kb => kb * 1000 / 2 + r.below(kb * 1000),
    }
}

/// Day of the first pass; the second is the day after.
fn day0() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 10, 1).expect("date")
}

/// Day of nightly pass `n` (0-based), after the first two.
fn night_day(n: usize) -> NaiveDate {
    day0() + Days::new(2 + n as u64)
}

/// A site of `pages` pages has the home page, a fifth of listings and the
/// rest articles; the paths are the same on every site.
fn listing_paths(pages: usize) -> Vec<String> {
    (0..(pages / 5).max(1)).map(|i| format!("/tin-tuc/trang-{i}/")).collect()
}

fn article_paths(pages: usize) -> Vec<String> {
    let n_listings = (pages / 5).max(1);
    (0..pages.saturating_sub(1 + n_listings))
        .map(|i| format!("/tin-tuc/bai-{i}.html"))
        .collect()
}

/// Listings then articles: the site's menu, sitemap and registry news.
fn news_paths(pages: usize) -> Vec<String> {
    listing_paths(pages).into_iter().chain(article_paths(pages)).collect()
}

fn listing_body(r: &mut Xorshift, articles: &[String], day: NaiveDate) -> String {
    let mut b = format!("<h1>{}</h1><ul class=\"list-news\">", r.pick(MENU));
    for (i, a) in articles.iter().enumerate().take(30) {
        let d = day - Days::new((i / 3) as u64);
        b.push_str(&format!(
            "<li><a href=\"{a}\"><img src=\"/img/{i}.jpg\" alt=\"\"></a><h3><a href=\"{a}\">{}</a></h3><span class=\"date\">{}</span><p>{}</p></li>",
            sentence(r, 8),
            d.format("%d/%m/%Y"),
            sentence(r, 25)
        ));
    }
    b.push_str("</ul>");
    b
}

fn article_body(r: &mut Xorshift, day: NaiveDate, rev: u32) -> String {
    let mut b = format!(
        "<article><h1>{}</h1><div class=\"meta\">Ngày đăng: {} 08:{:02}</div>",
        sentence(r, 10),
        day.format("%d/%m/%Y"),
        rev % 60
    );
    for _ in 0..8 {
        b.push_str(&format!("<p>{}.</p>", sentence(r, 60)));
    }
    b.push_str("</article>");
    b
}

/// Every file of site `site`, generated from its own seed.
fn gen_site(site: usize, pages: usize, day: NaiveDate) -> HashMap<String, Bytes> {
    let mut r = Xorshift::new(0x9E37_79B9_7F4A_7C15 ^ (site as u64 + 1).wrapping_mul(0x2545_F491_4F6C_DD1D));
    let listings = listing_paths(pages);
    let articles = article_paths(pages);
    let nav = news_paths(pages);
    let mut files = HashMap::new();
    let target = |r: &mut Xorshift| page_size(r);

    let mut home = String::from("<section class=\"hot\">");
    for l in &listings {
        home.push_str(&format!("<a href=\"{l}\">Tin tức</a> "));
    }
    home.push_str("</section>");
    home.push_str(&listing_body(&mut r, &articles, day));
    let t = target(&mut r);
    files.insert("/".to_string(), Bytes::from(page(&mut r, site, "Trang chủ", &home, t, &nav)));
    for l in &listings {
        let b = listing_body(&mut r, &articles, day);
        let t = target(&mut r);
        files.insert(l.clone(), Bytes::from(page(&mut r, site, "Tin tức", &b, t, &nav)));
    }
    for a in &articles {
        let b = article_body(&mut r, day, 0);
        let t = target(&mut r);
        files.insert(a.clone(), Bytes::from(page(&mut r, site, "Tin tức", &b, t, &nav)));
    }
    files.insert("/rss.xml".into(), Bytes::from(rss(site, &articles, day)));
    // Every tenth site asks for a Crawl-delay, as some real portals do.
    let robots = if site % 10 == 3 {
        "User-agent: *\nDisallow: /admin/\nCrawl-delay: 0.5\n"
    } else {
        "User-agent: *\nDisallow: /admin/\n"
    };
    files.insert("/robots.txt".into(), Bytes::from(robots));
    files
}

fn sitemap(base: &str, paths: &[String], day: NaiveDate) -> String {
    let mut sm = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?><urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">");
    for p in std::iter::once("/").chain(paths.iter().map(String::as_str)) {
        sm.push_str(&format!("<url><loc>{base}{p}</loc><lastmod>{day}</lastmod></url>"));
    }
    sm.push_str("</urlset>");
    sm
}

fn rss(site: usize, articles: &[String], day: NaiveDate) -> String {
    let mut s = format!("<?xml version=\"1.0\" encoding=\"UTF-8\"?><rss version=\"2.0\"><channel><title>Tỉnh {site}</title><link>/</link>");
    for a in articles.iter().take(20) {
        s.push_str(&format!(
            "<item><title>Tin {a}</title><link>{a}</link><pubDate>{}</pubDate></item>",
            day.format("%a, %d %b %Y 08:00:00 +0700")
        ));
    }
    s.push_str("</channel></rss>");
    s
}

// ---------------------------------------------------------------------------
// Server child, the server side (`--serve`): the same sites, generated from
// the same seeds, each served on its own 127.0.0.1 port (by the shared
// `fixtures::serve_loopback`) with mutable pages and ETag/304. The child
// talks to the bench in lines:
//
//   at start, on stdout    `site <i> <addr>` for every site in order, then
//                          `ready <bytes of pages generated>`
//   stdin `night <n>`      applies night n's changes (n = 1, 2, … in
//                          order) and answers `ok`
//   stdin `stats`          answers `stats <requests> <304s> <bytes sent>`
//
// Anything else is answered `error: …`. End of stdin ends the child.

#[derive(Default)]
struct Counters {
    requests: AtomicU64,
    not_modified: AtomicU64,
    bytes: AtomicU64,
}

type Pages = Arc<RwLock<HashMap<String, (Bytes, String)>>>;

fn etag(body: &[u8]) -> String {
    format!("\"{:016x}\"", xxh3_64(body))
}

fn with_etags(files: HashMap<String, Bytes>) -> HashMap<String, (Bytes, String)> {
    files
        .into_iter()
        .map(|(k, v)| {
            let e = etag(&v);
            (k, (v, e))
        })
        .collect()
}

/// One site on its own 127.0.0.1 port: its current pages, with ETag/304.
async fn serve_site(pages: Pages, counters: Arc<Counters>) -> std::io::Result<LoopbackServer> {
    fixtures::serve_loopback(move |req: &Parts| {
        counters.requests.fetch_add(1, Ordering::Relaxed);
        let path = req.uri.path();
        let found = pages.read().ok().and_then(|p| p.get(path).cloned());
        let resp = match found {
            Some((body, etag)) => {
                let inm = req.headers.get("if-none-match").and_then(|v| v.to_str().ok());
                if inm == Some(etag.as_str()) {
                    counters.not_modified.fetch_add(1, Ordering::Relaxed);
                    Response::builder().status(304).header("etag", etag).body(Full::new(Bytes::new()))
                } else {
                    counters.bytes.fetch_add(body.len() as u64, Ordering::Relaxed);
                    let ct = if path.ends_with(".xml") {
                        "application/xml"
                    } else if path == "/robots.txt" {
                        "text/plain"
                    } else {
                        "text/html; charset=utf-8"
                    };
                    Response::builder()
                        .status(200)
                        .header("content-type", ct)
                        .header("etag", etag)
                        .body(Full::new(body))
                }
            }
            None => Response::builder().status(404).body(Full::new(Bytes::from_static(b"not found"))),
        };
        resp.unwrap_or_default()
    })
    .await
}

/// Every site generated, bound and serving: its pages (to change at
/// night) and its address, in site order.
struct Served {
    pages: Vec<Pages>,
    addrs: Vec<SocketAddr>,
    bytes: usize,
    /// Serving until dropped.
    _servers: Vec<LoopbackServer>,
}

async fn start_servers(sites: usize, pages: usize, counters: &Arc<Counters>) -> Served {
    let mut served = Served {
        pages: Vec::new(),
        addrs: Vec::new(),
        bytes: 0,
        _servers: Vec::new(),
    };
    for s in 0..sites {
        let files = gen_site(s, pages, day0());
        served.bytes += files.values().map(Bytes::len).sum::<usize>();
        let site_pages: Pages = Arc::new(RwLock::new(with_etags(files)));
        let server = serve_site(site_pages.clone(), counters.clone())
            .await
            .expect("server child: bind a fixture server on 127.0.0.1");
        let addr = server.addr();
        // The sitemap needs absolute URLs, known only once the port is.
        let sm = Bytes::from(sitemap(&format!("http://{addr}"), &news_paths(pages), day0()));
        served.bytes += sm.len();
        if let Ok(mut p) = site_pages.write() {
            let e = etag(&sm);
            p.insert("/sitemap.xml".into(), (sm, e));
        }
        served.pages.push(site_pages);
        served.addrs.push(addr);
        served._servers.push(server);
    }
    served
}

/// Night `n` (0-based): a few pages across the sites get a new article.
/// `r` carries over from night to night, so nights go in order.
fn change_pages(r: &mut Xorshift, n: usize, sites: &[Pages], pages: usize) {
    let day = night_day(n);
    let nav = news_paths(pages);
    let changes_per_night = (sites.len() * pages / 100).max(1);
    for _ in 0..changes_per_night {
        let s = r.below(sites.len());
        let Some(path) = nav.get(r.below(nav.len())).cloned() else {
            continue;
        };
        let mut g = Xorshift::new(r.next_u64() | 1);
        let art = article_body(&mut g, day, n as u32 + 1);
        let size = page_size(&mut g);
        let body = page(&mut g, s, "Tin mới", &art, size, &nav);
        let e = etag(body.as_bytes());
        if let Ok(mut p) = sites[s].write() {
            p.insert(path, (Bytes::from(body), e));
        }
    }
}

/// The child's main: start the servers, announce them, then answer the
/// bench's commands until its stdin closes.
fn serve_main(a: &Args) {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("server child: runtime");
    let counters = Arc::new(Counters::default());
    let served = rt.block_on(start_servers(a.sites, a.pages, &counters));
    let mut out = std::io::stdout().lock();
    let mut say = |line: String| writeln!(out, "{line}").and_then(|()| out.flush()).is_ok();
    for (i, addr) in served.addrs.iter().enumerate() {
        say(format!("site {i} {addr}"));
    }
    say(format!("ready {}", served.bytes));

    let mut r = Xorshift::new(a.seed);
    let mut nights_done = 0;
    for line in std::io::stdin().lock().lines() {
        let Ok(line) = line else { break };
        let words: Vec<&str> = line.split_whitespace().collect();
        let reply = match words[..] {
            ["night", n] if n.parse() == Ok(nights_done + 1) => {
                change_pages(&mut r, nights_done, &served.pages, a.pages);
                nights_done += 1;
                "ok".to_string()
            }
            ["night", n] => format!("error: night {n} out of order, expected night {}", nights_done + 1),
            ["stats"] => format!(
                "stats {} {} {}",
                counters.requests.load(Ordering::Relaxed),
                counters.not_modified.load(Ordering::Relaxed),
                counters.bytes.load(Ordering::Relaxed)
            ),
            _ => format!("error: unknown command {line:?}"),
        };
        if !say(reply) {
            break;
        }
    }
    // The bench is done or gone: stop serving without waiting on connections.
    rt.shutdown_background();
}

// ---------------------------------------------------------------------------
// Server child, the bench's side: start it, talk to it, and kill it when
// the bench ends, however it ends.

struct ServerChild {
    child: Child,
    stdin: ChildStdin,
    stdout: BufReader<ChildStdout>,
}

impl ServerChild {
    /// Starts the child and waits until every site is served; returns the
    /// addresses in site order and the bytes of pages generated.
    fn start(sites: usize, pages: usize, seed: u64) -> (ServerChild, Vec<SocketAddr>, usize) {
        let exe = std::env::current_exe().expect("own path, to start the server child");
        let mut child = Command::new(exe)
            .args([
                "--serve",
                "--sites",
                &sites.to_string(),
                "--pages",
                &pages.to_string(),
                "--seed",
                &seed.to_string(),
                "--page-kb",
                &PAGE_KB.load(Ordering::Relaxed).to_string(),
            ])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start the server child");
        let (Some(stdin), Some(stdout)) = (child.stdin.take(), child.stdout.take()) else {
            unreachable!("both are piped");
        };
        let mut server = ServerChild {
            child,
            stdin,
            stdout: BufReader::new(stdout),
        };
        let mut addrs = Vec::with_capacity(sites);
        for i in 0..sites {
            let line = server.read_line("its address");
            let addr = match line.split_whitespace().collect::<Vec<_>>()[..] {
                ["site", n, addr] if n == i.to_string() => addr.parse().ok(),
                _ => None,
            };
            addrs.push(addr.unwrap_or_else(|| panic!("server child: expected `site {i} <addr>`, got {line:?}")));
        }
        let line = server.read_line("ready");
        let bytes = line
            .strip_prefix("ready ")
            .and_then(|b| b.parse().ok())
            .unwrap_or_else(|| panic!("server child: expected `ready <bytes>`, got {line:?}"));
        (server, addrs, bytes)
    }

    fn read_line(&mut self, waiting_for: &str) -> String {
        let mut line = String::new();
        let n = self.stdout.read_line(&mut line).expect("read from the server child");
        assert!(
            n > 0,
            "server child exited while the bench waited for {waiting_for} (its stderr is above)"
        );
        line.trim_end().to_string()
    }

    fn ask(&mut self, command: &str) -> String {
        writeln!(self.stdin, "{command}")
            .and_then(|()| self.stdin.flush())
            .unwrap_or_else(|e| panic!("server child gone, writing {command:?} failed: {e} (its stderr is above)"));
        self.read_line(&format!("its answer to {command:?}"))
    }

    /// Applies night `n`'s (0-based) changes before the bench crawls.
    fn night(&mut self, n: usize) {
        let command = format!("night {}", n + 1);
        let reply = self.ask(&command);
        assert!(reply == "ok", "server child answered {reply:?} to {command:?}");
    }

    /// Requests, 304 answers and bytes sent, counted by the servers.
    fn stats(&mut self) -> [u64; 3] {
        let reply = self.ask("stats");
        let numbers: Option<[u64; 3]> = reply
            .strip_prefix("stats ")
            .and_then(|r| r.split(' ').map(|n| n.parse().ok()).collect::<Option<Vec<u64>>>())
            .and_then(|v| v.try_into().ok());
        numbers.unwrap_or_else(|| panic!("server child answered {reply:?} to \"stats\""))
    }

    fn pid(&self) -> String {
        self.child.id().to_string()
    }

    /// The child's peak RSS; it must still be running, a pass against dead
    /// servers measures nothing.
    fn peak_rss_mb(&mut self) -> f64 {
        if let Ok(Some(status)) = self.child.try_wait() {
            panic!("server child exited during the pass ({status}; its stderr is above)");
        }
        peak_rss_mb(&self.pid())
    }
}

impl Drop for ServerChild {
    fn drop(&mut self) {
        // Closing its stdin would end it too; killing does not wait for that.
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

// ---------------------------------------------------------------------------
// Process figures, of this process (`"self"`) or of the server child.

fn peak_rss_mb(pid: &str) -> f64 {
    proc_status_kb(pid, "VmHWM:") as f64 / 1024.0
}

fn proc_status_kb(pid: &str, field: &str) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with(field))
                .and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
        })
        .unwrap_or(0)
}

/// utime + stime from /proc/<pid>/stat, at the usual 100 ticks per second.
fn cpu_seconds(pid: &str) -> f64 {
    let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) else {
        return 0.0;
    };
    let after = stat.rsplit_once(')').map(|(_, r)| r).unwrap_or("");
    let f: Vec<&str> = after.split_whitespace().collect();
    let ticks = |i: usize| f.get(i).and_then(|x| x.parse::<u64>().ok()).unwrap_or(0);
    // Fields 14 and 15 of stat; after the ")" they are at 11 and 12.
    (ticks(11) + ticks(12)) as f64 / 100.0
}

fn dir_size(p: &Path) -> u64 {
    let Ok(rd) = std::fs::read_dir(p) else {
        return 0;
    };
    rd.flatten()
        .map(|e| match e.metadata() {
            Ok(m) if m.is_dir() => dir_size(&e.path()),
            Ok(m) => m.len(),
            Err(_) => 0,
        })
        .sum()
}

#[derive(Default)]
struct Pass {
    wall: Duration,
    /// Requests per site, registry order.
    per_site: Vec<u32>,
    requests: u64,
    not_modified: u64,
    bytes: u64,
    partial: usize,
    failed_homes: usize,
}

/// One pass through `Engine::check_each`, as `sitewarden check` runs it:
/// each site's counts are added up as it finishes and nothing else of it
/// is kept, so the peak RSS is the crawler's, not this bench's.
fn pass(rt: &tokio::runtime::Runtime, engine: &Engine, day: NaiveDate, rx: &watch::Receiver<bool>) -> Pass {
    let t = Instant::now();
    let mut p = Pass {
        per_site: vec![0; engine.registry.len()],
        ..Pass::default()
    };
    rt.block_on(engine.check_each(engine.registry.sites(), day, rx.clone(), |o| {
        let c = &o.crawl;
        if let Some(slot) = c
            .site_id
            .strip_prefix("tinh-")
            .and_then(|i| i.parse::<usize>().ok())
            .and_then(|i| p.per_site.get_mut(i))
        {
            *slot = c.requests;
        }
        p.requests += u64::from(c.requests);
        p.not_modified += u64::from(c.not_modified);
        p.bytes += c.bytes;
        p.partial += usize::from(!c.partial.is_empty());
        p.failed_homes += usize::from(c.home.is_err());
    }))
    .expect("check");
    p.wall = t.elapsed();
    p
}

fn print_peak_rss(server: &mut ServerChild) {
    println!(
        "peak RSS crawler   {:.1} MB (VmHWM of the bench process, servers not included)",
        peak_rss_mb("self")
    );
    println!("peak RSS servers   {:.1} MB (server child, for information)", server.peak_rss_mb());
}

// ---------------------------------------------------------------------------
// The bench.

#[cfg(feature = "dhat-heap")]
#[global_allocator]
static ALLOC: dhat::Alloc = dhat::Alloc;

fn main() {
    // As the binary does first thing: the heaps glibc may use.
    sitewarden::memory::limit_heaps();
    let a = args();
    PAGE_KB.store(a.page_kb.unwrap_or(0) as u64, Ordering::Relaxed);
    if a.serve {
        serve_main(&a);
    } else {
        // `--features dhat-heap`: where the crawler's heap peaks, by call
        // site, in dhat-heap.json (view with dhat's dh_view.html).
        #[cfg(feature = "dhat-heap")]
        let _profiler = dhat::Profiler::builder().file_name("dhat-heap.json").build();
        bench_main(&a);
    }
}

/// A registry of `n` synthetic sites served by a server child, and an
/// engine over it with its store in a temp directory.
struct Setup {
    server: ServerChild,
    /// Holds the store and the findings until dropped.
    dir: tempfile::TempDir,
    engine: Engine,
}

fn setup(a: &Args, n: usize) -> Setup {
    let t_gen = Instant::now();
    let (server, addrs, total_bytes) = ServerChild::start(n, a.pages, NIGHT_SEED);
    let mut registry = String::new();
    for (s, addr) in addrs.iter().enumerate() {
        // The registry names the listings, as an officer's would; the
        // articles are found on them, so they are crawled (and kept) as
        // articles, as on a real portal.
        let news: Vec<String> = listing_paths(a.pages).iter().map(|p| format!("\"http://{addr}{p}\"")).collect();
        registry.push_str(&format!(
            "[[site]]\nid = \"tinh-{s}\"\nname = \"Cổng thông tin điện tử tỉnh {s}\"\nurl = \"http://{addr}/\"\nkind = \"government\"\nagency = \"UBND tỉnh {s}\"\nnews = [{}]\n\n",
            news.join(", ")
        ));
    }
    println!(
        "generated {} sites x {} pages ({:.1} MB of pages, avg {:.0} KB) in {:?}, served by child {}",
        n,
        a.pages,
        total_bytes as f64 / 1e6,
        total_bytes as f64 / 1e3 / (n * (a.pages + 3)).max(1) as f64,
        t_gen.elapsed(),
        server.pid()
    );
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("sites.toml"), &registry).expect("registry");
    drop(registry);
    std::fs::write(
        dir.path().join("sitewarden.toml"),
        format!(
            "state_dir = \"state\"\nregistry = \"sites.toml\"\n\n[crawl]\nper_host_rate = \"{}\"\nmax_concurrent_sites = {}\nmax_pages_per_site = {}\nrequest_timeout = \"20s\"\nallow_private_addresses = true\n\n[report]\ndir = \"findings\"\n",
            a.rate,
            a.concurrency,
            a.pages + 10
        ),
    )
    .expect("config");
    let config = Config::load(&dir.path().join("sitewarden.toml")).expect("config");
    let registry = Registry::load(&config.registry).expect("registry");
    let engine = Engine::new(Settings::new(config, registry).expect("holidays")).expect("engine");
    Setup { server, dir, engine }
}

/// Linux: start this process's peak RSS (VmHWM) afresh, so that each
/// registry size of `--slope` is measured on its own.
fn reset_peak_rss() -> bool {
    std::fs::write("/proc/self/clear_refs", "5").is_ok()
}

/// `--slope 1000,10000`: one first pass over each registry size, few pages
/// per site, the same sites in flight; peak RSS against registry size. Each
/// size runs in a fresh process (the bench with `--slope N`), which prints
/// a `slope-row` line for this one to gather.
fn slope_main(a: &Args) {
    if let [n] = a.slope[..]
        && a.repeat == 1
    {
        return slope_one(a, n);
    }
    let exe = std::env::current_exe().expect("own path, to run each size");
    let mut rows: Vec<(usize, Vec<(f64, f64)>)> = Vec::new();
    for &n in &a.slope {
        let mut runs = Vec::new();
        for _ in 0..a.repeat {
            let out = Command::new(&exe)
                .args([
                    "--slope",
                    &n.to_string(),
                    "--pages",
                    &a.pages.to_string(),
                    "--rate",
                    &a.rate,
                    "--concurrency",
                    &a.concurrency.to_string(),
                    "--page-kb",
                    &a.page_kb.unwrap_or(0).to_string(),
                ])
                .args(a.check.iter().flat_map(|f| ["--check", f.as_str()]))
                .stderr(Stdio::inherit())
                .output()
                .expect("run one registry size");
            let text = String::from_utf8_lossy(&out.stdout);
            print!("{text}");
            let row = text.lines().find_map(|l| {
                let mut f = l
                    .strip_prefix("slope-row ")?
                    .split_whitespace()
                    .filter_map(|x| x.parse::<f64>().ok());
                let (_, before, peak) = (f.next()?, f.next()?, f.next()?);
                Some((before, peak))
            });
            match row {
                Some(r) => runs.push(r),
                None => eprintln!("{n} sites: the run printed no result ({})", out.status),
            }
        }
        rows.push((n, runs));
    }
    println!(
        "\n== peak RSS against registry size ({} in flight, {} pages per site, a fresh process per run) ==",
        a.concurrency, a.pages
    );
    let median = |runs: &[(f64, f64)]| {
        let mut peaks: Vec<f64> = runs.iter().map(|r| r.1).collect();
        peaks.sort_by(f64::total_cmp);
        peaks.get(peaks.len() / 2).copied()
    };
    for (n, runs) in &rows {
        let peaks: Vec<String> = runs.iter().map(|r| format!("{:.1}", r.1)).collect();
        let befores: Vec<String> = runs.iter().map(|r| format!("{:.1}", r.0)).collect();
        println!(
            "{n:>7} sites   peak {} MB (median {:.1})   before the pass {} MB",
            peaks.join(" / "),
            median(runs).unwrap_or(0.0),
            befores.join(" / ")
        );
    }
    if let (Some(first), Some(last)) = (rows.first(), rows.last())
        && last.0 > first.0
        && let (Some(p0), Some(p1)) = (median(&first.1), median(&last.1))
    {
        println!(
            "slope              {:.2} KB of peak RSS per registered site (medians); {} sites at {:+.0} % of {}",
            (p1 - p0) * 1024.0 / (last.0 - first.0) as f64,
            last.0,
            (p1 / p0 - 1.0) * 100.0,
            first.0
        );
    }
}

/// One registry size, in this process: what `slope_main` runs per size.
fn slope_one(a: &Args, n: usize) {
    if let Some(format) = &a.check {
        return slope_check(a, n, format);
    }
    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("runtime");
    let (_tx, rx) = watch::channel(false);
    let mut s = setup(a, n);
    let reset = reset_peak_rss();
    let rss0 = proc_status_kb("self", "VmRSS:") as f64 / 1024.0;
    let p = pass(&rt, &s.engine, day0(), &rx);
    let peak = peak_rss_mb("self");
    println!(
        "{n:>7} sites: {:>9.2?}, {} requests, {} failed homes, RSS before {rss0:.1} MB, peak {peak:.1} MB{} (server child {:.1} MB)",
        p.wall,
        p.requests,
        p.failed_homes,
        if reset { "" } else { " (VmHWM not reset: includes the set-up)" },
        s.server.peak_rss_mb()
    );
    println!("slope-row {n} {rss0:.2} {peak:.2}");
    for (tree, entries, bytes) in s.engine.store.stats() {
        println!("  {tree:<8} {entries:>8} entries {:>8.2} MB stored", bytes as f64 / 1e6);
    }
}

/// `--slope N --check FORMAT`: the release binary's `check` over the same
/// registry, from its start to the findings written, under `/usr/bin/time`,
/// on two nights; the peak reported is the higher of the two.
fn slope_check(a: &Args, n: usize, format: &str) {
    let Setup { mut server, dir, engine } = setup(a, n);
    // The binary opens the database itself; this process must let go of it.
    drop(engine);
    let out = dir.path().join(format!("findings.{format}"));
    // Two nights, nothing changed in between: the second reads the first's
    // results for what changed and asks for every page conditionally.
    let mut peak_mb: f64 = 0.0;
    let mut before = server.stats();
    for night in 0..2u64 {
        let as_of = day0() + chrono::Days::new(night);
        let started = Instant::now();
        let run = Command::new("/usr/bin/time")
            .arg("-v")
            .arg(env!("CARGO_BIN_EXE_sitewarden"))
            .arg("--config")
            .arg(dir.path().join("sitewarden.toml"))
            .args([
                "check",
                "--as-of",
                &as_of.to_string(),
                "--fail-on",
                "never",
                "--quiet",
                "--format",
                format,
                "--out",
            ])
            .arg(&out)
            .env("SITEWARDEN_LOG", "warn")
            .output()
            .expect("run /usr/bin/time -v sitewarden check");
        let stderr = String::from_utf8_lossy(&run.stderr);
        let kb: u64 = stderr
            .lines()
            .find_map(|l| l.trim().strip_prefix("Maximum resident set size (kbytes):"))
            .and_then(|v| v.trim().parse().ok())
            .unwrap_or(0);
        let now = server.stats();
        let mb = kb as f64 / 1024.0;
        peak_mb = peak_mb.max(mb);
        println!(
            "{n:>7} sites, night {}: `check --format {format}` {:>9.2?}, exit {:?}, {} requests ({} answered 304), findings {:.1} MB, peak {mb:.1} MB",
            night + 1,
            started.elapsed(),
            run.status.code(),
            now[0] - before[0],
            now[1] - before[1],
            std::fs::metadata(&out).map(|m| m.len()).unwrap_or(0) as f64 / 1e6,
        );
        if !run.status.success() {
            eprintln!("{}", stderr.lines().rev().take(15).collect::<Vec<_>>().join("\n"));
        }
        before = now;
    }
    println!("slope-row {n} 0 {peak_mb:.2}");
}

fn bench_main(a: &Args) {
    if !a.slope.is_empty() {
        return slope_main(a);
    }
    let rate = match parse_rate(&a.rate) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("--rate: {e}");
            std::process::exit(2);
        }
    };
    let Setup {
        mut server,
        dir: _dir,
        engine,
    } = setup(a, a.sites);
    let server_pid = server.pid();
    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("runtime");
    let retention = engine.config.store.retention_days;
    let db = engine.config.db_path();
    let (_tx, rx) = watch::channel(false);

    let run = |engine: &Engine, day: NaiveDate| -> Pass { pass(&rt, engine, day, &rx) };

    let cpu0 = cpu_seconds("self");
    let server_cpu0 = cpu_seconds(&server_pid);
    let first = run(&engine, day0());
    let cpu1 = cpu_seconds("self");
    let server_cpu1 = cpu_seconds(&server_pid);
    engine.store.flush().expect("flush");
    // Politeness bound: no site can finish faster than its requests at its
    // pace (the first one free), and at most `concurrency` sites run at
    // once, started in registry order as `Engine::check` does: the best a
    // perfectly polite crawler with that cap could do for these requests.
    let interval = rate.interval().as_secs_f64();
    let per_site: Vec<f64> = first
        .per_site
        .iter()
        .enumerate()
        .map(|(s, n)| {
            let pace = if s % 10 == 3 { interval.max(0.5) } else { interval };
            f64::from(n.saturating_sub(1)) * pace
        })
        .collect();
    let lower_bound = per_site
        .iter()
        .cloned()
        .fold(0.0, f64::max)
        .max(per_site.iter().sum::<f64>() / a.concurrency.max(1) as f64);
    let bound = {
        let mut slots = vec![0.0f64; a.concurrency.max(1)];
        for t in &per_site {
            if let Some(first) = slots.iter_mut().min_by(|x, y| x.total_cmp(y)) {
                *first += t;
            }
        }
        slots.iter().cloned().fold(0.0, f64::max)
    };
    println!("\n== first pass ==");
    println!("wall time          {:.2?}", first.wall);
    println!(
        "politeness bound   {bound:.2}s (rate {}, {} sites in flight in registry order; {lower_bound:.2}s if perfectly packed)",
        a.rate, a.concurrency
    );
    println!("wall / bound       {:.2}", first.wall.as_secs_f64() / bound);
    println!(
        "requests           {} ({:.1}/s)",
        first.requests,
        first.requests as f64 / first.wall.as_secs_f64()
    );
    println!("bytes              {:.1} MB", first.bytes as f64 / 1e6);
    println!("sites partial      {} / failed home {}", first.partial, first.failed_homes);
    print_peak_rss(&mut server);
    println!(
        "CPU                {:.2}s ({:.2} per wall second; the servers took {:.2}s more)",
        cpu1 - cpu0,
        (cpu1 - cpu0) / first.wall.as_secs_f64(),
        server_cpu1 - server_cpu0
    );
    println!(
        "sled on disk       {:.2} MB (size_on_disk {:.2} MB)",
        dir_size(&db) as f64 / 1e6,
        engine.store.size_on_disk() as f64 / 1e6
    );

    let second = run(&engine, day0() + Days::new(1));
    engine.store.flush().expect("flush");
    println!("\n== second pass, nothing changed ==");
    println!("wall time          {:.2?}", second.wall);
    println!(
        "304 answers        {} of {} requests ({:.0}%)",
        second.not_modified,
        second.requests,
        100.0 * second.not_modified as f64 / second.requests.max(1) as f64
    );
    println!(
        "bytes              {:.2} MB vs {:.1} MB first ({:.1}%)",
        second.bytes as f64 / 1e6,
        first.bytes as f64 / 1e6,
        100.0 * second.bytes as f64 / first.bytes.max(1) as f64
    );
    print_peak_rss(&mut server);

    // The nightly passes measure what the store keeps, not politeness: run
    // them at --night-rate so thirty of them fit in a few minutes.
    let mut night_config = engine.config.clone();
    let night_registry = engine.registry.clone();
    drop(engine);
    night_config.crawl.per_host_rate = parse_rate(&a.night_rate).unwrap_or(night_config.crawl.per_host_rate);
    let engine = Engine::new(Settings::new(night_config, night_registry).expect("holidays")).expect("engine");
    println!(
        "\n== {} nightly passes at {}, a few pages changed each night ==",
        a.nights, a.night_rate
    );
    let mut last_day = day0() + Days::new(1);
    let cpu2 = cpu_seconds("self");
    let server_cpu2 = cpu_seconds(&server_pid);
    let t_nights = Instant::now();
    for n in 0..a.nights {
        let day = night_day(n);
        server.night(n);
        let p = run(&engine, day);
        last_day = day;
        if n < 3 || n + 1 == a.nights || n % 10 == 9 {
            println!(
                "night {:>2} ({day}): {:>8.2?}, {} requests, {} 304, {:.2} MB, sled {:.2} MB",
                n + 1,
                p.wall,
                p.requests,
                p.not_modified,
                p.bytes as f64 / 1e6,
                dir_size(&db) as f64 / 1e6
            );
        }
    }
    engine.store.flush().expect("flush");
    let cpu3 = cpu_seconds("self");
    let server_cpu3 = cpu_seconds(&server_pid);
    println!(
        "nights total       {:.2?}, CPU {:.2}s (servers {:.2}s more)",
        t_nights.elapsed(),
        cpu3 - cpu2,
        server_cpu3 - server_cpu2
    );
    print_peak_rss(&mut server);
    println!("sled after nights  {:.2} MB", dir_size(&db) as f64 / 1e6);
    for (tree, n, bytes) in engine.store.stats() {
        println!("  {tree:<8} {n:>7} entries {:>8.2} MB stored", bytes as f64 / 1e6);
    }
    let removed = engine.store.sweep(last_day, retention).expect("sweep");
    engine.store.flush().expect("flush");
    println!(
        "sweep ({retention} days) removed {removed} records; sled {:.2} MB",
        dir_size(&db) as f64 / 1e6
    );
    let removed = engine.store.sweep(last_day, 7).expect("sweep");
    engine.store.flush().expect("flush");
    println!(
        "sweep (7 days)     removed {removed} records; sled {:.2} MB",
        dir_size(&db) as f64 / 1e6
    );
    let [requests, not_modified, bytes] = server.stats();
    println!(
        "server saw         {requests} requests, {not_modified} 304, {:.1} MB sent",
        bytes as f64 / 1e6
    );
    println!(
        "peak RSS crawler   {:.1} MB over the whole run, sweeps included",
        peak_rss_mb("self")
    );
}
