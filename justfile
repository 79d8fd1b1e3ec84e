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
bench: bench-outbox

# Outbox append and dispatch throughput against a same-run insert baseline (BENCH_EVENTS=5000).
bench-outbox:
    cargo bench -p mgc-tests --bench outbox

# Mint a development admin token for the bootstrap tenant.
token TENANT="default" ROLE="admin":
    cargo run --release -p mgc-server -- token --tenant {{TENANT}} --role {{ROLE}}
