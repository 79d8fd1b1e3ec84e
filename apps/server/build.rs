//! Sets `MGC_REVISION` (the git commit the binary is built from, or `unknown`) for
//! `mgc_build_info`; a value in the environment wins (builds from a source archive).

use std::process::Command;

fn git(args: &[&str]) -> Option<String> {
    let out = Command::new("git").args(args).output().ok()?;
    let text = String::from_utf8(out.stdout).ok()?.trim().to_owned();
    (out.status.success() && !text.is_empty()).then_some(text)
}

fn main() {
    println!("cargo:rerun-if-env-changed=MGC_REVISION");
    let revision = std::env::var("MGC_REVISION").ok().filter(|r| !r.is_empty()).or_else(|| {
        // Rebuild when HEAD moves: its file, the branch it names, and packed refs.
        let branch = git(&["symbolic-ref", "-q", "HEAD"]);
        let files = ["HEAD", "packed-refs"].into_iter().chain(branch.as_deref());
        // Only files that exist: a missing one would make cargo rebuild every time.
        for path in files.filter_map(|f| git(&["rev-parse", "--git-path", f])) {
            if std::path::Path::new(&path).exists() {
                println!("cargo:rerun-if-changed={path}");
            }
        }
        git(&["rev-parse", "--short=12", "HEAD"])
    });
    println!("cargo:rustc-env=MGC_REVISION={}", revision.as_deref().unwrap_or("unknown"));
}
