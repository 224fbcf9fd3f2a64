//! The `sitewarden` binary: parses the command line and maps outcomes to exit
//! codes. Everything else lives in the library.

use std::process::ExitCode;

use clap::Parser;
use sitewarden::commands::{self, CheckArgs, DemoArgs, Exit, ReportArgs};

mod cli;

use cli::{Cli, Command, ConfigCommand, LogFormat};

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
    let format = match cli.log_format {
        LogFormat::Text => commands::LogFormat::Text,
        LogFormat::Json => commands::LogFormat::Json,
    };
    commands::init_logging(format, level);
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
