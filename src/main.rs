//! The `sitewarden` binary: parses the command line and maps outcomes to exit
//! codes. Everything else lives in the library.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};
use sitewarden::commands::{self, CheckArgs, DemoArgs, Exit, LogFormat, ReportArgs};

#[derive(Parser)]
#[command(
    name = "sitewarden",
    version,
    about = "Watches registered Vietnamese websites for the rules on electronic information"
)]
struct Cli {
    /// Configuration file.
    #[arg(long, global = true, env = "SITEWARDEN_CONFIG", default_value = "/etc/sitewarden/sitewarden.toml")]
    config: PathBuf,
    /// Log format: text (default) or json for log shippers.
    #[arg(long, global = true, value_enum, default_value_t = LogFormat::Text)]
    log_format: LogFormat,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
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
enum ConfigCommand {
    /// Validate the configuration and registry, print a summary.
    Check,
}

#[derive(Args)]
struct CheckCli {
    /// Only this site (repeatable).
    #[arg(long = "site")]
    sites: Vec<String>,
    /// Make "today" this date (YYYY-MM-DD, Asia/Ho_Chi_Minh).
    #[arg(long)]
    as_of: Option<String>,
    #[arg(long)]
    format: Option<String>,
    #[arg(long)]
    out: Option<PathBuf>,
    /// violation, warning or never.
    #[arg(long, default_value = "violation")]
    fail_on: String,
}

#[derive(Args)]
struct ReportCli {
    #[arg(long)]
    date: Option<String>,
    #[arg(long)]
    from: Option<String>,
    #[arg(long)]
    to: Option<String>,
    #[arg(long = "site")]
    sites: Vec<String>,
    #[arg(long)]
    format: Option<String>,
    #[arg(long)]
    out: Option<PathBuf>,
}

#[derive(Args)]
struct DemoCli {
    /// Where to write the reports (default: a new temporary directory).
    #[arg(long)]
    out_dir: Option<PathBuf>,
    /// Serve the fixtures from this directory instead of the bundled copy.
    #[arg(long)]
    fixtures: Option<PathBuf>,
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let code = if e.use_stderr() { Exit::Usage } else { Exit::Ok };
            let _ = e.print();
            return code.into();
        }
    };
    // The demo's output is its table; its per-site log lines are noise there.
    let level = if matches!(cli.command, Command::Demo(_)) { "warn" } else { "info" };
    commands::init_logging(cli.log_format, level);
    let outcome = match cli.command {
        Command::Run => commands::run(&cli.config),
        Command::Check(c) => commands::check(
            &cli.config,
            CheckArgs {
                sites: c.sites,
                as_of: c.as_of,
                format: c.format,
                out: c.out,
                fail_on: c.fail_on,
            },
        ),
        Command::Report(r) => commands::report(
            &cli.config,
            ReportArgs {
                date: r.date,
                from: r.from,
                to: r.to,
                sites: r.sites,
                format: r.format,
                out: r.out,
            },
        ),
        Command::Config {
            command: ConfigCommand::Check,
        } => commands::config_check(&cli.config),
        Command::Demo(d) => commands::demo(DemoArgs {
            out_dir: d.out_dir,
            fixtures: d.fixtures,
        }),
    };
    match outcome {
        Ok(code) => code.into(),
        Err(e) => {
            eprintln!("sitewarden: {}", e.message);
            e.exit.into()
        }
    }
}
