// The fixture sites are compiled into the binary for `sitewarden demo`;
// rebuild when they change (include_dir cannot tell cargo on stable).
//
// The man pages and the bash, zsh and fish completions are generated here from
// the very clap types the binary parses with (src/cli.rs), so they cannot
// drift from the command line.

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use clap::CommandFactory;
use clap_complete::Shell;
use flate2::Compression;
use flate2::write::GzEncoder;

// Only the command definition is needed here, never the parsed values.
#[allow(dead_code)]
#[path = "src/cli.rs"]
mod cli;

/// Sections the top-level page has beyond what clap knows (roff).
const MAN_EXTRA: &str = r#".SH "EXIT STATUS"
.TP
\fB0\fR
success; for \fBcheck\fR, no result at or above \fB\-\-fail\-on\fR
.TP
\fB1\fR
\fBcheck\fR: at least one result at or above \fB\-\-fail\-on\fR
.TP
\fB2\fR
usage or configuration error; the message names the file, line and column
.TP
\fB3\fR
any other fatal error; the message says what and what to do
.SH ENVIRONMENT
.TP
\fBSITEWARDEN_CONFIG\fR
the configuration file when \fB\-\-config\fR is not given
.TP
\fBSITEWARDEN_LOG\fR
which log lines to write: \fBinfo\fR by default (\fBwarn\fR for \fBdemo\fR), \fBdebug\fR for more, or per module as in \fBinfo,sitewarden::crawler=debug\fR
.TP
\fBNO_COLOR\fR
when set and not empty, log lines are never coloured; without it they are coloured only when standard error is a terminal
.TP
\fBJOURNAL_STREAM\fR
set by systemd; when it names standard error, each log line opens with its syslog priority (\fB<3>\fR error, \fB<4>\fR warning, \fB<6>\fR info, \fB<7>\fR debug) and has no timestamp, which journald adds
.SH FILES
.TP
\fI/etc/sitewarden/sitewarden.toml\fR
the configuration; beside it \fIsites.toml\fR, the registered sites, and \fIholidays.toml\fR, the days off and swapped working days
.TP
\fI/var/lib/sitewarden/db\fR
the results (a sled database)
.TP
\fI/var/lib/sitewarden/findings/\fR
the nightly findings files, \fIfindings\-YYYY\-MM\-DD.{jsonl,csv,html}\fR
.TP
\fI/usr/share/doc/sitewarden/operations.md\fR
installing, watching and backing up the daemon
.SH "SEE ALSO"
\fBsitewarden\-run\fR(1), \fBsitewarden\-check\fR(1), \fBsitewarden\-report\fR(1), \fBsitewarden\-config\-check\fR(1), \fBsitewarden\-demo\fR(1), \fBsystemctl\fR(1), \fBjournalctl\fR(1)
"#;

fn main() {
    println!("cargo:rerun-if-changed=fixtures");
    println!("cargo:rerun-if-changed=src/cli.rs");

    let out_dir = PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    generate(&out_dir.join("assets")).expect("generate man pages and completions in OUT_DIR");

    // cargo-deb takes files only from the crate or from `target/<profile>/`
    // (its `target/release/` prefix), not from OUT_DIR, whose hashed name
    // changes and may exist in several stale copies. OUT_DIR is
    // `<target>/<profile>/build/<package>-<hash>/out` today; should cargo move
    // it (a separate build-dir), `cargo deb` reports the assets missing.
    match profile_dir(&out_dir) {
        Some(dir) => generate(&dir.join("sitewarden-assets")).expect("generate man pages and completions for cargo-deb"),
        None => println!(
            "cargo:warning=OUT_DIR {} is not <target>/<profile>/build/<package>-<hash>/out; man pages and completions are only in OUT_DIR",
            out_dir.display()
        ),
    }
}

fn profile_dir(out_dir: &Path) -> Option<&Path> {
    let pkg_dir = out_dir.parent().filter(|_| out_dir.ends_with("out"))?;
    let build_dir = pkg_dir.parent()?;
    let pkg = pkg_dir.file_name()?.to_str()?;
    (pkg.starts_with(concat!(env!("CARGO_PKG_NAME"), "-")) && build_dir.ends_with("build")).then_some(build_dir.parent()?)
}

/// `dir/man/*.1.gz` (one page per command, compressed as Debian policy wants)
/// and `dir/completions/{sitewarden.bash,_sitewarden,sitewarden.fish}`.
fn generate(dir: &Path) -> io::Result<()> {
    // A stale page of a removed subcommand must not be packaged.
    match fs::remove_dir_all(dir) {
        Err(e) if e.kind() != io::ErrorKind::NotFound => return Err(e),
        _ => {}
    }
    let man = dir.join("man");
    let completions = dir.join("completions");
    fs::create_dir_all(&man)?;
    fs::create_dir_all(&completions)?;

    let mut cmd = cli::Cli::command().disable_help_subcommand(true);
    cmd.build();
    man_pages(&cmd, &man, true)?;

    let mut cmd = cli::Cli::command();
    for shell in [Shell::Bash, Shell::Zsh, Shell::Fish] {
        clap_complete::generate_to(shell, &mut cmd, env!("CARGO_PKG_NAME"), &completions)?;
    }
    Ok(())
}

fn man_pages(cmd: &clap::Command, dir: &Path, top: bool) -> io::Result<()> {
    for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
        man_pages(sub, dir, false)?;
    }
    let page = clap_mangen::Man::new(cmd.clone());
    // No mtime or file name in the gzip header, so the package is reproducible.
    let mut gz = GzEncoder::new(Vec::new(), Compression::best());
    if top {
        page.render_title(&mut gz)?;
        page.render_name_section(&mut gz)?;
        page.render_synopsis_section(&mut gz)?;
        page.render_description_section(&mut gz)?;
        page.render_options_section(&mut gz)?;
        page.render_subcommands_section(&mut gz)?;
        gz.write_all(MAN_EXTRA.as_bytes())?;
        page.render_version_section(&mut gz)?;
    } else {
        page.render(&mut gz)?;
    }
    fs::write(dir.join(format!("{}.gz", page.get_filename())), gz.finish()?)
}
