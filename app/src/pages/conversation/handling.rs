//! Staff: how the team handles the open conversation: who owns it, and
//! whether it is open, waiting on the client, done or snoozed. Changes come
//! back through the live connection, which reloads the channel list this
//! reads from.

use leptos::prelude::*;

use super::super::shell::Session;
use crate::model::Person;
use crate::{api, browser};

#[component]
pub fn HandlingBar(channel_id: String, people: Vec<Person>) -> impl IntoView {
    let session = expect_context::<Session>();
    let summary = {
        let channel_id = channel_id.clone();
        move || {
            session.channels.with(|list| {
                list.channels.iter().find(|c| c.id == channel_id).map(|c| {
                    (
                        c.assignee_id.clone(),
                        c.state.clone(),
                        c.snoozed_until.clone(),
                    )
                })
            })
        }
    };
    let assignee = {
        let summary = summary.clone();
        move || {
            summary()
                .and_then(|(assignee, _, _)| assignee)
                .unwrap_or_default()
        }
    };
    let state = {
        let summary = summary.clone();
        move || {
            summary()
                .and_then(|(_, state, _)| state)
                .unwrap_or_else(|| "open".into())
        }
    };
    let snoozed = move || summary().is_some_and(|(_, _, snoozed)| snoozed.is_some());
    let staff: Vec<Person> = people.into_iter().filter(|p| p.is_staff).collect();
    let assign = {
        let channel_id = channel_id.clone();
        move |ev: leptos::ev::Event| {
            let (channel_id, assignee_id) = (channel_id.clone(), event_target_value(&ev));
            browser::spawn(async move {
                let _ = api::assign_conversation(channel_id, assignee_id).await;
            });
        }
    };
    let set_state = {
        let channel_id = channel_id.clone();
        move |state: &'static str| {
            let channel_id = channel_id.clone();
            move |_| {
                let channel_id = channel_id.clone();
                browser::spawn(async move {
                    let _ = api::set_conversation_state(channel_id, state.into()).await;
                });
            }
        }
    };
    let snooze = move |minutes: i64| {
        let channel_id = channel_id.clone();
        move |_| {
            let channel_id = channel_id.clone();
            browser::spawn(async move {
                let _ = api::snooze_conversation(channel_id, minutes).await;
            });
        }
    };
    let label = {
        let state = state.clone();
        move || match (state().as_str(), snoozed()) {
            (_, true) => "Snoozed",
            ("waiting", _) => "Waiting on client",
            ("done", _) => "Done",
            _ => "Open",
        }
    };
    let is_done = {
        let state = state.clone();
        move || state() == "done"
    };
    let (to_waiting, reopen) = (set_state("waiting"), set_state("open"));
    view! {
        <div class="handling" role="group" aria-label="Handling">
            <label>
                "Assignee "
                <select aria-label="Assignee" prop:value=assignee on:change=assign>
                    <option value="">"Unassigned"</option>
                    {staff
                        .into_iter()
                        .map(|p| view! { <option value=p.id.clone()>{p.name.clone()}</option> })
                        .collect_view()}
                </select>
            </label>
            <span class="state" role="status" aria-label="State">{label}</span>
            <Show
                when=is_done
                fallback={
                    let set_state = set_state.clone();
                    move || view! { <button type="button" on:click=set_state("done")>"Mark done"</button> }
                }
            >
                <button type="button" on:click=reopen.clone()>"Reopen"</button>
            </Show>
            <button type="button" on:click=to_waiting>"Waiting on client"</button>
            <button type="button" on:click=snooze(60)>"Snooze 1 h"</button>
            <button type="button" on:click=snooze(24 * 60)>"Snooze 1 day"</button>
        </div>
    }
}
