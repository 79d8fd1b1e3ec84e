//! The operations kit in deploy/ cannot drift from the binary: the alert rules pass
//! `promtool check rules`, every metric the rules and the Grafana dashboards name is one the
//! service describes (crates/api/src/metrics_catalogue.rs), every YAML file parses, the
//! Kubernetes Deployment probes the service's real health routes with two replicas behind a
//! disruption budget, and the ConfigMap's mgc.toml passes `mgc check-config`.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::MGC;
use serde_json::Value;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

fn deploy() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../deploy")
}

fn promtool_required() -> bool {
    matches!(std::env::var("MGC_REQUIRE_PROMTOOL").as_deref(), Ok("1" | "true" | "yes"))
}

/// A Python with PyYAML: the OpenAPI contract venv (made by `.ci/run`), else the system one.
fn python() -> PathBuf {
    let venv = std::env::var("MGC_CONTRACT_VENV")
        .map(PathBuf::from)
        .unwrap_or_else(|_| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/contract-venv"));
    let candidate = venv.join("bin/python");
    if candidate.exists() {
        candidate
    } else {
        PathBuf::from("python3")
    }
}

/// Every YAML file of deploy/ as JSON (one document per file).
fn yaml_files() -> Vec<(String, Value)> {
    let script = r#"
import json, pathlib, sys, yaml
root = pathlib.Path(sys.argv[1])
out = {}
for p in sorted(root.rglob("*.y*ml")):
    out[str(p.relative_to(root))] = yaml.safe_load(p.read_text())
print(json.dumps(out))
"#;
    let out = Command::new(python()).args(["-c", script]).arg(deploy()).output().expect("python runs");
    assert!(out.status.success(), "a YAML file of deploy/ does not parse: {}", String::from_utf8_lossy(&out.stderr));
    let all: serde_json::Map<String, Value> = serde_json::from_slice(&out.stdout).unwrap();
    all.into_iter().collect()
}

/// The `mgc_*` metric names in `text`, histogram suffixes removed.
fn metric_names(text: &str) -> BTreeSet<String> {
    let mut names = BTreeSet::new();
    let bytes = text.as_bytes();
    let mut i = 0;
    while let Some(at) = text[i..].find("mgc_") {
        let start = i + at;
        let before_ok = start == 0 || !(bytes[start - 1].is_ascii_alphanumeric() || bytes[start - 1] == b'_');
        let end =
            text[start..].find(|c: char| !(c.is_ascii_alphanumeric() || c == '_')).map_or(text.len(), |n| start + n);
        if before_ok {
            let name = &text[start..end];
            let base = ["_bucket", "_count", "_sum"].iter().find_map(|s| name.strip_suffix(s)).unwrap_or(name);
            names.insert(base.to_owned());
        }
        i = end;
    }
    names
}

#[test]
fn the_alert_rules_pass_promtool() {
    let rules = deploy().join("prometheus/alerts.yml");
    match Command::new("promtool").arg("check").arg("rules").arg(&rules).output() {
        Ok(out) => assert!(
            out.status.success(),
            "promtool: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ),
        Err(e) => assert!(!promtool_required(), "promtool is required (MGC_REQUIRE_PROMTOOL=1) but did not run: {e}"),
    }
}

#[test]
fn every_metric_of_the_rules_and_dashboards_is_one_the_service_describes() {
    let described: BTreeSet<&str> = mgc_api::metrics_catalogue::METRICS.iter().map(|m| m.name).collect();
    let mut texts = vec![std::fs::read_to_string(deploy().join("prometheus/alerts.yml")).unwrap()];
    let mut panels = 0;
    for entry in std::fs::read_dir(deploy().join("grafana/dashboards")).unwrap() {
        let path = entry.unwrap().path();
        let dashboard: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        for panel in dashboard["panels"].as_array().unwrap() {
            let targets = panel["targets"].as_array().unwrap();
            assert!(!targets.is_empty(), "{}: panel {} has no query", path.display(), panel["title"]);
            for t in targets {
                let expr = t["expr"].as_str().unwrap();
                assert!(!expr.trim().is_empty(), "{}: empty query", path.display());
                texts.push(expr.to_owned());
            }
            panels += 1;
        }
    }
    assert!(panels >= 8, "the overview has its panels ({panels})");
    let named: BTreeSet<String> = texts.iter().flat_map(|t| metric_names(t)).collect();
    let unknown: Vec<&String> = named.iter().filter(|n| !described.contains(n.as_str())).collect();
    assert!(unknown.is_empty(), "not metrics of the service: {unknown:?}");
    assert!(named.len() >= 10, "{named:?}");
}

#[test]
fn the_kubernetes_manifests_probe_the_real_routes_and_their_config_is_valid() {
    let files = yaml_files();
    let doc = |name: &str| {
        files.iter().find(|(n, _)| n == name).map(|(_, v)| v.clone()).unwrap_or_else(|| panic!("deploy/{name}"))
    };
    let deployment = doc("k8s/deployment.yaml");
    assert_eq!(deployment["kind"], "Deployment");
    assert_eq!(deployment["spec"]["replicas"], 2, "two replicas on PostgreSQL");
    let container = &deployment["spec"]["template"]["spec"]["containers"][0];
    assert_eq!(container["readinessProbe"]["httpGet"]["path"], "/readyz");
    assert_eq!(container["livenessProbe"]["httpGet"]["path"], "/healthz");
    assert_eq!(doc("k8s/pdb.yaml")["kind"], "PodDisruptionBudget");
    assert_eq!(doc("k8s/service.yaml")["kind"], "Service");
    assert_eq!(doc("k8s/secret.yaml")["kind"], "Secret");
    let toml = doc("k8s/configmap.yaml")["data"]["mgc.toml"].as_str().unwrap().to_owned();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("mgc.toml");
    std::fs::write(&file, toml).unwrap();
    let out = Command::new(MGC).arg("--config").arg(&file).arg("check-config").output().unwrap();
    assert!(out.status.success(), "the ConfigMap's mgc.toml: {}", String::from_utf8_lossy(&out.stderr));
    let compose = doc("compose.yaml");
    for service in ["mgc", "postgres", "prometheus", "grafana"] {
        assert!(compose["services"][service].is_object(), "compose.yaml runs {service}");
    }
}

#[test]
fn metric_names_are_read_with_histogram_suffixes_removed() {
    let names = metric_names("sum(rate(mgc_http_request_duration_seconds_bucket[5m])) / x_mgc_no + mgc_outbox_pending");
    assert_eq!(names.into_iter().collect::<Vec<_>>(), ["mgc_http_request_duration_seconds", "mgc_outbox_pending"]);
}
