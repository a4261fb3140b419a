//! Work that only the browser may do, kept out of server rendering by
//! construction: on the server these do nothing, so a component that calls
//! them while it renders cannot panic there (tokio's `spawn_local` does
//! outside a `LocalSet`, and server rendering runs outside one).
//!
//! `make lint` forbids calling `leptos::task::spawn_local` anywhere else
//! (`clippy.toml`).

use std::future::Future;

/// Runs a task in the browser; on the server the task is dropped unrun.
pub fn spawn(task: impl Future<Output = ()> + 'static) {
    #[cfg(feature = "hydrate")]
    #[allow(clippy::disallowed_methods)]
    leptos::task::spawn_local(task);
    #[cfg(not(feature = "hydrate"))]
    drop(task);
}

/// Runs `then` after `delay` in the browser; never on the server.
pub fn after(delay: std::time::Duration, then: impl FnOnce() + 'static) {
    #[cfg(feature = "hydrate")]
    gloo_timers::callback::Timeout::new(u32::try_from(delay.as_millis()).unwrap_or(u32::MAX), then)
        .forget();
    #[cfg(not(feature = "hydrate"))]
    let _ = (delay, then);
}

/// After a redraw has replaced the focused element (a message line drawn
/// anew), gives the keyboard to the first element matching one of
/// `selectors`, in the next frame; not when something else has it by then.
/// Nothing on the server.
pub fn refocus(selectors: Vec<String>) {
    #[cfg(feature = "hydrate")]
    leptos::prelude::request_animation_frame(move || {
        use wasm_bindgen::JsCast;
        let Some(document) = web_sys::window().and_then(|w| w.document()) else {
            return;
        };
        let lost = document
            .active_element()
            .is_none_or(|e| e.tag_name() == "BODY");
        if !lost {
            return;
        }
        let found = selectors.iter().find_map(|selector| {
            document
                .query_selector(selector)
                .ok()
                .flatten()
                .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
        });
        if let Some(element) = found {
            let _ = element.focus();
        }
    });
    #[cfg(not(feature = "hydrate"))]
    let _ = selectors;
}

/// The browser's clock in milliseconds since the epoch; 0 on the server.
pub fn now_ms() -> f64 {
    #[cfg(feature = "hydrate")]
    {
        js_sys::Date::now()
    }
    #[cfg(not(feature = "hydrate"))]
    {
        0.0
    }
}

/// Whether the screen is as narrow as a phone's (the layout's breakpoint).
pub fn is_narrow() -> bool {
    #[cfg(feature = "hydrate")]
    {
        web_sys::window()
            .and_then(|w| w.match_media("(max-width: 760px)").ok().flatten())
            .is_some_and(|m| m.matches())
    }
    #[cfg(not(feature = "hydrate"))]
    {
        false
    }
}

/// Runs `then` once the network is back: when the browser says it is online
/// again, or after a few seconds if it never went offline (the server was
/// down, not the network). Whichever comes first runs it; never twice.
pub fn when_back_online(then: impl FnOnce() + 'static) {
    #[cfg(feature = "hydrate")]
    {
        use std::cell::Cell;
        use std::rc::Rc;
        use wasm_bindgen::closure::Closure;
        use wasm_bindgen::JsCast;

        // Taken by whichever of the two runs first.
        type Once = Rc<Cell<Option<Box<dyn FnOnce()>>>>;
        let then: Once = Rc::new(Cell::new(Some(Box::new(then))));
        let run = {
            let then = then.clone();
            move || {
                if let Some(then) = then.take() {
                    then();
                }
            }
        };
        if let Some(window) = web_sys::window() {
            let on_online = Closure::once_into_js(run.clone());
            let options = web_sys::AddEventListenerOptions::new();
            options.set_once(true);
            let _ = window.add_event_listener_with_callback_and_add_event_listener_options(
                "online",
                on_online.unchecked_ref(),
                &options,
            );
        }
        after(std::time::Duration::from_secs(5), run);
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = then;
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    fn sources(dir: &Path, found: &mut Vec<std::path::PathBuf>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                sources(&path, found);
            } else if path.extension().is_some_and(|e| e == "rs") {
                found.push(path);
            }
        }
    }

    /// The guard `make lint` keeps too (clippy.toml), here in `make test`:
    /// a component that spawned a task itself would panic while the server
    /// renders it.
    #[test]
    fn only_the_browser_module_spawns_tasks() {
        let mut files = Vec::new();
        sources(
            &Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
            &mut files,
        );
        assert!(
            files.len() > 10,
            "the premise: the app's sources were found"
        );
        let offenders: Vec<_> = files
            .iter()
            .filter(|f| !f.ends_with("browser.rs"))
            .filter(|f| std::fs::read_to_string(f).unwrap().contains("spawn_local"))
            .collect();
        assert!(
            offenders.is_empty(),
            "spawn_local outside browser.rs: {offenders:?}"
        );
    }
}
