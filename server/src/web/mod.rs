//! The web app's front door: server-rendered Leptos pages, the server
//! functions they call, and the built browser files (wasm, CSS, PWA files).

mod assets;
mod headers;
mod portal;

pub use headers::NO_STORE;

use std::sync::Arc;

use std::panic::AssertUnwindSafe;
use std::time::Duration;

use axum::body::Body;
use axum::extract::State;
use axum::http::{header, Request, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use futures_util::FutureExt;
use leptos::prelude::*;
use leptos_axum::{
    generate_route_list_with_exclusions, handle_server_fns_with_context, LeptosRoutes,
};
use parlor_app::api::SharedPortal;
use parlor_app::model::{AppError, Preloaded};
use parlor_app::state::sign_in_returning_to;
use tower_http::services::ServeDir;
use tower_http::set_header::SetResponseHeaderLayer;

use crate::service::Context;
use assets::Assets;

pub fn router(ctx: Context) -> Router {
    let assets = Assets::load(&ctx.config.site_dir);
    let options = LeptosOptions::builder()
        .output_name("parlor")
        .site_root(ctx.config.site_dir.to_string_lossy().into_owned())
        .site_pkg_dir(assets.pkg.clone())
        .build();
    let portal: SharedPortal = Arc::new(portal::WebPortal::new(ctx.clone()));
    // "/" only leads to Messages: answered here, before any rendering (a
    // redirect from inside a rendered page drops what it built outside
    // Leptos' arena, which panics).
    // `/` is a redirect, and server functions are answered by
    // `server_function` below, outside the page middleware: leptos would
    // otherwise route each one through it, and around our handler.
    let mut excluded: Vec<String> = leptos::server_fn::axum::server_fn_paths()
        .map(|(path, _)| path.to_string())
        .collect();
    excluded.push("/".into());
    let routes = generate_route_list_with_exclusions(parlor_app::App, Some(excluded));
    let state = WebState {
        options: options.clone(),
        portal: portal.clone(),
    };
    let add_context = {
        let portal = portal.clone();
        move || {
            provide_context(portal.clone());
            headers::provide_nonce();
        }
    };
    let shell = {
        let options = options.clone();
        let stylesheet = assets.stylesheet_href();
        move || parlor_app::shell(options.clone(), stylesheet.clone())
    };
    // A path that is neither a page nor a file: the app's "not found" page.
    let render = leptos_axum::render_app_async_with_context(add_context.clone(), shell.clone());
    let not_found = axum::routing::get(move |request: Request<Body>| render(request))
        .layer(middleware::from_fn_with_state(assets.clone(), render_guard))
        .layer(middleware::from_fn(headers::page));
    let site = ServeDir::new(&ctx.config.site_dir)
        .precompressed_br()
        .precompressed_gzip()
        .fallback(not_found);
    let files = Router::new()
        .fallback_service(site)
        .layer(middleware::from_fn_with_state(
            assets.clone(),
            assets::cache_policy,
        ));
    Router::<WebState>::new()
        .leptos_routes_with_context(&state, routes, add_context, shell)
        .layer(middleware::from_fn_with_state(
            portal.clone(),
            preload_session,
        ))
        .layer(middleware::from_fn_with_state(assets, render_guard))
        .layer(middleware::from_fn(headers::page))
        .route("/", get(|| async { Redirect::to("/messages") }))
        .route(
            "/api/{*function}",
            post(server_function).layer(SetResponseHeaderLayer::overriding(
                header::CACHE_CONTROL,
                headers::NO_STORE,
            )),
        )
        .with_state(state)
        .merge(files)
}

#[derive(Clone, axum::extract::FromRef)]
struct WebState {
    options: LeptosOptions,
    portal: SharedPortal,
}

/// Runs a server function to its end even when the browser goes away
/// meanwhile (a page left mid-request): a change that reached the server is
/// made whole or not at all, never dropped halfway through its transaction.
async fn server_function(State(portal): State<SharedPortal>, request: Request<Body>) -> Response {
    let call = handle_server_fns_with_context(move || provide_context(portal.clone()), request);
    match tokio::spawn(crate::telemetry::in_this_request(call)).await {
        Ok(response) => undecodable_is_bad_request(response.into_response()).await,
        Err(failed) => {
            tracing::error!(error = %failed, "a server function failed");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}

/// Answers a call the framework refused before Parlor's code ran (its
/// arguments could not be decoded) with the status its `AppError` carries,
/// 400: bad input gets a 4xx, and a 500 stays the sign of a fault in the
/// server. Parlor's own refusals already set their status.
async fn undecodable_is_bad_request(response: Response) -> Response {
    if response.status() != StatusCode::INTERNAL_SERVER_ERROR {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    // Error answers are one short line; a longer body is not one of these.
    let Ok(bytes) = axum::body::to_bytes(body, 64 * 1024).await else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    if let Ok(error) = serde_json::from_slice::<AppError>(&bytes) {
        if let Ok(status) = StatusCode::from_u16(error.status) {
            if status.is_client_error() {
                parts.status = status;
            }
        }
    }
    Response::from_parts(parts, Body::from(bytes))
}

/// Finds who is signed in and their channels before a page renders, for
/// the app's shell to start from (`parlor_app::model::Preloaded`). A failed
/// lookup leaves nothing, and the shell then loads the session itself.
/// Nobody signed in on a signed-in page: a real redirect to the sign-in
/// page, which leads back here, before anything renders (browsers, link
/// checkers and scripts without JavaScript all follow a 303; a page with a
/// Location header they would not).
async fn preload_session(
    State(portal): State<SharedPortal>,
    request: Request<Body>,
    next: Next,
) -> Response {
    let (mut parts, body) = request.into_parts();
    match portal.current_session(&parts).await {
        Ok(None) if !parlor_app::is_public_page(parts.uri.path()) => {
            let here = parts
                .uri
                .path_and_query()
                .map_or_else(|| parts.uri.path(), |p| p.as_str());
            return Redirect::to(&sign_in_returning_to(here)).into_response();
        }
        Ok(start) => {
            parts.extensions.insert(Preloaded(start));
        }
        Err(_) => {}
    }
    next.run(Request::from_parts(parts, body)).await
}

/// A page that has not rendered in this long never will (a task it waits
/// for has died): answer with an error page instead of hanging.
const RENDER_LIMIT: Duration = Duration::from_secs(15);

/// Pages are rendered whole before they are sent (`SsrMode::Async` in the
/// app), so a panic while rendering happens here, before any byte is
/// written: it becomes an error page and a logged error, never a response
/// cut off midway.
async fn render_guard(
    State(assets): State<Assets>,
    request: Request<Body>,
    next: Next,
) -> Response {
    let path = request.uri().path().to_owned();
    let rendering = AssertUnwindSafe(next.run(request)).catch_unwind();
    match tokio::time::timeout(RENDER_LIMIT, rendering).await {
        Ok(Ok(response)) => response,
        Ok(Err(panic)) => {
            let panic = panic
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_default();
            tracing::error!(path, panic, "a page panicked while rendering");
            error_page(StatusCode::INTERNAL_SERVER_ERROR, &assets)
        }
        Err(_) => {
            tracing::error!(path, limit = ?RENDER_LIMIT, "a page did not finish rendering");
            error_page(StatusCode::SERVICE_UNAVAILABLE, &assets)
        }
    }
}

fn error_page(status: StatusCode, assets: &Assets) -> Response {
    let page = r#"<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Something went wrong</title>
<link rel="stylesheet" href="{stylesheet}">
</head>
<body>
<main class="sign-in">
<h1>Something went wrong</h1>
<p>This page could not be shown. The problem has been logged; please try again in a moment.</p>
<p><a class="link" href="">Try again</a> · <a class="link" href="/messages">Go to your messages</a></p>
</main>
</body>
</html>
"#
    .replace("{stylesheet}", &assets.stylesheet_href());
    (status, Html(page)).into_response()
}
