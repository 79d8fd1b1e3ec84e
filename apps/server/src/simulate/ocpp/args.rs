//! Options of `mgc simulate ocpp` and their validation into a [`Plan`].

use super::super::parse_duration;
use clap::Args;
use std::time::Duration;

/// Longest OCPP identity (CiString48 in the 1.6 security whitepaper).
const MAX_IDENTITY_LEN: usize = 48;

/// Options of `mgc simulate ocpp`.
#[derive(Debug, Clone, Args)]
#[command(next_help_heading = "Simulation")]
pub struct OcppArgs {
    /// Central system URL of the tenant, ws://HOST:PORT/ocpp/1.6/<tenant>; each charge point
    /// appends /<identity> (plain ws: this build has no TLS client).
    #[arg(long)]
    pub url: String,
    /// Number of simulated charge points, named <identity-prefix><n> for n = first..first+N-1.
    #[arg(long, default_value_t = 10, value_parser = clap::value_parser!(u32).range(1..=1_000_000))]
    pub charge_points: u32,
    /// Number of the first charge point (to split a fleet over several simulator processes).
    #[arg(long, default_value_t = 1)]
    pub first: u32,
    /// Sessions started per hour by each charge point (Poisson arrivals; 0 = none unless asked
    /// by RemoteStartTransaction).
    #[arg(long, default_value_t = 1.0, value_parser = parse_rate)]
    pub sessions_per_hour: f64,
    /// Start the next session as soon as one ends, ignoring --sessions-per-hour (throughput runs).
    #[arg(long)]
    pub back_to_back: bool,
    /// How long to run, e.g. 30s, 10m, 1h (a bare number is seconds); open sessions are stopped
    /// at the end.
    #[arg(long, default_value = "60s", value_parser = parse_duration)]
    pub duration: Duration,
    /// Mean length of a session (each is 0.5x to 1.5x of it, shorter when the battery is full).
    #[arg(long, default_value = "30m", value_parser = parse_duration)]
    pub session_length: Duration,
    /// Identity prefix.
    #[arg(long, default_value = "CP-")]
    pub identity_prefix: String,
    /// HTTP Basic password of every charge point (see `mgc charging provision`).
    #[arg(long, env = "MGC_SIM_OCPP_PASSWORD", hide_env_values = true)]
    pub password: String,
    /// Id tag presented for sessions (an accepted tag: `mgc charging tag`); repeat it to give
    /// charge point n the tag n mod count, since the central system refuses a tag already in a
    /// session elsewhere (ConcurrentTx).
    #[arg(long = "id-tag", default_value = "SIM-TAG")]
    pub id_tags: Vec<String>,
    /// Connectors per charge point (one session at a time per charge point).
    #[arg(long, default_value_t = 2, value_parser = clap::value_parser!(u32).range(1..=8))]
    pub connectors: u32,
    /// MeterValues interval during a session.
    #[arg(long, default_value = "60s", value_parser = parse_duration)]
    pub meter_interval: Duration,
    /// Heartbeat interval; default: the interval of the BootNotification answer.
    #[arg(long, value_parser = parse_duration)]
    pub heartbeat: Option<Duration>,
    /// New connections per second while ramping up (0 = all at once).
    #[arg(long, default_value_t = 100.0, value_parser = parse_rate)]
    pub ramp_per_second: f64,
    /// Seed of the random generator (the same seed gives the same fleet and arrivals).
    #[arg(long)]
    pub seed: Option<u64>,
    /// Timeout of one call (no answer in time: the connection is dropped and made again).
    #[arg(long, default_value = "30s", value_parser = parse_duration)]
    pub timeout: Duration,
    /// Print the summary as one JSON object on stdout (for scripts and benchmarks).
    #[arg(long)]
    pub json: bool,
}

/// Validated options.
#[derive(Debug, Clone)]
pub(super) struct Plan {
    /// Base URL, without a trailing slash.
    pub(super) base: String,
    /// Identities of the fleet.
    pub(super) identities: Vec<String>,
    /// Session arrivals per second per charge point (0: none).
    pub(super) session_rate_per_s: f64,
    /// Back-to-back sessions.
    pub(super) back_to_back: bool,
    /// Run length.
    pub(super) duration: Duration,
    /// Mean session length.
    pub(super) session_length: Duration,
    /// Password.
    pub(super) password: String,
    /// Id tags (charge point n uses tag n mod count).
    pub(super) id_tags: Vec<String>,
    /// Connectors per charge point.
    pub(super) connectors: u32,
    /// MeterValues interval.
    pub(super) meter_interval: Duration,
    /// Heartbeat override.
    pub(super) heartbeat: Option<Duration>,
    /// Connections per second (0: no ramp).
    pub(super) ramp_per_second: f64,
    /// Seed.
    pub(super) seed: u64,
    /// Call timeout.
    pub(super) timeout: Duration,
}

fn parse_rate(raw: &str) -> Result<f64, String> {
    match raw.trim().parse::<f64>() {
        Ok(r) if r.is_finite() && r >= 0.0 => Ok(r),
        _ => Err(format!("'{raw}' is not a rate: give a number of at least 0")),
    }
}

fn printable(s: &str) -> bool {
    s.bytes().all(|b| b.is_ascii_graphic())
}

impl OcppArgs {
    /// Checks everything the server would refuse, so a mistake is named before connecting.
    pub(super) fn plan(&self) -> Result<Plan, String> {
        let base = self.url.trim().trim_end_matches('/');
        let Some(rest) = base.strip_prefix("ws://") else {
            return Err(if base.starts_with("wss://") {
                format!("--url: wss:// is not supported (this build has no TLS client), got '{}'", self.url)
            } else {
                format!("--url: expected ws://HOST:PORT/ocpp/1.6/<tenant>, got '{}'", self.url)
            });
        };
        let (host, path) = rest.split_once('/').unwrap_or((rest, ""));
        if host.is_empty() || path.is_empty() {
            return Err(format!("--url: expected ws://HOST:PORT/ocpp/1.6/<tenant>, got '{}'", self.url));
        }
        if !printable(base) {
            return Err(format!("--url: '{}' contains spaces or non-ASCII characters", self.url));
        }
        let last = self
            .first
            .checked_add(self.charge_points.saturating_sub(1))
            .ok_or("--first: too large for --charge-points")?;
        let longest = format!("{}{last}", self.identity_prefix);
        if longest.len() > MAX_IDENTITY_LEN || !printable(&longest) || longest.contains('/') || longest.contains(':') {
            return Err(format!(
                "--identity-prefix: identities like '{longest}' must be 1-{MAX_IDENTITY_LEN} printable ASCII characters without '/' or ':'"
            ));
        }
        if !(16..=40).contains(&self.password.len()) || !printable(&self.password) {
            return Err(
                "--password: must be 16-40 printable ASCII characters (as `mgc charging provision` sets)".into()
            );
        }
        if let Some(bad) = self.id_tags.iter().find(|t| !(1..=20).contains(&t.len()) || !printable(t)) {
            return Err(format!("--id-tag: '{bad}' must be 1-20 printable ASCII characters"));
        }
        if self.id_tags.is_empty() {
            return Err("--id-tag: give at least one".into());
        }
        if self.heartbeat.is_some_and(|h| h < Duration::from_secs(1)) {
            return Err("--heartbeat: must be at least 1s".into());
        }
        Ok(Plan {
            base: base.to_owned(),
            identities: (self.first..=last).map(|n| format!("{}{n}", self.identity_prefix)).collect(),
            session_rate_per_s: self.sessions_per_hour / 3600.0,
            back_to_back: self.back_to_back,
            duration: self.duration,
            session_length: self.session_length,
            password: self.password.clone(),
            id_tags: self.id_tags.clone(),
            connectors: self.connectors,
            meter_interval: self.meter_interval,
            heartbeat: self.heartbeat,
            ramp_per_second: self.ramp_per_second,
            seed: self.seed.unwrap_or_else(rand::random),
            timeout: self.timeout,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[derive(Debug, Parser)]
    struct Cli {
        #[command(flatten)]
        args: OcppArgs,
    }

    const PASSWORD: &str = "0123456789abcdef0123";

    /// Parses `extra` after the required options (unless `extra` gives them).
    fn parse(extra: &[&str]) -> Result<OcppArgs, String> {
        let mut argv = vec!["mgc"];
        for (name, value) in [("--url", "ws://127.0.0.1:8080/ocpp/1.6/default"), ("--password", PASSWORD)] {
            if !extra.contains(&name) {
                argv.extend([name, value]);
            }
        }
        argv.extend(extra);
        Cli::try_parse_from(argv).map(|c| c.args).map_err(|e| e.to_string())
    }

    fn plan(extra: &[&str]) -> Result<Plan, String> {
        parse(extra)?.plan()
    }

    #[test]
    fn given_defaults_then_ten_charge_points_named_from_one() {
        let p = plan(&["--seed", "7"]).unwrap();
        assert_eq!(p.identities.first().map(String::as_str), Some("CP-1"));
        assert_eq!(p.identities.len(), 10);
        assert_eq!(p.id_tags, vec!["SIM-TAG"]);
        assert_eq!(plan(&["--id-tag", "A", "--id-tag", "B"]).unwrap().id_tags, vec!["A", "B"]);
        assert_eq!((p.seed, p.connectors, p.meter_interval), (7, 2, Duration::from_secs(60)));
        assert!((p.session_rate_per_s - 1.0 / 3600.0).abs() < 1e-12);
    }

    #[test]
    fn given_a_trailing_slash_and_a_first_number_then_the_base_and_names_follow() {
        let p = plan(&["--url", "ws://h:1/ocpp/1.6/acme/", "--first", "5", "--charge-points", "2"]).unwrap();
        assert_eq!(p.base, "ws://h:1/ocpp/1.6/acme");
        assert_eq!(p.identities, vec!["CP-5", "CP-6"]);
    }

    #[test]
    fn given_bad_values_then_clap_names_the_option() {
        for (args, option) in [
            (&["--charge-points", "0"][..], "--charge-points"),
            (&["--sessions-per-hour=-1"], "--sessions-per-hour"),
            (&["--sessions-per-hour", "NaN"], "--sessions-per-hour"),
            (&["--duration", "0"], "--duration"),
            (&["--meter-interval", "5y"], "--meter-interval"),
            (&["--connectors", "9"], "--connectors"),
            (&["--ramp-per-second", "fast"], "--ramp-per-second"),
        ] {
            let e = parse(args).unwrap_err();
            assert!(e.contains(option), "{args:?}: {e}");
        }
    }

    #[test]
    fn given_values_the_server_would_refuse_then_the_plan_names_them() {
        for (args, option) in [
            (&["--url", "http://h/ocpp/1.6/t"][..], "--url"),
            (&["--url", "wss://h/ocpp/1.6/t"], "wss://"),
            (&["--url", "ws://h"], "--url"),
            (&["--password", "short"], "--password"),
            (&["--id-tag", "A-TAG-LONGER-THAN-TWENTY"], "--id-tag"),
            (&["--identity-prefix", "a/b"], "--identity-prefix"),
            (&["--identity-prefix", &"X".repeat(48)], "--identity-prefix"),
            (&["--first", "4294967295", "--charge-points", "2"], "--first"),
            (&["--heartbeat", "100ms"], "--heartbeat"),
        ] {
            let e = plan(args).unwrap_err();
            assert!(e.contains(option), "{args:?}: {e}");
        }
    }
}
