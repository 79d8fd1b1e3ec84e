//! docs/configuration.md shows what the binary answers: every `$ mgc …` example of it (except
//! `serve`, which does not end, and the PostgreSQL one) is run in document order against a
//! scratch data directory, and its output must read as documented, ids, keys and times aside.
//! A documented line ending in `…` is a prefix; a `...` line stands for lines left out.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::MGC;
use std::path::Path;
use std::process::Command;

/// One `$ command` of the document and the lines printed under it.
struct Example {
    command: String,
    output: Vec<String>,
}

fn examples(doc: &str) -> Vec<Example> {
    let mut found: Vec<Example> = Vec::new();
    let (mut in_block, mut open) = (false, false);
    for line in doc.lines() {
        if line.trim_start().starts_with("```") {
            in_block = !in_block;
            open = false;
            continue;
        }
        if !in_block {
            continue;
        }
        match line.strip_prefix("$ ") {
            Some(command) => {
                found.push(Example { command: command.to_owned(), output: Vec::new() });
                open = true;
            }
            None if open => found.last_mut().unwrap().output.push(line.to_owned()),
            None => {}
        }
    }
    found.into_iter().filter(|e| !e.command.contains("mgc serve") && !e.command.contains("postgres://")).collect()
}

/// Ids, keys, times and sealed-key ids replaced by placeholders.
fn normalise(line: &str) -> String {
    let mut out = String::new();
    let words: Vec<&str> = line.split_inclusive(|c: char| c.is_whitespace() || c == '(' || c == ')').collect();
    for word in words {
        let trimmed = word.trim_end_matches(|c: char| c.is_whitespace() || c == '(' || c == ')');
        let tail = &word[trimmed.len()..];
        let hexish = |s: &str| s.len() >= 8 && s.chars().all(|c| c.is_ascii_hexdigit() || c == '-' || c == '_');
        let replaced = if trimmed.len() == 36 && trimmed.matches('-').count() == 4 && hexish(trimmed) {
            "<id>".to_owned()
        } else if trimmed.starts_with("mgc_") && hexish(&trimmed[4..]) {
            "<key>".to_owned()
        } else if trimmed.len() > 20
            && trimmed.as_bytes()[4] == b'-'
            && trimmed.contains('T')
            && trimmed.ends_with("+00:00")
        {
            "<time>".to_owned()
        } else if let Some(rest) = trimmed.strip_prefix("enc1:") {
            format!("enc1:<kid>:{}", if rest.ends_with('…') { "…" } else { "<sealed>" })
        } else {
            trimmed.to_owned()
        };
        out.push_str(&replaced);
        out.push_str(tail);
    }
    out
}

fn matches(documented: &str, actual: &str) -> bool {
    let (d, a) = (normalise(documented), normalise(actual));
    match d.strip_suffix('…') {
        Some(prefix) => a.starts_with(prefix),
        None => d == a,
    }
}

#[test]
fn every_example_of_configuration_md_prints_what_the_document_shows() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let doc = std::fs::read_to_string(root.join("docs/configuration.md")).unwrap();
    let examples = examples(&doc);
    assert!(examples.len() >= 8, "examples not found: {}", examples.len());
    let dir = tempfile::tempdir().unwrap();
    let scratch = dir.path().join("docs-try");
    let scratch = scratch.to_str().unwrap();
    let bin_dir = Path::new(MGC).parent().unwrap();
    let path = format!("{}:{}", bin_dir.display(), std::env::var("PATH").unwrap_or_default());
    // One shell for all, in document order (later examples see what earlier ones made).
    let mut script = String::from("set -u\n");
    for (i, e) in examples.iter().enumerate() {
        script.push_str(&format!("echo '@@example {i}'\n{} 2>&1\n", e.command.replace("/tmp/docs-try", scratch)));
    }
    let out = Command::new("bash")
        .arg("-c")
        .arg(&script)
        .current_dir(&root)
        .env("PATH", path)
        .env("RUST_LOG", "warn")
        .env("TB_PASSWORD", "tb-password")
        .env_remove("MGC_CONFIG")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout).replace(scratch, "/tmp/docs-try");
    let mut printed: Vec<Vec<String>> = Vec::new();
    for line in text.lines() {
        if line.starts_with("@@example ") {
            printed.push(Vec::new());
        } else if let Some(current) = printed.last_mut() {
            current.push(line.to_owned());
        }
    }
    assert_eq!(printed.len(), examples.len(), "{text}");
    for (e, actual) in examples.iter().zip(&printed) {
        let cut = e.output.iter().position(|l| l.trim() == "...");
        let (head, tail) = match cut {
            Some(i) => (&e.output[..i], &e.output[i + 1..]),
            None => (&e.output[..], &e.output[..0]),
        };
        let shown = format!("$ {}\ndocumented:\n{}\nprinted:\n{}", e.command, e.output.join("\n"), actual.join("\n"));
        if cut.is_none() {
            assert_eq!(head.len(), actual.len(), "{shown}");
        }
        assert!(head.len() + tail.len() <= actual.len(), "{shown}");
        for (d, a) in head.iter().zip(actual) {
            assert!(matches(d, a), "line {d:?} printed as {a:?}\n{shown}");
        }
        for (d, a) in tail.iter().rev().zip(actual.iter().rev()) {
            assert!(matches(d, a), "line {d:?} printed as {a:?}\n{shown}");
        }
    }
}
