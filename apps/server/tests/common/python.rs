//! Python virtualenvs of the tests that drive the binary with outside tools: the OCPP interop
//! tests (`ocpp`, tests/python/requirements.txt), the OpenAPI contract test (schemathesis,
//! requirements-contract.txt) and the console test (Selenium, requirements-console.txt).
//!
//! Each is made on first use under `target/<name>` (`python3 -m venv` and `pip install -r`, so a
//! fresh machine needs network once) and made again when its requirements file changed; an
//! environment variable per venv points at another one. `.ci/run` makes them up front.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Mutex;

/// Serialises the venv creation between the tests of one test binary.
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

/// The `bin` directory of the venv `target/<name>` (or `$<env_var>`) with
/// `tests/python/<requirements>` installed, creating it when missing or made from other
/// requirements.
pub fn venv_bin(name: &str, requirements: &str, env_var: &str) -> PathBuf {
    let _one_at_a_time = VENV.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    let venv = std::env::var_os(env_var).map(PathBuf::from).unwrap_or_else(|| {
        Path::new(env!("CARGO_TARGET_TMPDIR"))
            .parent()
            .map_or_else(|| repo_root().join("target"), Path::to_path_buf)
            .join(name)
    });
    let requirements = repo_root().join("tests/python").join(requirements);
    let wanted = std::fs::read_to_string(&requirements).unwrap();
    let marker = venv.join("mgc-requirements.txt");
    let bin = venv.join("bin");
    if bin.join("python").exists() && std::fs::read_to_string(&marker).is_ok_and(|m| m == wanted) {
        return bin;
    }
    run(Command::new("python3").args(["-m", "venv"]).arg(&venv), "python3 -m venv");
    run(
        Command::new(bin.join("pip")).args(["install", "--disable-pip-version-check", "-q", "-r"]).arg(&requirements),
        &format!("pip install -r {}", requirements.display()),
    );
    std::fs::write(&marker, wanted).unwrap();
    bin
}

/// The OCPP interop venv's python (`MGC_OCPP_VENV` points at another venv).
pub fn python() -> PathBuf {
    venv_bin("ocpp-venv", "requirements.txt", "MGC_OCPP_VENV").join("python")
}
