//! Robustness: random bytes and random JSON-ish text never make the parser panic.

use crate::support::{bare, named};
use mgc_adapter_thingsboard::payload::{parse_thingsboard, IngestContext, TimeLimits};

/// A small deterministic xorshift generator, so failures reproduce.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: usize) -> usize {
        usize::try_from(self.next() % n as u64).unwrap()
    }
}

const TOKENS: &[&str] = &[
    "{",
    "}",
    "[",
    "]",
    ",",
    ":",
    "\"ts\"",
    "\"values\"",
    "\"device\"",
    "\"msg\"",
    "\"metadata\"",
    "\"deviceName\"",
    "\"deviceType\"",
    "\"D\"",
    "\"\"",
    "\" \"",
    "\"1699999000000\"",
    "1699999000",
    "1699999000000",
    "-1",
    "1.5",
    "1e400",
    "0",
    "true",
    "false",
    "null",
    "\"temperature\"",
    "\"${ts}\"",
    "\"é\"",
    "18446744073709551616",
    " ",
    "\"\\u0000\"",
];

/// Builds JSON-ish text from tokens, biased towards well-formed objects.
fn jsonish(rng: &mut Rng) -> String {
    let mut out = String::new();
    let len = 1 + rng.below(40);
    for _ in 0..len {
        out.push_str(TOKENS[rng.below(TOKENS.len())]);
    }
    out
}

/// Builds a well-formed JSON document from random parts of the accepted shapes.
fn structured(rng: &mut Rng) -> String {
    const TS: &[&str] = &["1699999000", "\"1699999000000\"", "-3", "1.25", "null", "\"x\"", "1699999000.0", "{}"];
    const VAL: &[&str] = &["1", "true", "\"s\"", "null", "[1]", "{\"a\":{}}", "1e308"];
    const KEY: &[&str] = &["t", " t ", "", "ts", "values", "device", "msg"];
    let mut parts = Vec::new();
    for _ in 0..1 + rng.below(4) {
        let ts = TS[rng.below(TS.len())];
        let kv = format!("\"{}\":{}", KEY[rng.below(KEY.len())], VAL[rng.below(VAL.len())]);
        parts.push(match rng.below(5) {
            0 => format!(r#"{{"device":"D","ts":{ts},"values":{{{kv}}}}}"#),
            1 => format!(r#"{{"ts":{ts},"values":{{{kv}}}}}"#),
            2 => format!(r#"{{"msg":{{{kv}}},"metadata":{{"deviceName":"D","ts":{ts}}}}}"#),
            3 => format!(r#"{{"msg":[{{"ts":{ts},"values":{{{kv}}}}}],"metadata":{{"deviceName":"D"}}}}"#),
            _ => format!("{{{kv}}}"),
        });
    }
    format!("[{}]", parts.join(","))
}

/// Parses `body` and checks the invariants of the outcome; true when it was accepted.
fn check(body: &[u8], ctx: &IngestContext, limits: &TimeLimits) -> bool {
    match parse_thingsboard(body, ctx, limits) {
        Ok(batch) => {
            assert!(batch.points.len() <= limits.max_points);
            assert!(batch.points.iter().all(|p| !p.key.is_empty() && !p.device.is_empty()));
            true
        }
        Err(e) => {
            assert!(!e.code.is_empty() && !e.path.is_empty());
            false
        }
    }
}

#[test]
fn given_random_bytes_when_parsing_then_never_panics() {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let limits = TimeLimits::default();
    for _ in 0..400 {
        let len = rng.below(64);
        let bytes: Vec<u8> = (0..len).map(|_| (rng.next() & 0xFF) as u8).collect();
        check(&bytes, &named("D"), &limits);
    }
}

#[test]
fn given_random_jsonish_text_when_parsing_then_never_panics() {
    let mut rng = Rng(0xD1B5_4A32_D192_ED03);
    let limits = TimeLimits { max_points: 3, ..TimeLimits::default() };
    let odd_ctx = IngestContext { ts: Some("99999999999999999999".into()), device_type: Some("t".into()), ..bare() };
    let mut accepted = 0;
    for i in 0..600 {
        let text = if i % 2 == 0 { jsonish(&mut rng) } else { structured(&mut rng) };
        accepted += usize::from(check(text.as_bytes(), &named("D"), &limits));
        check(text.as_bytes(), &odd_ctx, &limits);
    }
    assert!(accepted > 10, "the generator should also produce accepted bodies, got {accepted}");
}
