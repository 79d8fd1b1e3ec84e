//! Dispatch of the sub-commands.

use crate::cli::{ApiKeyAction, Cli, Command};
use crate::config::Config;
use crate::secrets::jwt_keys;
use crate::{logging, serve};
use chrono::Utc;
use mgc_iam::{create_api_key, Credential, NewApiKey, Principal, Role};
use mgc_kernel::{StationId, TenantId};

/// Runs the chosen sub-command.
pub async fn run(cli: Cli) -> Result<(), String> {
    let listen = match &cli.command {
        Command::Serve { listen } => listen.as_deref(),
        _ => None,
    };
    let config = Config::load(&cli.global, listen)?;
    match cli.command {
        Command::Serve { .. } => {
            logging::init(&config.log_format, &config.log_level);
            serve::serve(config).await
        }
        Command::Migrate => {
            logging::init(&config.log_format, &config.log_level);
            let store = serve::open_store(&config).await?;
            let status = store.migration_status().await.map_err(|e| e.to_string())?;
            println!("migrations applied: {:?} ({} backend)", status.applied, store.backend());
            store.close().await;
            Ok(())
        }
        Command::Token { tenant, role, ttl, sub, stations } => {
            let tenant = TenantId::parse(&tenant).map_err(|e| format!("--tenant: {e}"))?;
            let role: Role = role.parse().map_err(|e| format!("--role: {e}"))?;
            let ttl = match ttl {
                Some(t) => parse_ttl(&t)?,
                None => chrono::Duration::seconds(config.auth.token_ttl_secs),
            };
            let stations = stations
                .iter()
                .map(|s| s.parse::<StationId>().map_err(|e| format!("--station: {e}")))
                .collect::<Result<Vec<_>, _>>()?;
            let keys = jwt_keys(&config)?;
            let issuer = keys
                .issuer
                .ok_or("tokens can only be minted with an HS256 secret; this configuration verifies RS256 tokens from your identity provider")?;
            let store = serve::open_store(&config).await?;
            let known = store.tenant_exists(&tenant).await.map_err(|e| e.to_string());
            store.close().await;
            if !known? {
                return Err(format!(
                    "--tenant: tenant '{tenant}' does not exist; create it with `mgc tenant create --id {tenant}`"
                ));
            }
            let stations = (!stations.is_empty()).then_some(stations);
            let token = issuer.issue(&sub, &tenant, role, stations, Utc::now(), ttl).map_err(|e| e.to_string())?;
            println!("{token}");
            Ok(())
        }
        Command::ApiKey { action: ApiKeyAction::Create { tenant, role, name } } => {
            let tenant = TenantId::parse(&tenant).map_err(|e| format!("--tenant: {e}"))?;
            let role: Role = role.parse().map_err(|e| format!("--role: {e}"))?;
            let store = serve::open_store(&config).await?;
            if !store.tenant_exists(&tenant).await.map_err(|e| e.to_string())? {
                store.close().await;
                return Err(format!(
                    "--tenant: tenant '{tenant}' does not exist (the bootstrap tenant is '{}')",
                    config.bootstrap_tenant
                ));
            }
            let cli_admin = Principal {
                subject: "cli".into(),
                tenant,
                role: Role::Admin,
                station_ids: None,
                credential: Credential::Jwt,
            };
            let mut uow = store.begin().await.map_err(|e| e.to_string())?;
            // The entry commits with the key (create_api_key commits this unit of work).
            crate::cli_audit::append(
                &mut uow,
                &cli_admin.tenant,
                &format!("api-key create {name} ({role})"),
                "api-keys",
            )
            .await?;
            let (key, plaintext) =
                create_api_key(uow, &cli_admin, NewApiKey { name, role, station_ids: None }, Utc::now())
                    .await
                    .map_err(|e| e.to_string())?;
            eprintln!("created API key {} ({}, role {}); it is shown only now:", key.id, key.name, key.role);
            println!("{plaintext}");
            store.close().await;
            Ok(())
        }
        Command::Tenant { action } => crate::tenant_cli::run(&config, action).await,
        Command::Charging { action } => crate::charging_cli::run(&config, action).await,
        Command::Secrets { action: crate::cli::SecretsAction::Rotate } => {
            logging::init(&config.log_format, &config.log_level);
            crate::master_key::rotate(&config).await
        }
        Command::Secrets { action: crate::cli::SecretsAction::Seal } => crate::master_key::seal_stdin(&config),
        Command::CheckConfig => {
            print!("{}", config.redacted_toml());
            eprintln!("configuration is valid");
            Ok(())
        }
        Command::Simulate { target } => crate::simulate::run(target).await,
    }
}

/// Parses `3600`, `90s`, `45m`, `12h` or `7d`.
pub fn parse_ttl(raw: &str) -> Result<chrono::Duration, String> {
    let raw = raw.trim();
    let (digits, unit) = raw.split_at(raw.find(|c: char| !c.is_ascii_digit()).unwrap_or(raw.len()));
    let n: i64 = digits.parse().map_err(|_| format!("--ttl: '{raw}' is not like 3600, 90m, 12h or 7d"))?;
    let secs = match unit {
        "" | "s" => Some(n),
        "m" => n.checked_mul(60),
        "h" => n.checked_mul(3600),
        "d" => n.checked_mul(86_400),
        _ => None,
    }
    .filter(|s| *s > 0 && *s <= 366 * 86_400)
    .ok_or_else(|| format!("--ttl: '{raw}' must be between 1 s and 366 d, like 3600, 90m, 12h or 7d"))?;
    Ok(chrono::Duration::seconds(secs))
}

#[cfg(test)]
mod tests {
    use super::parse_ttl;

    #[test]
    fn given_ttl_forms_when_parsed_then_seconds() {
        assert_eq!(parse_ttl("3600").unwrap().num_seconds(), 3600);
        assert_eq!(parse_ttl("90m").unwrap().num_seconds(), 5400);
        assert_eq!(parse_ttl("12h").unwrap().num_seconds(), 43_200);
        assert_eq!(parse_ttl("7d").unwrap().num_seconds(), 604_800);
    }

    #[test]
    fn given_bad_ttl_when_parsed_then_message_names_it() {
        for bad in ["", "h", "0", "-5", "5y", "999999d"] {
            assert!(parse_ttl(bad).unwrap_err().contains("--ttl"), "{bad}");
        }
    }
}
