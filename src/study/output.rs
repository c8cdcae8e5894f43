//! Writing a study folder without losing anything: an existing, non-empty folder is
//! refused unless forced; files are first written to a temporary folder beside the
//! target, then moved into place by rename, so a failure never leaves half a study.

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
    let parent = match dir.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    fs::create_dir_all(&parent).map_err(io_err(&parent))?;
    let name = dir
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_else(|| "study".into());
    let staging = parent.join(format!(".{name}.preclin-{}", std::process::id()));
    let result = stage_and_move(&staging, dir, files, exists, empty);
    if staging.exists() {
        let _ = fs::remove_dir_all(&staging);
    }
    result
}

fn stage_and_move(
    staging: &Path,
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
    // Forced into a non-empty folder: replace file by file.
    for rel in files.keys() {
        let target = dir.join(rel);
        if let Some(p) = target.parent() {
            fs::create_dir_all(p).map_err(io_err(p))?;
        }
        fs::rename(staging.join(rel), &target).map_err(io_err(&target))?;
    }
    Ok(())
}
