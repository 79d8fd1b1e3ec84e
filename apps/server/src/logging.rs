//! tracing set-up: text or JSON lines on stderr, filter from RUST_LOG or the config.

use tracing_subscriber::EnvFilter;

/// Installs the global subscriber (once; later calls are ignored).
pub fn init(format: &str, level: &str) {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(level));
    let ansi = std::io::IsTerminal::is_terminal(&std::io::stderr());
    let builder = tracing_subscriber::fmt().with_env_filter(filter).with_ansi(ansi).with_writer(std::io::stderr);
    let result = if format == "json" { builder.json().try_init() } else { builder.try_init() };
    if result.is_err() {
        tracing::debug!("tracing already initialised");
    }
}
