//! The daemon's clock: cron schedules in Asia/Ho_Chi_Minh.

use std::path::Path;

use crate::commands::{Exit, Failure};

pub fn run(_config: &Path) -> Result<Exit, Failure> {
    Err(Failure {
        exit: Exit::Fatal,
        message: "the daemon is not available in this build".into(),
    })
}
