//! The browser side of getting someone's attention: the tab's title and
//! icon (see `attention`) and opt-in desktop notifications through the
//! browser's Notification API, shown only while the tab is hidden.

use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use web_sys::{Notification, NotificationOptions, NotificationPermission};

/// The person's choice, kept in this browser only: another device may
/// deserve other manners.
const CHOICE: &str = "parlor.desktopNotifications";

/// Whether this browser has the Notification API at all.
pub fn supported() -> bool {
    web_sys::window()
        .is_some_and(|w| js_sys::Reflect::has(&w, &"Notification".into()).unwrap_or(false))
}

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

/// On when the person turned them on here and the browser still allows them.
pub fn enabled() -> bool {
    supported()
        && Notification::permission() == NotificationPermission::Granted
        && storage()
            .and_then(|s| s.get_item(CHOICE).ok().flatten())
            .as_deref()
            == Some("on")
}

/// Asks the browser for permission (it asks the person once); answers
/// whether notifications are now on.
pub async fn turn_on() -> bool {
    if !supported() {
        return false;
    }
    if let Ok(promise) = Notification::request_permission() {
        let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
    }
    if Notification::permission() != NotificationPermission::Granted {
        return false;
    }
    if let Some(storage) = storage() {
        let _ = storage.set_item(CHOICE, "on");
    }
    true
}

pub fn turn_off() {
    if let Some(storage) = storage() {
        let _ = storage.set_item(CHOICE, "off");
    }
}

/// Whether the browser refuses notifications for this site for good.
pub fn blocked() -> bool {
    supported() && Notification::permission() == NotificationPermission::Denied
}

/// Shows a notification if they are on and the page is out of sight;
/// clicking it brings the tab back on `url`. One per channel (`tag`): a
/// newer message replaces the older notification.
pub fn notify(title: &str, body: &str, tag: &str, url: &str) {
    let hidden = web_sys::window()
        .and_then(|w| w.document())
        .is_some_and(|d| d.hidden());
    if !hidden || !enabled() {
        return;
    }
    let options = NotificationOptions::new();
    options.set_body(body);
    options.set_tag(tag);
    options.set_icon("/icon-192.png");
    let Ok(notification) = Notification::new_with_options(title, &options) else {
        return;
    };
    let url = url.to_string();
    let open = Closure::<dyn FnMut()>::new(move || {
        if let Some(window) = web_sys::window() {
            let _ = window.focus();
            let _ = window.location().assign(&url);
        }
    });
    notification.set_onclick(Some(open.as_ref().unchecked_ref()));
    open.forget();
}

/// Puts the unread count on the tab's icon.
pub fn show_count_on_icon(unread: i64) {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    if let Ok(Some(link)) = document.query_selector("link[rel='icon']") {
        if let Ok(link) = link.dyn_into::<web_sys::HtmlLinkElement>() {
            link.set_href(&crate::attention::favicon(unread));
        }
    }
}
