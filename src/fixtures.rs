//! Serves the static fixture sites of `fixtures/` on 127.0.0.1, one port per
//! site, for `sitewarden demo`, the tests and the benchmarks.
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
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use include_dir::{Dir, include_dir};
use serde::Deserialize;
use tokio::net::TcpListener;

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
    tasks: Vec<tokio::task::JoinHandle<()>>,
}

impl RunningFixtures {
    pub fn base(&self, site: &str) -> Option<String> {
        self.addrs.get(site).map(|a| format!("http://{a}"))
    }

    pub fn requests(&self) -> Vec<Seen> {
        self.log.lock().map(|l| l.clone()).unwrap_or_default()
    }
}

impl Drop for RunningFixtures {
    fn drop(&mut self) {
        for t in &self.tasks {
            t.abort();
        }
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

fn respond(site: &SiteFiles, req: &Request<hyper::body::Incoming>) -> Response<Full<Bytes>> {
    let raw = req.uri().path();
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
    let with_query = req.uri().query().map(|q| format!("{file_path}?{q}"));
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
    let inm = req.headers().get("if-none-match").and_then(|v| v.to_str().ok());
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
    let mut tasks = Vec::new();
    for (name, files) in &set.sites {
        let listener = TcpListener::bind("127.0.0.1:0").await?;
        addrs.insert(name.clone(), listener.local_addr()?);
        let files = Arc::new(files.clone());
        let log = log.clone();
        let name = name.clone();
        tasks.push(tokio::spawn(async move {
            loop {
                let Ok((stream, _)) = listener.accept().await else { continue };
                let files = files.clone();
                let log = log.clone();
                let name = name.clone();
                tokio::spawn(async move {
                    let svc = service_fn(move |req: Request<hyper::body::Incoming>| {
                        let resp = respond(&files, &req);
                        if let Ok(mut l) = log.lock() {
                            l.push(Seen {
                                site: name.clone(),
                                path: req.uri().path().to_string(),
                                user_agent: req.headers().get("user-agent").and_then(|v| v.to_str().ok()).map(str::to_string),
                                conditional: req.headers().contains_key("if-none-match") || req.headers().contains_key("if-modified-since"),
                                status: resp.status().as_u16(),
                                at: Instant::now(),
                            });
                        }
                        async move { Ok::<_, Infallible>(resp) }
                    });
                    let _ = http1::Builder::new().serve_connection(TokioIo::new(stream), svc).await;
                });
            }
        }));
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
        tasks,
    })
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
