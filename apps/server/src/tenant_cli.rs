//! `mgc tenant create|list|disable|enable` against the configured database.

use crate::cli::TenantAction;
use crate::config::Config;
use crate::{cli_audit, serve};
use chrono::Utc;
use mgc_eventing::UnitOfWork;
use mgc_kernel::TenantId;
use mgc_store::Store;

/// Runs a tenant sub-command.
pub async fn run(config: &Config, action: TenantAction) -> Result<(), String> {
    let store = serve::open_store(config).await?;
    let outcome = apply(&store, action).await;
    store.close().await;
    outcome
}

async fn apply(store: &Store, action: TenantAction) -> Result<(), String> {
    match action {
        TenantAction::Create { id, name } => {
            let tenant = TenantId::parse(&id).map_err(|e| format!("--id: {e}"))?;
            let name = name.as_deref().map(str::trim).filter(|n| !n.is_empty()).unwrap_or(tenant.as_str()).to_owned();
            if store.ensure_tenant(&tenant, &name, Utc::now()).await.map_err(|e| e.to_string())? {
                eprintln!("created tenant {tenant} ({name})");
            } else {
                eprintln!("tenant {tenant} exists already; unchanged");
            }
            Ok(())
        }
        TenantAction::List => {
            for t in store.list_tenants().await.map_err(|e| e.to_string())? {
                let state =
                    t.disabled_at.map_or_else(|| "active".to_owned(), |at| format!("disabled {}", at.to_rfc3339()));
                println!("{}\t{}\t{}\t{state}", t.id, t.name, t.created_at.to_rfc3339());
            }
            Ok(())
        }
        TenantAction::Disable { id } => set_disabled(store, &id, true).await,
        TenantAction::Enable { id } => set_disabled(store, &id, false).await,
    }
}

/// Disables or enables a tenant and audits it in the same transaction.
async fn set_disabled(store: &Store, id: &str, disable: bool) -> Result<(), String> {
    let tenant = TenantId::parse(id).map_err(|e| format!("tenant id: {e}"))?;
    let mut tx = store.begin().await.map_err(|e| e.to_string())?;
    let at = disable.then(Utc::now);
    if !tx.set_tenant_disabled(&tenant, at).await.map_err(|e| e.to_string())? {
        return Err(format!("tenant '{tenant}' does not exist"));
    }
    let action = if disable { "tenant disable" } else { "tenant enable" };
    cli_audit::append(&mut tx, &tenant, action, &format!("tenants/{tenant}")).await?;
    tx.commit().await.map_err(|e| e.to_string())?;
    let effect = if disable {
        format!(
            "disabled tenant {tenant}: its tokens, API keys and integrations are refused (running servers within {} s)",
            mgc_iam::TENANT_CACHE_TTL_SECS
        )
    } else {
        format!("enabled tenant {tenant}")
    };
    eprintln!("{effect}");
    Ok(())
}
