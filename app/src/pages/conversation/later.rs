//! Send later: the composer's text goes at a time the writer picks in
//! their own time zone; what waits is listed above the composer, shown in
//! that zone, and can be cancelled or taken back into the composer to edit.

use leptos::prelude::*;

use crate::live::Event;
use crate::model::Scheduled;
use crate::pages::shell::Session;
use crate::{api, browser, clock};

/// The conversation's messages waiting to be sent, loaded when it opens.
pub fn waiting_in(channel_id: String) -> RwSignal<Vec<Scheduled>> {
    let waiting = RwSignal::new(Vec::new());
    browser::spawn(async move {
        if let Ok(list) = api::list_scheduled(channel_id).await {
            waiting.set(list);
        }
    });
    waiting
}

/// The "Send later" button and the time it asks for.
#[component]
pub fn SendLater(
    channel_id: String,
    waiting: RwSignal<Vec<Scheduled>>,
    /// The composer's text, taken when scheduled.
    draft: ReadSignal<String>,
    set_draft: WriteSignal<String>,
    note: Option<RwSignal<bool>>,
) -> impl IntoView {
    let open = RwSignal::new(false);
    let at = RwSignal::new(String::new());
    let problem = RwSignal::new(None::<String>);
    let zone = local_time_zone();
    let schedule = {
        let (channel_id, zone) = (channel_id.clone(), zone.clone());
        move |ev: leptos::ev::SubmitEvent| {
            ev.prevent_default();
            let text = draft.get_untracked();
            let Some(when) = utc_of_local(&at.get_untracked()) else {
                problem.set(Some("Choose a date and time.".into()));
                return;
            };
            if text.trim().is_empty() {
                problem.set(Some("Write the message first.".into()));
                return;
            }
            let is_note = note.is_some_and(|n| n.get_untracked());
            let (channel_id, zone) = (channel_id.clone(), zone.clone());
            browser::spawn(async move {
                match api::schedule_message(channel_id, text, when, zone, is_note).await {
                    Ok(made) => {
                        set_draft.set(String::new());
                        open.set(false);
                        problem.set(None);
                        waiting.update(|w| {
                            w.push(made);
                            w.sort_by(|a, b| a.scheduled_at.cmp(&b.scheduled_at));
                        });
                    }
                    Err(e) => problem.set(Some(crate::problem::reason(&e))),
                }
            });
        }
    };
    view! {
        <button
            type="button"
            class="later"
            aria-expanded=move || open.get().to_string()
            on:click=move |_| open.update(|o| *o = !*o)
        >"Send later"</button>
        <Show when=move || open.get()>
            <form class="send-later" aria-label="Send later" on:submit=schedule.clone()>
                <label>
                    "Send at "
                    <input
                        type="datetime-local"
                        aria-label="Send at"
                        prop:value=move || at.get()
                        on:input=move |ev| at.set(event_target_value(&ev))
                    />
                </label>
                <span class="zone">{zone.clone()}</span>
                <button type="submit">"Schedule"</button>
                {move || problem.get().map(|p| view! { <span class="status failed" role="alert">{p}</span> })}
            </form>
        </Show>
    }
}

/// What waits to be sent here: when (in the zone it was chosen in), and
/// the ways to cancel it or take it back to edit.
#[component]
pub fn WaitingList(
    waiting: RwSignal<Vec<Scheduled>>,
    set_draft: WriteSignal<String>,
) -> impl IntoView {
    let zone = clock::use_zone();
    // A scheduled message that went arrives with the key it was sent with.
    let session = expect_context::<Session>();
    Effect::new(move |_| {
        if let Some(Event::MessageCreated(message)) = session.event.get() {
            if let Some(id) = message
                .idempotency_key
                .as_deref()
                .and_then(|key| key.strip_prefix("scheduled:"))
            {
                waiting.update(|w| w.retain(|s| s.id != id));
            }
        }
    });
    let cancel = move |id: String| {
        browser::spawn(async move {
            if api::cancel_scheduled(id.clone()).await.is_ok() {
                waiting.update(|w| w.retain(|s| s.id != id));
            }
        });
    };
    view! {
        <Show when=move || waiting.with(|w| !w.is_empty())>
            <ul class="scheduled" aria-label="Scheduled messages">
                <For each=move || waiting.get() key=|s| (s.id.clone(), s.failure.clone()) let:item>
                    {
                        let when = clock::moment(&item.scheduled_at, zone.get_untracked())
                            .map(|m| m.full())
                            .unwrap_or_default();
                        let (id, again) = (item.id.clone(), item.id.clone());
                        let text = item.text.clone();
                        view! {
                            <li>
                                <span class="when">{format!("Sends {when} ({})", item.time_zone)}</span>
                                <span class="text">{item.text.clone()}</span>
                                {item.failure.clone().map(|f| view! { <span class="status failed">{f}</span> })}
                                <button type="button" class="link" on:click=move |_| {
                                    set_draft.set(text.clone());
                                    cancel(again.clone());
                                }>"Edit"</button>
                                <button type="button" class="link" on:click=move |_| cancel(id.clone())>"Cancel"</button>
                            </li>
                        }
                    }
                </For>
            </ul>
        </Show>
    }
}

/// The browser's IANA time zone ("Europe/Paris"); UTC on the server.
fn local_time_zone() -> String {
    #[cfg(feature = "hydrate")]
    {
        let options =
            js_sys::Intl::DateTimeFormat::new(&js_sys::Array::new(), &js_sys::Object::new())
                .resolved_options();
        js_sys::Reflect::get(&options, &"timeZone".into())
            .ok()
            .and_then(|zone| zone.as_string())
            .unwrap_or_else(|| "UTC".into())
    }
    #[cfg(not(feature = "hydrate"))]
    {
        "UTC".into()
    }
}

/// A `datetime-local` value (the browser's local time) as RFC 3339 UTC.
fn utc_of_local(local: &str) -> Option<String> {
    if local.is_empty() {
        return None;
    }
    #[cfg(feature = "hydrate")]
    {
        let date = js_sys::Date::new(&local.into());
        if date.get_time().is_nan() {
            return None;
        }
        Some(String::from(date.to_iso_string()))
    }
    #[cfg(not(feature = "hydrate"))]
    {
        None
    }
}
