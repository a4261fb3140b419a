//! "Ann is also here": staff see which colleagues have the conversation
//! open, and tell them they have it open too (the `viewing` frame,
//! docs/realtime.md).

use leptos::prelude::*;

use super::People;
use crate::state::Lookers;

/// The colleagues who have this conversation open too.
#[component]
pub(super) fn AlsoHere(lookers: RwSignal<Lookers>, people: People) -> impl IntoView {
    view! {
        <p class="also-here" aria-live="polite">
            {move || lookers.with(|l| l.line(|id| people.name_of(id)))}
        </p>
    }
}

/// Tells colleagues which conversation this person has open (`None`: none).
pub(super) fn announce_viewing(channel_id: Option<&str>) {
    #[cfg(feature = "hydrate")]
    crate::socket::send(
        &serde_json::json!({ "type": "viewing", "channelId": channel_id }).to_string(),
    );
    #[cfg(not(feature = "hydrate"))]
    let _ = channel_id;
}

/// While the conversation stays open: says so now and every 20 seconds,
/// forgets colleagues gone silent, and says it closed when it does, unless
/// another conversation has opened in its place (which said so itself).
pub(super) fn keep_announcing(
    open_channel: RwSignal<Option<String>>,
    channel_id: String,
    lookers: RwSignal<Lookers>,
) {
    #[cfg(feature = "hydrate")]
    {
        announce_viewing(Some(&channel_id));
        let every = {
            let channel_id = channel_id.clone();
            set_interval_with_handle(
                move || {
                    announce_viewing(Some(&channel_id));
                    lookers.update(|l| l.forget_silent(crate::browser::now_ms()));
                },
                std::time::Duration::from_secs(20),
            )
            .ok()
        };
        on_cleanup(move || {
            if let Some(every) = every {
                every.clear();
            }
            let replaced = open_channel
                .try_get_untracked()
                .flatten()
                .is_some_and(|open| open != channel_id);
            if !replaced {
                announce_viewing(None);
            }
        });
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = (open_channel, channel_id, lookers);
}
