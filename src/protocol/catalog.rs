//! Where protocols come from: the built-in ones compiled into preclin, files in
//! `./protocols/` of the working directory, or any `.toml` path.

use std::fs;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use super::diagnostic::ProtocolDiagnostics;
use super::load::parse_protocol;
use super::schema::Protocol;

/// Built-in protocols: (id, file text). The files live in `protocols/` of the source tree.
const BUILTIN: &[(&str, &str)] = &[
    ("fst-mouse", include_str!("../../protocols/fst-mouse.toml")),
    (
        "fst-imipramine-zinc",
        include_str!("../../protocols/fst-imipramine-zinc.toml"),
    ),
    (
        "fst-rat-modified",
        include_str!("../../protocols/fst-rat-modified.toml"),
    ),
    (
        "cms-cyp-rat",
        include_str!("../../protocols/cms-cyp-rat.toml"),
    ),
];

/// Folder of the working directory searched for the user's own protocols.
pub const LOCAL_DIR: &str = "protocols";

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    BuiltIn,
    File(PathBuf),
}

impl Origin {
    /// How the origin is shown to the user and in diagnostics.
    pub fn display_name(&self, id: &str) -> String {
        match self {
            Origin::BuiltIn => format!("built-in:{id}"),
            Origin::File(p) => p.display().to_string(),
        }
    }
}

/// A valid protocol with the text it came from and that text's SHA-256.
#[derive(Debug, Clone)]
pub struct LoadedProtocol {
    pub protocol: Protocol,
    pub origin: Origin,
    pub text: String,
    pub sha256: String,
}

#[derive(Debug, thiserror::Error)]
pub enum ResolveError {
    #[error(
        "cannot read protocol file {path}: {source}\nhelp: {}",
        read_hint(source)
    )]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{0}")]
    Invalid(Box<ProtocolDiagnostics>),
    #[error(
        "no protocol `{id}`: it is neither a file nor a built-in or local protocol\nhelp: {hint}"
    )]
    Unknown { id: String, hint: String },
}

fn sha256_hex(text: &str) -> String {
    Sha256::digest(text.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn load(origin: Origin, name: &str, text: String) -> Result<LoadedProtocol, ResolveError> {
    let protocol = parse_protocol(name, &text).map_err(|d| ResolveError::Invalid(Box::new(d)))?;
    let sha256 = sha256_hex(&text);
    Ok(LoadedProtocol {
        protocol,
        origin,
        text,
        sha256,
    })
}

/// Reads and validates a protocol file.
pub fn load_file(path: &Path) -> Result<LoadedProtocol, ResolveError> {
    let text = fs::read_to_string(path).map_err(|source| ResolveError::Read {
        path: path.to_path_buf(),
        source,
    })?;
    load(
        Origin::File(path.to_path_buf()),
        &path.display().to_string(),
        text,
    )
}

/// The built-in protocols, parsed. They are validated by the test suite.
pub fn builtin_protocols() -> Vec<Result<LoadedProtocol, ResolveError>> {
    BUILTIN
        .iter()
        .map(|(id, text)| load(Origin::BuiltIn, &format!("built-in:{id}"), text.to_string()))
        .collect()
}

/// The built-in protocol with this id, whatever files the working directory holds.
pub fn builtin(id: &str) -> Option<Result<LoadedProtocol, ResolveError>> {
    BUILTIN
        .iter()
        .find(|(builtin_id, _)| *builtin_id == id)
        .map(|(id, text)| load(Origin::BuiltIn, &format!("built-in:{id}"), text.to_string()))
}

/// A protocol found by `protocol list`, valid or not.
#[derive(Debug)]
pub struct Catalogued {
    pub origin: Origin,
    pub id: String,
    pub loaded: Result<LoadedProtocol, ResolveError>,
}

/// Built-in protocols followed by the `.toml` files of `dir` (sorted by file name).
pub fn list_protocols(dir: &Path) -> Vec<Catalogued> {
    let mut out: Vec<Catalogued> = BUILTIN
        .iter()
        .zip(builtin_protocols())
        .map(|((id, _), loaded)| Catalogued {
            origin: Origin::BuiltIn,
            id: id.to_string(),
            loaded,
        })
        .collect();
    for path in local_files(dir) {
        let id = path
            .file_stem()
            .map(|s| s.to_string_lossy().to_string())
            .unwrap_or_default();
        out.push(Catalogued {
            origin: Origin::File(path.clone()),
            id,
            loaded: load_file(&path),
        });
    }
    out
}

fn local_files(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut files: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    files.sort();
    files
}

/// Finds a protocol by path or id: an existing file path first, then `dir/ID.toml`,
/// then a local file whose `id` matches, then the built-in protocol with that id.
pub fn resolve(id_or_path: &str, dir: &Path) -> Result<LoadedProtocol, ResolveError> {
    let as_path = Path::new(id_or_path);
    let looks_like_path = id_or_path.ends_with(".toml")
        || id_or_path.contains(std::path::MAIN_SEPARATOR)
        || id_or_path.contains('/');
    if as_path.is_file() || looks_like_path {
        return load_file(as_path);
    }
    let local = dir.join(format!("{id_or_path}.toml"));
    if local.is_file() {
        return load_file(&local);
    }
    for path in local_files(dir) {
        if let Ok(text) = fs::read_to_string(&path) {
            if let Ok(p) = toml::from_str::<toml::Table>(&text) {
                if p.get("id").and_then(|v| v.as_str()) == Some(id_or_path) {
                    return load_file(&path);
                }
            }
        }
    }
    if let Some(loaded) = builtin(id_or_path) {
        return loaded;
    }
    let ids: Vec<String> = BUILTIN.iter().map(|(id, _)| id.to_string()).collect();
    let hint = match super::load::closest(id_or_path, &ids) {
        Some(best) => format!("did you mean `{best}`? `preclin protocol list` shows all protocols"),
        None => "`preclin protocol list` shows the available protocols".to_string(),
    };
    Err(ResolveError::Unknown {
        id: id_or_path.to_string(),
        hint,
    })
}

fn read_hint(e: &std::io::Error) -> &'static str {
    match e.kind() {
        std::io::ErrorKind::InvalidData => "save the protocol as UTF-8 text (any text editor offers it under Save As › Encoding)",
        std::io::ErrorKind::NotFound => "check the path; `preclin protocol list` shows the built-in protocols and those in ./protocols/",
        _ => "check that the file exists and can be read",
    }
}
