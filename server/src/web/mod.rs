//! The web app's front door: server-rendered Leptos pages, the server
//! functions they call, and the built browser files (wasm, CSS, PWA files).

mod portal;

use std::sync::Arc;

use axum::body::Body;
use axum::extract::State;
use axum::http::{header, HeaderValue, Request};
use axum::response::IntoResponse;
use axum::routing::post;
use axum::Router;
use leptos::prelude::*;
use leptos_axum::{generate_route_list, handle_server_fns_with_context, LeptosRoutes};
use parlor_app::portal::SharedPortal;
use tower_http::services::ServeDir;
use tower_http::set_header::SetResponseHeaderLayer;

use crate::service::Context;

pub fn router(ctx: Context) -> Router {
    let options = LeptosOptions::builder()
        .output_name("parlor")
        .site_root(ctx.config.site_dir.to_string_lossy().into_owned())
        .site_pkg_dir("pkg")
        .build();
    let portal: SharedPortal = Arc::new(portal::WebPortal::new(ctx.clone()));
    let routes = generate_route_list(parlor_app::App);
    let state = WebState {
        options: options.clone(),
        portal: portal.clone(),
    };
    // Browser files change with each build: revalidate instead of guessing.
    let files = Router::new()
        .fallback_service(ServeDir::new(&ctx.config.site_dir))
        .layer(SetResponseHeaderLayer::overriding(
            header::CACHE_CONTROL,
            HeaderValue::from_static("no-cache"),
        ));
    Router::<WebState>::new()
        .leptos_routes_with_context(
            &state,
            routes,
            {
                let portal = portal.clone();
                move || provide_context(portal.clone())
            },
            {
                let options = options.clone();
                move || parlor_app::shell(options.clone())
            },
        )
        .route("/api/{*function}", post(server_function))
        .with_state(state)
        .merge(files)
}

#[derive(Clone, axum::extract::FromRef)]
struct WebState {
    options: LeptosOptions,
    portal: SharedPortal,
}

async fn server_function(
    State(portal): State<SharedPortal>,
    request: Request<Body>,
) -> impl IntoResponse {
    handle_server_fns_with_context(move || provide_context(portal.clone()), request).await
}
