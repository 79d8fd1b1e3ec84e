//! tracing set-up: text or JSON lines on stderr, filter from RUST_LOG or the config; notices and
//! the fatal error are written in the same format, whatever the filter says.

use crate::cli::GlobalOpts;
use figment::providers::{Env, Format, Toml};
use figment::Figment;
use std::sync::OnceLock;
use tracing_subscriber::EnvFilter;

/// Whether the installed subscriber writes JSON lines (set once by `init`).
static JSON: OnceLock<bool> = OnceLock::new();

/// Installs the global subscriber (once; later calls are ignored).
pub fn init(format: &str, level: &str) {
    let _ = JSON.set(format == "json");
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(level));
    let ansi = std::io::IsTerminal::is_terminal(&std::io::stderr());
    let builder = tracing_subscriber::fmt().with_env_filter(filter).with_ansi(ansi).with_writer(std::io::stderr);
    let result = if format == "json" { builder.json().try_init() } else { builder.try_init() };
    if result.is_err() {
        tracing::debug!("tracing already initialised");
    }
}

/// The log format asked for even when the configuration as a whole is invalid: the flag, else
/// `MGC_LOG_FORMAT`, else `log_format` in the file.
pub fn format_hint(opts: &GlobalOpts) -> Option<String> {
    if let Some(f) = &opts.log_format {
        return Some(f.clone());
    }
    let mut figment = Figment::new();
    if let Some(path) = &opts.config {
        figment = figment.merge(Toml::file(path));
    }
    figment.merge(Env::prefixed("MGC_").only(&["log_format"])).extract_inner::<String>("log_format").ok()
}

/// A message for the person starting the service (e.g. a first-start hint), always shown.
pub fn notice(message: &str) {
    write("INFO", message, None);
}

/// The error that ends the process.
pub fn fatal(message: &str, hint: Option<&str>) {
    write("ERROR", message, hint);
}

fn write(level: &str, message: &str, hint: Option<&str>) {
    let json = JSON.get().copied().unwrap_or(hint == Some("json"));
    if json {
        // The shape tracing-subscriber's JSON formatter writes, so one parser reads every line.
        let line = serde_json::json!({
            "timestamp": chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Micros, true),
            "level": level,
            "fields": { "message": message },
            "target": "mgc",
        });
        eprintln!("{line}");
    } else if level == "ERROR" {
        eprintln!("mgc: {message}");
    } else {
        for l in message.lines() {
            eprintln!("mgc: {l}");
        }
    }
}
