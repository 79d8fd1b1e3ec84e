//! The console's files load nothing from another origin, every file they reference is embedded,
//! every file in `crates/api/console` is embedded, and the routes serve them with their policy.

use super::*;
use axum::body::Body;
use axum::http::Request;
use http_body_util::BodyExt;
use tower::ServiceExt;

/// The one absolute URL allowed: the SVG namespace (an identifier, never fetched).
const SVG_NAMESPACE: &str = "http://www.w3.org/2000/svg";

#[test]
fn given_every_embedded_file_when_scanned_then_none_names_another_origin() {
    for asset in ASSETS {
        let text = asset.body.replace(SVG_NAMESPACE, "");
        for needle in ["http://", "https://", "src=\"//", "href=\"//", "url(//", "@import", "from '//", "import('//"] {
            assert!(!text.contains(needle), "{} contains {needle}", asset.path);
        }
    }
}

/// The relative module specifiers (`from './x.js'`, `import('./x.js')`) of a script.
fn imports(body: &str) -> Vec<&str> {
    let mut found = Vec::new();
    for opener in ["from '", "import('"] {
        for (i, _) in body.match_indices(opener) {
            let rest = &body[i + opener.len()..];
            if let Some(end) = rest.find('\'') {
                found.push(&rest[..end]);
            }
        }
    }
    found
}

/// Resolves `spec` relative to the directory of `from` (both paths under /console/).
fn resolve(from: &str, spec: &str) -> String {
    let mut parts: Vec<&str> = from.split('/').collect();
    parts.pop();
    for seg in spec.split('/') {
        match seg {
            "." => {}
            ".." => {
                parts.pop();
            }
            s => parts.push(s),
        }
    }
    parts.join("/")
}

#[test]
fn given_the_pages_and_scripts_when_their_references_are_followed_then_each_is_embedded() {
    for asset in ASSETS {
        if asset.path.ends_with(".js") {
            for spec in imports(asset.body) {
                assert!(spec.starts_with('.'), "{}: bare or absolute import {spec}", asset.path);
                let target = resolve(asset.path, spec);
                assert!(find(&target).is_some(), "{} imports {spec}: {target} is not embedded", asset.path);
            }
        }
        if asset.path.ends_with(".html") {
            for (i, _) in asset.body.match_indices("/console/") {
                let rest = &asset.body[i + "/console/".len()..];
                let end = rest.find('"').unwrap_or(rest.len());
                assert!(
                    find(&rest[..end]).is_some(),
                    "{} names /console/{} which is not embedded",
                    asset.path,
                    &rest[..end]
                );
            }
        }
    }
    let imported = imports(find("js/app.js").map_or("", |a| a.body)).len();
    assert!(imported >= 10, "the shell loads its pages as modules: {imported}");
}

fn files_under(dir: &std::path::Path, root: &std::path::Path, out: &mut Vec<String>) {
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            files_under(&path, root, out);
        } else if let Ok(rel) = path.strip_prefix(root) {
            out.push(rel.to_string_lossy().replace('\\', "/"));
        }
    }
}

#[test]
fn given_the_console_directory_when_listed_then_every_file_is_embedded_once() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("console");
    let mut files = Vec::new();
    files_under(&root, &root, &mut files);
    assert!(files.len() >= 15, "{files:?}");
    for f in &files {
        assert_eq!(ASSETS.iter().filter(|a| a.path == f).count(), 1, "{f} is embedded exactly once");
    }
    assert_eq!(files.len(), ASSETS.len(), "no embedded path lacks its file");
}

async fn get(path: &str) -> (StatusCode, axum::http::HeaderMap, String) {
    let app: Router = routes();
    let res = app.oneshot(Request::get(path).body(Body::empty()).unwrap_or_default()).await;
    let Ok(res) = res;
    let (parts, body) = res.into_parts();
    let bytes = body.collect().await.map(|b| b.to_bytes()).unwrap_or_default();
    (parts.status, parts.headers, String::from_utf8_lossy(&bytes).into_owned())
}

#[tokio::test]
async fn given_the_routes_when_the_pages_are_asked_for_then_they_are_served_under_the_policy() {
    for (path, marker) in [("/", "/console/js/app.js"), ("/docs", "/console/js/docs.js")] {
        let (status, headers, body) = get(path).await;
        assert_eq!(status, StatusCode::OK, "{path}");
        assert!(body.contains(marker), "{path}: {body}");
        assert_eq!(headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()), Some(HTML));
        let csp = headers.get(header::CONTENT_SECURITY_POLICY).and_then(|v| v.to_str().ok()).unwrap_or_default();
        assert!(csp.contains("connect-src 'self'") && csp.contains("script-src 'self'"), "{csp}");
    }
    let (status, headers, body) = get("/console/js/chart.js").await;
    assert_eq!((status, headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok())), (StatusCode::OK, Some(JS)));
    assert!(body.contains("export function barChart"));
    let (status, _, body) = get("/console/js/nope.js").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(body.contains("\"not_found\""), "{body}");
}

#[test]
fn given_the_openapi_document_when_read_then_the_console_routes_are_not_in_it() {
    use utoipa::OpenApi;
    let doc = crate::openapi::ApiDoc::openapi();
    for path in doc.paths.paths.keys() {
        assert!(path != "/" && path != "/docs" && !path.starts_with("/console"), "{path} is in the API document");
    }
}
