//! Command-line interface of `mgc`.

use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;

/// microgrid-cloud: telemetry, statistics, settlement, alarms and control for microgrids and chargers.
#[derive(Debug, Parser)]
#[command(
    name = "mgc",
    version,
    about = "microgrid-cloud: telemetry, statistics, settlement, alarms and control for microgrids and chargers"
)]
pub struct Cli {
    /// Options shared by every sub-command.
    #[command(flatten)]
    pub global: GlobalOpts,
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// Options every sub-command understands (they override the config file and `MGC_*` variables).
#[derive(Debug, Clone, Default, Args)]
pub struct GlobalOpts {
    /// TOML configuration file.
    #[arg(long, global = true, env = "MGC_CONFIG")]
    pub config: Option<PathBuf>,
    /// Directory for the embedded database and generated secrets [default: data].
    #[arg(long, global = true)]
    pub data_dir: Option<PathBuf>,
    /// Database URL: sqlite://PATH or postgres://USER:PASS@HOST/DB [default: sqlite://<data-dir>/mgc.db].
    #[arg(long, global = true)]
    pub database_url: Option<String>,
    /// Log format: text or json.
    #[arg(long, global = true)]
    pub log_format: Option<String>,
}

/// Sub-commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the HTTP API and the event dispatcher (migrates the database first).
    Serve {
        /// Address to listen on [default: 127.0.0.1:8080].
        #[arg(long)]
        listen: Option<String>,
    },
    /// Apply database migrations and exit.
    Migrate,
    /// Mint a development JWT with the configured HS256 secret; prints only the token.
    Token {
        /// Tenant the token is for.
        #[arg(long)]
        tenant: String,
        /// Role: admin, operator or viewer.
        #[arg(long)]
        role: String,
        /// Lifetime, e.g. 3600, 90m, 12h, 7d [default: auth.token_ttl_secs].
        #[arg(long)]
        ttl: Option<String>,
        /// Subject (user id).
        #[arg(long, default_value = "dev")]
        sub: String,
        /// Restrict the token to these stations (repeatable).
        #[arg(long = "station")]
        stations: Vec<String>,
    },
    /// Manage API keys for third-party platforms.
    ApiKey {
        /// What to do with API keys.
        #[command(subcommand)]
        action: ApiKeyAction,
    },
    /// Manage tenants (operators of the installation create them; tokens name one).
    Tenant {
        /// What to do with tenants.
        #[command(subcommand)]
        action: TenantAction,
    },
    /// Provision charge points (OCPP passwords) and id tags.
    Charging {
        /// What to do.
        #[command(subcommand)]
        action: crate::charging_cli::ChargingAction,
    },
    /// Secrets at rest.
    Secrets {
        /// What to do.
        #[command(subcommand)]
        action: SecretsAction,
    },
    /// Load and validate the configuration, print it with secrets hidden.
    CheckConfig,
    /// Send simulated device traffic to a running server (load and smoke tests).
    Simulate {
        /// Which platform's traffic to simulate.
        #[command(subcommand)]
        target: crate::simulate::SimulateTarget,
    },
}

/// Tenant sub-commands.
#[derive(Debug, Subcommand)]
pub enum TenantAction {
    /// Create a tenant (nothing changes when it exists already).
    Create {
        /// Tenant id: 1-64 of A-Z a-z 0-9 _ . -, starting with a letter or digit.
        #[arg(long)]
        id: String,
        /// Display name [default: the id].
        #[arg(long)]
        name: Option<String>,
    },
    /// List tenants, one per line: id, name, created at, state (active or disabled since).
    List,
    /// Disable a tenant: its tokens, API keys and integrations are refused (audited).
    Disable {
        /// Tenant id.
        id: String,
    },
    /// Enable a disabled tenant again (audited).
    Enable {
        /// Tenant id.
        id: String,
    },
}

/// API key sub-commands.
#[derive(Debug, Subcommand)]
pub enum ApiKeyAction {
    /// Create a key and print it (shown only this once).
    Create {
        /// Tenant the key acts for.
        #[arg(long)]
        tenant: String,
        /// Role: admin, operator or viewer.
        #[arg(long)]
        role: String,
        /// Human name of the key.
        #[arg(long)]
        name: String,
    },
}

/// Secrets sub-commands.
#[derive(Debug, Subcommand)]
pub enum SecretsAction {
    /// Put a new master key first in `<data_dir>/master-key` (or use the first key of
    /// MGC_MASTER_KEY) and re-seal every stored secret under it.
    Rotate,
    /// Seal a value read from standard input (e.g. `thingsboard.password`) under the current
    /// master key; prints `enc1:…`, which the configuration accepts in place of the value.
    Seal,
}
