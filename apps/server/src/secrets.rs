//! The JWT verifier/issuer from configuration, generating the embedded HS256 secret on first use.

use crate::config::Config;
use mgc_iam::{JwtIssuer, JwtVerifier};
use rand::RngCore;
use std::io::Write;
use std::path::PathBuf;

/// Keys for operator tokens.
pub struct JwtKeys {
    /// Verifies incoming tokens.
    pub verifier: JwtVerifier,
    /// Mints tokens (only with an HS256 secret).
    pub issuer: Option<JwtIssuer>,
    /// Set when this call generated a new secret file.
    pub generated: Option<PathBuf>,
}

fn secret_file(config: &Config) -> PathBuf {
    if config.auth.jwt_secret_file.is_empty() {
        config.data_dir.join("jwt-secret")
    } else {
        PathBuf::from(&config.auth.jwt_secret_file)
    }
}

/// Builds the keys: RS256 public key when configured, else the HS256 secret from config, else
/// the secret file (created with mode 0600 holding 256 random bits when missing).
pub fn jwt_keys(config: &Config) -> Result<JwtKeys, String> {
    let leeway = config.auth.jwt_leeway_secs;
    if !config.auth.jwt_public_key_file.is_empty() {
        let path = &config.auth.jwt_public_key_file;
        let pem = std::fs::read(path).map_err(|e| format!("auth.jwt_public_key_file: cannot read {path}: {e}"))?;
        let verifier = JwtVerifier::rs256_pem(&pem).map_err(|e| format!("auth.jwt_public_key_file: {e}"))?;
        return Ok(JwtKeys { verifier: verifier.with_leeway(leeway), issuer: None, generated: None });
    }
    let (secret, generated) = if config.auth.jwt_secret.is_empty() {
        read_or_create_secret(&secret_file(config))?
    } else {
        (config.auth.jwt_secret.clone().into_bytes(), None)
    };
    Ok(JwtKeys {
        verifier: JwtVerifier::hs256(&secret).with_leeway(leeway),
        issuer: Some(JwtIssuer::hs256(&secret)),
        generated,
    })
}

fn read_or_create_secret(path: &PathBuf) -> Result<(Vec<u8>, Option<PathBuf>), String> {
    match std::fs::read_to_string(path) {
        Ok(s) => {
            let s = s.trim();
            if s.len() < 32 {
                return Err(format!("{}: secret must be at least 32 characters", path.display()));
            }
            Ok((s.as_bytes().to_vec(), None))
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                std::fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
            }
            let mut bytes = [0u8; 32];
            rand::rngs::OsRng.fill_bytes(&mut bytes);
            let secret = hex::encode(bytes);
            write_private(path, &secret).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
            Ok((secret.into_bytes(), Some(path.clone())))
        }
        Err(e) => Err(format!("cannot read {}: {e}", path.display())),
    }
}

#[cfg(unix)]
pub(crate) fn write_private(path: &PathBuf, content: &str) -> std::io::Result<()> {
    use std::os::unix::fs::OpenOptionsExt;
    let mut f = std::fs::OpenOptions::new().write(true).create_new(true).mode(0o600).open(path)?;
    f.write_all(content.as_bytes())?;
    f.sync_all()
}

#[cfg(not(unix))]
pub(crate) fn write_private(path: &PathBuf, content: &str) -> std::io::Result<()> {
    let mut f = std::fs::OpenOptions::new().write(true).create_new(true).open(path)?;
    f.write_all(content.as_bytes())?;
    f.sync_all()
}
