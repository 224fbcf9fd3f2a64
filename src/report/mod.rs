//! Renders results for people and tools: one file per output format behind
//! the [`Renderer`] trait.

use std::io::Write;

use chrono::NaiveDate;

use crate::model::ResultRecord;

/// What a renderer knows besides the results.
#[derive(Debug, Clone, Default)]
pub struct ReportContext {
    /// The as-of day of the results.
    pub date: Option<NaiveDate>,
    /// Site id -> display name, in registry order.
    pub site_names: Vec<(String, String)>,
}

pub trait Renderer {
    fn render(&self, results: &[ResultRecord], ctx: &ReportContext, out: &mut dyn Write) -> std::io::Result<()>;
}
