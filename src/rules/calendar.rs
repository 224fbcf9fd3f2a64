//! Vietnam's working-day calendar.

use chrono::NaiveDate;

#[derive(Debug, Clone, Default)]
pub struct Calendar {}

impl Calendar {
    pub fn is_working_day(&self, _day: NaiveDate) -> bool {
        true
    }
}

impl Calendar {
    pub fn load(_path: Option<&std::path::Path>) -> Result<Calendar, crate::config::ConfigError> {
        Ok(Calendar::default())
    }
}
