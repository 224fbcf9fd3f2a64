//! The `sitewarden` binary: parses the command line, sets up logging and maps
//! outcomes to exit codes. Everything else lives in the library.

use std::fmt;
use std::io::IsTerminal;
use std::os::fd::AsFd;
use std::os::unix::fs::MetadataExt;
use std::process::ExitCode;

use clap::Parser;
use sitewarden::commands::{self, CheckArgs, DemoArgs, Exit, ReportArgs};
use sitewarden::model::Severity;
use sitewarden::report::Format;
use tracing::{Event, Level, Subscriber};
use tracing_subscriber::EnvFilter;
use tracing_subscriber::fmt::FmtContext;
use tracing_subscriber::fmt::format::{self, FormatEvent, FormatFields, Writer};
use tracing_subscriber::registry::LookupSpan;

mod cli;

use cli::{Cli, Command, ConfigCommand, FailOnArg, FormatArg, LogFormat};

/// Logs go to stderr (stdout carries results). Colour only for a person at a
/// terminal who has not asked for none (no-color.org); under systemd, no
/// timestamps (journald adds them) and each line opens with its syslog
/// priority so `journalctl -p warning` and the colouring of journalctl work.
fn init_logging(format: LogFormat, default_level: &str) {
    let filter = EnvFilter::try_from_env("SITEWARDEN_LOG").unwrap_or_else(|_| EnvFilter::new(default_level));
    let journal = stderr_is_journal();
    let colour = !journal && std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        // Through check's progress bar, when one is drawn.
        .with_writer(|| sitewarden::progress::LogWriter)
        .with_ansi(colour);
    let _ = match (format, journal) {
        (LogFormat::Json, false) => builder.json().try_init(),
        (LogFormat::Json, true) => builder.json().event_format(Priority(format::format().json())).try_init(),
        (LogFormat::Text, false) => builder.try_init(),
        (LogFormat::Text, true) => builder
            .event_format(Priority(format::format().without_time().with_ansi(false)))
            .try_init(),
    };
}

/// systemd sets JOURNAL_STREAM to the device and inode of the stream it hands
/// the service as stderr. Child processes inherit the variable even when their
/// stderr goes elsewhere (`sitewarden check 2>file` in a unit's script), so
/// only a matching stderr counts.
fn stderr_is_journal() -> bool {
    let Some((dev, ino)) = std::env::var("JOURNAL_STREAM").ok().and_then(|v| {
        let (d, i) = v.split_once(':')?;
        Some((d.parse::<u64>().ok()?, i.parse::<u64>().ok()?))
    }) else {
        return false;
    };
    std::io::stderr()
        .as_fd()
        .try_clone_to_owned()
        .map(std::fs::File::from)
        .and_then(|f| f.metadata())
        .is_ok_and(|m| m.dev() == dev && m.ino() == ino)
}

/// The sd-daemon `<N>` prefix: journald strips it and records N as the line's
/// priority. A line written without it would be stored as info whatever its level.
struct Priority<F>(F);

impl<S, N, F> FormatEvent<S, N> for Priority<F>
where
    S: Subscriber + for<'a> LookupSpan<'a>,
    N: for<'a> FormatFields<'a> + 'static,
    F: FormatEvent<S, N>,
{
    fn format_event(&self, ctx: &FmtContext<'_, S, N>, mut writer: Writer<'_>, event: &Event<'_>) -> fmt::Result {
        let priority = match *event.metadata().level() {
            Level::ERROR => 3,
            Level::WARN => 4,
            Level::INFO => 6,
            _ => 7,
        };
        write!(writer, "<{priority}>")?;
        self.0.format_event(ctx, writer, event)
    }
}

fn main() -> ExitCode {
    sitewarden::memory::limit_heaps();
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
    init_logging(cli.log_format, level);
    let outcome = match cli.command {
        Command::Run => commands::run(&cli.config),
        Command::Check(c) => commands::check(
            &cli.config,
            CheckArgs {
                sites: c.sites,
                as_of: c.as_of,
                format: c.format.map(format),
                out: c.out,
                fail_on: match c.fail_on {
                    FailOnArg::Violation => Some(Severity::Violation),
                    FailOnArg::Warning => Some(Severity::Warning),
                    FailOnArg::Never => None,
                },
                progress: !c.quiet && std::io::stderr().is_terminal(),
            },
        ),
        Command::Report(r) => commands::report(
            &cli.config,
            ReportArgs {
                date: r.date,
                from: r.from,
                to: r.to,
                sites: r.sites,
                format: r.format.map(format),
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

fn format(f: FormatArg) -> Format {
    match f {
        FormatArg::Jsonl => Format::Jsonl,
        FormatArg::Csv => Format::Csv,
        FormatArg::Html => Format::Html,
        FormatArg::Junit => Format::Junit,
    }
}
