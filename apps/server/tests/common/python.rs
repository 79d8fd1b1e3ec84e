//! The Python virtualenv of the OCPP interop tests (the `ocpp` package, tests/python).
//!
//! Made on first use under `target/ocpp-venv` (`python3 -m venv` and `pip install -r
//! tests/python/requirements.txt`, so a fresh machine needs network once); `MGC_OCPP_VENV`
//! points at another one.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Mutex;

/// Serialises the venv creation between the tests of this binary.
static VENV: Mutex<()> = Mutex::new(());

pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

pub fn run(cmd: &mut Command, what: &str) {
    let out = cmd.output().unwrap_or_else(|e| panic!("{what}: cannot run: {e}"));
    assert!(
        out.status.success(),
        "{what} failed:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The venv's python, creating the venv when it is missing or was made from other requirements.
pub fn python() -> PathBuf {
    let _one_at_a_time = VENV.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    let venv = std::env::var_os("MGC_OCPP_VENV").map(PathBuf::from).unwrap_or_else(|| {
        Path::new(env!("CARGO_TARGET_TMPDIR"))
            .parent()
            .map_or_else(|| repo_root().join("target"), Path::to_path_buf)
            .join("ocpp-venv")
    });
    let requirements = repo_root().join("tests/python/requirements.txt");
    let wanted = std::fs::read_to_string(&requirements).unwrap();
    let marker = venv.join("mgc-requirements.txt");
    let python = venv.join("bin/python");
    if python.exists() && std::fs::read_to_string(&marker).is_ok_and(|m| m == wanted) {
        return python;
    }
    run(Command::new("python3").args(["-m", "venv"]).arg(&venv), "python3 -m venv");
    run(
        Command::new(venv.join("bin/pip"))
            .args(["install", "--disable-pip-version-check", "-q", "-r"])
            .arg(&requirements),
        "pip install -r tests/python/requirements.txt",
    );
    std::fs::write(&marker, wanted).unwrap();
    python
}
