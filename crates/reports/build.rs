//! Finds a TrueType font that covers CJK (and ¥) to embed in PDF reports: `MGC_PDF_FONT` when set,
//! else the first Debian font package file present. Without one the crate still builds and PDFs
//! print text outside Latin-1 as `?` (a build warning says so).

use std::path::Path;

/// Font files of Debian packages, best first: fonts-droid-fallback, fonts-wqy-zenhei, fonts-arphic-uming.
const CANDIDATES: &[&str] = &[
    "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
    "/usr/share/fonts-droid-fallback/truetype/DroidSansFallbackFull.ttf",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/truetype/arphic/uming.ttc",
];

fn main() {
    println!("cargo::rustc-check-cfg=cfg(mgc_pdf_font)");
    println!("cargo::rerun-if-env-changed=MGC_PDF_FONT");
    for dir in ["/usr/share/fonts/truetype", "/usr/share/fonts-droid-fallback/truetype"] {
        if Path::new(dir).is_dir() {
            println!("cargo::rerun-if-changed={dir}");
        }
    }
    let chosen = std::env::var("MGC_PDF_FONT").ok().filter(|p| !p.is_empty());
    if let Some(path) = &chosen {
        println!("cargo::rerun-if-changed={path}");
    }
    let found = chosen.or_else(|| CANDIDATES.iter().find(|p| Path::new(p).is_file()).map(|p| (*p).to_owned()));
    match found {
        Some(path) if Path::new(&path).is_file() => {
            println!("cargo::rustc-cfg=mgc_pdf_font");
            println!("cargo::rustc-env=MGC_PDF_FONT_PATH={path}");
        }
        other => println!(
            "cargo::warning=no CJK-capable PDF font found{}; install the Debian package fonts-droid-fallback or set MGC_PDF_FONT=<file.ttf>. PDF reports will show text outside Latin-1 (e.g. Chinese station names) as '?'",
            other.map(|p| format!(" ({p} is not a file)")).unwrap_or_default()
        ),
    }
}
