//! The conversation's history on screen: the list of messages, scrolled
//! as each change asks, older pages loaded as the reader scrolls up, and a
//! way down to messages that arrived below.

use leptos::html::{Textarea, H2};
use leptos::prelude::*;

use super::scroll::{
    first_in_view, is_at_bottom, offset_of, open_at_first_unread, show_message, Pane, Scroll,
    LOAD_OLDER_AT,
};
use super::People;
use crate::model::ClientRead;
use crate::pages::message::MessageLine;
use crate::state::{Row, Timeline};
use crate::{api, browser, clock};

/// Where the keyboard goes once the conversation has opened: the heading
/// on a narrow screen, else the composer.
#[derive(Clone, Copy)]
pub(super) struct OpenFocus {
    pub heading: NodeRef<H2>,
    pub composer: NodeRef<Textarea>,
}

impl OpenFocus {
    fn apply(self) {
        if browser::is_narrow() {
            self.heading
                .try_get_untracked()
                .flatten()
                .map(|h| h.focus());
        } else {
            self.composer
                .try_get_untracked()
                .flatten()
                .map(|c| c.focus());
        }
    }
}

#[component]
pub(super) fn History(
    channel_id: String,
    me: String,
    timeline: RwSignal<Timeline>,
    /// The page of older messages still to load, if any.
    older: RwSignal<Option<String>>,
    /// The newest message someone else has read.
    seen_up_to: RwSignal<Option<String>>,
    /// How far each client has read (staff only).
    client_reads: RwSignal<Vec<ClientRead>>,
    /// Where the "New messages" line goes.
    first_unread: StoredValue<Option<String>>,
    /// A message to open at (from search), loading older pages until it
    /// is there.
    reach: Option<String>,
    people: People,
    pane: Pane,
    focus: OpenFocus,
) -> impl IntoView {
    let zone = clock::use_zone();
    let is_staff = expect_context::<crate::pages::shell::Session>()
        .me
        .with_untracked(|me| me.is_staff);
    let Pane {
        list: scroller,
        scroll,
        at_bottom,
        unseen,
    } = pane;

    // After every change of the list, scroll as the change asks: in the
    // next frame, once the list is drawn and before it is painted.
    Effect::new(move |_| {
        timeline.track();
        zone.track();
        let Some(list) = scroller.get() else {
            return;
        };
        let intent = scroll.get_value();
        scroll.set_value(Scroll::Follow);
        // The conversation may be gone by the next frame (the reader moved
        // on): nothing below may insist its values are still there.
        request_animation_frame(move || match intent {
            Scroll::Open => {
                open_at_first_unread(&list);
                at_bottom.set_value(is_at_bottom(&list));
                focus.apply();
            }
            Scroll::KeepPlace { id, offset } => {
                if let Some(now) = offset_of(&list, &id) {
                    list.set_scroll_top(list.scroll_top() + (now - offset).round() as i32);
                }
            }
            Scroll::To(id) => {
                if !show_message(&list, &id) {
                    open_at_first_unread(&list);
                }
                at_bottom.set_value(is_at_bottom(&list));
            }
            Scroll::Bottom => {
                list.set_scroll_top(list.scroll_height());
                at_bottom.set_value(true);
                unseen.set(0);
            }
            Scroll::Follow if at_bottom.try_get_value() == Some(true) => {
                list.set_scroll_top(list.scroll_height())
            }
            Scroll::Follow => {}
        });
    });

    if let Some(target) = reach {
        reach_message(channel_id.clone(), target, timeline, older, scroll);
    }
    let loading_older = RwSignal::new(false);
    let load_older = move || {
        let Some(token) = older.get_untracked() else {
            return;
        };
        // The button stays while the page loads, so nothing above the
        // reader's place changes height until the older messages arrive.
        if loading_older.get_untracked() {
            return;
        }
        loading_older.set(true);
        let channel_id = channel_id.clone();
        browser::spawn(async move {
            if let Ok(page) = api::older_messages(channel_id, token).await {
                if let Some((id, offset)) = scroller
                    .try_get_untracked()
                    .flatten()
                    .and_then(|l| first_in_view(&l))
                {
                    scroll.set_value(Scroll::KeepPlace { id, offset });
                }
                timeline.update(|t| t.prepend_older(page.data));
                older.set(page.next_token);
            }
            loading_older.set(false);
        });
    };
    let last_top = StoredValue::new(0);
    let on_scroll = {
        let load_older = load_older.clone();
        move |_| {
            let Some(list) = scroller.get_untracked() else {
                return;
            };
            let bottom = is_at_bottom(&list);
            at_bottom.set_value(bottom);
            // Older history loads when the reader scrolls up towards it, not
            // when the page itself scrolls down to where reading continues.
            let top = list.scroll_top();
            let upwards = top < last_top.get_value();
            last_top.set_value(top);
            if bottom && unseen.get_untracked() > 0 {
                unseen.set(0);
            }
            if upwards && top < LOAD_OLDER_AT && older.with_untracked(Option::is_some) {
                load_older();
            }
        }
    };
    let jump_to_newest = move |_| {
        if let Some(list) = scroller.get_untracked() {
            list.set_scroll_top(list.scroll_height());
        }
        at_bottom.set_value(true);
        unseen.set(0);
    };
    let rows = {
        let me = me.clone();
        move || {
            timeline.with(|t| {
                t.rows(
                    &me,
                    seen_up_to.get().as_deref(),
                    &client_reads.get(),
                    first_unread.get_value().as_deref(),
                    zone.get(),
                )
            })
        }
    };

    view! {
        <div class="history">
        <div class="messages" role="log" aria-label="Conversation history" node_ref=scroller on:scroll=on_scroll>
            <ol aria-label="Messages">
                <Show when=move || older.with(Option::is_some)>
                    <li class="older">
                        <button class="link" disabled=move || loading_older.get() on:click={
                            let load_older = load_older.clone();
                            move |_| load_older()
                        }>"Load older messages"</button>
                    </li>
                </Show>
                <For each=rows key=Row::key let:row>
                    {match row {
                        // A list holds only list items: the separator is inside one.
                        Row::Day(day) => view! { <li class="day"><div role="separator" aria-label=day.clone()>{day.clone()}</div></li> }.into_any(),
                        Row::NewMessages => view! { <li class="new-line"><div role="separator" aria-label="New messages">"New messages"</div></li> }.into_any(),
                        Row::Line { entry, seen, seen_by, continued } => {
                            let sender = people.name_of(&entry.message.sender_id);
                            view! { <MessageLine entry=*entry seen seen_by continued sender me=me.clone() is_staff people timeline /> }.into_any()
                        }
                    }}
                </For>
            </ol>
        </div>
        <Show when=move || { unseen.get() > 0 }>
            <button class="new-pill" on:click=jump_to_newest>"New messages ↓"</button>
        </Show>
        </div>
    }
}

/// Most pages of older history loaded to reach a message from search.
const MAX_PAGES_TO_REACH: usize = 200;

/// Loads older pages until the message `target` is in the timeline, then
/// shows it: a search result deep in a long conversation opens at the
/// message, with everything after it there to scroll through.
fn reach_message(
    channel_id: String,
    target: String,
    timeline: RwSignal<Timeline>,
    older: RwSignal<Option<String>>,
    scroll: StoredValue<Scroll>,
) {
    browser::spawn(async move {
        for _ in 0..MAX_PAGES_TO_REACH {
            if timeline.with_untracked(|t| t.contains(&target)) {
                return;
            }
            let Some(token) = older.get_untracked() else {
                return;
            };
            let Ok(page) = api::older_messages(channel_id.clone(), token).await else {
                return;
            };
            // Each page redraws the list; the last one shows the message.
            scroll.set_value(Scroll::To(target.clone()));
            timeline.update(|t| t.prepend_older(page.data));
            older.set(page.next_token);
        }
    });
}
