# microgrid-cloud task runner (https://just.systems). Every recipe is a plain cargo command.

# Start the service on embedded SQLite (./data), listening on 127.0.0.1:8080.
serve *ARGS:
    cargo run --release -p mgc-server -- serve {{ARGS}}

# The whole test suite: unit tests plus integration tests on SQLite and PostgreSQL.
test:
    cargo test --workspace

# What CI runs: format check, clippy with warnings as errors, the test suite (PostgreSQL required).
ci:
    bash .ci/run

# Clippy with warnings as errors.
lint:
    cargo clippy --workspace --all-targets -- -D warnings

# Format all code.
fmt:
    cargo fmt --all

# Every benchmark.
bench: bench-outbox bench-ingest bench-close bench-stats bench-alarm bench-command bench-ocpp bench-ap3000 bench-notify

# Outbox append and dispatch throughput against a same-run insert baseline (BENCH_EVENTS=5000).
bench-outbox:
    cargo bench -p mgc-tests --bench outbox

# Ingest through the release `mgc serve` on PostgreSQL against a same-run psql COPY baseline
# (BENCH_POINTS=100000, BENCH_BATCH_POINTS=1000, BENCH_REQUESTS=20000, BENCH_CLIENTS=64).
bench-ingest:
    cargo build --release -p mgc-server
    cargo bench -p mgc-tests --bench ingest

# Alarm latency through the release `mgc serve` on PostgreSQL: ingest acknowledgement to webhook
# receipt over BENCH_ALARMS=1000 alarms, with a steady background ingest load.
bench-alarm:
    cargo build --release -p mgc-server
    cargo bench -p mgc-tests --bench alarm

# Commands through the release `mgc serve` on PostgreSQL to a fake ThingsBoard: latency of
# BENCH_LATENCY_COMMANDS=500 sequential commands, throughput of BENCH_COMMANDS=2000 commands from
# BENCH_CLIENTS=4 clients against direct RPCs to the fake, and BENCH_LOCK_COMMANDS=200 to one device.
bench-command:
    cargo build --release -p mgc-server
    cargo bench -p mgc-tests --bench command

# The OCPP 1.6J endpoint of the release `mgc serve` (SQLite; BENCH_OCPP_DATABASE=postgres for
# PostgreSQL) under `mgc simulate ocpp` fleets: BENCH_OCPP_CONNECTIONS=20000 charge points held
# with 60 s heartbeats and 1 % in a session, server RSS per connection, and sessions/s of
# BENCH_OCPP_SESSION_CLIENTS=50 charge points against a same-run WebSocket echo baseline.
# Raises the open-file limit to the hard limit first.
bench-ocpp:
    cargo build --release -p mgc-server
    ulimit -n "$(ulimit -Hn)" && cargo bench -p mgc-tests --bench ocpp

# The AP3000 TCP gateway of the release `mgc serve` under `mgc simulate ap3000`: piles held with
# 30 s heartbeats, frames/s, RSS per connection (BENCH_AP3000_PILES=10000, BENCH_AP3000_HOLD_S=70).
bench-ap3000:
    cargo build --release -p mgc-server
    ulimit -n "$(ulimit -Hn)" && cargo bench -p mgc-tests --bench ap3000

# Platform subscription notices and the audit trail's cost through the release `mgc serve`
# (PostgreSQL when available, else SQLite; BENCH_NOTIFY_DATABASE=postgres|sqlite): (a) OCPP
# sessions back to back with the charging timeline on vs off (`charging.timeline_enabled`) in the
# same run, goal < 5 % slowdown; (b) BENCH_NOTIFY_DEVICES=10000 charge points held with normal
# traffic, notice latency (arrival - occurred_at) p50/p95/p99/max per phase, goal steady p99 < 1 s,
# and every source event told once (lost/duplicate counts). BENCH_NOTIFY_HOLD_S=90 and the other
# knobs are in tests/benches/notify.rs. Raises the open-file limit to the hard limit first.
bench-notify:
    cargo build --release -p mgc-server
    ulimit -n "$(ulimit -Hn)" && cargo bench -p mgc-tests --bench notify

# Mint a development admin token for the bootstrap tenant.
token TENANT="default" ROLE="admin":
    cargo run --release -p mgc-server -- token --tenant {{TENANT}} --role {{ROLE}}

# Closing a day of statistics for 1,000 stations (1-minute data) on PostgreSQL, and the stats
# query of a year of hourly data (BENCH_STATIONS=1000, BENCH_QUERIES=200).
bench-close:
    cargo bench -p mgc-tests --bench close

# A year of hourly station statistics (8,784 rows) through the release `mgc serve` on PostgreSQL
# and SQLite: p50/p95 of the JSON and compact (`format=compact`) forms against a same-run raw SQL
# SELECT of the same rows, and of repeated (cached) answers (BENCH_STATS_QUERIES=200; goal p95 <= 20 ms).
bench-stats:
    cargo build --release -p mgc-server
    cargo bench -p mgc-tests --bench stats
