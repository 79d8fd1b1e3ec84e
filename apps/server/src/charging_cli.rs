//! `mgc charging password|provision|tag`: provisioning charge points' OCPP passwords (one or a
//! numbered fleet) and the tenant's id tags.

use crate::config::Config;
use crate::serve;
use chrono::{DateTime, Utc};
use clap::Subcommand;
use mgc_charging::{
    generate_password, put_id_tag, set_password, set_passwords, AuthorizationStatus, IdTag, IdToken, OcppIdentity,
};
use mgc_kernel::TenantId;

/// Charging sub-commands.
#[derive(Debug, Subcommand)]
pub enum ChargingAction {
    /// Give a charge point a new random HTTP Basic password and print it (shown only this once);
    /// an identity not recorded yet is recorded as accepted.
    Password {
        /// Tenant that owns the charge point.
        #[arg(long)]
        tenant: String,
        /// OCPP identity (the last path segment it connects with).
        #[arg(long)]
        identity: String,
    },
    /// Record a numbered fleet <prefix><first>..<prefix><first+count-1> with one shared password in
    /// one transaction (load tests, the simulator, demos); prints the password.
    Provision {
        /// Tenant that owns the charge points.
        #[arg(long)]
        tenant: String,
        /// Identity prefix.
        #[arg(long, default_value = "CP-")]
        prefix: String,
        /// Number of charge points.
        #[arg(long, value_parser = clap::value_parser!(u32).range(1..=1_000_000))]
        count: u32,
        /// Number of the first one.
        #[arg(long, default_value_t = 1)]
        first: u32,
        /// The shared password (16-40 printable ASCII characters) [default: a new random one].
        #[arg(long, env = "MGC_CHARGING_PASSWORD", hide_env_values = true)]
        password: Option<String>,
    },
    /// Add or replace id tags of the tenant's authorization list; prints the list version.
    Tag {
        /// Tenant.
        #[arg(long)]
        tenant: String,
        /// The tag (1-20 printable ASCII characters, case-insensitive); repeat for several.
        #[arg(long = "tag", required = true)]
        tags: Vec<String>,
        /// accepted, blocked, expired or invalid.
        #[arg(long, default_value = "accepted")]
        status: String,
        /// Expiry, RFC 3339.
        #[arg(long)]
        expires: Option<String>,
    },
}

/// Runs a charging sub-command against the configured database.
pub async fn run(config: &Config, action: ChargingAction) -> Result<(), String> {
    let store = serve::open_store(config).await?;
    let outcome = apply(&store, action).await;
    store.close().await;
    outcome
}

async fn apply(store: &mgc_store::Store, action: ChargingAction) -> Result<(), String> {
    let tenant_of = |t: &str| TenantId::parse(t).map_err(|e| format!("--tenant: {e}"));
    match action {
        ChargingAction::Password { tenant, identity } => {
            let tenant = tenant_of(&tenant)?;
            if !store.tenant_exists(&tenant).await.map_err(|e| e.to_string())? {
                return Err(format!("--tenant: tenant '{tenant}' does not exist"));
            }
            let identity = OcppIdentity::parse(&identity).map_err(|e| format!("--identity: {e}"))?;
            let password = generate_password();
            let mut tx = store.begin().await.map_err(|e| e.to_string())?;
            let target = format!("charge-points/{identity}");
            crate::cli_audit::append(&mut tx, &tenant, "charging password", &target).await?;
            let created =
                set_password(tx, &tenant, &identity, &password, Utc::now()).await.map_err(|e| e.to_string())?;
            let what = if created { "recorded charge point" } else { "new password for charge point" };
            eprintln!("{what} {identity} of tenant {tenant}; connect to /ocpp/1.6/{tenant}/{identity}; password shown only now:");
            println!("{password}");
            Ok(())
        }
        ChargingAction::Provision { tenant, prefix, count, first, password } => {
            let tenant = tenant_of(&tenant)?;
            if !store.tenant_exists(&tenant).await.map_err(|e| e.to_string())? {
                return Err(format!("--tenant: tenant '{tenant}' does not exist"));
            }
            let last = first.checked_add(count.saturating_sub(1)).ok_or("--first: too large for --count")?;
            let identities = (first..=last)
                .map(|n| OcppIdentity::parse(&format!("{prefix}{n}")))
                .collect::<Result<Vec<_>, _>>()
                .map_err(|e| format!("--prefix: {e}"))?;
            let password = password.unwrap_or_else(generate_password);
            let tx = store.begin().await.map_err(|e| e.to_string())?;
            let created =
                set_passwords(tx, &tenant, &identities, &password, Utc::now()).await.map_err(|e| e.to_string())?;
            eprintln!(
                "{count} charge points {prefix}{first}..{prefix}{last} of tenant {tenant} ({created} new) share this password; \
                 connect to /ocpp/1.6/{tenant}/<identity>:"
            );
            println!("{password}");
            Ok(())
        }
        ChargingAction::Tag { tenant, tags, status, expires } => {
            let tenant = tenant_of(&tenant)?;
            let tokens = tags
                .iter()
                .map(|t| IdToken::parse(t))
                .collect::<Result<Vec<_>, _>>()
                .map_err(|e| format!("--tag: {e}"))?;
            let status: AuthorizationStatus = status.parse().map_err(|e| format!("--status: {e}"))?;
            let expires_at = expires
                .map(|e| DateTime::parse_from_rfc3339(&e).map(|t| t.with_timezone(&Utc)))
                .transpose()
                .map_err(|e| format!("--expires: {e}"))?;
            let mut version = 0;
            for token in tokens {
                let mut tx = store.begin().await.map_err(|e| e.to_string())?;
                let target = format!("id-tags/{}", token.as_str());
                crate::cli_audit::append(&mut tx, &tenant, &format!("charging tag {}", status.as_str()), &target)
                    .await?;
                let tag = IdTag { token, status, expires_at, parent: None };
                version = put_id_tag(tx, &tenant, tag).await.map_err(|e| e.to_string())?;
            }
            println!("{version}");
            Ok(())
        }
    }
}
