//! The daemon's HTTP endpoint: `/metrics` (Prometheus text) and `/healthz`
//! (whether the scheduler loop still beats).

use std::convert::Infallible;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Duration;

use bytes::Bytes;
use http_body_util::Full;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::net::TcpListener;

/// Liveness of the scheduler loop, shared with `/healthz`.
pub struct Health {
    beat_ms: AtomicU64,
    alive: AtomicBool,
    limit: Duration,
}

fn unix_ms() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as u64)
        .unwrap_or(0)
}

impl Health {
    pub fn new(limit: Duration) -> Health {
        Health {
            beat_ms: AtomicU64::new(unix_ms()),
            alive: AtomicBool::new(true),
            limit,
        }
    }

    pub fn beat(&self) {
        self.beat_ms.store(unix_ms(), Ordering::Relaxed);
    }

    pub fn stop(&self) {
        self.alive.store(false, Ordering::Relaxed);
    }

    /// Alive and beating within the watchdog interval.
    pub fn healthy(&self) -> bool {
        let since = unix_ms().saturating_sub(self.beat_ms.load(Ordering::Relaxed));
        self.alive.load(Ordering::Relaxed) && u128::from(since) <= self.limit.as_millis()
    }
}

fn respond(req: &Request<hyper::body::Incoming>, health: &Health) -> Response<Full<Bytes>> {
    let text = |status: StatusCode, ctype: &'static str, body: String| {
        Response::builder()
            .status(status)
            .header("content-type", ctype)
            .body(Full::new(Bytes::from(body)))
            .unwrap_or_default()
    };
    match (req.method(), req.uri().path()) {
        (&Method::GET, "/metrics") => text(StatusCode::OK, crate::metrics::CONTENT_TYPE, crate::metrics::encode()),
        (&Method::GET, "/healthz") if health.healthy() => text(StatusCode::OK, "text/plain; charset=utf-8", "ok\n".into()),
        (&Method::GET, "/healthz") => text(
            StatusCode::SERVICE_UNAVAILABLE,
            "text/plain; charset=utf-8",
            "scheduler stalled or stopping\n".into(),
        ),
        _ => text(
            StatusCode::NOT_FOUND,
            "text/plain; charset=utf-8",
            "not found; try /metrics or /healthz\n".into(),
        ),
    }
}

/// Bounds on the metrics listener's connections, so idle or slow clients
/// can neither run the process out of file descriptors nor keep
/// `/healthz` from answering.
#[derive(Debug, Clone, Copy)]
pub struct ServerLimits {
    /// Connections served at once. One more is still accepted, and the
    /// oldest connection is closed to make room: a monitor's request takes
    /// a millisecond, so only connections that sit idle lose their place.
    pub max_connections: usize,
    /// How long a connection may take to send a request's headers, and how
    /// long it may stay open idle between requests.
    pub idle: Duration,
    /// How long any one connection may stay open at all.
    pub lifetime: Duration,
}

impl Default for ServerLimits {
    fn default() -> ServerLimits {
        ServerLimits {
            max_connections: 64,
            idle: Duration::from_secs(10),
            lifetime: Duration::from_secs(60),
        }
    }
}

/// The connections being served, oldest first, each with what closes it.
#[derive(Default)]
struct Open {
    next_id: u64,
    conns: std::collections::VecDeque<(u64, Arc<tokio::sync::Notify>)>,
}

pub async fn serve_metrics(listener: TcpListener, health: Arc<Health>) {
    serve_metrics_with(listener, health, ServerLimits::default()).await
}

pub async fn serve_metrics_with(listener: TcpListener, health: Arc<Health>, limits: ServerLimits) {
    let open: Arc<std::sync::Mutex<Open>> = Arc::default();
    let max = limits.max_connections.max(1);
    loop {
        let stream = match listener.accept().await {
            Ok((s, _)) => s,
            Err(e) => {
                // Out of file descriptors and the like: back off, keep serving.
                tracing::warn!(error = %e, "metrics endpoint cannot accept");
                tokio::time::sleep(Duration::from_millis(200)).await;
                continue;
            }
        };
        let close = Arc::new(tokio::sync::Notify::new());
        let id = {
            let mut open = open.lock().unwrap_or_else(|p| p.into_inner());
            while open.conns.len() >= max {
                if let Some((_, oldest)) = open.conns.pop_front() {
                    // notify_one keeps the wake-up if the task is not
                    // waiting yet, so the close is never lost.
                    oldest.notify_one();
                }
            }
            open.next_id += 1;
            let id = open.next_id;
            open.conns.push_back((id, close.clone()));
            id
        };
        let (health, open) = (health.clone(), open.clone());
        tokio::spawn(async move {
            let svc = service_fn(move |req| {
                let resp = respond(&req, &health);
                async move { Ok::<_, Infallible>(resp) }
            });
            let mut builder = http1::Builder::new();
            // hyper starts this timer whenever it waits for a request's
            // head, so it bounds both a slow first request and the idle
            // wait between keep-alive requests.
            builder.timer(TokioTimer::new()).header_read_timeout(limits.idle);
            let conn = builder.serve_connection(TokioIo::new(stream), svc);
            tokio::select! {
                _ = tokio::time::timeout(limits.lifetime, conn) => {}
                _ = close.notified() => {}
            }
            let mut open = open.lock().unwrap_or_else(|p| p.into_inner());
            open.conns.retain(|(c, _)| *c != id);
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn health_goes_stale_and_stops() {
        let h = Health::new(Duration::from_secs(60));
        assert!(h.healthy());
        h.beat_ms.store(unix_ms().saturating_sub(61_000), Ordering::Relaxed);
        assert!(!h.healthy());
        h.beat();
        h.stop();
        assert!(!h.healthy());
    }
}
