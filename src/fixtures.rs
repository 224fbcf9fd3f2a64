//! Serves the static fixture sites of `fixtures/` on 127.0.0.1, one port per
//! site, for `sitewarden demo`, the tests and the benchmarks; and the two
//! helpers those share: [`serve_loopback`], the one well-behaved loopback
//! HTTP server (a handler from request head to response), and
//! [`Xorshift`], the one deterministic generator of synthetic data.
//!
//! Conventions (fixtures/README.md): `/` serves `index.html`, `/x/` serves
//! `x/index.html`; `_server.toml` in a site's root may set `status`,
//! `[content_type]` per path and `[redirect]` per path; a file whose name
//! holds a query (`/index.php?id=1`, built in memory) answers that query
//! before the bare path does; `sites.toml` is a
//! registry template where `{base:DIR}` becomes `http://127.0.0.1:PORT` and
//! `{base:!closed}` an address where nothing listens.

use std::collections::{BTreeMap, HashMap};
use std::convert::Infallible;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use bytes::Bytes;
use chrono::NaiveDate;
use http_body_util::Full;
use hyper::http::request::Parts;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use include_dir::{Dir, include_dir};
use serde::Deserialize;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::TcpListener;
use tokio::task::JoinHandle;

static BUNDLED: Dir<'_> = include_dir!("$CARGO_MANIFEST_DIR/fixtures");

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServerSettings {
    pub status: Option<u16>,
    #[serde(default)]
    pub content_type: HashMap<String, String>,
    #[serde(default)]
    pub redirect: HashMap<String, String>,
}

#[derive(Debug, Clone, Default)]
pub struct SiteFiles {
    pub files: HashMap<String, Bytes>,
    pub settings: ServerSettings,
}

/// The fixture sites and their registry, expectations and calendar.
#[derive(Debug, Clone, Default)]
pub struct FixtureSet {
    pub registry_template: String,
    pub holidays: Option<String>,
    pub as_of: Option<NaiveDate>,
    pub expected: Option<String>,
    pub sites: BTreeMap<String, SiteFiles>,
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

impl FixtureSet {
    /// The fixtures compiled into the binary, so `demo` works from any directory.
    pub fn bundled() -> Result<FixtureSet, String> {
        let mut set = FixtureSet::default();
        fn walk(dir: &Dir<'_>, set: &mut FixtureSet) -> Result<(), String> {
            for f in dir.files() {
                set.add(f.path(), f.contents())?;
            }
            for d in dir.dirs() {
                walk(d, set)?;
            }
            Ok(())
        }
        walk(&BUNDLED, &mut set)?;
        Ok(set)
    }

    pub fn from_dir(root: &Path) -> Result<FixtureSet, String> {
        let mut set = FixtureSet::default();
        fn walk(root: &Path, dir: &Path, set: &mut FixtureSet) -> Result<(), String> {
            let entries = std::fs::read_dir(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
            for e in entries {
                let e = e.map_err(|e| format!("{}: {e}", dir.display()))?;
                let p = e.path();
                if p.is_dir() {
                    walk(root, &p, set)?;
                } else {
                    let bytes = std::fs::read(&p).map_err(|e| format!("{}: {e}", p.display()))?;
                    let rel = p.strip_prefix(root).unwrap_or(&p);
                    set.add(rel, &bytes)?;
                }
            }
            Ok(())
        }
        walk(root, root, &mut set)?;
        Ok(set)
    }

    fn add(&mut self, rel: &Path, contents: &[u8]) -> Result<(), String> {
        let parts: Vec<String> = rel.components().map(|c| c.as_os_str().to_string_lossy().into_owned()).collect();
        match parts.as_slice() {
            [f] if f == "sites.toml" => self.registry_template = text(contents),
            [f] if f == "holidays.toml" => self.holidays = Some(text(contents)),
            [f] if f == "expected.jsonl" => self.expected = Some(text(contents)),
            [f] if f == "as-of" => self.as_of = text(contents).trim().parse().ok(),
            [s, site, rest @ ..] if s == "sites" && !rest.is_empty() => {
                let entry = self.sites.entry(site.clone()).or_default();
                let path = rest.join("/");
                if path == "_server.toml" {
                    entry.settings = toml::from_str(&text(contents)).map_err(|e| format!("fixtures/sites/{site}/_server.toml: {e}"))?;
                } else {
                    entry.files.insert(format!("/{path}"), Bytes::copy_from_slice(contents));
                }
            }
            _ => {}
        }
        Ok(())
    }
}

/// One request a fixture server answered.
#[derive(Debug, Clone)]
pub struct Seen {
    pub site: String,
    pub path: String,
    pub user_agent: Option<String>,
    pub conditional: bool,
    pub status: u16,
    pub at: Instant,
}

pub struct RunningFixtures {
    pub addrs: BTreeMap<String, SocketAddr>,
    /// sites.toml with every `{base:…}` replaced.
    pub registry: String,
    pub log: Arc<Mutex<Vec<Seen>>>,
    /// Dropped with the fixtures, which stops them.
    _servers: Vec<LoopbackServer>,
}

impl RunningFixtures {
    pub fn base(&self, site: &str) -> Option<String> {
        self.addrs.get(site).map(|a| format!("http://{a}"))
    }

    pub fn requests(&self) -> Vec<Seen> {
        self.log.lock().map(|l| l.clone()).unwrap_or_default()
    }
}

fn content_type_for(path: &str) -> &'static str {
    let ext = path.rsplit('.').next().unwrap_or("");
    match ext {
        "html" | "htm" => "text/html",
        "xml" => "application/xml",
        "rss" => "application/rss+xml",
        "atom" => "application/atom+xml",
        "txt" => "text/plain",
        "json" => "application/json",
        "pdf" => "application/pdf",
        _ => "application/octet-stream",
    }
}

fn respond(site: &SiteFiles, req: &Parts) -> Reply {
    let raw = req.uri.path();
    let path = percent_encoding::percent_decode_str(raw).decode_utf8_lossy().into_owned();
    let build = |status: u16| Response::builder().status(StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR));
    if let Some(loc) = site.settings.redirect.get(&path) {
        return build(302)
            .header("location", loc.as_str())
            .body(Full::new(Bytes::new()))
            .unwrap_or_default();
    }
    let file_path = if path.ends_with('/') {
        format!("{path}index.html")
    } else {
        path.clone()
    };
    // Sites built on `index.php?id=…` or `chi-tiet.aspx?ItemID=…` serve a
    // different page per query: a file named with its query wins.
    let with_query = req.uri.query().map(|q| format!("{file_path}?{q}"));
    let Some(body) = with_query
        .as_ref()
        .and_then(|k| site.files.get(k))
        .or_else(|| site.files.get(&file_path))
    else {
        let status = site.settings.status.unwrap_or(404);
        return build(status)
            .header("content-type", "text/html; charset=utf-8")
            .body(Full::new(Bytes::from_static(b"<html><body><h1>Not found</h1></body></html>")))
            .unwrap_or_default();
    };
    let etag = format!("\"{:016x}\"", xxhash_rust::xxh3::xxh3_64(body));
    let status = site.settings.status.unwrap_or(200);
    let content_type = site
        .settings
        .content_type
        .get(&path)
        .map(String::as_str)
        .unwrap_or_else(|| content_type_for(&file_path));
    let inm = req.headers.get("if-none-match").and_then(|v| v.to_str().ok());
    if status == 200 && inm == Some(etag.as_str()) {
        return build(304).header("etag", etag).body(Full::new(Bytes::new())).unwrap_or_default();
    }
    build(status)
        .header("content-type", content_type)
        .header("etag", etag)
        .header("last-modified", "Wed, 25 Nov 2026 00:00:00 GMT")
        .body(Full::new(body.clone()))
        .unwrap_or_default()
}

/// Start one server per fixture site and render the registry.
pub async fn serve(set: &FixtureSet) -> std::io::Result<RunningFixtures> {
    let log: Arc<Mutex<Vec<Seen>>> = Arc::default();
    let mut addrs = BTreeMap::new();
    let mut servers = Vec::new();
    for (name, files) in &set.sites {
        let (files, log, site) = (files.clone(), log.clone(), name.clone());
        let server = serve_loopback(move |req: &Parts| {
            let resp = respond(&files, req);
            if let Ok(mut l) = log.lock() {
                l.push(Seen {
                    site: site.clone(),
                    path: req.uri.path().to_string(),
                    user_agent: req.headers.get("user-agent").and_then(|v| v.to_str().ok()).map(str::to_string),
                    conditional: req.headers.contains_key("if-none-match") || req.headers.contains_key("if-modified-since"),
                    status: resp.status().as_u16(),
                    at: Instant::now(),
                });
            }
            resp
        })
        .await?;
        addrs.insert(name.clone(), server.addr());
        servers.push(server);
    }
    let mut registry = set.registry_template.clone();
    if registry.contains("{base:!closed}") {
        // Bind and release a port: nothing listens there afterwards.
        let l = std::net::TcpListener::bind("127.0.0.1:0")?;
        let addr = l.local_addr()?;
        drop(l);
        registry = registry.replace("{base:!closed}", &format!("http://{addr}"));
    }
    for (name, addr) in &addrs {
        registry = registry.replace(&format!("{{base:{name}}}"), &format!("http://{addr}"));
    }
    Ok(RunningFixtures {
        addrs,
        registry,
        log,
        _servers: servers,
    })
}

// ---------------------------------------------------------------------------
// The loopback server: one well-behaved HTTP/1.1 server (hyper, keep-alive)
// on 127.0.0.1 for the fixture sites, the tests' well-behaved servers and
// the scale bench's synthetic portals. What it answers is the handler's;
// servers that must break HTTP on purpose (drip, reset, lie about lengths)
// cannot be built on it and live with the fault tests instead.

/// What a loopback handler answers.
pub type Reply = Response<Full<Bytes>>;

/// A server listening on 127.0.0.1; it stops accepting when dropped.
#[derive(Debug)]
pub struct LoopbackServer {
    addr: SocketAddr,
    accept: JoinHandle<()>,
}

impl LoopbackServer {
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:PORT`, without a trailing slash.
    pub fn base(&self) -> String {
        format!("http://{}", self.addr)
    }
}

impl Drop for LoopbackServer {
    fn drop(&mut self) {
        self.accept.abort();
    }
}

/// Serve `handler` on a fresh 127.0.0.1 port. The handler sees each
/// request's line and headers (the body is not read) and answers it whole;
/// it runs once per request, on the connection's task.
pub async fn serve_loopback<H>(handler: H) -> std::io::Result<LoopbackServer>
where
    H: Fn(&Parts) -> Reply + Send + Sync + 'static,
{
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    let handler = Arc::new(handler);
    let accept = tokio::spawn(async move {
        loop {
            let Ok((stream, _)) = listener.accept().await else { continue };
            tokio::spawn(serve_connection(stream, handler.clone()));
        }
    });
    Ok(LoopbackServer { addr, accept })
}

/// Serve `handler` on one connection already accepted, until the client
/// closes it: for a caller that does its own accepting (a TLS handshake
/// first, say). Errors are the connection's end, not the caller's concern.
pub async fn serve_connection<IO, H>(io: IO, handler: Arc<H>)
where
    IO: AsyncRead + AsyncWrite + Unpin + Send + 'static,
    H: Fn(&Parts) -> Reply + Send + Sync + 'static,
{
    let svc = service_fn(move |req: Request<hyper::body::Incoming>| {
        let (head, _body) = req.into_parts();
        let resp = handler(&head);
        async move { Ok::<_, Infallible>(resp) }
    });
    let _ = http1::Builder::new().serve_connection(TokioIo::new(io), svc).await;
}

// ---------------------------------------------------------------------------

/// A xorshift64 generator (Marsaglia's 13/7/17) for the tests and benches:
/// synthetic pages, kill moments, nightly changes. Deterministic, so a seed
/// gives the same sequence on every run and machine; not for anything that
/// needs real randomness.
#[derive(Debug, Clone)]
pub struct Xorshift(u64);

impl Xorshift {
    /// A zero seed would stay zero forever, so it is replaced by a fixed
    /// non-zero one; any other seed is used as it is.
    pub fn new(seed: u64) -> Xorshift {
        Xorshift(if seed == 0 { 0x9E37_79B9_7F4A_7C15 } else { seed })
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    /// Uniform-ish in `0..n` (modulo bias is fine here); `n = 0` gives 0.
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n.max(1) as u64) as usize
    }

    /// In `[0, 1)`, from the top 53 bits.
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// One element of a non-empty slice.
    pub fn pick<T: Copy>(&mut self, xs: &[T]) -> T {
        xs[self.below(xs.len())]
    }
}

/// A configuration for checking fixture sites on loopback, written into `dir`.
pub fn write_fixture_config(dir: &Path, set: &FixtureSet, registry: &str) -> std::io::Result<PathBuf> {
    std::fs::create_dir_all(dir)?;
    std::fs::write(dir.join("sites.toml"), registry)?;
    let holidays = match &set.holidays {
        Some(h) => {
            std::fs::write(dir.join("holidays.toml"), h)?;
            "holidays = \"holidays.toml\"\n"
        }
        None => "",
    };
    let config = format!(
        "state_dir = \"state\"\nregistry = \"sites.toml\"\n\n[crawl]\nper_host_rate = \"20/1s\"\nrequest_timeout = \"5s\"\nallow_private_addresses = true\nmax_pages_per_site = 40\n\n[report]\ndir = \"findings\"\nformats = [\"html\", \"csv\"]\n\n[rules.update]\n{holidays}"
    );
    let path = dir.join("sitewarden.toml");
    std::fs::write(&path, config)?;
    Ok(path)
}

#[cfg(test)]
mod tests {
    use super::Xorshift;

    /// The sequence the kill moments of tests/crash.rs and the synthetic
    /// portals of the scale bench were generated with before they shared
    /// this generator: it must not drift.
    #[test]
    fn xorshift_keeps_its_sequence() {
        let mut r = Xorshift::new(0x5173_3A7D_E11E_2026);
        assert_eq!(
            [r.next_u64(), r.next_u64(), r.next_u64()],
            [0xc8f5_cdf3_329c_d5e6, 0x0846_ee17_42ea_55cd, 0xc8a2_36c0_380f_5226]
        );
        assert_eq!(Xorshift::new(0x5173_3A7D_E11E_2026).unit(), 0.785_000_678_896_369_7);
        assert_ne!(Xorshift::new(0).next_u64(), 0);
    }
}
