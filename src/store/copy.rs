//! Private copies of the database directory: `report` reads one instead of
//! the database itself.

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
        let mut builder = tempfile::Builder::new();
        builder.prefix("sitewarden-report-");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            builder.permissions(fs::Permissions::from_mode(0o700));
        }
        let dir = builder.tempdir()?;
        copy_dir(from, &dir.path().join("db"))?;
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

fn copy_dir(from: &Path, to: &Path) -> io::Result<()> {
    // create_dir, not create_dir_all: the target must be new.
    fs::create_dir(to)?;
    for entry in fs::read_dir(from)? {
        let entry = entry?;
        let target = to.join(entry.file_name());
        // DirEntry::file_type does not follow links: a link in the database
        // directory is not sled's and is left out.
        let kind = entry.file_type()?;
        if kind.is_dir() {
            copy_dir(&entry.path(), &target)?;
        } else if kind.is_file() {
            let mut src = File::open(entry.path())?;
            let mut dst = OpenOptions::new().write(true).create_new(true).open(&target)?;
            io::copy(&mut src, &mut dst)?;
        } else {
            tracing::warn!(path = %entry.path().display(), "not a file or directory; left out of the database copy");
        }
    }
    Ok(())
}
