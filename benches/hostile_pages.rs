//! Peak memory of `sitewarden check` on pathological pages (issue 11, item
//! 7): each page is served as a site's home page on 127.0.0.1 and checked by
//! the release binary in a process of its own, under `/usr/bin/time -v`;
//! the bench prints the binary's peak RSS per page. The target is at most
//! 150 MB for each.
//!
//! `cargo bench --bench hostile_pages [-- page ...]` (pages: nul, lt, p,
//! attrs, amp, names, plain, portal; all by default).

use std::convert::Infallible;
use std::net::SocketAddr;
use std::process::Command;
use std::sync::Arc;
use std::time::Instant;

use bytes::Bytes;
use http_body_util::Full;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response};
use hyper_util::rt::TokioIo;
use tokio::net::TcpListener;

/// The body cap sitewarden applies by default (`crawl.max_body_bytes`).
const BODY: usize = 5_000_000;

fn page(name: &str) -> Option<Vec<u8>> {
    let repeat = |unit: &str, n: usize| unit.repeat(n).into_bytes();
    Some(match name {
        // 5 MB of NUL bytes.
        "nul" => vec![0u8; BODY],
        // 5 MB of '<'.
        "lt" => repeat("<", BODY),
        // 1.7 million empty paragraphs (cut at the body cap).
        "p" => repeat("<p>", 1_700_000),
        // One tag with a million repeated attributes.
        "attrs" => {
            let mut b = b"<html><body><a".to_vec();
            b.extend(repeat(" b", BODY / 2 - 10));
            b
        }
        // 5 MB of bare ampersands in text.
        "amp" => repeat("&", BODY),
        // A million named references, each rewritten before the parse.
        "names" => repeat("&amp;", BODY / 5),
        // A 5 MB article of plain text in one paragraph: big, but not hostile.
        "plain" => {
            let mut b = b"<html><head><title>Bai viet</title></head><body><p>".to_vec();
            b.extend(repeat("Thông tin hoạt động của xã trong tháng. ", BODY / 44));
            b
        }
        // An ordinary portal page of ~60 KB, for comparison.
        "portal" => {
            let mut b = b"<!doctype html><html><head><meta charset=utf-8><title>Cong thong tin</title></head><body><ul>".to_vec();
            for i in 0..600 {
                b.extend(format!("<li><a href=\"/tin-tuc/bai-{i}.html\">Tin hoạt động số {i}</a> <span>24/11/2026</span></li>").bytes());
            }
            b.extend(b"</ul><footer>Co quan chu quan: UBND xa. Dien thoai: 0273 3870 000</footer></body></html>");
            b
        }
        _ => return None,
    })
}

const ALL: &[&str] = &["nul", "lt", "p", "attrs", "amp", "names", "plain", "portal"];

async fn serve(pages: Arc<Vec<(String, Bytes)>>) -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind 127.0.0.1");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            let pages = pages.clone();
            tokio::spawn(async move {
                let svc = service_fn(move |req: Request<hyper::body::Incoming>| {
                    let path = req.uri().path().trim_matches('/').to_string();
                    let body = pages.iter().find(|(n, _)| *n == path).map(|(_, b)| b.clone());
                    let resp = match body {
                        Some(b) => Response::builder().header("content-type", "text/html").body(Full::new(b)),
                        None => Response::builder().status(404).body(Full::new(Bytes::from_static(b"not found"))),
                    }
                    .expect("response");
                    async move { Ok::<_, Infallible>(resp) }
                });
                let _ = http1::Builder::new().serve_connection(TokioIo::new(stream), svc).await;
            });
        }
    });
    addr
}

fn max_rss_kb(time_output: &str) -> Option<u64> {
    time_output
        .lines()
        .find_map(|l| l.trim().strip_prefix("Maximum resident set size (kbytes):"))
        .and_then(|v| v.trim().parse().ok())
}

fn main() {
    let wanted: Vec<String> = std::env::args().skip(1).filter(|a| !a.starts_with('-')).collect();
    let names: Vec<&str> = if wanted.is_empty() {
        ALL.to_vec()
    } else {
        ALL.iter().copied().filter(|n| wanted.iter().any(|w| w == n)).collect()
    };
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let pages: Vec<(String, Bytes)> = names
        .iter()
        .filter_map(|n| page(n).map(|b| (n.to_string(), Bytes::from(b))))
        .collect();
    let addr = rt.block_on(serve(Arc::new(pages.clone())));
    let dir = tempfile::tempdir().expect("tempdir");
    let registry: String = names
        .iter()
        .map(|n| format!("[[site]]\nid = \"{n}\"\nname = \"{n}\"\nurl = \"http://{addr}/{n}/\"\nkind = \"government\"\n\n"))
        .collect();
    std::fs::write(dir.path().join("sites.toml"), registry).expect("registry");
    let config = dir.path().join("sitewarden.toml");
    std::fs::write(
        &config,
        "state_dir = \"state\"\nregistry = \"sites.toml\"\n[crawl]\nallow_private_addresses = true\nrequest_timeout = \"60s\"\nmax_pages_per_site = 3\n",
    )
    .expect("config");
    let binary = env!("CARGO_BIN_EXE_sitewarden");
    println!("peak RSS of `sitewarden check` per page ({binary}):");
    for (name, body) in &pages {
        let started = Instant::now();
        let out = Command::new("/usr/bin/time")
            .arg("-v")
            .arg(binary)
            .arg("--config")
            .arg(&config)
            .args([
                "check",
                "--site",
                name,
                "--as-of",
                "2026-11-25",
                "--fail-on",
                "never",
                "--format",
                "jsonl",
            ])
            .env("SITEWARDEN_LOG", "warn")
            .output()
            .expect("run /usr/bin/time -v sitewarden check");
        let stderr = String::from_utf8_lossy(&out.stderr);
        let rss = max_rss_kb(&stderr);
        let stdout = String::from_utf8_lossy(&out.stdout);
        let partial = stdout.lines().any(|l| l.contains("crawl incomplete"));
        match rss {
            Some(kb) => println!(
                "{name:>8}: {:>7.1} MB peak RSS, {:>5.1} s, body {:.1} MB, exit {:?}{}",
                kb as f64 / 1024.0,
                started.elapsed().as_secs_f64(),
                body.len() as f64 / 1e6,
                out.status.code(),
                if partial { ", partial noted" } else { "" }
            ),
            None => println!("{name:>8}: no measurement: {stderr}"),
        }
    }
}
