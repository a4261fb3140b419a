//! "Ann is typing…": shown to the others, and announced to them.

use leptos::prelude::*;

#[cfg(feature = "hydrate")]
use crate::browser;

/// Who is typing in the conversation, while they are.
#[component]
pub(super) fn TypingLine(typing: RwSignal<Option<String>>) -> impl IntoView {
    view! {
        <p class="typing" aria-live="polite">
            {move || typing.get().map(|name| format!("{name} is typing…"))}
        </p>
    }
}

/// Tells the others this user is typing, at most every two seconds.
pub(super) fn announce_typing(channel_id: &str) {
    #[cfg(feature = "hydrate")]
    {
        thread_local! {
            static LAST: std::cell::Cell<f64> = const { std::cell::Cell::new(0.0) };
        }
        let now = browser::now_ms();
        if LAST.with(|last| now - last.get() > 2_000.0) {
            LAST.with(|last| last.set(now));
            let frame = serde_json::json!({ "type": "typing", "channelId": channel_id });
            crate::socket::send(&frame.to_string());
        }
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = channel_id;
}
