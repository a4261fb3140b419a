//! The browser half of the web app: hydrates the server-rendered page and
//! registers the service worker that makes Parlor installable.

#![recursion_limit = "256"]

use wasm_bindgen::prelude::wasm_bindgen;

#[wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    // Hydrated as a task: a page whose code is split out of this wasm
    // (`parlor_app`'s lazy pages) loads it first.
    let _ = any_spawner::Executor::init_wasm_bindgen();
    parlor_app::browser::spawn(async {
        let body = leptos::prelude::document()
            .body()
            .expect("a page has a body");
        leptos::mount::hydrate_from_async(body, parlor_app::App)
            .await
            .forget();
        interactive();
    });
    if let Some(window) = web_sys::window() {
        let _ = window.navigator().service_worker().register("/sw.js");
    }
}

/// Lets browser tests (and scripts) know the page is interactive, and when
/// it became so (the first-load test's measure).
fn interactive() {
    let Some(window) = web_sys::window() else {
        return;
    };
    if let Some(body) = window.document().and_then(|d| d.body()) {
        let _ = body.set_attribute("data-hydrated", "");
    }
    if let Some(performance) = window.performance() {
        let _ = performance.mark("parlor:interactive");
    }
}
