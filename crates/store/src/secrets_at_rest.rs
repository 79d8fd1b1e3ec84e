//! Sealing secrets at rest with the store's [`Keyring`]: integration secrets, and the whole
//! settings of notification channels (webhook and DingTalk secrets, URLs carrying tokens,
//! headers, SMTP passwords) stored as `{"sealed": "enc1:…"}`; on write, on read, and in bulk
//! (start-up sealing of rows written in clear before, re-sealing under a new key).

use crate::db::Inner;
use crate::rows::db_err;
use crate::secret_box::{sealed_with, Keyring, SecretBoxError, SEALED_PREFIX};
use crate::Store;
use mgc_kernel::RepoError;
use std::sync::Arc;

/// What a bulk sealing pass did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SecretsReport {
    /// Integration and notification channel rows read.
    pub rows: u64,
    /// Rows written back sealed under the current key.
    pub sealed: u64,
}

fn box_err(e: SecretBoxError) -> RepoError {
    RepoError::Backend(e.to_string())
}

/// Seals `plain` when the store has a keyring (as given otherwise).
pub(crate) fn seal(inner: &Inner, plain: &str) -> Result<String, RepoError> {
    match inner.keyring.get() {
        Some(ring) => ring.seal(plain).map_err(box_err),
        None => Ok(plain.to_owned()),
    }
}

/// [`seal`] of an optional value.
pub(crate) fn seal_opt(inner: &Inner, plain: Option<&str>) -> Result<Option<String>, RepoError> {
    plain.map(|p| seal(inner, p)).transpose()
}

/// Opens a stored value (a clear one is returned as it is).
pub(crate) fn open(inner: &Inner, stored: String) -> Result<String, RepoError> {
    if !stored.starts_with(SEALED_PREFIX) {
        return Ok(stored);
    }
    match inner.keyring.get() {
        Some(ring) => ring.open(&stored).map_err(box_err),
        None => Err(box_err(SecretBoxError::NoKey)),
    }
}

/// Key of the object a sealed channel configuration is stored as (`{"sealed": "enc1:…"}`).
const SEALED_JSON_KEY: &str = "sealed";

/// Seals a channel's settings as `{"sealed": "enc1:…"}` when the store has a keyring.
pub(crate) fn seal_json(inner: &Inner, plain: &serde_json::Value) -> Result<serde_json::Value, RepoError> {
    match inner.keyring.get() {
        Some(ring) => Ok(serde_json::json!({ SEALED_JSON_KEY: ring.seal(&plain.to_string()).map_err(box_err)? })),
        None => Ok(plain.clone()),
    }
}

/// The sealed text of a stored channel configuration (none when it is stored in clear).
fn sealed_text(stored: &serde_json::Value) -> Option<&str> {
    let fields = stored.as_object().filter(|o| o.len() == 1)?;
    fields.get(SEALED_JSON_KEY)?.as_str().filter(|s| s.starts_with(SEALED_PREFIX))
}

fn parse_opened(plain: &str) -> Result<serde_json::Value, RepoError> {
    // serde_json's message names a position, never the text.
    serde_json::from_str(plain)
        .map_err(|e| RepoError::Backend(format!("a sealed channel configuration is not JSON: {e}")))
}

/// Opens a stored channel configuration (one in clear is returned as it is).
pub(crate) fn open_json(inner: &Inner, stored: serde_json::Value) -> Result<serde_json::Value, RepoError> {
    match sealed_text(&stored) {
        Some(text) => parse_opened(&open(inner, text.to_owned())?),
        None => Ok(stored),
    }
}

/// Tables whose `config` JSON is sealed whole: notification channels and platform subscriptions.
const SEALED_CONFIG_TABLES: [&str; 2] = ["notification_channels", "platform_subscriptions"];

/// id, secret, previous secret of an integration as stored.
type SecretRow = (uuid::Uuid, String, Option<String>);

impl Store {
    /// Seals secrets with `ring` from now on; fails (naming the key id, never a secret) when a
    /// stored secret does not open with it. Call once, before serving.
    pub async fn install_keyring(&self, ring: Keyring) -> Result<(), RepoError> {
        for (_, secret, previous) in self.secret_rows().await? {
            for stored in std::iter::once(secret).chain(previous) {
                ring.open(&stored).map_err(box_err)?;
            }
        }
        for table in SEALED_CONFIG_TABLES {
            for (_, config) in self.channel_rows(table).await? {
                if let Some(text) = sealed_text(&config) {
                    ring.open(text).map_err(box_err)?;
                }
            }
        }
        self.inner.keyring.set(Arc::new(ring)).map_err(|_| RepoError::Backend("keyring installed twice".into()))
    }

    /// Writes every integration secret not sealed under the current key (clear rows from before
    /// encryption, or sealed under an older key when `rotate`) sealed under the current key.
    pub async fn seal_secrets(&self, rotate: bool) -> Result<SecretsReport, RepoError> {
        let ring = self.inner.keyring.get().ok_or_else(|| box_err(SecretBoxError::NoKey))?.clone();
        let current = ring.current_id().to_owned();
        let rows = self.secret_rows().await?;
        let mut report = SecretsReport { rows: rows.len() as u64, sealed: 0 };
        let needs = |v: &str| if rotate { !sealed_with(v, &current) } else { !v.starts_with(SEALED_PREFIX) };
        for (id, secret, previous) in rows {
            if !needs(&secret) && !previous.as_deref().is_some_and(needs) {
                continue;
            }
            let secret = ring.seal(&ring.open(&secret).map_err(box_err)?).map_err(box_err)?;
            let previous = match previous {
                Some(p) => Some(ring.seal(&ring.open(&p).map_err(box_err)?).map_err(box_err)?),
                None => None,
            };
            let sql = "UPDATE integrations SET secret = $2, previous_secret = $3 WHERE id = $1";
            on_write!(self, p => sqlx::query(sql).bind(id).bind(&secret).bind(&previous)
                .execute(p).await.map_err(db_err)?.rows_affected());
            report.sealed += 1;
        }
        for table in SEALED_CONFIG_TABLES {
            self.seal_channels(table, &ring, rotate, &mut report).await?;
        }
        Ok(report)
    }

    /// [`Self::seal_secrets`] of the notification channels' (or subscriptions') settings.
    async fn seal_channels(
        &self,
        table: &str,
        ring: &Keyring,
        rotate: bool,
        report: &mut SecretsReport,
    ) -> Result<(), RepoError> {
        for (id, config) in self.channel_rows(table).await? {
            report.rows += 1;
            let plain = match sealed_text(&config) {
                Some(text) if !rotate || sealed_with(text, ring.current_id()) => continue,
                Some(text) => parse_opened(&ring.open(text).map_err(box_err)?)?,
                None => config,
            };
            let sealed = serde_json::json!({ SEALED_JSON_KEY: ring.seal(&plain.to_string()).map_err(box_err)? });
            let sql = format!("UPDATE {table} SET config = $2 WHERE id = $1");
            on_write!(self, p => sqlx::query(&sql).bind(id).bind(sqlx::types::Json(&sealed))
                .execute(p).await.map_err(db_err)?.rows_affected());
            report.sealed += 1;
        }
        Ok(())
    }

    async fn channel_rows(&self, table: &str) -> Result<Vec<(uuid::Uuid, serde_json::Value)>, RepoError> {
        let sql = format!("SELECT id, config FROM {table} ORDER BY id");
        let rows: Vec<(uuid::Uuid, sqlx::types::Json<serde_json::Value>)> =
            on_read!(self, p => sqlx::query_as(&sql).fetch_all(p).await.map_err(db_err)?);
        Ok(rows.into_iter().map(|(id, config)| (id, config.0)).collect())
    }

    async fn secret_rows(&self) -> Result<Vec<SecretRow>, RepoError> {
        let sql = "SELECT id, secret, previous_secret FROM integrations ORDER BY id";
        Ok(on_read!(self, p => sqlx::query_as::<_, SecretRow>(sql).fetch_all(p).await.map_err(db_err)?))
    }
}
