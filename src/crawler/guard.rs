//! Which addresses the crawler may reach: public ones only (unless the
//! configuration allows private ones for fixtures), checked when a name is
//! resolved and again for targets sent through a proxy; and which failures
//! are this machine's own (out of file descriptors), not the site's.

use std::error::Error as StdError;
use std::net::{IpAddr, SocketAddr};
use std::time::Duration;

use url::Url;

use crate::model::{FailureKind, FetchFailure};

/// A failure of `kind` with no HTTP status.
pub(super) fn failure(kind: FailureKind, detail: impl Into<String>) -> FetchFailure {
    FetchFailure {
        kind,
        status: None,
        detail: detail.into(),
    }
}

// The messages of these two errors become evidence details (SPEC §4), so
// they are Vietnamese.
#[derive(Debug, thiserror::Error)]
#[error("từ chối kết nối tới địa chỉ nội bộ của {0}")]
pub(super) struct PrivateAddressError(String);

#[derive(Debug, thiserror::Error)]
#[error("không phân giải được tên miền {0}")]
pub(super) struct DnsError(String);

/// A name lookup that failed for want of a local resource (the resolver
/// could not open a socket): not the site's DNS.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub(super) struct LocalLookupError(pub(super) std::io::Error);

/// Whether an I/O error is this machine running out of something rather
/// than anything the site did: out of file descriptors (EMFILE, ENFILE),
/// memory or buffers (ENOMEM, ENOBUFS), or local ports (EADDRNOTAVAIL on
/// connect).
pub fn is_local_resource_error(e: &std::io::Error) -> bool {
    // Linux numbers; elsewhere the kinds and the text below still apply.
    #[cfg(target_os = "linux")]
    const LOCAL_ERRNOS: &[i32] = &[
        12,  /* ENOMEM */
        23,  /* ENFILE */
        24,  /* EMFILE */
        105, /* ENOBUFS */
    ];
    #[cfg(not(target_os = "linux"))]
    const LOCAL_ERRNOS: &[i32] = &[];
    if e.raw_os_error().is_some_and(|n| LOCAL_ERRNOS.contains(&n)) {
        return true;
    }
    if matches!(e.kind(), std::io::ErrorKind::OutOfMemory | std::io::ErrorKind::AddrNotAvailable) {
        return true;
    }
    let text = e.to_string().to_ascii_lowercase();
    text.contains("too many open files") || text.contains("no buffer space available")
}

pub(super) fn local_resource_failure(e: &dyn std::fmt::Display) -> FetchFailure {
    failure(
        FailureKind::LocalResource,
        format!("sự cố tài nguyên trên máy chạy sitewarden, không phải lỗi của trang ({e}); trang sẽ được kiểm tra lại ở lần sau"),
    )
}

/// Whether an address is on the public internet. Loopback, private,
/// link-local (cloud metadata at 169.254.169.254), CGNAT, unspecified,
/// benchmarking, multicast and reserved are not; nor are the IPv6 forms that
/// carry an IPv4 address a gateway may turn into a private one (mapped,
/// compatible, NAT64, 6to4), nor site-local, unique-local and multicast.
pub fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => {
            let o = v4.octets();
            !(v4.is_loopback()
                || v4.is_private()
                || v4.is_link_local()
                || v4.is_unspecified()
                || v4.is_broadcast()
                || v4.is_documentation()
                || v4.is_multicast()
                || o[0] == 0
                // CGNAT 100.64.0.0/10
                || (o[0] == 100 && (o[1] & 0xC0) == 64)
                // IETF protocol assignments 192.0.0.0/24
                || (o[0] == 192 && o[1] == 0 && o[2] == 0)
                // benchmarking 198.18.0.0/15
                || (o[0] == 198 && (o[1] & 0xFE) == 18)
                // reserved 240.0.0.0/4
                || o[0] >= 240)
        }
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return is_public(IpAddr::V4(v4));
            }
            let seg = v6.segments();
            !(v6.is_loopback()
                || v6.is_unspecified()
                || v6.is_multicast()
                // IPv4-compatible ::/96 (deprecated)
                || seg[..6].iter().all(|s| *s == 0)
                // NAT64 64:ff9b::/96 and the local-use 64:ff9b:1::/48
                || (seg[0] == 0x64 && seg[1] == 0xff9b && (seg[2..6].iter().all(|s| *s == 0) || seg[2] == 1))
                // 6to4 2002::/16
                || seg[0] == 0x2002
                // documentation 2001:db8::/32
                || (seg[0] == 0x2001 && seg[1] == 0x0db8)
                // unique local fc00::/7
                || (seg[0] & 0xfe00) == 0xfc00
                // link-local fe80::/10 and the deprecated site-local fec0::/10
                || (seg[0] & 0xffc0) == 0xfe80
                || (seg[0] & 0xffc0) == 0xfec0)
        }
    }
}

/// Resolves names and drops non-public addresses unless allowed, so a public
/// name pointing at 10.0.0.1 is refused before any connection.
pub(super) struct GuardedResolver {
    pub(super) allow_private: bool,
    /// The configured proxy's host name: the operator chose it, and it
    /// commonly sits on a private address.
    pub(super) proxy_host: Option<String>,
}

impl reqwest::dns::Resolve for GuardedResolver {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        let host = name.as_str().to_string();
        let allow = self.allow_private || self.proxy_host.as_deref().is_some_and(|p| p.eq_ignore_ascii_case(&host));
        Box::pin(async move {
            let addrs: Vec<SocketAddr> = tokio::net::lookup_host((host.as_str(), 0))
                .await
                .map_err(|e| -> Box<dyn StdError + Send + Sync> {
                    if is_local_resource_error(&e) {
                        Box::new(LocalLookupError(e))
                    } else {
                        Box::new(DnsError(format!("{host}: \"{e}\"")))
                    }
                })?
                .collect();
            let total = addrs.len();
            let kept: Vec<SocketAddr> = addrs.into_iter().filter(|a| allow || is_public(a.ip())).collect();
            if kept.is_empty() {
                let err: Box<dyn StdError + Send + Sync> = if total > 0 {
                    Box::new(PrivateAddressError(host))
                } else {
                    Box::new(DnsError(format!("{host}: không có địa chỉ nào")))
                };
                return Err(err);
            }
            Ok(Box::new(kept.into_iter()) as reqwest::dns::Addrs)
        })
    }
}

/// Through a proxy, the proxy resolves the target's name and
/// [`GuardedResolver`] never sees it: resolve it here and refuse the target
/// if any of its addresses is not public, as the proxy may pick any of them.
/// Literal addresses are checked by the caller.
pub(super) async fn resolves_to_public(url: &Url, timeout: Duration) -> Result<(), FetchFailure> {
    let Some(url::Host::Domain(name)) = url.host() else {
        return Ok(());
    };
    let port = url.port_or_known_default().unwrap_or(80);
    let addrs: Vec<SocketAddr> = match tokio::time::timeout(timeout, tokio::net::lookup_host((name, port))).await {
        Ok(Ok(addrs)) => addrs.collect(),
        Ok(Err(e)) if is_local_resource_error(&e) => return Err(local_resource_failure(&e)),
        Ok(Err(e)) => return Err(failure(FailureKind::Dns, format!("không phân giải được tên miền {name}: \"{e}\""))),
        Err(_) => {
            return Err(failure(
                FailureKind::Dns,
                format!(
                    "không phân giải được tên miền {name}: không có trả lời trong {} giây",
                    timeout.as_secs()
                ),
            ));
        }
    };
    if addrs.is_empty() {
        return Err(failure(
            FailureKind::Dns,
            format!("không phân giải được tên miền {name}: không có địa chỉ nào"),
        ));
    }
    match addrs.iter().find(|a| !is_public(a.ip())) {
        Some(a) => Err(failure(
            FailureKind::PrivateAddress,
            format!("từ chối kết nối tới địa chỉ nội bộ {} ({name}, qua proxy)", a.ip()),
        )),
        None => Ok(()),
    }
}
