//! The command line, as clap types only. build.rs includes this file too (for
//! the man page and shell completions), so it must not name anything of the
//! crate: main.rs maps these types onto `sitewarden::commands`.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

#[derive(Parser)]
#[command(
    name = "sitewarden",
    version,
    about = "Watches registered Vietnamese websites for the rules on electronic information"
)]
pub struct Cli {
    /// Configuration file.
    #[arg(long, global = true, env = "SITEWARDEN_CONFIG", default_value = "/etc/sitewarden/sitewarden.toml")]
    pub config: PathBuf,
    /// Log format: text (default) or json for log shippers.
    #[arg(long, global = true, value_enum, default_value_t = LogFormat::Text)]
    pub log_format: LogFormat,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    Text,
    Json,
}

#[derive(Subcommand)]
pub enum Command {
    /// Run the daemon: scheduled crawls, nightly findings file, metrics.
    Run,
    /// One pass now over all (or the named) sites.
    Check(CheckCli),
    /// Render stored results without crawling.
    Report(ReportCli),
    /// Configuration commands.
    Config {
        #[command(subcommand)]
        command: ConfigCommand,
    },
    /// Serve the bundled fixture sites on 127.0.0.1 and check them.
    Demo(DemoCli),
}

#[derive(Subcommand)]
pub enum ConfigCommand {
    /// Validate the configuration and registry, print a summary.
    Check,
}

#[derive(Args)]
pub struct CheckCli {
    /// Only this site (repeatable).
    #[arg(long = "site")]
    pub sites: Vec<String>,
    /// Make "today" this date (YYYY-MM-DD, Asia/Ho_Chi_Minh).
    #[arg(long)]
    pub as_of: Option<String>,
    /// Output format (default jsonl).
    #[arg(long, value_enum, ignore_case = true)]
    pub format: Option<FormatArg>,
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Exit 1 when a result fails at or above this severity.
    #[arg(long, value_enum, ignore_case = true, default_value_t = FailOnArg::Violation)]
    pub fail_on: FailOnArg,
    /// No progress line on the terminal (sites done, failing so far, time
    /// left) and no summary; there is none anyway when stderr is not a terminal.
    #[arg(long, short)]
    pub quiet: bool,
}

#[derive(Args)]
pub struct ReportCli {
    #[arg(long)]
    pub date: Option<String>,
    #[arg(long)]
    pub from: Option<String>,
    #[arg(long)]
    pub to: Option<String>,
    #[arg(long = "site")]
    pub sites: Vec<String>,
    /// Output format (default jsonl for a day, html for a period).
    #[arg(long, value_enum, ignore_case = true)]
    pub format: Option<FormatArg>,
    #[arg(long)]
    pub out: Option<PathBuf>,
}

/// `--format` of `check` and `report` (SPEC §2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FormatArg {
    #[value(alias = "json", alias = "ndjson")]
    Jsonl,
    Csv,
    Html,
    Junit,
}

/// `--fail-on` of `check` (SPEC §2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FailOnArg {
    Violation,
    Warning,
    Never,
}

#[derive(Args)]
pub struct DemoCli {
    /// Where to write the reports (default: a new temporary directory).
    #[arg(long)]
    pub out_dir: Option<PathBuf>,
    /// Serve the fixtures from this directory instead of the bundled copy.
    #[arg(long)]
    pub fixtures: Option<PathBuf>,
}
