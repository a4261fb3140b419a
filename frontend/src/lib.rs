//! The browser half of the web app: hydrates the server-rendered page and
//! registers the service worker that makes Parlor installable.

#![recursion_limit = "256"]

use wasm_bindgen::prelude::wasm_bindgen;

#[wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_body(parlor_app::App);
    if let Some(window) = web_sys::window() {
        let _ = window.navigator().service_worker().register("/sw.js");
        // Lets browser tests (and scripts) know the page is interactive,
        // and when it became so (the first-load test's measure).
        if let Some(body) = window.document().and_then(|d| d.body()) {
            let _ = body.set_attribute("data-hydrated", "");
        }
        if let Some(performance) = window.performance() {
            let _ = performance.mark("parlor:interactive");
        }
    }
}
