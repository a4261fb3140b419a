//! What browsers are told about Parlor's pages and answers: the
//! Content-Security-Policy and its nonce, framing, caching, sniffing,
//! referrers, and the session cookie's flags.

use leptos::server_fn::ServerFn;
use parlor_app::api::CurrentSession;
use serde_json::json;

use crate::helpers::{TestApp, OWNER_EMAIL, PASSWORD};

fn header<'a>(response: &'a crate::helpers::Response, name: &str) -> &'a str {
    response
        .headers
        .get(name)
        .unwrap_or_else(|| panic!("no {name} header"))
        .to_str()
        .unwrap()
}

/// The nonce the page's policy allows scripts with.
fn policy_nonce(policy: &str) -> String {
    let script_src = policy
        .split(';')
        .map(str::trim)
        .find(|directive| directive.starts_with("script-src "))
        .unwrap_or_else(|| panic!("no script-src in {policy}"));
    script_src
        .split_whitespace()
        .find_map(|source| source.strip_prefix("'nonce-")?.strip_suffix('\''))
        .unwrap_or_else(|| panic!("no nonce in {script_src}"))
        .to_string()
}

/// Every `<script …>` opening tag of a page.
fn script_tags(html: &str) -> Vec<&str> {
    html.match_indices("<script")
        .map(|(at, _)| &html[at..at + html[at..].find('>').expect("a closed tag")])
        .collect()
}

#[tokio::test]
async fn a_page_allows_only_its_own_scripts_and_no_framing() {
    let app = TestApp::spawn().await;
    let page = app.anonymous().get("/sign-in").await;
    assert_eq!(page.status, 200, "{}", page.body);
    let policy = header(&page, "content-security-policy");
    assert!(policy.contains("frame-ancestors 'none'"), "{policy}");
    assert!(policy.contains("object-src 'none'"), "{policy}");
    assert!(policy.contains("base-uri 'none'"), "{policy}");
    assert!(!policy.contains("unsafe-inline"), "{policy}");
    assert!(!policy.contains("'unsafe-eval'"), "{policy}");
    assert_eq!(header(&page, "x-frame-options"), "DENY");

    let nonce = policy_nonce(policy);
    let html = page.body.as_str().expect("an HTML page");
    let scripts = script_tags(html);
    assert!(!scripts.is_empty(), "the page has no hydration script");
    for script in scripts {
        assert!(
            script.contains(&format!("nonce=\"{nonce}\"")),
            "{script} does not carry the policy's nonce {nonce}"
        );
    }
}

#[tokio::test]
async fn every_page_gets_a_nonce_of_its_own() {
    let app = TestApp::spawn().await;
    let anonymous = app.anonymous();
    let first = anonymous.get("/sign-in").await;
    let second = anonymous.get("/sign-in").await;
    let first = policy_nonce(header(&first, "content-security-policy"));
    let second = policy_nonce(header(&second, "content-security-policy"));
    assert_ne!(first, second);
    assert!(first.len() >= 22, "a nonce of 128 bits or more: {first}");
}

#[tokio::test]
async fn pages_that_are_not_found_and_signed_in_pages_have_the_policy_too() {
    let app = TestApp::spawn().await;
    let owner = app.sign_in(OWNER_EMAIL, PASSWORD).await;
    for (caller, path) in [(&owner, "/messages"), (&owner, "/settings")] {
        let page = caller.get(path).await;
        assert_eq!(page.status, 200, "{path}: {}", page.body);
        policy_nonce(header(&page, "content-security-policy"));
    }
    let missing = app.anonymous().get("/no-such-page").await;
    assert_eq!(missing.status, 404);
    let policy = header(&missing, "content-security-policy");
    let html = missing.body.as_str().expect("an HTML page");
    for script in script_tags(html) {
        assert!(script.contains(&format!("nonce=\"{}\"", policy_nonce(policy))));
    }
}

#[tokio::test]
async fn personal_pages_and_answers_are_never_stored_and_browser_files_are_revalidated() {
    let site = tempfile::tempdir().unwrap();
    std::fs::write(site.path().join("parlor.css"), "body {}").unwrap();
    let site_dir = site.path().to_path_buf();
    let app = TestApp::spawn_with(move |config| config.site_dir = site_dir).await;
    let owner = app.sign_in(OWNER_EMAIL, PASSWORD).await;

    let page = owner.get("/messages").await;
    assert_eq!(header(&page, "cache-control"), "no-store");
    let answer = owner
        .send(
            owner
                .request(reqwest::Method::POST, CurrentSession::PATH)
                .header("Content-Type", "application/x-www-form-urlencoded"),
        )
        .await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    assert!(
        answer.body.to_string().contains(&app.owner_id),
        "{}",
        answer.body
    );
    assert_eq!(header(&answer, "cache-control"), "no-store");
    let api = owner.get("/v1/message-channels").await;
    assert_eq!(api.status, 200, "{}", api.body);
    assert_eq!(header(&api, "cache-control"), "no-store");

    let file = app.anonymous().get("/parlor.css").await;
    assert_eq!(file.status, 200);
    assert_eq!(header(&file, "cache-control"), "no-cache");
}

/// A site as `make web` leaves it: the app's code in a directory named by
/// its content, the stylesheet named by its own, each file with its
/// compressed copies (their bodies say which one was sent).
fn built_site() -> tempfile::TempDir {
    let site = tempfile::tempdir().unwrap();
    let files = [
        ("pkg/0123456789abcdef/parlor.js", "glue"),
        ("pkg/0123456789abcdef/parlor_bg.wasm", "wasm"),
        ("pkg/0123456789abcdef/chunk_1.wasm", "a page's code"),
        ("parlor.fedcba9876543210.css", "style"),
        ("sw.js", "worker"),
    ];
    std::fs::create_dir_all(site.path().join("pkg/0123456789abcdef")).unwrap();
    for (path, body) in files {
        let path = site.path().join(path).into_os_string();
        std::fs::write(&path, body).unwrap();
        for (suffix, encoding) in [(".br", "brotli"), (".gz", "gzip")] {
            let mut compressed = path.clone();
            compressed.push(suffix);
            std::fs::write(compressed, format!("{body} in {encoding}")).unwrap();
        }
    }
    std::fs::write(
        site.path().join("assets.json"),
        r#"{"pkg": "pkg/0123456789abcdef", "stylesheet": "parlor.fedcba9876543210.css"}"#,
    )
    .unwrap();
    site
}

#[tokio::test]
async fn the_apps_files_are_kept_for_good_under_their_content_names_and_sent_compressed_as_asked() {
    let site = built_site();
    let site_dir = site.path().to_path_buf();
    let app = TestApp::spawn_with(move |config| config.site_dir = site_dir).await;
    let visitor = app.anonymous();
    let fetch = |path: &'static str, accepts: &'static str| {
        let request = visitor
            .request(reqwest::Method::GET, path)
            .header("Accept-Encoding", accepts);
        visitor.send(request)
    };

    // Pages load the files by their content names.
    let page = visitor.get("/sign-in").await;
    let html = page.body.as_str().expect("an HTML page");
    for name in [
        "/pkg/0123456789abcdef/parlor.js",
        "/pkg/0123456789abcdef/parlor_bg.wasm",
        "/parlor.fedcba9876543210.css",
    ] {
        assert!(html.contains(name), "{name} in {html}");
    }
    assert_eq!(header(&page, "cache-control"), "no-store");

    for (path, body) in [
        ("/pkg/0123456789abcdef/parlor.js", "glue"),
        ("/pkg/0123456789abcdef/parlor_bg.wasm", "wasm"),
        ("/pkg/0123456789abcdef/chunk_1.wasm", "a page's code"),
        ("/parlor.fedcba9876543210.css", "style"),
    ] {
        let brotli = fetch(path, "gzip, deflate, br").await;
        assert_eq!(brotli.status, 200, "{path}");
        assert_eq!(brotli.body, format!("{body} in brotli"), "{path}");
        assert_eq!(header(&brotli, "content-encoding"), "br", "{path}");
        assert_eq!(
            header(&brotli, "cache-control"),
            "public, max-age=31536000, immutable",
            "{path}"
        );
        assert_eq!(header(&brotli, "vary"), "accept-encoding", "{path}");

        let again = visitor
            .request(reqwest::Method::GET, path)
            .header("Accept-Encoding", "br")
            .header("If-Modified-Since", header(&brotli, "last-modified"));
        let again = visitor.send(again).await;
        assert_eq!(again.status, 304, "{path}");
        assert_eq!(
            header(&again, "cache-control"),
            "public, max-age=31536000, immutable",
            "{path}"
        );

        let gzip = fetch(path, "gzip").await;
        assert_eq!(gzip.body, format!("{body} in gzip"), "{path}");
        assert_eq!(header(&gzip, "content-encoding"), "gzip", "{path}");

        let plain = fetch(path, "identity").await;
        assert_eq!(plain.body, body, "{path}");
        assert!(plain.headers.get("content-encoding").is_none(), "{path}");
        assert_eq!(
            header(&plain, "cache-control"),
            "public, max-age=31536000, immutable",
            "{path}"
        );
    }

    // What keeps its name is checked again on each use, compressed or not.
    let worker = fetch("/sw.js", "br").await;
    assert_eq!(worker.body, "worker in brotli");
    assert_eq!(header(&worker, "cache-control"), "no-cache");
    // A name no build made is not kept, whatever it looks like.
    let missing = fetch("/pkg/0000000000000000/parlor.js", "br").await;
    assert_eq!(missing.status, 404);
    assert_ne!(
        header(&missing, "cache-control"),
        "public, max-age=31536000, immutable"
    );
}

#[tokio::test]
async fn no_answer_is_sniffed_and_no_link_out_carries_the_address() {
    let app = TestApp::spawn().await;
    for path in [
        "/sign-in",
        "/v1/message-channels",
        "/v1/openapi.json",
        "/no-such-page",
    ] {
        let response = app.admin.get(path).await;
        assert_eq!(
            header(&response, "x-content-type-options"),
            "nosniff",
            "{path}"
        );
        assert_eq!(
            header(&response, "referrer-policy"),
            "same-origin",
            "{path}"
        );
    }
}

async fn session_cookie(app: &TestApp) -> String {
    let response = app
        .anonymous()
        .post(
            "/v1/sessions",
            json!({ "email": OWNER_EMAIL, "password": PASSWORD }),
        )
        .await;
    assert_eq!(response.status, 200, "{}", response.body);
    header(&response, "set-cookie").to_string()
}

#[tokio::test]
async fn the_session_cookie_is_secure_when_the_public_url_is_https() {
    let app =
        TestApp::spawn_with(|config| config.public_url = "https://parlor.example".into()).await;
    let cookie = session_cookie(&app).await;
    assert!(
        cookie.split(';').any(|part| part.trim() == "Secure"),
        "{cookie}"
    );
    assert!(cookie.contains("HttpOnly"), "{cookie}");

    // On plain HTTP (a server on a laptop) a Secure cookie would never come back.
    let local = TestApp::spawn().await;
    let cookie = session_cookie(&local).await;
    assert!(
        !cookie.split(';').any(|part| part.trim() == "Secure"),
        "{cookie}"
    );
}

/// A caller without a session that sees redirects instead of following them.
fn not_following() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

#[tokio::test]
async fn signed_out_visitors_of_signed_in_pages_are_redirected_to_sign_in_and_back() {
    let app = TestApp::spawn().await;
    let http = not_following();
    for (path, location) in [
        ("/messages", "/sign-in?next=/messages"),
        ("/messages/ch_1", "/sign-in?next=/messages/ch_1"),
        ("/clients", "/sign-in?next=/clients"),
        ("/clients/co_1", "/sign-in?next=/clients/co_1"),
        ("/settings", "/sign-in?next=/settings"),
        ("/notifications", "/sign-in?next=/notifications"),
        ("/account", "/sign-in?next=/account"),
        ("/new/conversation", "/sign-in?next=/new/conversation"),
        ("/new/mass-message", "/sign-in?next=/new/mass-message"),
        // A deep link keeps its query, escaped so that it stays in `next`.
        ("/clients?q=a&b+c", "/sign-in?next=/clients?q=a%26b%2Bc"),
        (
            "/messages/caf%C3%A9?from=mail",
            "/sign-in?next=/messages/caf%25C3%25A9?from=mail",
        ),
    ] {
        let response = http
            .get(format!("{}{path}", app.base))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status().as_u16(), 303, "{path}");
        assert_eq!(
            response.headers()["location"].to_str().unwrap(),
            location,
            "{path}"
        );
        assert_eq!(
            response.headers()["cache-control"].to_str().unwrap(),
            "no-store",
            "{path}"
        );
    }

    // Pages for people without a session are never redirected.
    for path in [
        "/sign-in",
        "/sign-in?next=/messages",
        "/forgot-password",
        "/invite/not-a-token",
        "/reset/not-a-token",
        "/setup/not-a-token",
    ] {
        let response = http
            .get(format!("{}{path}", app.base))
            .send()
            .await
            .unwrap();
        // An unknown token is the page's own 404, never a redirect.
        let status = response.status().as_u16();
        let expected = if path.starts_with("/invite/") || path.starts_with("/reset/") {
            404
        } else {
            200
        };
        assert_eq!(status, expected, "{path}");
        assert!(response.headers().get("location").is_none(), "{path}");
    }

    // Signed in, the same pages render.
    let owner = app.sign_in(OWNER_EMAIL, PASSWORD).await;
    for path in ["/messages", "/settings", "/clients?q=a&b+c"] {
        let page = owner.get(path).await;
        assert_eq!(page.status, 200, "{path}: {}", page.body);
    }
}

/// The sign-in page's form, before the app's script runs: a plain HTML
/// form whose post signs in and leads on to the page that asked for it.
#[tokio::test]
async fn the_sign_in_form_works_as_a_plain_html_form() {
    let app = TestApp::spawn().await;
    let page = app.anonymous().get("/sign-in?next=/settings").await;
    let html = page.body.as_str().expect("an HTML page");
    let form = &html[html.find("<form").expect("a form")..];
    let form = &form[..form.find('>').unwrap()];
    assert!(form.contains("method=\"post\""), "{form}");
    let action = form
        .split("action=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .unwrap_or_else(|| panic!("no action in {form}"));
    assert!(action.starts_with("/api/"), "{form}");

    let http = not_following();
    let referer = format!("{}/sign-in?next=/clients?q%3Da%2526b", app.base);
    let post = |password: &'static str| {
        http.post(format!("{}{action}", app.base))
            .header("Accept", "text/html")
            .header("Origin", app.base.as_str())
            .header("Referer", referer.as_str())
            .form(&[("email", OWNER_EMAIL), ("password", password)])
            .send()
    };
    let wrong = post("not the password").await.unwrap();
    assert_eq!(wrong.status().as_u16(), 302);
    let back = wrong.headers()["location"].to_str().unwrap().to_string();
    assert!(back.contains("/sign-in?next="), "{back}");
    assert!(back.contains("__err="), "{back}");
    assert!(wrong.headers().get("set-cookie").is_none());
    // The page it leads back to says why.
    let again = app
        .anonymous()
        .get(back.trim_start_matches(app.base.as_str()))
        .await;
    let again = again.body.as_str().expect("an HTML page");
    assert!(again.contains("class=\"error\""), "{again}");
    assert!(
        again.contains("password") || again.contains("Password"),
        "{again}"
    );

    let right = post(PASSWORD).await.unwrap();
    assert_eq!(right.status().as_u16(), 302);
    assert_eq!(
        right.headers()["location"].to_str().unwrap(),
        "/clients?q=a%26b"
    );
    assert!(right.headers().get("set-cookie").is_some());
}
