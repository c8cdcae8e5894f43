//! Writing a study folder without losing anything: an existing, non-empty folder is
//! refused unless forced, and the folder holds either its previous complete state or the
//! new complete one at every moment, even if preclin is killed while writing.
//!
//! The new state is built in a staging folder beside the target (`.NAME.preclin-new-PID`):
//! the new files, and when forced into a non-empty folder, every other file of the target
//! by hard link (a copy where the file system has none). It then takes the target's place
//! in one step: `rename` into an absent or empty target, or on Linux an atomic exchange of
//! the two folders (`renameat2` with `RENAME_EXCHANGE`). Elsewhere the old folder is first
//! renamed aside (`.NAME.preclin-old-PID`); if preclin stops between the two renames, the
//! next write puts it back. Leftover staging folders of an interrupted run are removed by
//! the next write to the same target.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use super::files::StudyFiles;

#[derive(Debug, thiserror::Error)]
pub enum OutputError {
    #[error("{dir} already exists and is not empty; nothing was written\nhelp: choose another --out folder, or add --force to replace preclin's files in it")]
    NotEmpty { dir: PathBuf },
    #[error("{path} exists and is not a folder")]
    NotADirectory { path: PathBuf },
    #[error("cannot write {path}: {source}")]
    Io { path: PathBuf, source: io::Error },
}

fn io_err(path: &Path) -> impl FnOnce(io::Error) -> OutputError + '_ {
    move |source| OutputError::Io {
        path: path.to_path_buf(),
        source,
    }
}

fn is_empty_dir(dir: &Path) -> Result<bool, OutputError> {
    Ok(fs::read_dir(dir).map_err(io_err(dir))?.next().is_none())
}

/// Writes `files` under `dir`. With `force`, files of the same name are replaced and
/// other files in `dir` are left alone.
pub fn write_study(dir: &Path, files: &StudyFiles, force: bool) -> Result<(), OutputError> {
    let parent = match dir.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let name = dir
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_else(|| "study".into());
    recover(&parent, &name, dir)?;
    let exists = dir.exists();
    if exists && !dir.is_dir() {
        return Err(OutputError::NotADirectory {
            path: dir.to_path_buf(),
        });
    }
    let empty = !exists || is_empty_dir(dir)?;
    if !empty && !force {
        return Err(OutputError::NotEmpty {
            dir: dir.to_path_buf(),
        });
    }
    fs::create_dir_all(&parent).map_err(io_err(&parent))?;
    let pid = std::process::id();
    let staging = parent.join(format!(".{name}.preclin-new-{pid}"));
    let backup = parent.join(format!(".{name}.preclin-old-{pid}"));
    let result = stage_and_move(&staging, &backup, dir, files, exists, empty);
    if staging.exists() {
        let _ = fs::remove_dir_all(&staging);
    }
    result
}

/// Cleans up after a write to `dir` that was interrupted: a previous state renamed aside
/// goes back when the target is missing; staging folders are removed.
fn recover(parent: &Path, name: &str, dir: &Path) -> Result<(), OutputError> {
    let Ok(entries) = fs::read_dir(parent) else {
        return Ok(());
    };
    let prefix = format!(".{name}.preclin-");
    let mut leftovers: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().starts_with(&prefix))
        .map(|e| e.path())
        .collect();
    leftovers.sort();
    for path in leftovers {
        let file = path.file_name().unwrap_or_default().to_string_lossy();
        let is_backup = file[prefix.len()..].starts_with("old-");
        if is_backup && !dir.exists() {
            fs::rename(&path, dir).map_err(io_err(dir))?;
        } else if path.is_dir() {
            fs::remove_dir_all(&path).map_err(io_err(&path))?;
        }
    }
    Ok(())
}

fn stage_and_move(
    staging: &Path,
    backup: &Path,
    dir: &Path,
    files: &StudyFiles,
    exists: bool,
    empty: bool,
) -> Result<(), OutputError> {
    if staging.exists() {
        fs::remove_dir_all(staging).map_err(io_err(staging))?;
    }
    for (rel, bytes) in files {
        let path = staging.join(rel);
        if let Some(p) = path.parent() {
            fs::create_dir_all(p).map_err(io_err(p))?;
        }
        fs::write(&path, bytes).map_err(io_err(&path))?;
    }
    if empty {
        if exists {
            fs::remove_dir(dir).map_err(io_err(dir))?;
        }
        return fs::rename(staging, dir).map_err(io_err(dir));
    }
    // Forced into a non-empty folder: the other files join the new state, which then
    // takes the folder's place whole.
    link_others(dir, staging, Path::new(""))?;
    swap_in(staging, backup, dir)
}

/// Hard-links (or copies) into `staging` every file of `dir` under `rel` that the new
/// state does not replace.
fn link_others(dir: &Path, staging: &Path, rel: &Path) -> Result<(), OutputError> {
    let from_dir = dir.join(rel);
    for entry in fs::read_dir(&from_dir).map_err(io_err(&from_dir))? {
        let entry = entry.map_err(io_err(&from_dir))?;
        let rel = rel.join(entry.file_name());
        let from = dir.join(&rel);
        let to = staging.join(&rel);
        let kind = entry.file_type().map_err(io_err(&from))?;
        if kind.is_dir() {
            if to.exists() && !to.is_dir() {
                continue;
            }
            fs::create_dir_all(&to).map_err(io_err(&to))?;
            link_others(dir, staging, &rel)?;
        } else if fs::symlink_metadata(&to).is_err() && fs::hard_link(&from, &to).is_err() {
            fs::copy(&from, &to).map_err(io_err(&to))?;
        }
    }
    Ok(())
}

/// Puts the folder `staging` in the place of `dir`, which then goes.
fn swap_in(staging: &Path, backup: &Path, dir: &Path) -> Result<(), OutputError> {
    if exchange(staging, dir) {
        // `staging` now holds the previous state.
        return fs::remove_dir_all(staging).map_err(io_err(staging));
    }
    fs::rename(dir, backup).map_err(io_err(dir))?;
    fs::rename(staging, dir).map_err(io_err(dir))?;
    fs::remove_dir_all(backup).map_err(io_err(backup))
}

/// Swaps two folders in one step where the system can; `false` where it cannot.
#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> bool {
    use std::os::unix::ffi::OsStrExt;
    let (Ok(a), Ok(b)) = (
        std::ffi::CString::new(a.as_os_str().as_bytes()),
        std::ffi::CString::new(b.as_os_str().as_bytes()),
    ) else {
        return false;
    };
    // SAFETY: both paths are NUL-terminated C strings that outlive the call.
    let rc = unsafe {
        libc::renameat2(
            libc::AT_FDCWD,
            a.as_ptr(),
            libc::AT_FDCWD,
            b.as_ptr(),
            libc::RENAME_EXCHANGE,
        )
    };
    rc == 0
}

#[cfg(not(target_os = "linux"))]
fn exchange(_: &Path, _: &Path) -> bool {
    false
}
