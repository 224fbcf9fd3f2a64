//! What is read from the configuration directory at start and on SIGHUP:
//! the configuration, the site registry and the holiday calendar, loaded
//! together once so that every command and the daemon see the same set.

use std::path::Path;

use crate::calendar::Calendar;
use crate::config::{Config, ConfigError};
use crate::registry::Registry;

#[derive(Debug, Clone)]
pub struct Settings {
    pub config: Config,
    pub registry: Registry,
    pub calendar: Calendar,
}

impl Settings {
    /// The configuration at `path`, the registry it names and its holidays
    /// file. Each error names the file, line and column at fault.
    pub fn load(path: &Path) -> Result<Settings, ConfigError> {
        let config = Config::load(path)?;
        let registry = Registry::load(&config.registry)?;
        Settings::new(config, registry)
    }

    /// A configuration and registry already in hand (tests, benches, demo):
    /// only the holidays file is read.
    pub fn new(config: Config, registry: Registry) -> Result<Settings, ConfigError> {
        let calendar = Calendar::load(config.rules.holidays.as_deref())?;
        Ok(Settings {
            config,
            registry,
            calendar,
        })
    }
}
