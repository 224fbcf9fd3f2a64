//! `sites.toml`: the registered websites (SPEC §3), first stage of the flow.

use std::collections::HashMap;
use std::path::Path;

use serde::Deserialize;
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

#[derive(Debug, Clone, Default)]
pub struct Registry {
    pub sites: Vec<Site>,
}

impl Registry {
    pub fn load(file: &Path) -> Result<Registry, ConfigError> {
        let src = read_file(file)?;
        Registry::parse(file, &src)
    }

    pub fn parse(file: &Path, src: &str) -> Result<Registry, ConfigError> {
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
        let mut sites = Vec::with_capacity(raw.site.len());
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
            sites.push(Site {
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
        Ok(Registry { sites })
    }

    pub fn get(&self, id: &str) -> Option<&Site> {
        self.sites.iter().find(|s| s.id == id)
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
        assert_eq!(r.sites[0].kind, Kind::Government);
        assert_eq!(r.sites[0].url.as_str(), "https://a.gov.vn/");
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
