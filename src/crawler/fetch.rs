//! One HTTP client for the whole process: bounded bodies, manual redirects
//! (so each hop is rate-limited and checked against private addresses),
//! conditional requests and `Retry-After`.

use std::collections::{HashMap, HashSet};
use std::error::Error as StdError;
use std::net::IpAddr;
use std::sync::{Arc, Mutex, Weak};
use std::time::Duration;

use reqwest::Client;
use reqwest::header::{CONTENT_TYPE, ETAG, HeaderMap, IF_MODIFIED_SINCE, IF_NONE_MATCH, LAST_MODIFIED, LOCATION, RETRY_AFTER};
use url::Url;

use super::guard::{
    DnsError, GuardedResolver, LocalLookupError, PrivateAddressError, failure, is_local_resource_error, is_public, local_resource_failure,
    resolves_to_public,
};
use super::rate::HostLimits;
use crate::config::CrawlConfig;
use crate::model::{FailureKind, FetchFailure};

pub const MAX_REDIRECTS: usize = 10;

/// Validators stored from the previous fetch of a page.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Validators {
    pub etag: Option<String>,
    pub last_modified: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Response {
    pub final_url: Url,
    pub status: u16,
    pub content_type: Option<String>,
    pub validators: Validators,
    pub body: Vec<u8>,
    /// The body was cut at the cap.
    pub truncated: bool,
    /// Requests this fetch took (redirect hops and retries count).
    pub requests: u32,
}

impl Response {
    pub fn not_modified(&self) -> bool {
        self.status == 304
    }
}

/// Map a transport error to a SPEC §4 failure kind by walking its causes.
/// The detail says in Vietnamese what went wrong and quotes what the
/// libraries said, which is English and technical.
fn classify(err: &reqwest::Error) -> FetchFailure {
    classify_chain(err, err.is_timeout(), err.is_connect())
}

/// [`classify`] on any error chain, given what reqwest says of its top.
fn classify_chain(err: &(dyn StdError + 'static), is_timeout: bool, is_connect: bool) -> FetchFailure {
    let mut text = err.to_string();
    let mut cause: Option<&(dyn StdError + 'static)> = err.source();
    while let Some(c) = cause {
        if let Some(p) = c.downcast_ref::<PrivateAddressError>() {
            return failure(FailureKind::PrivateAddress, p.to_string());
        }
        if let Some(l) = c.downcast_ref::<LocalLookupError>() {
            return local_resource_failure(&l.0);
        }
        if let Some(d) = c.downcast_ref::<DnsError>() {
            return failure(FailureKind::Dns, d.to_string());
        }
        if let Some(mut io) = c.downcast_ref::<std::io::Error>() {
            // hyper-rustls wraps the handshake error in `io::Error::other`,
            // whose `source()` skips the wrapped error: unwrap it by hand.
            while let Some(inner) = io.get_ref().and_then(|e| e.downcast_ref::<std::io::Error>()) {
                io = inner;
            }
            // Out of descriptors, the socket cannot even be opened: our
            // failure, which must never read as the site being down.
            if is_local_resource_error(io) {
                return local_resource_failure(io);
            }
            match io.kind() {
                std::io::ErrorKind::ConnectionRefused => return failure(FailureKind::Connect, "máy chủ từ chối kết nối"),
                std::io::ErrorKind::TimedOut => return failure(FailureKind::Timeout, "hết thời gian chờ kết nối"),
                // rustls reports a failed handshake (a peer that does not
                // speak TLS, a corrupt record) as InvalidData while
                // connecting; plain-HTTP connects never produce it, so it is
                // a TLS failure even when no word in the text says so.
                std::io::ErrorKind::InvalidData if is_connect => {
                    return failure(FailureKind::Tls, format!("bắt tay TLS không thành công: \"{text}: {c}\""));
                }
                _ => {}
            }
        }
        text.push_str(": ");
        text.push_str(&c.to_string());
        cause = c.source();
    }
    let lower = text.to_lowercase();
    if lower.contains("too many open files") || lower.contains("no buffer space available") {
        local_resource_failure(&text)
    } else if is_timeout {
        failure(FailureKind::Timeout, format!("hết thời gian chờ: \"{text}\""))
    } else if lower.contains("certificate") || lower.contains("tls") || lower.contains("handshake") || lower.contains("invalidcert") {
        failure(FailureKind::Tls, format!("lỗi TLS hoặc chứng chỉ số: \"{text}\""))
    } else if is_connect {
        failure(FailureKind::Connect, format!("không kết nối được: \"{text}\""))
    } else {
        failure(FailureKind::Other, format!("lỗi đường truyền: \"{text}\""))
    }
}

fn header(h: &HeaderMap, name: reqwest::header::HeaderName) -> Option<String> {
    h.get(name).and_then(|v| v.to_str().ok()).map(str::to_string)
}

/// `Retry-After` in seconds (the HTTP-date form is rare from the servers we watch).
fn retry_after(h: &HeaderMap) -> Option<Duration> {
    header(h, RETRY_AFTER)?.trim().parse::<u64>().ok().map(Duration::from_secs)
}

pub fn host_key(url: &Url) -> String {
    format!("{}:{}", url.host_str().unwrap_or(""), url.port_or_known_default().unwrap_or(0))
}

/// What is left of one fetch's time limit; only the futures run through it
/// count against it.
struct Budget {
    total: Duration,
    left: Duration,
}

impl Budget {
    fn new(total: Duration) -> Budget {
        Budget { total, left: total }
    }

    async fn run<T>(&mut self, fut: impl Future<Output = T>) -> Result<T, FetchFailure> {
        let started = tokio::time::Instant::now();
        let out = tokio::time::timeout(self.left, fut).await;
        self.left = self.left.saturating_sub(started.elapsed());
        out.map_err(|_| {
            failure(
                FailureKind::Timeout,
                format!("không nhận được trả lời đầy đủ trong {} giây", self.total.as_secs()),
            )
        })
    }
}

pub struct Fetcher {
    client: Arc<Client>,
    cfg: CrawlConfig,
    pub limits: Arc<HostLimits>,
    /// The clients of the crawls in flight, by the host of the site's home
    /// page: sites on one host share one client, and so its connection.
    clients: Arc<Mutex<HashMap<String, Weak<Client>>>>,
}

/// The HTTP client of the crawls of one host. Each host's crawls get their
/// own (see [`Fetcher::for_site`]), so its keep-alive connection and the read
/// buffer hyper grows for it (~100 KB) go when they are done: in one shared
/// pool, the idle connections of the sites that just finished held more
/// memory than the 64 crawls in flight.
fn client(cfg: &CrawlConfig) -> Result<Client, reqwest::Error> {
    let builder = match &cfg.proxy {
        Some(proxy) => Client::builder().proxy(reqwest::Proxy::all(proxy.as_str())?),
        // HTTP_PROXY and friends would send requests past GuardedResolver,
        // to a proxy that reaches whatever the name resolves to there.
        None => Client::builder().no_proxy(),
    };
    builder
        .user_agent(cfg.user_agent.clone())
        .redirect(reqwest::redirect::Policy::none())
        .connect_timeout(cfg.request_timeout.min(Duration::from_secs(10)))
        .timeout(cfg.request_timeout)
        .pool_max_idle_per_host(1)
        // Long enough to reuse the connection across a Crawl-delay; the
        // pool ends with the site's crawl anyway.
        .pool_idle_timeout(Duration::from_secs(30))
        .dns_resolver(Arc::new(GuardedResolver {
            allow_private: cfg.allow_private_addresses,
            proxy_host: cfg.proxy.as_ref().and_then(|p| p.host_str()).map(str::to_string),
        }))
        .build()
}

impl Fetcher {
    pub fn new(cfg: &CrawlConfig) -> Result<Arc<Fetcher>, reqwest::Error> {
        Ok(Arc::new(Fetcher {
            client: Arc::new(client(cfg)?),
            cfg: cfg.clone(),
            limits: Arc::default(),
            clients: Arc::default(),
        }))
    }

    /// A fetcher for the crawl of the site at `home`: the connections of
    /// its host, which end with the last crawl on that host, and the shared
    /// per-host pacing (a redirect may lead to any host).
    pub fn for_site(&self, home: &Url) -> Fetcher {
        let client = match self.clients.lock() {
            Ok(mut clients) => {
                clients.retain(|_, c| c.strong_count() > 0);
                let host = host_key(home);
                match clients.get(&host).and_then(Weak::upgrade) {
                    Some(c) => c,
                    None => {
                        let c = client(&self.cfg).map(Arc::new).unwrap_or_else(|e| {
                            tracing::warn!(error = %e, "cannot build a client for the site; sharing the common one");
                            self.client.clone()
                        });
                        clients.insert(host, Arc::downgrade(&c));
                        c
                    }
                }
            }
            Err(_) => self.client.clone(),
        };
        Fetcher {
            client,
            cfg: self.cfg.clone(),
            limits: self.limits.clone(),
            clients: self.clients.clone(),
        }
    }

    pub fn config(&self) -> &CrawlConfig {
        &self.cfg
    }

    /// GET `url`, following up to ten redirects. `interval` is the pace for the
    /// site's own host; other hosts reached by redirect get the default pace.
    /// Any HTTP status is `Ok`; only transport failures are `Err`.
    ///
    /// The time limit counts only time on the wire (and `Retry-After` waits):
    /// waiting for our own per-host pace is not the server's slowness, and
    /// several sites on one host with a `Crawl-delay` wait far longer than
    /// any request takes.
    pub async fn get(
        &self,
        url: &Url,
        validators: Option<&Validators>,
        interval: Duration,
        body_cap: usize,
    ) -> Result<Response, FetchFailure> {
        let home_host = host_key(url);
        let default_interval = self.cfg.per_host_rate.interval();
        let mut budget = Budget::new(self.cfg.request_timeout * 2 + self.cfg.max_retry_after);
        let mut current = url.clone();
        let mut seen: HashSet<String> = HashSet::new();
        let mut requests = 0u32;
        let mut retries = 0u32;
        loop {
            if !matches!(current.scheme(), "http" | "https") {
                return Err(failure(FailureKind::Other, format!("không hỗ trợ giao thức của địa chỉ {current}")));
            }
            if !self.cfg.allow_private_addresses {
                let literal = match current.host() {
                    Some(url::Host::Ipv4(ip)) => Some(IpAddr::V4(ip)),
                    Some(url::Host::Ipv6(ip)) => Some(IpAddr::V6(ip)),
                    _ => None,
                };
                if let Some(ip) = literal.filter(|ip| !is_public(*ip)) {
                    return Err(failure(
                        FailureKind::PrivateAddress,
                        format!("từ chối kết nối tới địa chỉ nội bộ {ip} ({current})"),
                    ));
                }
                if self.cfg.proxy.is_some() {
                    let timeout = self.cfg.request_timeout;
                    budget.run(resolves_to_public(&current, timeout)).await??;
                }
            }
            let host = host_key(&current);
            let pace = if host == home_host { interval } else { default_interval };
            self.limits.until_ready(&host, pace).await;

            let mut req = self.client.get(current.clone());
            if let (Some(v), true) = (validators, seen.is_empty()) {
                if let Some(e) = &v.etag {
                    req = req.header(IF_NONE_MATCH, e);
                }
                if let Some(m) = &v.last_modified {
                    req = req.header(IF_MODIFIED_SINCE, m);
                }
            }
            requests += 1;
            let mut resp = budget.run(req.send()).await?.map_err(|e| classify(&e))?;
            let status = resp.status().as_u16();
            let headers = resp.headers().clone();

            if (300..400).contains(&status) && status != 304 {
                let Some(loc) = header(&headers, LOCATION) else {
                    return Err(FetchFailure {
                        kind: FailureKind::HttpStatus,
                        status: Some(status),
                        detail: format!("{current} chuyển hướng nhưng không có tiêu đề Location"),
                    });
                };
                let next = current
                    .join(&loc)
                    .map_err(|e| failure(FailureKind::Other, format!("tiêu đề Location không hợp lệ {loc:?}: \"{e}\"")))?;
                seen.insert(current.to_string());
                if seen.contains(next.as_str()) {
                    return Err(failure(
                        FailureKind::RedirectLoop,
                        format!("chuyển hướng lặp vòng: {current} -> {next}"),
                    ));
                }
                if seen.len() > MAX_REDIRECTS {
                    return Err(failure(
                        FailureKind::RedirectLoop,
                        format!("chuyển hướng quá {MAX_REDIRECTS} lần, lần cuối {current} -> {next}"),
                    ));
                }
                current = next;
                continue;
            }

            if matches!(status, 429 | 503)
                && retries < 2
                && let Some(wait) = retry_after(&headers).filter(|w| *w <= self.cfg.max_retry_after)
            {
                retries += 1;
                tracing::debug!(url = %current, status, wait_s = wait.as_secs(), "honouring Retry-After");
                budget.run(tokio::time::sleep(wait)).await?;
                continue;
            }

            let mut body = Vec::new();
            let mut truncated = false;
            loop {
                match budget.run(resp.chunk()).await? {
                    Ok(Some(chunk)) => {
                        let room = body_cap.saturating_sub(body.len());
                        if chunk.len() > room {
                            body.extend_from_slice(chunk.get(..room).unwrap_or_default());
                            truncated = true;
                            break;
                        }
                        body.extend_from_slice(&chunk);
                    }
                    Ok(None) => break,
                    Err(e) => {
                        let mut f = classify(&e);
                        if f.kind == FailureKind::Other {
                            f.detail = format!("kết nối bị ngắt khi đang đọc nội dung, sau {} byte: {}", body.len(), f.detail);
                        }
                        return Err(f);
                    }
                }
            }
            return Ok(Response {
                final_url: current,
                status,
                content_type: header(&headers, CONTENT_TYPE),
                validators: Validators {
                    etag: header(&headers, ETAG),
                    last_modified: header(&headers, LAST_MODIFIED),
                },
                body,
                truncated,
                requests,
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::SocketAddr;

    #[test]
    fn private_ranges_are_not_public() {
        for ip in [
            "127.0.0.1",
            "10.0.0.1",
            "172.16.5.4",
            "192.168.1.1",
            "169.254.169.254",
            "0.0.0.0",
            "100.64.0.1",
            "::1",
            "fe80::1",
            "fd00::1",
            "::ffff:10.0.0.1",
        ] {
            assert!(!is_public(ip.parse().unwrap()), "{ip}");
        }
        for ip in ["203.162.4.190", "8.8.8.8", "2001:4860:4860::8888"] {
            assert!(is_public(ip.parse().unwrap()), "{ip}");
        }
    }

    #[test]
    fn reserved_multicast_and_v4_carrying_v6_ranges_are_not_public() {
        for (range, ips) in [
            ("198.18.0.0/15 benchmarking", &["198.18.0.1", "198.19.255.254"][..]),
            ("224.0.0.0/4 multicast", &["224.0.0.1", "239.255.255.250"]),
            ("240.0.0.0/4 reserved", &["240.0.0.1", "255.255.255.254"]),
            ("192.0.0.0/24 IETF protocol assignments", &["192.0.0.1", "192.0.0.170"]),
            ("64:ff9b::/96 NAT64", &["64:ff9b::a00:1", "64:ff9b::808:808"]),
            ("64:ff9b:1::/48 local-use NAT64", &["64:ff9b:1::a00:1"]),
            ("2002::/16 6to4", &["2002:a00:1::1", "2002:808:808::1"]),
            ("::/96 IPv4-compatible", &["::10.0.0.1", "::8.8.8.8"]),
            ("fec0::/10 site-local", &["fec0::1", "feff::1"]),
            ("ff00::/8 multicast", &["ff02::1", "ff0e::1"]),
            ("2001:db8::/32 documentation", &["2001:db8::1"]),
        ] {
            for ip in ips {
                assert!(!is_public(ip.parse().unwrap()), "{ip} in {range}");
            }
        }
        // Neighbours of the refused ranges stay public.
        for ip in [
            "198.17.255.255",
            "198.20.0.1",
            "223.255.255.255",
            "192.0.1.1",
            "64:ff9b:2::1",
            "2003::1",
            "2001:4860::1",
            "fbff::1",
        ] {
            assert!(is_public(ip.parse().unwrap()), "{ip}");
        }
    }

    /// How hyper-util reports a socket it could not open: an error of its
    /// own whose source is the I/O error.
    #[derive(Debug, thiserror::Error)]
    #[error("tcp open error")]
    struct ConnectError(#[source] std::io::Error);

    #[derive(Debug, thiserror::Error)]
    #[error("error sending request for url (http://xa.gov.vn/)")]
    struct Top(#[source] ConnectError);

    #[cfg(target_os = "linux")]
    #[test]
    fn out_of_file_descriptors_is_a_local_problem_not_the_sites() {
        for errno in [24 /* EMFILE */, 23 /* ENFILE */] {
            let err = Top(ConnectError(std::io::Error::from_raw_os_error(errno)));
            let f = classify_chain(&err, false, true);
            assert_eq!(f.kind, FailureKind::LocalResource, "errno {errno}: {f:?}");
            assert!(f.describe().starts_with("local_resource: "), "{}", f.describe());
            assert!(f.detail.contains("không phải lỗi của trang"), "{}", f.detail);
        }
        // The same error from the resolver is not the site's DNS either.
        let lookup = Top(ConnectError(std::io::Error::other(LocalLookupError(
            std::io::Error::from_raw_os_error(24),
        ))));
        assert_eq!(classify_chain(&lookup, false, true).kind, FailureKind::LocalResource);
        // A refused connection still is the site's.
        let refused = Top(ConnectError(std::io::Error::from(std::io::ErrorKind::ConnectionRefused)));
        assert_eq!(classify_chain(&refused, false, true).kind, FailureKind::Connect);
    }

    #[tokio::test]
    async fn the_configured_proxy_name_may_resolve_to_a_private_address() {
        use reqwest::dns::Resolve;
        let name = |s: &str| s.parse::<reqwest::dns::Name>().unwrap();
        let guarded = GuardedResolver {
            allow_private: false,
            proxy_host: Some("localhost".into()),
        };
        let addrs: Vec<SocketAddr> = guarded.resolve(name("localhost")).await.unwrap().collect();
        assert!(addrs.iter().all(|a| a.ip().is_loopback()) && !addrs.is_empty(), "{addrs:?}");
        let strict = GuardedResolver {
            allow_private: false,
            proxy_host: None,
        };
        let Err(err) = strict.resolve(name("localhost")).await else {
            panic!("localhost resolved for a target");
        };
        assert!(
            err.to_string().contains("từ chối kết nối tới địa chỉ nội bộ của localhost"),
            "{err}"
        );
    }

    #[tokio::test]
    async fn through_a_proxy_the_target_is_resolved_and_checked_here() {
        let f = resolves_to_public(&Url::parse("http://localhost:8080/").unwrap(), Duration::from_secs(5))
            .await
            .unwrap_err();
        assert_eq!(f.kind, FailureKind::PrivateAddress, "{f:?}");
        // Literal addresses are the caller's to check.
        assert!(
            resolves_to_public(&Url::parse("http://8.8.8.8/").unwrap(), Duration::from_secs(5))
                .await
                .is_ok()
        );
    }
}
