//! What a browser is told about the web app's pages: which scripts may run
//! on them, that nobody may frame them, and that they are not to be kept.
//!
//! Every page gets a fresh nonce; the Content-Security-Policy lets scripts
//! run only from this server's files or inline with that nonce, which Leptos
//! puts on its hydration and resource scripts. Markup injected into a page
//! (a message rendered wrongly, say) cannot run a script of its own.

use axum::body::Body;
use axum::http::{header, HeaderValue, Request};
use axum::middleware::Next;
use axum::response::Response;
use leptos::nonce::Nonce;
use leptos::prelude::{provide_context, use_context};

/// The policy of one page. `'wasm-unsafe-eval'` lets the app's WebAssembly
/// compile; nothing allows inline script without the nonce, `eval` or
/// inline style (avatar colours are classes for this reason).
fn content_security_policy(nonce: &Nonce) -> String {
    format!(
        "default-src 'self'; \
         script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; \
         style-src 'self'; \
         img-src 'self' data:; \
         connect-src 'self'; \
         worker-src 'self'; \
         object-src 'none'; \
         base-uri 'none'; \
         form-action 'self'; \
         frame-ancestors 'none'"
    )
}

/// For every page: a fresh nonce, handed to Leptos through the request
/// (`provide_nonce`), and the headers that go with it. Pages show what only
/// their reader may see, so no cache keeps them.
pub async fn page(mut request: Request<Body>, next: Next) -> Response {
    let nonce = Nonce::new();
    request.extensions_mut().insert(nonce.clone());
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    let policy = HeaderValue::from_str(&content_security_policy(&nonce))
        .expect("a nonce is URL-safe base64");
    headers.insert(header::CONTENT_SECURITY_POLICY, policy);
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(header::CACHE_CONTROL, NO_STORE);
    response
}

/// Makes the nonce `page` chose the one Leptos renders into the page's
/// scripts (it would otherwise make one of its own, unknown to the header).
/// Outside a page (a server function) there is none, and nothing changes.
pub fn provide_nonce() {
    let nonce = use_context::<axum::http::request::Parts>()
        .and_then(|parts| parts.extensions.get::<Nonce>().cloned());
    if let Some(nonce) = nonce {
        provide_context(nonce);
    }
}

/// For answers nobody but their reader may keep: pages, server functions
/// and the API.
pub const NO_STORE: HeaderValue = HeaderValue::from_static("no-store");
