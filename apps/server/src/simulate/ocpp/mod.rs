//! `mgc simulate ocpp`: a fleet of OCPP 1.6J charge points against the central system at
//! `/ocpp/1.6/<tenant>/<identity>`, for demos, smoke tests and load measurements.
//!
//! Each charge point is one task on the shared runtime: it connects (subprotocol `ocpp1.6`, HTTP
//! Basic), boots once, heartbeats, reports its connectors and runs sessions at a Poisson rate
//! with a seeded generator; it answers the central system's calls and reconnects with backoff.

mod args;
mod charger;
mod flow;
mod link;
mod remote;
mod session;
mod stats;

pub use args::OcppArgs;
pub use stats::Summary;

use args::Plan;
use charger::{Charger, Shared};
use link::{Link, LinkError};
use stats::Counters;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::watch;

/// Interval of the progress line on stderr.
const PROGRESS_EVERY: Duration = Duration::from_secs(10);

/// Connects the first charge point once, so a wrong URL, a stopped server or missing
/// credentials is named before the fleet starts.
async fn preflight(plan: &Plan) -> Result<(), String> {
    let Some(identity) = plan.identities.first() else { return Err("--charge-points: at least 1".into()) };
    let url = format!("{}/{identity}", plan.base);
    match Link::connect(&url, identity, &plan.password, plan.timeout).await {
        Ok(link) => {
            link.close().await;
            Ok(())
        }
        Err(LinkError::Refused(401)) => Err(format!(
            "{url} refused {identity}'s credentials (401): record the charge points and their password first, \
             e.g. `mgc charging provision --tenant <tenant> --prefix <identity-prefix> --count N --password ...`"
        )),
        Err(LinkError::Refused(404)) => Err(format!(
            "{url}: no OCPP endpoint there (404); is [ocpp] enabled, and is the URL ws://HOST:PORT/ocpp/1.6/<tenant>?"
        )),
        Err(LinkError::Refused(status)) => Err(format!("{url}: the handshake was answered HTTP {status}")),
        Err(LinkError::Timeout) => Err(format!("{url}: no answer within {:?}", plan.timeout)),
        Err(e) => Err(format!("cannot connect to {url}: {e}. Is `mgc serve` running there with [ocpp] enabled?")),
    }
}

/// Runs `mgc simulate ocpp`.
pub async fn run(args: OcppArgs) -> Result<(), String> {
    let plan = args.plan()?;
    preflight(&plan).await?;
    let total = plan.identities.len();
    eprintln!(
        "mgc simulate: {total} OCPP 1.6J charge points ({}..{}) at {}/<identity> for {:.1} s, {}, seed {}",
        plan.identities.first().map_or("", String::as_str),
        plan.identities.last().map_or("", String::as_str),
        plan.base,
        plan.duration.as_secs_f64(),
        if plan.back_to_back {
            "sessions back to back".to_owned()
        } else {
            format!("{} sessions/hour each", args.sessions_per_hour)
        },
        plan.seed,
    );
    let (end_tx, end_rx) = watch::channel(false);
    let shared = Arc::new(Shared { plan, counters: Counters::default(), end: end_rx });
    let started = Instant::now();
    let deadline = tokio::time::Instant::from_std(started + shared.plan.duration);
    let timer = {
        let shared = shared.clone();
        tokio::spawn(async move {
            let mut progress = tokio::time::interval_at(tokio::time::Instant::now() + PROGRESS_EVERY, PROGRESS_EVERY);
            loop {
                tokio::select! {
                    _ = tokio::time::sleep_until(deadline) => break,
                    interrupted = tokio::signal::ctrl_c() => {
                        if interrupted.is_ok() {
                            eprintln!("mgc simulate: interrupted; stopping open sessions");
                        }
                        break;
                    }
                    _ = progress.tick() => eprintln!("mgc simulate: {}", shared.counters.progress(total)),
                }
            }
            shared.counters.mark_end();
            let _ = end_tx.send(true);
        })
    };
    let mut tasks = Vec::with_capacity(total);
    let ramp = shared.plan.ramp_per_second;
    for index in 0..total {
        if *shared.end.borrow() {
            break;
        }
        if ramp > 0.0 {
            let at = tokio::time::Instant::from_std(started + Duration::from_secs_f64(index as f64 / ramp));
            tokio::time::sleep_until(at).await;
        }
        tasks.push(tokio::spawn(Charger::new(shared.clone(), index).run()));
    }
    let mut latencies = Vec::new();
    for task in tasks {
        match task.await {
            Ok(l) => latencies.extend(l),
            Err(e) => return Err(format!("a charge point task failed: {e}")),
        }
    }
    timer.abort();
    let summary = Summary::new(total, &shared.counters, latencies, started.elapsed());
    if args.json {
        println!("{}", serde_json::to_string(&summary).map_err(|e| e.to_string())?);
    } else {
        summary.print_text();
    }
    if summary.connects == 0 {
        return Err("no charge point could connect".into());
    }
    Ok(())
}
