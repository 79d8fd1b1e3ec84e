//! `mgc simulate ap3000`: AP3000 piles over raw TCP that register, heartbeat, swipe a card on a
//! free port, charge (answering the server's 0x82 start, sending power heartbeats), end the
//! session themselves (battery full) or when the server stops them, and upload settlements.
//! Pile n (from 1) has physical id 0x04000000 + first + n - 1 and card number card_base + n.

use super::parse_duration;
use clap::Args;
use mgc_adapter_ap3000::messages::{cmd, ChargeControl, Downlink, OrderNumber};
use mgc_adapter_ap3000::pile::PileClient;
use mgc_adapter_ap3000::pile_reports as report;
use mgc_adapter_ap3000::{Frame, PhysicalId};
use serde::Serialize;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;
use tokio::time::Instant;

/// Options of `mgc simulate ap3000`.
#[derive(Debug, Clone, Args)]
#[command(next_help_heading = "Simulation")]
pub struct Ap3000Args {
    /// Address of the AP3000 gateway (`[ap3000] listen` of mgc serve).
    #[arg(long)]
    pub addr: String,
    /// Number of piles, one TCP connection each.
    #[arg(long, default_value_t = 10, value_parser = clap::value_parser!(u32).range(1..=100_000))]
    pub piles: u32,
    /// Ports per pile.
    #[arg(long, default_value_t = 2, value_parser = clap::value_parser!(u8).range(1..=16))]
    pub ports: u8,
    /// How long to run, e.g. 30s, 10m (a bare number is seconds); running sessions settle at the end.
    #[arg(long, default_value = "60s", value_parser = parse_duration)]
    pub duration: Duration,
    /// Device number of the first pile (physical id 0x04000000 + number).
    #[arg(long, default_value_t = 1)]
    pub first: u32,
    /// Card numbers are card_base + n for pile n (make them accepted id tags: `mgc charging tag`).
    #[arg(long, default_value_t = 100_000)]
    pub card_base: u32,
    /// Heartbeat (0x21) interval.
    #[arg(long, default_value = "30s", value_parser = parse_duration)]
    pub heartbeat: Duration,
    /// Power heartbeat (0x06) interval while charging (the protocol's is 5 min).
    #[arg(long, default_value = "60s", value_parser = parse_duration)]
    pub power_interval: Duration,
    /// Length of a session; a new one starts on the next port once one ends.
    #[arg(long, default_value = "30s", value_parser = parse_duration)]
    pub session_length: Duration,
    /// Only register and heartbeat (no card swipes, no sessions): connection load runs.
    #[arg(long)]
    pub no_sessions: bool,
    /// Charging power in W (energy grows at this rate; the wire's power field saturates at 6553.5 W).
    #[arg(long, default_value_t = 2000, value_parser = clap::value_parser!(u32).range(1..=100_000_000))]
    pub power_w: u32,
    /// New connections per second while ramping up (0 = all at once).
    #[arg(long, default_value_t = 100)]
    pub ramp_per_second: u32,
    /// Print the summary as one JSON object on stdout.
    #[arg(long)]
    pub json: bool,
}

/// What the piles did.
#[derive(Debug, Default, Serialize)]
struct Summary {
    piles_connected: u64,
    registers_accepted: u64,
    sessions_started: u64,
    sessions_settled: u64,
    energy_settled_wh: u64,
    frames_sent: u64,
    frames_received: u64,
    commands_answered: u64,
    cards_refused: u64,
    errors: u64,
}

#[derive(Default)]
struct Counters([AtomicU64; 10]);

impl Counters {
    fn add(&self, i: usize, n: u64) {
        self.0[i].fetch_add(n, Ordering::Relaxed);
    }
    fn summary(&self) -> Summary {
        let g = |i: usize| self.0[i].load(Ordering::Relaxed);
        Summary {
            piles_connected: g(0),
            registers_accepted: g(1),
            sessions_started: g(2),
            sessions_settled: g(3),
            energy_settled_wh: g(4),
            frames_sent: g(5),
            frames_received: g(6),
            commands_answered: g(7),
            cards_refused: g(8),
            errors: g(9),
        }
    }
}

const CONNECTED: usize = 0;
const ACCEPTED: usize = 1;
const STARTED: usize = 2;
const SETTLED: usize = 3;
const ENERGY: usize = 4;
const SENT: usize = 5;
const RECEIVED: usize = 6;
const ANSWERED: usize = 7;
const REFUSED: usize = 8;
const ERRORS: usize = 9;

/// Runs the piles and prints the summary; fails when no pile could connect.
pub async fn run(args: Ap3000Args) -> Result<(), String> {
    if args.addr.parse::<std::net::SocketAddr>().is_err() && !args.addr.contains(':') {
        return Err(format!("--addr: '{}' is not HOST:PORT", args.addr));
    }
    let counters = Arc::new(Counters::default());
    let end = Instant::now() + args.duration;
    let mut tasks = Vec::new();
    for n in 1..=args.piles {
        if args.ramp_per_second > 0 && n > 1 {
            tokio::time::sleep(Duration::from_secs(1) / args.ramp_per_second).await;
        }
        let (args, counters) = (args.clone(), counters.clone());
        tasks.push(tokio::spawn(async move {
            if let Err(e) = pile(&args, n, end, &counters).await {
                counters.add(ERRORS, 1);
                tracing::warn!(pile = n, error = %e, "simulated pile failed");
            }
        }));
    }
    for task in tasks {
        let _ = task.await;
    }
    let summary = counters.summary();
    if args.json {
        println!("{}", serde_json::to_string(&summary).map_err(|e| e.to_string())?);
    } else {
        println!("{summary:#?}");
    }
    if summary.piles_connected == 0 {
        return Err(format!("no pile could connect to {}", args.addr));
    }
    Ok(())
}

/// A running session of the simulated pile.
struct Session {
    port: u8,
    order: OrderNumber,
    started: Instant,
    next_power: Instant,
}

fn energy_cwh(args: &Ap3000Args, s: &Session, now: Instant) -> u16 {
    let ms = u128::from(u64::try_from(now.duration_since(s.started).as_millis()).unwrap_or(u64::MAX));
    u16::try_from(ms * u128::from(args.power_w) / 36_000_000).unwrap_or(u16::MAX)
}

async fn pile(args: &Ap3000Args, n: u32, end: Instant, c: &Counters) -> Result<(), String> {
    let id = PhysicalId(0x0400_0000 + ((args.first + n - 1) & 0x00FF_FFFF));
    let iccid = format!("8986{:016}", u64::from(n));
    let mut link = PileClient::connect(&args.addr, &iccid).await.map_err(|e| format!("connect: {e}"))?;
    c.add(CONNECTED, 1);
    let power_dw = u16::try_from(u64::from(args.power_w) * 10).unwrap_or(u16::MAX);
    link.send(id, &report::register(args.ports)).await.map_err(|e| e.to_string())?;
    c.add(SENT, 1);
    let mut next_heartbeat = Instant::now();
    let mut session: Option<Session> = None;
    let mut next_swipe = if args.no_sessions { None } else { Some(Instant::now()) };
    let mut port = 0u8;
    let card = args.card_base + n;
    loop {
        let now = Instant::now();
        if now >= end {
            break;
        }
        if now >= next_heartbeat {
            let statuses: Vec<u8> =
                (0..args.ports).map(|p| u8::from(session.as_ref().is_some_and(|s| s.port == p))).collect();
            link.send(id, &report::heartbeat(&statuses)).await.map_err(|e| e.to_string())?;
            c.add(SENT, 1);
            next_heartbeat = now + args.heartbeat;
        }
        if let Some(s) = &mut session {
            if now.duration_since(s.started) >= args.session_length {
                let s = session.take().ok_or("no session")?;
                settle(&mut link, id, args, &s, 1, c).await?;
                next_swipe = Some(now);
            } else if now >= s.next_power {
                let secs = u16::try_from(now.duration_since(s.started).as_secs()).unwrap_or(u16::MAX);
                let energy = energy_cwh(args, s, now);
                link.send(id, &report::power(s.port, s.order, energy, secs, power_dw))
                    .await
                    .map_err(|e| e.to_string())?;
                c.add(SENT, 1);
                s.next_power = now + args.power_interval;
            }
        }
        if session.is_none() && next_swipe.is_some_and(|t| now >= t) {
            link.send(id, &report::swipe(card, port)).await.map_err(|e| e.to_string())?;
            c.add(SENT, 1);
            next_swipe = None;
        }
        let mut wake = end.min(next_heartbeat);
        if let Some(s) = &session {
            wake = wake.min(s.next_power).min(s.started + args.session_length);
        }
        if let Some(t) = next_swipe {
            wake = wake.min(t);
        }
        let Some(frame) = link.recv(wake.saturating_duration_since(now)).await.map_err(|e| e.to_string())? else {
            continue;
        };
        c.add(RECEIVED, 1);
        on_frame(&mut link, id, frame, &mut session, &mut next_swipe, &mut port, args, c).await?;
    }
    // A card swiped just before the end: the server opens the session before it sends the start,
    // so wait for that start (or the refusal) and settle it like any other.
    let deadline = Instant::now() + Duration::from_secs(5);
    while !args.no_sessions && session.is_none() && next_swipe.is_none() {
        let wait = deadline.saturating_duration_since(Instant::now());
        let Some(frame) = link.recv(wait).await.map_err(|e| e.to_string())? else { break };
        c.add(RECEIVED, 1);
        on_frame(&mut link, id, frame, &mut session, &mut next_swipe, &mut port, args, c).await?;
    }
    if let Some(s) = session.take() {
        settle(&mut link, id, args, &s, 7, c).await?;
        // The settlement's acknowledgement, so that it is stored before the connection closes.
        let deadline = Instant::now() + Duration::from_secs(5);
        while let Some(f) =
            link.recv(deadline.saturating_duration_since(Instant::now())).await.map_err(|e| e.to_string())?
        {
            if f.command == cmd::SETTLEMENT {
                break;
            }
        }
    }
    Ok(())
}

async fn settle(
    link: &mut PileClient,
    id: PhysicalId,
    args: &Ap3000Args,
    s: &Session,
    reason: u8,
    c: &Counters,
) -> Result<(), String> {
    let now = Instant::now();
    let energy = energy_cwh(args, s, now);
    let secs = u16::try_from(now.duration_since(s.started).as_secs()).unwrap_or(u16::MAX);
    link.send(id, &report::settlement(s.port, s.order, energy, secs, reason)).await.map_err(|e| e.to_string())?;
    c.add(SENT, 1);
    c.add(SETTLED, 1);
    c.add(ENERGY, u64::from(energy) * 10);
    Ok(())
}

#[allow(clippy::too_many_arguments)]
async fn on_frame(
    link: &mut PileClient,
    id: PhysicalId,
    frame: Frame,
    session: &mut Option<Session>,
    next_swipe: &mut Option<Instant>,
    port: &mut u8,
    args: &Ap3000Args,
    c: &Counters,
) -> Result<(), String> {
    let send = |e: std::io::Error| e.to_string();
    match frame.command {
        cmd::REGISTER if frame.data.first() == Some(&0) => c.add(ACCEPTED, 1),
        cmd::CARD_SWIPE if frame.data.get(4) != Some(&0) => {
            c.add(REFUSED, 1);
            *next_swipe = Some(Instant::now() + args.heartbeat);
        }
        cmd::CHARGE_CONTROL => {
            let Ok(Downlink::ChargeControl(ChargeControl { command, port: p, order, .. })) =
                Downlink::decode(frame.command, &frame.data)
            else {
                return Err("unreadable 0x82".into());
            };
            link.send_with_id(id, frame.message_id, &report::control_done(order, p)).await.map_err(send)?;
            c.add(ANSWERED, 1);
            let now = Instant::now();
            if command == 1 && session.is_none() {
                *session = Some(Session { port: p, order, started: now, next_power: now + args.power_interval });
                c.add(STARTED, 1);
                *port = (p + 1) % args.ports;
            } else if command == 0 {
                if let Some(s) = session.take() {
                    settle(link, id, args, &s, 7, c).await?;
                    *next_swipe = Some(now + args.heartbeat);
                }
            }
        }
        cmd::REBOOT | cmd::RUN_PARAMS_1 | cmd::RUN_PARAMS_2 | cmd::LIMITS | cmd::LOCATE => {
            link.send_with_id(id, frame.message_id, &report::ok(frame.command)).await.map_err(send)?;
            c.add(ANSWERED, 1);
        }
        _ => {}
    }
    Ok(())
}
