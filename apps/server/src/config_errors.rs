//! Configuration errors a person can act on: every bad key (not only the first), named as it is
//! written (`http.idle_timeout_ms`), with the file and line (or the `MGC_` variable) that set it.

use figment::error::Kind;
use figment::providers::Serialized;
use figment::value::Value;
use figment::{Figment, Metadata, Source};
use serde::de::DeserializeOwned;

/// At most this many extraction rounds (each round finds at least one more bad key).
const MAX_ROUNDS: usize = 64;

/// Extracts `T`. Every bad key (not only the first) is listed, and replaced by its default so
/// that the rest can still be checked; `Err` only when the values cannot be repaired at all.
pub fn extract_all<T: DeserializeOwned>(figment: &Figment, defaults: &Value) -> Result<(T, Vec<String>), String> {
    let mut errors = match figment.extract::<T>() {
        Ok(v) => return Ok((v, Vec::new())),
        Err(e) => e,
    };
    // The merged values, worked on without each bad key in turn to find the next problem.
    let Ok(mut data) = figment.extract::<Value>() else {
        return Err(format!("invalid configuration:\n  - {}", describe(figment, &errors)));
    };
    let mut problems: Vec<String> = Vec::new();
    for _ in 0..MAX_ROUNDS {
        let mut changed = false;
        for e in errors {
            let line = describe(figment, &e);
            if !problems.contains(&line) {
                problems.push(line);
            }
            let default = defaults.find_ref(&e.path.join(".").to_ascii_lowercase()).cloned();
            changed |= set(&mut data, &e.path, default);
        }
        if !changed {
            break;
        }
        match Figment::from(Serialized::defaults(data.clone())).extract::<T>() {
            Ok(repaired) => return Ok((repaired, problems)),
            Err(next) => errors = next,
        }
    }
    Err(format!("invalid configuration:\n  - {}", problems.join("\n  - ")))
}

/// Prefixes a `key: what` message with where the key was set (`file:line:` or the variable).
pub fn locate(figment: &Figment, from_flags: &[&str], problem: String) -> String {
    let Some((key, what)) = problem.split_once(": ") else { return problem };
    let is_key = key.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '.');
    if !is_key || from_flags.contains(&key) {
        return problem;
    }
    let path: Vec<String> = key.split('.').map(str::to_owned).collect();
    format!("{}: {what}", place(&path, figment.find_metadata(key)))
}

/// Replaces (or, without a default, removes) the value at `path`; false when nothing changed.
fn set(data: &mut Value, path: &[String], default: Option<Value>) -> bool {
    let Some((last, parents)) = path.split_last() else { return false };
    let mut node = data;
    for p in parents {
        let Value::Dict(_, dict) = node else { return false };
        let Some(next) = dict.get_mut(p) else { return false };
        node = next;
    }
    let Value::Dict(_, dict) = node else { return false };
    match default {
        Some(v) => dict.insert(last.clone(), v).is_some(),
        None => dict.remove(last).is_some(),
    }
}

/// `where: key: what`, e.g. `mgc.toml:4: http.idle_timeout_ms: invalid type: …`.
fn describe(figment: &Figment, e: &figment::Error) -> String {
    // For an unknown field the path already ends with the field's name.
    let path: Vec<String> = e.path.iter().map(|p| p.to_ascii_lowercase()).collect();
    let metadata = figment.find_metadata(&e.path.join(".")).or(e.metadata.as_ref());
    let what = match &e.kind {
        Kind::UnknownField(_, expected) => format!("unknown key; the keys here are {}", expected.join(", ")),
        kind => kind.to_string(),
    };
    format!("{}: {what}", place(&path, metadata))
}

/// `file:line: key`, `key (variable MGC_KEY)` or the bare key when it comes from the defaults.
fn place(path: &[String], metadata: Option<&Metadata>) -> String {
    let key = path.join(".");
    match metadata.and_then(|m| m.source.as_ref()) {
        Some(Source::File(file)) => match line_of(file, path) {
            Some(n) => format!("{}:{n}: {key}", file.display()),
            None => format!("{}: {key}", file.display()),
        },
        _ if metadata.is_some_and(|m| m.name.contains("environment")) => {
            format!("{key} (variable MGC_{})", path.join("__").to_ascii_uppercase())
        }
        _ => key,
    }
}

/// The 1-based line of `section.key = …` in a TOML file (plain `[section]` tables).
fn line_of(file: &std::path::Path, path: &[String]) -> Option<usize> {
    let text = std::fs::read_to_string(file).ok()?;
    let (key, section) = path.split_last()?;
    let section = section.join(".");
    let mut current = String::new();
    for (i, raw) in text.lines().enumerate() {
        let line = raw.trim();
        if let Some(name) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
            current = name.trim().to_ascii_lowercase();
            continue;
        }
        let Some((k, _)) = line.split_once('=') else { continue };
        if current == section && k.trim().trim_matches('"').eq_ignore_ascii_case(key) {
            return Some(i + 1);
        }
    }
    None
}
