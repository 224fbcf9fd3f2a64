//! Telling a damaged database from a busy or an empty one.
//!
//! sled checks a CRC on everything it reads, and a damaged file mostly
//! fails to open (`Corruption`). But the part of its log written since its
//! last snapshot (everything since the daemon started, when it was killed or
//! the copy was taken live) is replayed on open, and a record there that
//! fails its CRC is taken for the torn end of a crash: sled drops it and
//! everything after it, silently. One flipped bit at byte 100 of such a
//! database opened as an empty one, and `report` printed no results.
//!
//! So every flush also counts itself: the count goes into the `meta` tree
//! before sled's flush, and into a small file beside sled's own once that
//! flush is durable. A database holding fewer flushes than the file says
//! has lost data it had written, and is refused as damaged. The file is
//! written only after the flush, so a crash between the two leaves it
//! behind the database, never ahead; a missing or unreadable file (a
//! database from before this check, a copy without it) checks nothing.

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use super::{Result, Store, StoreError};

/// The file, inside sled's directory, holding the count of flushes made
/// durable. Backups that copy the directory take it along.
pub const FLUSH_FILE: &str = "sitewarden-flushes";
const FLUSH_FILE_HEADER: &str = "sitewarden flushes v1";
const META_FLUSHES: &str = "integrity.flushes";

/// The count of durable flushes recorded beside the database at `dir`, if
/// one is there and readable.
pub(super) fn recorded_flushes(dir: &Path) -> Option<u64> {
    let text = fs::read_to_string(dir.join(FLUSH_FILE)).ok()?;
    let mut lines = text.lines();
    if lines.next() != Some(FLUSH_FILE_HEADER) {
        tracing::warn!(file = %dir.join(FLUSH_FILE).display(), "unreadable flush count; the database is not checked against it");
        return None;
    }
    lines.next()?.trim().parse().ok()
}

/// Replace the flush count beside the database. Written to a new file and
/// renamed over the old, so a reader sees one count or the other. Not
/// synced: after a power cut the file may hold an older count (or none),
/// which only makes the check weaker, never wrong.
fn record_flushes(dir: &Path, flushes: u64) -> io::Result<()> {
    let mut tmp = tempfile::Builder::new().prefix(&format!(".{FLUSH_FILE}.")).tempfile_in(dir)?;
    writeln!(tmp, "{FLUSH_FILE_HEADER}\n{flushes}")?;
    tmp.persist(dir.join(FLUSH_FILE)).map_err(|e| e.error)?;
    Ok(())
}

/// Temp files of [`record_flushes`] left by a crash between create and rename.
fn remove_stale_temp_files(dir: &Path) {
    let prefix = format!(".{FLUSH_FILE}.");
    if let Ok(entries) = fs::read_dir(dir) {
        for e in entries.flatten() {
            if e.file_name().to_string_lossy().starts_with(&prefix) {
                let _ = fs::remove_file(e.path());
            }
        }
    }
}

/// How sled's error on open reads to an operator: busy, damaged, or neither.
pub(super) fn open_error(path: &Path, cause: sled::Error) -> StoreError {
    let path = path.display().to_string();
    match cause {
        // sled reports its lock as an io error of kind Other with this text.
        sled::Error::Io(ref e) if e.kind() == io::ErrorKind::WouldBlock || e.to_string().contains("could not acquire lock") => {
            StoreError::Locked { path }
        }
        sled::Error::Corruption { .. } | sled::Error::ReportableBug(_) | sled::Error::Unsupported(_) => StoreError::Damaged {
            path,
            cause: cause.to_string(),
        },
        cause => StoreError::Open { path, cause },
    }
}

/// An error while reading the database through, as damage of the database.
fn read_error(path: &Path, e: sled::Error) -> StoreError {
    StoreError::Damaged {
        path: path.display().to_string(),
        cause: format!("reading it failed: {e}"),
    }
}

impl Store {
    /// After opening: refuse a database that lost flushes it had made
    /// durable (see the module's comment), and count on from what it holds.
    pub(super) fn check_flushes(&self) -> Result<()> {
        let held: u64 = self
            .meta_get(META_FLUSHES)
            .map_err(|e| match e {
                StoreError::Sled(e) => read_error(&self.path, e),
                e => e,
            })?
            .and_then(|v| v.parse().ok())
            .unwrap_or(0);
        if let Some(recorded) = recorded_flushes(&self.path)
            && recorded > held
        {
            return Err(StoreError::Damaged {
                path: self.path.display().to_string(),
                cause: format!(
                    "it holds the writes of {held} flushes but {recorded} were made durable (recorded in {FLUSH_FILE}): data it had written is missing (a copy taken while sitewarden ran must copy {FLUSH_FILE} first)"
                ),
            });
        }
        *self.flushes.lock().unwrap_or_else(|p| p.into_inner()) = held;
        remove_stale_temp_files(&self.path);
        Ok(())
    }

    /// Make everything written so far durable, and record that it is.
    pub fn flush(&self) -> Result<()> {
        // One flush at a time, so the count on disk only ever goes up.
        let mut flushes = self.flushes.lock().unwrap_or_else(|p| p.into_inner());
        let next = *flushes + 1;
        self.meta_set(META_FLUSHES, &next.to_string())?;
        self.db.flush()?;
        *flushes = next;
        if let Err(e) = record_flushes(&self.path, next) {
            // The check is weaker until the next flush records it, no more.
            tracing::warn!(error = %e, dir = %self.path.display(), "cannot record the flush count beside the database");
        }
        Ok(())
    }

    /// Read every record of every tree: sled checks each against its CRC
    /// as it reads it. A database that opens may still fail here.
    pub fn verify(&self) -> Result<()> {
        for name in self.db.tree_names() {
            self.verify_tree(&name)?;
        }
        Ok(())
    }

    fn verify_tree(&self, name: &[u8]) -> Result<()> {
        let tree = self.db.open_tree(name).map_err(|e| read_error(&self.path, e))?;
        for kv in tree.iter() {
            kv.map_err(|e| read_error(&self.path, e))?;
        }
        Ok(())
    }

    /// Open the database at `path` for writing, but only once a copy of it
    /// has opened and read through cleanly: sled repairs what it can on
    /// open, in place, so a damaged database opened directly would be
    /// overwritten before anyone could look at it or restore a backup.
    pub fn open_checked(path: &Path, cache_capacity_bytes: u64) -> Result<Store> {
        if path.join("db").exists() {
            probe_lock(path)?;
            let copy = super::DbCopy::of(path).map_err(|e| StoreError::Copy {
                path: path.display().to_string(),
                source: e,
            })?;
            read_through(&copy.path(), cache_capacity_bytes, &Trees::All).map_err(|e| e.about(path))?;
        }
        Store::open(path, cache_capacity_bytes)
    }

    /// Open a private copy of the database at `path`, checked, for reading:
    /// the database itself is never opened, so never written. While another
    /// process writes it the copy is what sled would find after a crash.
    /// A database that does not exist yet reads as an empty one.
    pub fn open_copy(path: &Path, cache_capacity_bytes: u64) -> Result<(Store, super::DbCopy)> {
        Store::open_copy_checking(path, cache_capacity_bytes, &Trees::All)
    }

    /// [`Store::open_copy`], reading through only `trees` beforehand. For a
    /// report that never reads the others: damage there cannot change what
    /// it says, and a damaged record in a tree it does read still fails the
    /// report when it is read. A year's summary need not read the crawl's
    /// pages and every news item (1.3 s of 2.0 on a 500-site store).
    pub fn open_copy_checking(path: &Path, cache_capacity_bytes: u64, trees: &Trees) -> Result<(Store, super::DbCopy)> {
        let copy = if path.exists() {
            super::DbCopy::of(path)
        } else {
            tracing::warn!(path = %path.display(), "no database yet: nothing has been checked");
            super::DbCopy::empty()
        }
        .map_err(|e| StoreError::Copy {
            path: path.display().to_string(),
            source: e,
        })?;
        read_through(&copy.path(), cache_capacity_bytes, trees).map_err(|e| e.about(path))?;
        let store = Store::open(&copy.path(), cache_capacity_bytes).map_err(|e| e.about(path))?;
        Ok((store, copy))
    }
}

/// Read `trees` of the database copy at `copy` through, each in an open of
/// its own. sled keeps in memory what a process has read, whatever its
/// cache size: read whole in one open, a 10,000-site database held 43 MB,
/// on top of what the check that follows holds (`cargo bench --bench
/// sled_memory`). Closed between trees, it holds one tree at a time.
fn read_through(copy: &Path, cache_capacity_bytes: u64, trees: &Trees) -> Result<()> {
    let names = Store::open(copy, cache_capacity_bytes)?.db.tree_names();
    for name in names.into_iter().filter(|n| trees.includes(n)) {
        Store::open(copy, cache_capacity_bytes)?.verify_tree(&name)?;
        crate::memory::release_freed_memory();
    }
    Ok(())
}

/// Which trees a copy opened for reading is read through before use.
pub enum Trees {
    All,
    Only(&'static [&'static str]),
}

impl Trees {
    fn includes(&self, name: &[u8]) -> bool {
        match self {
            Trees::All => true,
            Trees::Only(names) => names.iter().any(|n| n.as_bytes() == name),
        }
    }
}

/// The trees the period summary reads (`findings::period_summary`): the day
/// results and their verdicts, legal documents, the per-day item counts and
/// `meta`. News items are read only where the counts are not complete yet.
pub const PERIOD_SUMMARY_TREES: Trees = Trees::Only(&["results", "verdicts", "docs", "meta", super::item_days::TREE]);

impl StoreError {
    /// The same error, naming the database it was copied from rather than
    /// the copy: the operator has to act on that one.
    fn about(self, original: &Path) -> StoreError {
        let path = original.display().to_string();
        match self {
            StoreError::Damaged { cause, .. } => StoreError::Damaged { path, cause },
            StoreError::Open { cause, .. } => StoreError::Open { path, cause },
            StoreError::Locked { .. } => StoreError::Locked { path },
            e => e,
        }
    }
}

/// Fail early, and say so plainly, when another process holds the
/// database: its copy would be taken mid-write and could look damaged.
fn probe_lock(path: &Path) -> Result<()> {
    let db_file: PathBuf = path.join("db");
    let file = fs::OpenOptions::new().read(true).open(&db_file).map_err(|cause| StoreError::Open {
        path: path.display().to_string(),
        cause: sled::Error::Io(cause),
    })?;
    // sled takes the same lock (flock) when it opens; it goes with `file`.
    match file.try_lock() {
        Ok(()) => Ok(()),
        Err(fs::TryLockError::WouldBlock) => Err(StoreError::Locked {
            path: path.display().to_string(),
        }),
        Err(fs::TryLockError::Error(cause)) => Err(StoreError::Open {
            path: path.display().to_string(),
            cause: sled::Error::Io(cause),
        }),
    }
}
