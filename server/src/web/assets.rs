//! The browser files every page loads, as `make web` built them: the app's
//! code (the wasm, its JavaScript glue, the lazy pages' files) in a
//! directory named by its content, and the stylesheet named by its own
//! (`scripts/site-assets` writes both names to `assets.json`). What is
//! named by its content never changes, so browsers may keep it for good;
//! every other file is checked again on each use.

use std::path::Path;

use axum::body::Body;
use axum::extract::State;
use axum::http::{header, HeaderValue, Request, StatusCode};
use axum::middleware::Next;
use axum::response::Response;
use serde::Deserialize;

/// A year, the longest a cache is asked to keep anything.
const KEEP_FOR_GOOD: HeaderValue = HeaderValue::from_static("public, max-age=31536000, immutable");
const CHECK_EACH_TIME: HeaderValue = HeaderValue::from_static("no-cache");

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Assets {
    /// The directory of the app's code, from the site's root: Leptos loads
    /// `<pkg>/parlor.js` and `<pkg>/parlor_bg.wasm`, and the lazy pages'
    /// files beside them.
    pub pkg: String,
    /// The stylesheet's path from the site's root.
    pub stylesheet: String,
    /// Whether the names above are content hashes (a site built without
    /// `scripts/site-assets` has the plain names, which change in place).
    fingerprinted: bool,
}

#[derive(Deserialize)]
struct Manifest {
    pkg: String,
    stylesheet: String,
}

impl Assets {
    /// The names `make web` gave the files in `site_dir`, or the plain
    /// names when it gave none.
    pub fn load(site_dir: &Path) -> Assets {
        let path = site_dir.join("assets.json");
        let manifest = match std::fs::read(&path) {
            Ok(bytes) => serde_json::from_slice::<Manifest>(&bytes)
                .inspect_err(|error| {
                    tracing::warn!(path = %path.display(), %error, "the site's asset names cannot be read");
                })
                .ok(),
            Err(_) => None,
        };
        match manifest {
            Some(m) => Assets {
                pkg: m.pkg,
                stylesheet: m.stylesheet,
                fingerprinted: true,
            },
            None => Assets {
                pkg: "pkg".into(),
                stylesheet: "parlor.css".into(),
                fingerprinted: false,
            },
        }
    }

    pub fn stylesheet_href(&self) -> String {
        format!("/{}", self.stylesheet)
    }

    /// Whether `path` names a file by its content.
    fn is_fingerprinted(&self, path: &str) -> bool {
        if !self.fingerprinted {
            return false;
        }
        let Some(name) = path.strip_prefix('/') else {
            return false;
        };
        name == self.stylesheet
            || name
                .strip_prefix(self.pkg.as_str())
                .and_then(|rest| rest.strip_prefix('/'))
                .is_some_and(|file| !file.is_empty() && !file.contains('/'))
    }
}

/// How long browsers keep a file from the site: for good when it is named by
/// its content, otherwise only until they check again. Answers differ by
/// the request's Accept-Encoding (the files are also kept compressed).
pub async fn cache_policy(
    State(assets): State<Assets>,
    request: Request<Body>,
    next: Next,
) -> Response {
    let for_good = assets.is_fingerprinted(request.uri().path());
    let mut response = next.run(request).await;
    // A 304 refreshes what the browser stored: it must say "for good" too.
    let kept = response.status().is_success() || response.status() == StatusCode::NOT_MODIFIED;
    let policy = if for_good && kept {
        KEEP_FOR_GOOD
    } else {
        CHECK_EACH_TIME
    };
    let headers = response.headers_mut();
    if !headers.contains_key(header::CACHE_CONTROL) {
        headers.insert(header::CACHE_CONTROL, policy);
    }
    headers.append(header::VARY, HeaderValue::from_static("accept-encoding"));
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    fn built() -> Assets {
        Assets {
            pkg: "pkg/0123456789abcdef".into(),
            stylesheet: "parlor.fedcba9876543210.css".into(),
            fingerprinted: true,
        }
    }

    #[test]
    fn only_the_files_named_by_their_content_are_kept_for_good() {
        let assets = built();
        assert!(assets.is_fingerprinted("/pkg/0123456789abcdef/parlor.js"));
        assert!(assets.is_fingerprinted("/pkg/0123456789abcdef/parlor_bg.wasm"));
        assert!(assets.is_fingerprinted("/pkg/0123456789abcdef/chunk_12.wasm"));
        assert!(assets.is_fingerprinted("/parlor.fedcba9876543210.css"));
        for other in [
            "/sw.js",
            "/manifest.webmanifest",
            "/icon.svg",
            "/parlor.css",
            "/pkg/parlor.js",
            "/pkg/0123456789abcdef",
            "/pkg/0123456789abcdef/",
            "/pkg/0123456789abcdef0/parlor.js",
            "/pkg/0123456789abcdef/deeper/parlor.js",
            "/0123456789abcdef/parlor.js",
        ] {
            assert!(!assets.is_fingerprinted(other), "{other}");
        }
    }

    #[test]
    fn a_site_built_without_names_by_content_keeps_nothing_for_good() {
        let dir = tempfile::tempdir().unwrap();
        let assets = Assets::load(dir.path());
        assert_eq!(assets.pkg, "pkg");
        assert_eq!(assets.stylesheet_href(), "/parlor.css");
        assert!(!assets.is_fingerprinted("/parlor.css"));
        assert!(!assets.is_fingerprinted("/pkg/parlor.js"));
    }

    #[test]
    fn the_names_are_read_from_what_make_web_wrote() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("assets.json"),
            r#"{"pkg": "pkg/0123456789abcdef", "stylesheet": "parlor.fedcba9876543210.css"}"#,
        )
        .unwrap();
        assert_eq!(Assets::load(dir.path()), built());
    }
}
