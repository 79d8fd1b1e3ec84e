//! `mgc`: the microgrid-cloud service binary (thin wiring around the library crates).

// The CLI's doc comments are its `--help` text (clap), where `<tenant>` means a placeholder, not HTML.
#![allow(rustdoc::invalid_html_tags)]

mod alarm_tasks;
mod analytics_tasks;
mod ap3000_tasks;
mod charging_cli;
mod charging_tasks;
mod cli;
mod cli_audit;
mod cluster_tasks;
mod collector_tasks;
mod command_tasks;
mod commands;
mod config;
mod config_analytics;
mod config_ap3000;
mod config_charging;
mod config_cluster;
mod config_collector;
mod config_commands;
mod config_database;
mod config_errors;
mod config_http;
mod config_ocpp;
mod config_outbox;
mod http_server;
mod logging;
mod maintenance;
mod master_key;
mod secrets;
mod serve;
mod settlement_tasks;
mod shadow_tasks;
mod simulate;
mod strategy_tasks;
mod tenant_cli;
mod timeline_tasks;

use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = cli::Cli::parse();
    let hint = logging::format_hint(&cli.global);
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            logging::fatal(&format!("cannot start the async runtime: {e}"), hint.as_deref());
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(commands::run(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            logging::fatal(&e, hint.as_deref());
            ExitCode::FAILURE
        }
    }
}
