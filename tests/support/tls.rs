//! A real HTTPS server whose certificate nobody issued.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use bytes::Bytes;
use http_body_util::Full;
use hyper::Response;
use hyper::http::request::Parts;
use rcgen::CertifiedKey;
use sitewarden::fixtures::{Reply, serve_connection};
use tokio::net::TcpListener;
use tokio_rustls::TlsAcceptor;
use tokio_rustls::rustls::ServerConfig;
use tokio_rustls::rustls::crypto::ring;
use tokio_rustls::rustls::pki_types::PrivatePkcs8KeyDer;

use super::html_page;

/// A running self-signed server; clones share its counts.
#[derive(Clone)]
pub struct SelfSignedServer {
    pub addr: SocketAddr,
    /// TCP connections accepted: proves the crawler did try this host.
    pub connections: Arc<AtomicUsize>,
    /// Paths requested after a completed handshake, which only a client
    /// that trusted the certificate can send.
    pub requests: Arc<Mutex<Vec<String>>>,
}

impl SelfSignedServer {
    pub fn base(&self) -> String {
        format!("https://{}", self.addr)
    }
    pub fn connections(&self) -> usize {
        self.connections.load(Ordering::SeqCst)
    }
    pub fn requests(&self) -> Vec<String> {
        self.requests.lock().map(|r| r.clone()).unwrap_or_default()
    }
}

/// Behind the handshake this is a perfectly normal site (the library's
/// loopback HTTP server, `sitewarden::fixtures::serve_connection`), so the
/// certificate is the only thing that can make a crawl of it fail.
pub async fn self_signed_server() -> SelfSignedServer {
    // Valid for the very address the crawler dials: the issuer is the only
    // fault, not a name mismatch.
    let CertifiedKey { cert, signing_key } =
        rcgen::generate_simple_self_signed(vec!["127.0.0.1".to_string(), "localhost".to_string()]).expect("self-signed certificate");
    let key = PrivatePkcs8KeyDer::from(signing_key.serialize_der());
    // Named rather than the process default: rustls refuses to guess one
    // once a second provider (aws-lc-rs) is compiled in anywhere.
    let tls = ServerConfig::builder_with_provider(Arc::new(ring::default_provider()))
        .with_safe_default_protocol_versions()
        .expect("protocol versions")
        .with_no_client_auth()
        .with_single_cert(vec![cert.der().clone()], key.into())
        .expect("server certificate");
    let acceptor = TlsAcceptor::from(Arc::new(tls));
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    let connections = Arc::new(AtomicUsize::new(0));
    let requests: Arc<Mutex<Vec<String>>> = Arc::default();
    let r2 = requests.clone();
    let site = Arc::new(move |req: &Parts| -> Reply {
        let path = req.uri.path().to_string();
        let (status, body) = match path.as_str() {
            "/" => (200, html_page("UBND tỉnh Tiền Giang", &[])),
            _ => (404, String::new()),
        };
        if let Ok(mut r) = r2.lock() {
            r.push(path);
        }
        Response::builder()
            .status(status)
            .header("content-type", "text/html; charset=utf-8")
            .body(Full::new(Bytes::from(body)))
            .unwrap_or_default()
    });
    let c2 = connections.clone();
    tokio::spawn(async move {
        loop {
            let Ok((stream, _)) = listener.accept().await else {
                continue;
            };
            c2.fetch_add(1, Ordering::SeqCst);
            let (acceptor, site) = (acceptor.clone(), site.clone());
            tokio::spawn(async move {
                // A client that rejects the certificate aborts the handshake here.
                if let Ok(stream) = acceptor.accept(stream).await {
                    serve_connection(stream, site).await;
                }
            });
        }
    });
    SelfSignedServer {
        addr,
        connections,
        requests,
    }
}
