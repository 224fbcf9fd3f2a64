//! `sites.toml`: the registered websites (SPEC §3), first stage of the flow.

use std::collections::HashMap;
use std::path::Path;
use std::time::Duration;

use serde::{Deserialize, Serialize};
use toml::Spanned;
use url::Url;

use crate::config::{ConfigError, Rate, err_at, parse_cron, parse_rate, parse_toml, read_file};
use crate::model::Kind;

#[derive(Debug, Clone, PartialEq)]
pub struct Site {
    pub id: String,
    pub name: String,
    pub url: Url,
    pub kind: Kind,
    pub agency: Option<String>,
    pub license: Option<String>,
    pub news: Vec<Url>,
    pub documents: Vec<Url>,
    pub schedule: Option<String>,
    pub per_host_rate: Option<Rate>,
}

impl Site {
    /// A site with only what every entry of `sites.toml` must give; the
    /// optional keys left out.
    pub fn new(id: impl Into<String>, name: impl Into<String>, url: Url, kind: Kind) -> Site {
        Site {
            id: id.into(),
            name: name.into(),
            url,
            kind,
            agency: None,
            license: None,
            news: Vec::new(),
            documents: Vec::new(),
            schedule: None,
            per_host_rate: None,
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRegistry {
    #[serde(default)]
    site: Vec<RawSite>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSite {
    id: Spanned<String>,
    name: String,
    url: Spanned<String>,
    kind: Kind,
    agency: Option<String>,
    license: Option<String>,
    #[serde(default)]
    news: Vec<Spanned<String>>,
    #[serde(default)]
    documents: Vec<Spanned<String>>,
    schedule: Option<Spanned<String>>,
    per_host_rate: Option<Spanned<String>>,
}

/// The registered sites, held packed: each site is decoded into a [`Site`]
/// when it is used and dropped with its crawl.
///
/// A national registry (10,000–20,000 sites) held as `Site`s cost about
/// 1.5 KB a site of resident memory (issue 14): parsed URLs, an allocation
/// per string, and the parser's garbage trapped between them. Packed, a site
/// is its text and a few bytes, in two allocations for the whole registry.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Registry {
    /// Every site as postcard [`Packed`], one after another, in registry order.
    data: Vec<u8>,
    /// Where each site's bytes end in `data`.
    ends: Vec<u32>,
    /// Site positions sorted by id, for [`Registry::get`].
    by_id: Vec<u32>,
}

/// A site as the registry keeps it. `id` comes first: [`Registry::id_at`]
/// reads it without decoding the rest (postcard lays fields out in order).
#[derive(Serialize, Deserialize)]
struct Packed<'a> {
    id: &'a str,
    name: &'a str,
    url: &'a str,
    kind: Kind,
    agency: Option<&'a str>,
    license: Option<&'a str>,
    news: Vec<&'a str>,
    documents: Vec<&'a str>,
    schedule: Option<&'a str>,
    /// `Rate` as (count, nanoseconds per).
    per_host_rate: Option<(u32, u64)>,
}

impl Packed<'_> {
    fn unpack(&self) -> Option<Site> {
        let url = |s: &str| Url::parse(s).ok();
        Some(Site {
            id: self.id.to_string(),
            name: self.name.to_string(),
            url: url(self.url)?,
            kind: self.kind,
            agency: self.agency.map(str::to_string),
            license: self.license.map(str::to_string),
            news: self.news.iter().map(|u| url(u)).collect::<Option<_>>()?,
            documents: self.documents.iter().map(|u| url(u)).collect::<Option<_>>()?,
            schedule: self.schedule.map(str::to_string),
            per_host_rate: self.per_host_rate.map(|(count, nanos)| Rate {
                count,
                per: Duration::from_nanos(nanos),
            }),
        })
    }
}

impl Registry {
    /// A registry of `sites`, in that order. Ids are expected unique (as
    /// [`Registry::parse`] checks); with a repeated id, `get` finds one of them.
    pub fn from_sites<'a>(sites: impl IntoIterator<Item = &'a Site>) -> Registry {
        let mut r = Registry::default();
        for site in sites {
            r.push(site);
        }
        r.finish()
    }

    fn push(&mut self, site: &Site) {
        let packed = Packed {
            id: &site.id,
            name: &site.name,
            url: site.url.as_str(),
            kind: site.kind,
            agency: site.agency.as_deref(),
            license: site.license.as_deref(),
            news: site.news.iter().map(Url::as_str).collect(),
            documents: site.documents.iter().map(Url::as_str).collect(),
            schedule: site.schedule.as_deref(),
            per_host_rate: site
                .per_host_rate
                .map(|r| (r.count, u64::try_from(r.per.as_nanos()).unwrap_or(u64::MAX))),
        };
        // Serialising borrowed strings into a Vec cannot fail; a site that
        // somehow did would be left out rather than panic the load.
        if let Ok(bytes) = postcard::to_allocvec(&packed) {
            self.data.extend_from_slice(&bytes);
            self.ends.push(u32::try_from(self.data.len()).unwrap_or(u32::MAX));
        }
    }

    fn finish(mut self) -> Registry {
        self.data.shrink_to_fit();
        self.ends.shrink_to_fit();
        let mut by_id: Vec<u32> = (0..self.ends.len()).filter_map(|i| u32::try_from(i).ok()).collect();
        by_id.sort_by(|a, b| self.id_at(*a as usize).cmp(self.id_at(*b as usize)));
        self.by_id = by_id;
        self
    }

    pub fn len(&self) -> usize {
        self.ends.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    fn bytes_at(&self, i: usize) -> &[u8] {
        let start = match i.checked_sub(1) {
            Some(p) => self.ends.get(p).map_or(0, |e| *e as usize),
            None => 0,
        };
        let end = self.ends.get(i).map_or(start, |e| *e as usize);
        self.data.get(start..end).unwrap_or_default()
    }

    fn id_at(&self, i: usize) -> &str {
        postcard::take_from_bytes::<&str>(self.bytes_at(i)).map_or("", |(id, _)| id)
    }

    fn site_at(&self, i: usize) -> Option<Site> {
        let site = postcard::from_bytes::<Packed>(self.bytes_at(i)).ok().and_then(|p| p.unpack());
        if site.is_none() {
            // Everything packed was parsed and checked at load.
            tracing::error!(position = i, "a registered site could not be unpacked; skipped");
        }
        site
    }

    /// Every site in registry order, each decoded as it is reached.
    pub fn sites(&self) -> impl Iterator<Item = Site> + '_ {
        (0..self.len()).filter_map(|i| self.site_at(i))
    }

    /// The ids of every site, in registry order, without decoding the sites.
    pub fn ids(&self) -> impl Iterator<Item = &str> + '_ {
        (0..self.len()).map(|i| self.id_at(i))
    }

    /// Where the site `id` is in registry order.
    fn position(&self, id: &str) -> Option<usize> {
        let at = self.by_id.binary_search_by(|i| self.id_at(*i as usize).cmp(id)).ok()?;
        self.by_id.get(at).map(|i| *i as usize)
    }

    pub fn get(&self, id: &str) -> Option<Site> {
        self.site_at(self.position(id)?)
    }

    pub fn contains(&self, id: &str) -> bool {
        self.position(id).is_some()
    }

    pub fn load(file: &Path) -> Result<Registry, ConfigError> {
        let src = read_file(file)?;
        Registry::parse(file, &src)
    }

    pub fn parse(file: &Path, src: &str) -> Result<Registry, ConfigError> {
        // The TOML parser's working memory peaks at about 18 times the file
        // (38 MB for 10,000 sites). Done on the calling thread, the freed
        // garbage stays in the main heap, and what is allocated there next
        // lands on those pages again: the store opened after a 10,000-site
        // parse cost 16 MB of resident memory instead of 5. A short-lived
        // thread parses in a heap of its own, which is given back whole.
        std::thread::scope(|scope| {
            match std::thread::Builder::new()
                .name("registry-parse".into())
                .spawn_scoped(scope, || Registry::parse_here(file, src))
            {
                Ok(handle) => handle.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)),
                // No thread to be had: parse here, at the cost above.
                Err(_) => Registry::parse_here(file, src),
            }
        })
    }

    fn parse_here(file: &Path, src: &str) -> Result<Registry, ConfigError> {
        let raw: RawRegistry = parse_toml(file, src)?;
        let at = |span: std::ops::Range<usize>, msg: String| err_at(file, src, span, msg);
        let http_url = |s: &Spanned<String>| -> Result<Url, ConfigError> {
            let u = Url::parse(s.get_ref()).map_err(|e| at(s.span(), format!("invalid URL {:?}: {e}", s.get_ref())))?;
            if !matches!(u.scheme(), "http" | "https") || u.host().is_none() {
                return Err(at(
                    s.span(),
                    format!("invalid URL {:?}: must be http:// or https:// with a host", s.get_ref()),
                ));
            }
            Ok(u)
        };
        let mut seen: HashMap<String, usize> = HashMap::new();
        let mut registry = Registry::default();
        for r in raw.site {
            let id = r.id.get_ref().clone();
            if id.is_empty() || !id.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-') {
                return Err(at(r.id.span(), format!("site id {id:?} must use only a-z, 0-9 and -")));
            }
            if let Some(first) = seen.get(&id) {
                let (line, _) = crate::config::line_col(src, *first);
                return Err(at(r.id.span(), format!("duplicate site id {id:?} (first defined on line {line})")));
            }
            seen.insert(id.clone(), r.id.span().start);
            if let Some(s) = &r.schedule {
                parse_cron(s.get_ref()).map_err(|m| at(s.span(), m))?;
            }
            let per_host_rate = match &r.per_host_rate {
                None => None,
                Some(s) => Some(parse_rate(s.get_ref()).map_err(|m| at(s.span(), m))?),
            };
            registry.push(&Site {
                id,
                name: r.name,
                url: http_url(&r.url)?,
                kind: r.kind,
                agency: r.agency.filter(|a| !a.trim().is_empty()),
                license: r.license.filter(|l| !l.trim().is_empty()),
                news: r.news.iter().map(http_url).collect::<Result<_, _>>()?,
                documents: r.documents.iter().map(http_url).collect::<Result<_, _>>()?,
                schedule: r.schedule.map(|s| s.into_inner()),
                per_host_rate,
            });
        }
        drop(seen);
        let registry = registry.finish();
        // The parser's tables are garbage now; give their pages back so a
        // big registry's load does not raise the whole run's memory.
        crate::memory::release_freed_memory();
        Ok(registry)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(src: &str) -> Result<Registry, ConfigError> {
        Registry::parse(Path::new("sites.toml"), src)
    }

    const ONE: &str = "[[site]]\nid = \"a\"\nname = \"Cổng A\"\nurl = \"https://a.gov.vn/\"\nkind = \"government\"\n";

    #[test]
    fn parses_a_site() {
        let r = parse(ONE).unwrap();
        let site = r.get("a").unwrap();
        assert_eq!(site.kind, Kind::Government);
        assert_eq!(site.url.as_str(), "https://a.gov.vn/");
        assert_eq!(site.name, "Cổng A");
    }

    /// Every field an officer can write survives the packing, and sites
    /// come back in the file's order, found by id whatever that order.
    #[test]
    fn sites_come_back_whole_in_registry_order() {
        let src = "[[site]]\nid = \"xa-b\"\nname = \"Trang thông tin điện tử xã Bình An\"\nurl = \"https://binhan.gov.vn/\"\nkind = \"aggregator\"\n\
                   agency = \"UBND xã\"\nlicense = \"12/GP-STTTT\"\nnews = [\"https://binhan.gov.vn/tin-tuc\", \"https://binhan.gov.vn/su-kien\"]\n\
                   documents = [\"https://binhan.gov.vn/van-ban\"]\nschedule = \"0 0 22 * * *\"\nper_host_rate = \"1/2s\"\n\n\
                   [[site]]\nid = \"a\"\nname = \"Cổng A\"\nurl = \"https://a.gov.vn/\"\nkind = \"government\"\nagency = \"  \"\n";
        let r = parse(src).unwrap();
        assert_eq!(r.len(), 2);
        assert_eq!(r.ids().collect::<Vec<_>>(), ["xa-b", "a"]);
        let sites: Vec<Site> = r.sites().collect();
        let b = &sites[0];
        assert_eq!(b.name, "Trang thông tin điện tử xã Bình An");
        assert_eq!(b.kind, Kind::Aggregator);
        assert_eq!(b.agency.as_deref(), Some("UBND xã"));
        assert_eq!(b.license.as_deref(), Some("12/GP-STTTT"));
        assert_eq!(
            b.news.iter().map(Url::as_str).collect::<Vec<_>>(),
            ["https://binhan.gov.vn/tin-tuc", "https://binhan.gov.vn/su-kien"]
        );
        assert_eq!(b.documents[0].as_str(), "https://binhan.gov.vn/van-ban");
        assert_eq!(b.schedule.as_deref(), Some("0 0 22 * * *"));
        assert_eq!(b.per_host_rate.map(|r| r.interval()), Some(Duration::from_secs(2)));
        // A blank agency is no agency.
        assert_eq!(sites[1].agency, None);
        assert_eq!(r.get("xa-b").as_ref(), Some(b));
        assert_eq!(r.get("a").as_ref(), Some(&sites[1]));
        assert!(r.get("xa").is_none() && !r.contains("b") && r.contains("a"));
        assert_eq!(Registry::from_sites(&sites), r);
    }

    #[test]
    fn finds_any_site_of_a_large_registry() {
        let mut src = String::new();
        for i in (0..500).rev() {
            src.push_str(&format!(
                "[[site]]\nid = \"s-{i}\"\nname = \"Xã {i}\"\nurl = \"https://x{i}.gov.vn/\"\nkind = \"government\"\n"
            ));
        }
        let r = parse(&src).unwrap();
        for i in 0..500 {
            let site = r.get(&format!("s-{i}")).unwrap();
            assert_eq!(site.url.as_str(), format!("https://x{i}.gov.vn/"));
        }
        assert_eq!(r.sites().next().map(|s| s.id), Some("s-499".to_string()));
        assert!(r.get("s-500").is_none());
        assert!(Registry::default().get("s-1").is_none() && Registry::default().sites().next().is_none());
    }

    #[test]
    fn duplicate_id_names_both_lines() {
        let err = parse(&format!("{ONE}\n{ONE}")).unwrap_err().to_string();
        assert!(
            err.starts_with("sites.toml:8:6:") && err.contains("first defined on line 2"),
            "{err}"
        );
    }

    #[test]
    fn wrong_kind_and_unknown_key() {
        let err = parse(&ONE.replace("government", "ministry")).unwrap_err().to_string();
        assert!(err.starts_with("sites.toml:5:"), "{err}");
        let err = parse(&format!("{ONE}licence = \"1/GP\"\n")).unwrap_err().to_string();
        assert!(err.contains(":6:1:") && err.contains("licence"), "{err}");
    }
}
