//! The daemon: when each site is crawled and when the findings files are
//! written ([`schedule`]), and the loop that does it ([`daemon`]).

#[cfg(unix)]
pub mod daemon;
pub mod schedule;

#[cfg(unix)]
pub use daemon::{DaemonError, run};
