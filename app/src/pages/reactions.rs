//! The reactions under a message: each emoji with its count (the reader's
//! own marked), a click putting the reader's on or taking it back, and
//! "Add reaction" opening the offered set.

use leptos::html::Button;
use leptos::prelude::*;

use crate::model::{Message, REACTIONS};
use crate::state::{reacted, reaction_label, Timeline};
use crate::{api, browser};

#[component]
pub fn ReactionBar(message: Message, me: String, timeline: RwSignal<Timeline>) -> impl IntoView {
    let picking = RwSignal::new(false);
    let opener = NodeRef::<Button>::new();
    let message_id = message.id.clone();
    // Acts on the server; the answer (and the socket, for everyone else)
    // redraws the line with the reactions as they are now.
    // The line is drawn anew: the keyboard goes back to the same emoji, or
    // to "Add reaction" when it is gone.
    let toggle = move |emoji: &str, on: bool| {
        let (message_id, emoji) = (message_id.clone(), emoji.to_string());
        browser::spawn(async move {
            let bar = format!(".message[data-id=\"{message_id}\"] .reactions");
            if let Ok(message) = api::react(message_id, emoji.clone(), on).await {
                timeline.update(|t| t.replaced(message));
                browser::refocus(vec![
                    format!("{bar} .reaction[data-emoji=\"{emoji}\"]"),
                    format!("{bar} .add-reaction"),
                ]);
            }
        });
    };
    let existing = message
        .reactions
        .iter()
        .map(|reaction| {
            let mine = reaction.user_ids.contains(&me);
            let label = reaction_label(reaction, &me);
            let emoji = reaction.emoji.clone();
            let toggle = toggle.clone();
            view! {
                <button
                    type="button"
                    class="reaction"
                    class:mine=mine
                    data-emoji=reaction.emoji.clone()
                    aria-pressed=mine.to_string()
                    aria-label=label.clone()
                    title=label
                    on:click=move |_| toggle(&emoji, !mine)
                >
                    <span class="emoji" aria-hidden="true">{reaction.emoji.clone()}</span>
                    <span class="count" aria-hidden="true">{reaction.count}</span>
                </button>
            }
        })
        .collect_view();
    // The offered set, each marked when it is already the reader's.
    let offered: Vec<(&'static str, bool)> = REACTIONS
        .into_iter()
        .map(|emoji| (emoji, reacted(&message, emoji, &me)))
        .collect();
    let choices = move || {
        offered
            .iter()
            .map(|&(emoji, mine)| {
                let toggle = toggle.clone();
                let label = if mine {
                    format!("Remove your {emoji}")
                } else {
                    format!("React with {emoji}")
                };
                view! {
                    <button
                        type="button"
                        class="choice"
                        class:mine=mine
                        aria-pressed=mine.to_string()
                        aria-label=label.clone()
                        title=label
                        on:click=move |_| {
                            picking.set(false);
                            toggle(emoji, !mine);
                        }
                    >
                        {emoji}
                    </button>
                }
            })
            .collect_view()
    };
    // Escape closes the set and gives the keyboard back to its button.
    let on_key = move |ev: leptos::ev::KeyboardEvent| {
        if ev.key() == "Escape" && picking.get_untracked() {
            ev.stop_propagation();
            picking.set(false);
            if let Some(button) = opener.get_untracked() {
                let _ = button.focus();
            }
        }
    };
    view! {
        <div class="reactions" role="group" aria-label="Reactions" on:keydown=on_key>
            {existing}
            <button
                type="button"
                class="add-reaction"
                node_ref=opener
                aria-label="Add reaction"
                title="Add reaction"
                aria-expanded=move || picking.get().to_string()
                on:click=move |_| picking.update(|open| *open = !*open)
            >
                <svg viewBox="0 0 24 24" width="16" height="16" aria-hidden="true">
                    <circle cx="11" cy="13" r="8" fill="none" stroke="currentColor" stroke-width="1.8" />
                    <circle cx="8.3" cy="11.2" r="1.2" fill="currentColor" />
                    <circle cx="13.7" cy="11.2" r="1.2" fill="currentColor" />
                    <path d="M7.8 15.2c1.6 1.9 4.8 1.9 6.4 0" fill="none" stroke="currentColor" stroke-width="1.8" stroke-linecap="round" />
                    <path d="M20 2v6M17 5h6" stroke="currentColor" stroke-width="1.8" stroke-linecap="round" />
                </svg>
            </button>
            <Show when=move || picking.get()>
                <div class="reaction-choices" role="group" aria-label="Choose a reaction">
                    {choices()}
                </div>
            </Show>
        </div>
    }
}
