//! How the process uses glibc's allocator. Peak memory must follow the sites
//! in flight, not the size of the registry (issue 14); glibc's defaults keep
//! freed memory and spread a threaded program over many heaps.

/// Hand memory freed so far back to the system: once per site checked, and
/// after the registry's parse. glibc keeps freed pages of its heaps for
/// reuse, and with pages parsed on several threads those heaps fragment: at
/// 1,000 sites the crawler's peak RSS was 93 MB without this and 69 MB with
/// it, for no measurable CPU.
pub fn release_freed_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only releases free memory; glibc documents it as
    // safe to call from any thread at any time.
    unsafe {
        libc::malloc_trim(0);
    }
}

/// Allocations from this size up get pages of their own, given back to the
/// system when freed. glibc raises this threshold each time such a block is
/// freed (up to 32 MB), after which big blocks come from the heap and are
/// cleared there page by page: after the registry's parse had freed a 2 MB
/// block, opening the store cost 6.5 MB of resident memory instead of 1.4.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
const MMAP_THRESHOLD: libc::c_int = 128 * 1024;

/// Heaps glibc may create for the process's threads.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
const MAX_ARENAS: libc::c_int = 2;

/// Limit glibc to [`MAX_ARENAS`] heaps and fix [`MMAP_THRESHOLD`]. Called
/// first thing by the binary (and the scale bench), before any thread
/// starts. By default glibc gives threads up to 8 heaps per core, each
/// keeping its own freed memory, and the blocking threads that store each
/// site's results (tokio runs up to 512) spread over them: single 10,000-site
/// runs of the scale bench peaked at 92 MB with glibc's default and 66–80 MB
/// with one or two heaps. The crawl waits on politeness, not on malloc, so
/// fewer heaps cost no measurable time. `MALLOC_ARENA_MAX` in the
/// environment still wins, for an operator who measures otherwise.
pub fn limit_heaps() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    if std::env::var_os("MALLOC_ARENA_MAX").is_none() {
        // SAFETY: mallopt only changes malloc tunables; called before any
        // other thread exists, as glibc asks.
        unsafe {
            libc::mallopt(libc::M_ARENA_MAX, MAX_ARENAS);
            libc::mallopt(libc::M_MMAP_THRESHOLD, MMAP_THRESHOLD);
        }
    }
}
