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
use hyper_util::rt::TokioIo;
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

pub async fn serve_metrics(listener: TcpListener, health: Arc<Health>) {
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
        let health = health.clone();
        tokio::spawn(async move {
            let svc = service_fn(move |req| {
                let resp = respond(&req, &health);
                async move { Ok::<_, Infallible>(resp) }
            });
            let _ = http1::Builder::new().serve_connection(TokioIo::new(stream), svc).await;
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
