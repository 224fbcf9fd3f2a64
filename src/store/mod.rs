//! The sled database in `state_dir/db` (SPEC §7).
//!
//! Few trees, compact postcard values and no page bodies keep it small:
//! - `pages`:   url → what was extracted last time, validators, content hash
//! - `items`:   site \0 url → title, publication day, first seen
//! - `item_days`: site \0 YYYY-MM-DD → how many items fall on that day
//! - `docs`:    site \0 url \0 number \0 signed → legal document, first seen
//! - `results`: YYYY-MM-DD \0 site → that day's results for the site, as
//!   references into `verdicts` with the time they were checked
//! - `verdicts`: hash → one rule's verdict (status, message, evidence), each
//!   distinct one stored once
//! - `meta`:    crawl bookkeeping for the scheduler
//!
//! Results are keyed day first: the nightly file is one prefix scan and a
//! period summary one range scan, both in day order. Most of a site's
//! verdicts read the same night after night (its footer does not move), so
//! a day's record is ~100 bytes of references; the retention sweep removes
//! verdicts no day refers to any more.

mod codec;
mod copy;
mod integrity;
mod item_days;
mod pages;
mod results;
mod state;
mod sweep;
#[cfg(test)]
mod tests;

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

pub use copy::DbCopy;
pub use integrity::{FLUSH_FILE, PERIOD_SUMMARY_TREES, Trees};
#[cfg(test)]
pub(crate) use item_days::tests as item_days_tests;
pub use results::Checked;
pub use state::CrawlState;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database error: {0}")]
    Sled(#[from] sled::Error),
    #[error("cannot encode a record: {0}")]
    Encode(#[from] postcard::Error),
    #[error("cannot compress a record: {0}")]
    Compress(#[source] std::io::Error),
    #[error(
        "database at {path} is in use by another sitewarden process (such as the daemon); stop it, or use `sitewarden report`, which reads a copy"
    )]
    Locked { path: String },
    #[error(
        "database damaged: {path}: {cause}. It was left as it is; stop sitewarden and restore the latest backup (docs/operations.md, \"Damaged database\")"
    )]
    Damaged { path: String, cause: String },
    #[error("database at {path} cannot be opened: {cause}; check that the directory exists and sitewarden may write to it")]
    Open { path: String, cause: sled::Error },
    #[error("cannot copy the database at {path} to read it: {source}")]
    Copy { path: String, source: std::io::Error },
}

pub type Result<T> = std::result::Result<T, StoreError>;

#[derive(Clone)]
pub struct Store {
    db: sled::Db,
    pages: sled::Tree,
    items: sled::Tree,
    docs: sled::Tree,
    results: sled::Tree,
    verdicts: sled::Tree,
    meta: sled::Tree,
    /// Held while a day's verdicts are looked up and referenced, and while
    /// the sweep collects unreferenced ones, so it never takes a verdict a
    /// save is about to refer to.
    verdict_lock: Arc<Mutex<()>>,
    /// sled's directory, beside which the flush count is kept.
    path: PathBuf,
    /// Flushes made durable so far (see `integrity.rs`).
    flushes: Arc<Mutex<u64>>,
}

impl Store {
    /// Open (or create) the database at `path`. A database that lost data
    /// it had flushed is refused as damaged; but sled has already repaired
    /// what it could in place by then: see [`Store::open_checked`] and
    /// [`Store::open_copy`] for opening without that risk.
    pub fn open(path: &Path, cache_capacity_bytes: u64) -> Result<Store> {
        let db = sled::Config::new()
            .path(path)
            .cache_capacity(cache_capacity_bytes)
            .flush_every_ms(Some(1000))
            .open()
            .map_err(|cause| integrity::open_error(path, cause))?;
        let tree = |name: &str| db.open_tree(name).map_err(|cause| integrity::open_error(path, cause));
        let store = Store {
            pages: tree("pages")?,
            items: tree("items")?,
            docs: tree("docs")?,
            results: tree("results")?,
            verdicts: tree("verdicts")?,
            meta: tree("meta")?,
            verdict_lock: Arc::new(Mutex::new(())),
            path: path.to_path_buf(),
            flushes: Arc::new(Mutex::new(0)),
            db,
        };
        store.check_flushes()?;
        Ok(store)
    }

    pub fn size_on_disk(&self) -> u64 {
        self.db.size_on_disk().unwrap_or(0)
    }

    /// Entries and key+value bytes per tree: what is stored, as against
    /// what sled's files take on disk.
    pub fn stats(&self) -> Vec<(&'static str, usize, u64)> {
        [
            ("pages", &self.pages),
            ("items", &self.items),
            ("docs", &self.docs),
            ("results", &self.results),
            ("verdicts", &self.verdicts),
            ("meta", &self.meta),
        ]
        .into_iter()
        .map(|(name, tree)| {
            let (n, bytes) = tree
                .iter()
                .flatten()
                .fold((0usize, 0u64), |(n, b), (k, v)| (n + 1, b + (k.len() + v.len()) as u64));
            (name, n, bytes)
        })
        .collect()
    }
}
