//! A tiny raw HTTP/1.1 server for faults: one connection per request, so
//! an answer can do what no well-behaved server (hyper, and so
//! `sitewarden::fixtures::serve_loopback`) would let a handler do: drip,
//! reset, lie about lengths, never end, send bytes that are not HTTP. That
//! is why it is a separate tool from the library's loopback server and
//! stays here, test-only. Also here: a keep-alive server that counts the
//! connections the client closes, which needs the bare socket too.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use bytes::Bytes;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

use super::html_page;

/// What the server does with one request.
#[derive(Clone)]
pub enum Answer {
    Full {
        status: u16,
        headers: Vec<(&'static str, String)>,
        body: Bytes,
    },
    /// Promise 10 KB, send one byte a second.
    Drip,
    /// Chunked body that never ends.
    Endless,
    /// Promise 100 KB, send 5 KB, then reset the connection.
    ResetMidBody,
    /// Bytes that are not HTTP (or not TLS, for an https:// URL).
    Garbage(&'static [u8]),
}

/// 200 with an HTML body.
pub fn ok_html(body: impl Into<Bytes>) -> Answer {
    Answer::Full {
        status: 200,
        headers: vec![("content-type", "text/html; charset=utf-8".into())],
        body: body.into(),
    }
}

/// `code` with a small HTML body.
pub fn status(code: u16) -> Answer {
    Answer::Full {
        status: code,
        headers: vec![("content-type", "text/html".into())],
        body: Bytes::from_static(b"<html><body>error</body></html>"),
    }
}

/// 302 to `to`.
pub fn redirect(to: &str) -> Answer {
    Answer::Full {
        status: 302,
        headers: vec![("location", to.to_string())],
        body: Bytes::new(),
    }
}

/// One request the server read (or, for a TLS ClientHello, one connection).
#[derive(Debug, Clone)]
pub struct Hit {
    pub path: String,
    pub user_agent: String,
    pub at: Instant,
}

type Handler = Arc<dyn Fn(&str, usize) -> Answer + Send + Sync>;

/// A running raw server and the requests it has seen; clones share them.
#[derive(Clone)]
pub struct RawServer {
    pub addr: SocketAddr,
    pub hits: Arc<Mutex<Vec<Hit>>>,
}

impl RawServer {
    pub fn base(&self) -> String {
        format!("http://{}", self.addr)
    }
    pub fn hits(&self) -> Vec<Hit> {
        self.hits.lock().map(|h| h.clone()).unwrap_or_default()
    }
    pub fn hits_on(&self, path: &str) -> Vec<Hit> {
        self.hits().into_iter().filter(|h| h.path == path).collect()
    }
}

/// `handler(path, n)` gets the request path and how many earlier requests
/// that path had.
pub async fn raw_server(handler: impl Fn(&str, usize) -> Answer + Send + Sync + 'static) -> RawServer {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    let hits: Arc<Mutex<Vec<Hit>>> = Arc::default();
    let handler: Handler = Arc::new(handler);
    let h2 = hits.clone();
    tokio::spawn(async move {
        loop {
            let Ok((stream, _)) = listener.accept().await else {
                continue;
            };
            let handler = handler.clone();
            let hits = h2.clone();
            tokio::spawn(async move {
                let _ = serve_one(stream, handler, hits).await;
            });
        }
    });
    RawServer { addr, hits }
}

/// The request head as text, or whatever arrived before the client went quiet.
pub async fn read_head(stream: &mut (impl AsyncRead + Unpin)) -> std::io::Result<String> {
    let mut head = Vec::new();
    let mut buf = [0u8; 4096];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") {
        let n = tokio::time::timeout(Duration::from_millis(500), stream.read(&mut buf))
            .await
            .unwrap_or(Ok(0))?;
        if n == 0 {
            break;
        }
        head.extend_from_slice(&buf[..n]);
        if head.len() > 64 * 1024 {
            break;
        }
    }
    Ok(String::from_utf8_lossy(&head).into_owned())
}

pub fn request_path(head: &str) -> String {
    head.split_whitespace().nth(1).unwrap_or("").to_string()
}

async fn serve_one(mut stream: TcpStream, handler: Handler, hits: Arc<Mutex<Vec<Hit>>>) -> std::io::Result<()> {
    let text = read_head(&mut stream).await?;
    let path = request_path(&text);
    let user_agent = text
        .lines()
        .find_map(|l| {
            l.split_once(':')
                .filter(|(k, _)| k.eq_ignore_ascii_case("user-agent"))
                .map(|(_, v)| v.trim().to_string())
        })
        .unwrap_or_default();
    let answer = {
        // A TLS ClientHello has no request line; the handler still answers.
        let mut h = hits.lock().expect("hits");
        let n = h.iter().filter(|x| x.path == path).count();
        h.push(Hit {
            path: path.clone(),
            user_agent,
            at: Instant::now(),
        });
        handler(&path, n)
    };
    match answer {
        Answer::Full { status, headers, body } => {
            let mut out = format!("HTTP/1.1 {status} X\r\ncontent-length: {}\r\nconnection: close\r\n", body.len());
            for (k, v) in headers {
                out.push_str(&format!("{k}: {v}\r\n"));
            }
            out.push_str("\r\n");
            stream.write_all(out.as_bytes()).await?;
            stream.write_all(&body).await?;
            stream.shutdown().await?;
        }
        Answer::Drip => {
            stream
                .write_all(b"HTTP/1.1 200 OK\r\ncontent-type: text/html\r\ncontent-length: 10000\r\nconnection: close\r\n\r\n")
                .await?;
            for _ in 0..10_000 {
                stream.write_all(b"<").await?;
                tokio::time::sleep(Duration::from_secs(1)).await;
            }
        }
        Answer::Endless => {
            stream
                .write_all(b"HTTP/1.1 200 OK\r\ncontent-type: text/html\r\ntransfer-encoding: chunked\r\nconnection: close\r\n\r\n")
                .await?;
            let chunk = format!("10000\r\n{}\r\n", "<p>x</p>".repeat(0x10000 / 8));
            // Ends when the client hangs up (write error), so never by itself.
            loop {
                stream.write_all(chunk.as_bytes()).await?;
            }
        }
        Answer::ResetMidBody => {
            stream
                .write_all(b"HTTP/1.1 200 OK\r\ncontent-type: text/html\r\ncontent-length: 100000\r\nconnection: close\r\n\r\n")
                .await?;
            stream.write_all(&[b'a'; 5000]).await?;
            stream.flush().await?;
            tokio::time::sleep(Duration::from_millis(50)).await;
            // Linger 0 turns the close into a RST.
            #[allow(deprecated)]
            stream.set_linger(Some(Duration::ZERO))?;
            drop(stream);
        }
        Answer::Garbage(bytes) => {
            stream.write_all(bytes).await?;
            stream.shutdown().await?;
        }
    }
    Ok(())
}

/// The fault answers for the home page only; robots.txt and the guessed
/// sitemap are plain 404s.
pub fn robots_404(path: &str) -> Option<Answer> {
    (path != "/").then(|| status(404))
}

/// A keep-alive HTTP/1.1 server answering every path but robots.txt with a
/// page; counts the connections accepted and those the client closed.
pub async fn keepalive_server() -> (SocketAddr, Arc<Mutex<usize>>, Arc<Mutex<usize>>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    let (accepted, closed) = (Arc::new(Mutex::new(0usize)), Arc::new(Mutex::new(0usize)));
    let (a2, c2) = (accepted.clone(), closed.clone());
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            *a2.lock().expect("count") += 1;
            let closed = c2.clone();
            tokio::spawn(async move {
                loop {
                    let head = read_head(&mut stream).await.unwrap_or_default();
                    if head.is_empty() {
                        // Quiet or closed: only a read of 0 bytes says closed.
                        let mut b = [0u8; 1];
                        if matches!(stream.read(&mut b).await, Ok(0) | Err(_)) {
                            *closed.lock().expect("count") += 1;
                            return;
                        }
                        continue;
                    }
                    let body = if request_path(&head) == "/robots.txt" {
                        String::new()
                    } else {
                        html_page("UBND tỉnh Tiền Giang", &[])
                    };
                    let status = if body.is_empty() { "404 Not Found" } else { "200 OK" };
                    let answer = format!(
                        "HTTP/1.1 {status}\r\ncontent-type: text/html; charset=utf-8\r\ncontent-length: {}\r\n\r\n{body}",
                        body.len()
                    );
                    if stream.write_all(answer.as_bytes()).await.is_err() {
                        return;
                    }
                }
            });
        }
    });
    (addr, accepted, closed)
}

/// Waits up to 3 s for the client to close every connection it opened.
pub async fn all_closed(accepted: &Mutex<usize>, closed: &Mutex<usize>) -> (usize, usize) {
    let deadline = Instant::now() + Duration::from_secs(3);
    while *closed.lock().expect("count") < *accepted.lock().expect("count") && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    (*accepted.lock().expect("count"), *closed.lock().expect("count"))
}
