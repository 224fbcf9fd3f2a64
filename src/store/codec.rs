//! How values are laid out in the trees: postcard, deflated where it pays,
//! behind a first byte that names the format.

use serde::{Serialize, de::DeserializeOwned};

use super::{Result, StoreError};

// The first byte of a value says its format, so a newer version can read
// what an older one wrote.

/// `results`, first format: deflated postcard `Vec<ResultRec>` (read only).
pub(super) const RESULTS_V1: u8 = 1;
/// `results`: postcard `DayRec`.
pub(super) const RESULTS_V2: u8 = 2;
/// `pages`: deflated postcard `PageRec` (with the role it was fetched as).
/// 5 since the Decree 147/2024 facts joined `PageFacts` (tag 3 before):
/// postcard is not self-describing, so a page of the older layout must not
/// be read as the new one; it does not unpack and is fetched in full again.
pub(super) const PAGES_V2: u8 = 5;
/// `verdicts`: deflated postcard `VerdictRec`.
pub(super) const VERDICTS_V1: u8 = 4;
/// `meta` under `robots`: deflated postcard `CachedRobots` (its own number,
/// so no tag means two things anywhere in the store).
pub(super) const ROBOTS_V1: u8 = 6;
/// `item_days`: postcard `Vec<(i32, u32)>`, a site's item counts by day.
pub(super) const ITEM_DAYS_V1: u8 = 7;
/// A day of one site's results inflates to far less than this; more is not ours.
const MAX_RESULTS_BYTES: u64 = 16 * 1024 * 1024;

/// A day of one site's results repeats its URLs and wording from rule to
/// rule, and a page's facts repeat the site's URL in every link; deflate
/// takes both to a fraction, which is what keeps a province's store small.
pub(super) fn pack<T: Serialize + ?Sized>(tag: u8, recs: &T) -> Result<Vec<u8>> {
    deflate(tag, &enc(&recs)?)
}

pub(super) fn deflate(tag: u8, raw: &[u8]) -> Result<Vec<u8>> {
    use std::io::Write;
    let mut z = flate2::write::DeflateEncoder::new(vec![tag], flate2::Compression::default());
    z.write_all(raw).and_then(|_| z.finish()).map_err(StoreError::Compress)
}

/// Inflate a value written by [`pack`] with `tag`. A value of another
/// format is None: the caller knows whether that is worth a word.
pub(super) fn unpack_with<R>(tag: u8, bytes: &[u8], decode: impl FnOnce(&[u8]) -> Option<R>) -> Option<R> {
    thread_local! {
        // A year's report inflates a few hundred thousand values: one
        // inflater and buffer per thread instead of one allocation each.
        static INFLATE: std::cell::RefCell<(flate2::Decompress, Vec<u8>)> =
            std::cell::RefCell::new((flate2::Decompress::new(false), Vec::with_capacity(64 * 1024)));
    }
    let (&found, body) = bytes.split_first()?;
    if found != tag {
        return None;
    }
    INFLATE.with(|cell| {
        let mut guard = cell.borrow_mut();
        let (z, buf) = &mut *guard;
        z.reset(false);
        buf.clear();
        loop {
            let consumed = usize::try_from(z.total_in()).unwrap_or(usize::MAX);
            let input = body.get(consumed..).unwrap_or_default();
            if buf.len() == buf.capacity() {
                if buf.len() as u64 >= MAX_RESULTS_BYTES {
                    tracing::warn!("skipping stored results that inflate beyond the bound");
                    return None;
                }
                buf.reserve(buf.capacity().max(4096));
            }
            match z.decompress_vec(input, buf, flate2::FlushDecompress::Finish) {
                Ok(flate2::Status::StreamEnd) => break,
                Ok(_) if input.is_empty() && buf.len() < buf.capacity() => {
                    tracing::warn!("skipping stored results cut short");
                    return None;
                }
                Ok(_) => {}
                Err(e) => {
                    tracing::warn!(error = %e, "skipping stored results that do not inflate");
                    return None;
                }
            }
        }
        decode(buf)
    })
}

/// The leading fields of a value written by [`pack`] with `tag`: `decode`
/// is given what the first bytes inflate to (at most a few hundred), and
/// the rest of the value is never inflated. None when `decode` finds too
/// little there, or the value is not of that format or does not inflate.
pub(super) fn unpack_prefix<R>(tag: u8, bytes: &[u8], decode: impl FnOnce(&[u8]) -> Option<R>) -> Option<R> {
    const PREFIX: usize = 512;
    thread_local! {
        static INFLATE: std::cell::RefCell<flate2::Decompress> = std::cell::RefCell::new(flate2::Decompress::new(false));
    }
    let (&found, body) = bytes.split_first()?;
    if found != tag {
        return None;
    }
    let mut out = [0u8; PREFIX];
    let filled = INFLATE.with(|cell| {
        let z = &mut *cell.borrow_mut();
        z.reset(false);
        loop {
            let (was_in, was_out) = (z.total_in(), z.total_out());
            let input = body.get(usize::try_from(was_in).ok()?..).unwrap_or_default();
            let output = out.get_mut(usize::try_from(was_out).ok()?..).unwrap_or_default();
            let status = z.decompress(input, output, flate2::FlushDecompress::None).ok()?;
            let filled = usize::try_from(z.total_out()).ok()?;
            if status == flate2::Status::StreamEnd || filled == PREFIX {
                return Some(filled);
            }
            if z.total_in() == was_in && z.total_out() == was_out {
                return None;
            }
        }
    })?;
    decode(out.get(..filled)?)
}

pub(super) fn unpack<T: DeserializeOwned>(tag: u8, bytes: &[u8]) -> Option<T> {
    unpack_with(tag, bytes, dec)
}

pub(super) fn enc<T: Serialize>(v: &T) -> Result<Vec<u8>> {
    Ok(postcard::to_allocvec(v)?)
}

/// A record that no longer decodes (written by another version) is skipped,
/// never fatal: the next crawl writes it again.
pub(super) fn dec<T: DeserializeOwned>(bytes: &[u8]) -> Option<T> {
    match postcard::from_bytes(bytes) {
        Ok(v) => Some(v),
        Err(e) => {
            tracing::warn!(error = %e, "skipping a stored record that does not decode");
            None
        }
    }
}

pub(super) fn key(parts: &[&str]) -> Vec<u8> {
    parts.join("\0").into_bytes()
}
