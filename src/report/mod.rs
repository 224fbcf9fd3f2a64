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

// Placeholder API until the report branch lands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Jsonl,
    Csv,
    Html,
    Junit,
}

impl std::str::FromStr for Format {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "jsonl" => Ok(Format::Jsonl),
            "csv" => Ok(Format::Csv),
            "html" => Ok(Format::Html),
            "junit" => Ok(Format::Junit),
            _ => Err(format!("unknown format {s:?}")),
        }
    }
}

impl Format {
    pub fn extension(self) -> &'static str {
        match self {
            Format::Jsonl => "jsonl",
            Format::Csv => "csv",
            Format::Html => "html",
            Format::Junit => "xml",
        }
    }
}

struct Jsonl;
impl Renderer for Jsonl {
    fn render(&self, results: &[ResultRecord], _ctx: &ReportContext, out: &mut dyn Write) -> std::io::Result<()> {
        for r in results {
            serde_json::to_writer(&mut *out, r)?;
            out.write_all(b"\n")?;
        }
        Ok(())
    }
}

pub fn renderer_for(_f: Format) -> Box<dyn Renderer> {
    Box::new(Jsonl)
}

pub fn write_atomically(path: &std::path::Path, f: impl FnOnce(&mut dyn Write) -> std::io::Result<()>) -> std::io::Result<()> {
    let tmp = path.with_extension("tmp");
    let mut file = std::fs::File::create(&tmp)?;
    f(&mut file)?;
    file.sync_all()?;
    std::fs::rename(&tmp, path)
}
