//! The master key (key-encryption key) that seals secrets at rest: `MGC_MASTER_KEY` (hex keys,
//! comma-separated, the first one current) or `<data_dir>/master-key` (one hex key per line,
//! the first one current), generated with mode 0600 on first start. `mgc secrets rotate` puts a
//! new key first and re-seals every stored secret under it.

use crate::config::Config;
use crate::secrets::write_private;
use mgc_store::{Keyring, Store};
use std::path::PathBuf;

/// Environment variable that holds the master keys (overrides the file).
pub const MASTER_KEY_ENV: &str = "MGC_MASTER_KEY";

fn key_file(config: &Config) -> PathBuf {
    config.data_dir.join("master-key")
}

fn from_env() -> Option<String> {
    std::env::var(MASTER_KEY_ENV).ok().filter(|v| !v.trim().is_empty())
}

fn ring(text: &str, source: &str) -> Result<Keyring, String> {
    Keyring::from_hex(text.split([',', '\n']).map(str::trim).filter(|k| !k.is_empty()))
        .map_err(|e| format!("{source}: {e}"))
}

/// The configured master keys; creates the key file (mode 0600) when neither it nor the
/// variable exists.
pub fn keyring(config: &Config) -> Result<Keyring, String> {
    if let Some(keys) = from_env() {
        return ring(&keys, MASTER_KEY_ENV);
    }
    let path = key_file(config);
    match std::fs::read_to_string(&path) {
        Ok(text) => ring(&text, &path.display().to_string()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            std::fs::create_dir_all(&config.data_dir)
                .map_err(|e| format!("cannot create {}: {e}", config.data_dir.display()))?;
            let key = Keyring::generate_hex();
            write_private(&path, &format!("{key}\n")).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
            tracing::info!(path = %path.display(), "generated the master key that seals secrets at rest (mode 0600)");
            ring(&key, &path.display().to_string())
        }
        Err(e) => Err(format!("cannot read {}: {e}", path.display())),
    }
}

/// Installs the master keys in `store` (refusing keys that do not open the stored secrets) and
/// seals the secrets still stored in clear.
pub async fn install(store: &Store, config: &Config) -> Result<(), String> {
    let ring = keyring(config)?;
    store.install_keyring(ring).await.map_err(|e| format!("secrets at rest: {e}"))?;
    let report = store.seal_secrets(false).await.map_err(|e| format!("secrets at rest: {e}"))?;
    if report.sealed > 0 {
        tracing::info!(
            sealed = report.sealed,
            "sealed secrets (integrations, notification channels) that were stored in clear"
        );
    }
    Ok(())
}

/// `mgc secrets seal`: the value on standard input (one line, its line end dropped) sealed
/// under the current master key, printed on standard output; the value itself is never shown.
pub fn seal_stdin(config: &Config) -> Result<(), String> {
    let mut value = String::new();
    std::io::stdin().read_line(&mut value).map_err(|e| format!("cannot read standard input: {e}"))?;
    let value = value.trim_end_matches(['\r', '\n']);
    if value.is_empty() {
        return Err("nothing to seal: give the value on standard input".into());
    }
    let sealed = keyring(config)?.seal(value).map_err(|e| e.to_string())?;
    println!("{sealed}");
    Ok(())
}

/// Opens `thingsboard.password` and the collector sources' passwords when given sealed (`enc1:…`, from `mgc secrets seal`),
/// so the configuration file and environment need not hold it in clear.
pub fn open_config_secrets(config: &mut Config) -> Result<(), String> {
    let sealed = |s: &str| s.starts_with(mgc_store::SEALED_PREFIX);
    if !sealed(&config.thingsboard.password) && !config.collector.sources.iter().any(|s| sealed(&s.password)) {
        return Ok(());
    }
    let ring = keyring(config)?;
    if sealed(&config.thingsboard.password) {
        config.thingsboard.password =
            ring.open(&config.thingsboard.password).map_err(|e| format!("thingsboard.password: {e}"))?;
    }
    for (i, source) in config.collector.sources.iter_mut().enumerate().filter(|(_, s)| sealed(&s.password)) {
        source.password = ring.open(&source.password).map_err(|e| format!("collector.sources[{i}].password: {e}"))?;
    }
    Ok(())
}

/// `mgc secrets rotate`: a new current key (in the key file; with `MGC_MASTER_KEY` the operator
/// puts it first there), then every stored secret re-sealed under it. Old keys stay in the ring
/// so a rotation cut short leaves everything readable.
pub async fn rotate(config: &Config) -> Result<(), String> {
    if from_env().is_none() {
        let path = key_file(config);
        let old = std::fs::read_to_string(&path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        ring(&old, &path.display().to_string())?;
        let next = path.with_extension("new");
        let _ = std::fs::remove_file(&next);
        write_private(&next, &format!("{}\n{}", Keyring::generate_hex(), old.trim_start()))
            .map_err(|e| format!("cannot write {}: {e}", next.display()))?;
        std::fs::rename(&next, &path).map_err(|e| format!("cannot replace {}: {e}", path.display()))?;
    }
    let store = crate::serve::open_store(config).await?;
    let report = store.seal_secrets(true).await.map_err(|e| format!("secrets at rest: {e}"));
    store.close().await;
    let report = report?;
    eprintln!(
        "re-sealed {} of {} stored secrets (integrations, notification channels) under the new master key",
        report.sealed, report.rows
    );
    Ok(())
}
