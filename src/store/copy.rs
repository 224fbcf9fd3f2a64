//! Private copies of the database directory: `report` reads one instead of
//! the database itself, and `check` and the daemon open one before they
//! open the database for writing.

use std::fs::{self, File, OpenOptions};
use std::io;
use std::path::{Path, PathBuf};

/// A copy of a database directory in a new directory only this user can
/// enter, with a random name; removed (copy and directory) when dropped.
pub struct DbCopy {
    dir: tempfile::TempDir,
}

impl DbCopy {
    /// Copy `from` (a sled directory) into a fresh private directory under
    /// the system's temporary directory. Nothing in the way is reused or
    /// followed: the directory is created new (mode 0700, random name),
    /// every file in it with O_EXCL, and links inside `from` are skipped.
    pub fn of(from: &Path) -> io::Result<DbCopy> {
        let dir = private_dir()?;
        let to = dir.path().join("db");
        fs::create_dir(&to)?;
        // The flush count first: it is written only after the flush it
        // counts, so copied before sled's files it can never be ahead of
        // them, even while the daemon writes (see integrity.rs).
        copy_file(&from.join(super::FLUSH_FILE), &to.join(super::FLUSH_FILE))?;
        copy_dir_into(from, &to)?;
        Ok(DbCopy { dir })
    }

    /// An empty private directory to open a new, empty database in.
    pub fn empty() -> io::Result<DbCopy> {
        let dir = private_dir()?;
        fs::create_dir(dir.path().join("db"))?;
        Ok(DbCopy { dir })
    }

    /// The copied database directory.
    pub fn path(&self) -> PathBuf {
        self.dir.path().join("db")
    }

    /// The private directory holding the copy.
    pub fn dir(&self) -> &Path {
        self.dir.path()
    }
}

fn private_dir() -> io::Result<tempfile::TempDir> {
    let mut builder = tempfile::Builder::new();
    builder.prefix("sitewarden-db-copy-");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(fs::Permissions::from_mode(0o700));
    }
    builder.tempdir()
}

/// Copy the files and directories of `from` into the existing `to`. The
/// flush count is skipped: [`DbCopy::of`] copies it first.
fn copy_dir_into(from: &Path, to: &Path) -> io::Result<()> {
    for entry in fs::read_dir(from)? {
        let entry = entry?;
        let name = entry.file_name();
        if name == super::FLUSH_FILE {
            continue;
        }
        let target = to.join(&name);
        // DirEntry::file_type does not follow links: a link in the database
        // directory is not sled's and is left out.
        let kind = entry.file_type()?;
        if kind.is_dir() {
            // create_dir, not create_dir_all: the target must be new.
            fs::create_dir(&target)?;
            copy_dir_into(&entry.path(), &target)?;
        } else if kind.is_file() {
            copy_file(&entry.path(), &target)?;
        } else {
            tracing::warn!(path = %entry.path().display(), "not a file or directory; left out of the database copy");
        }
    }
    Ok(())
}

/// Copy one file into a new file (O_EXCL, so nothing in the way is
/// followed). A file gone since the directory was listed (sled removes old
/// snapshots as it writes new ones) is skipped.
fn copy_file(from: &Path, to: &Path) -> io::Result<()> {
    let mut src = match File::open(from) {
        Ok(f) => f,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(e),
    };
    let mut dst = OpenOptions::new().write(true).create_new(true).open(to)?;
    io::copy(&mut src, &mut dst)?;
    Ok(())
}
