//! `check`'s progress for a person at a terminal: sites done of the total,
//! how many fail a rule so far and an estimate of the time left, redrawn in
//! place on stderr, then one summary line. Only when the binary says stderr
//! is a terminal and `--quiet` was not given: a script, a pipe or a log file
//! gets none of it, not even the summary (stdout carries the results).

use std::io::{self, Write};
use std::sync::Mutex;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// The bar being drawn, for [`LogWriter`]: a log line written under a bar
/// would be torn by its next redraw.
static ACTIVE: Mutex<Option<ProgressBar>> = Mutex::new(None);

pub struct Progress {
    bar: Option<ProgressBar>,
    total: u64,
    done: u64,
    failing: u64,
}

impl Progress {
    /// `show` false: every method does nothing.
    pub fn new(total: usize, show: bool) -> Progress {
        let total = total as u64;
        let bar = show.then(|| {
            let style = ProgressStyle::with_template("{bar:30} {pos}/{len} sites, {msg}, ~{eta} left ({elapsed})")
                .unwrap_or_else(|_| ProgressStyle::default_bar());
            let bar = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr()).with_style(style);
            bar.set_message("0 failing");
            // The estimate and elapsed time move between sites too.
            bar.enable_steady_tick(Duration::from_secs(1));
            if let Ok(mut active) = ACTIVE.lock() {
                *active = Some(bar.clone());
            }
            bar
        });
        Progress {
            bar,
            total,
            done: 0,
            failing: 0,
        }
    }

    /// One site checked; `failing`: a rule failed on it.
    pub fn site_done(&mut self, failing: bool) {
        self.done += 1;
        self.failing += u64::from(failing);
        if let Some(bar) = &self.bar {
            bar.set_message(format!("{} failing", self.failing));
            bar.inc(1);
        }
    }

    /// Clear the bar and say in one line what the run did.
    pub fn finish(mut self) {
        let Some(bar) = self.bar.take() else { return };
        if let Ok(mut active) = ACTIVE.lock() {
            *active = None;
        }
        let elapsed = bar.elapsed();
        bar.finish_and_clear();
        eprintln!(
            "checked {} of {} sites in {}: {} failing a rule",
            self.done,
            self.total,
            indicatif::HumanDuration(elapsed),
            self.failing
        );
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        // An error ended the run: take the bar off the screen, say nothing.
        if let Some(bar) = self.bar.take() {
            if let Ok(mut active) = ACTIVE.lock() {
                *active = None;
            }
            bar.finish_and_clear();
        }
    }
}

/// stderr for the log: each line is written with the progress bar, if one
/// is drawn, taken off the screen and redrawn under it.
#[derive(Clone, Copy, Default)]
pub struct LogWriter;

impl Write for LogWriter {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let bar = ACTIVE.lock().ok().and_then(|a| a.clone());
        match bar {
            Some(bar) => bar.suspend(|| io::stderr().write_all(buf)).map(|()| buf.len()),
            None => io::stderr().write(buf),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        io::stderr().flush()
    }
}
