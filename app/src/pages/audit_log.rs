//! Settings → Audit log (admins): who did what, when and from where,
//! newest first, filtered by action and by person, and paged back in time.
//! Nothing here changes an entry: nothing anywhere can.

use leptos::prelude::*;
use leptos_router::components::A;

use super::shell::{PageTitle, Session};
use crate::api;
use crate::clock;
use crate::model::{AuditChoice, AuditEntry, AuditLog};
use crate::problem::reason;

/// Which entries are shown: the filters, and how far back.
#[derive(Clone, Debug, Default, PartialEq)]
struct Shown {
    action: String,
    actor_id: String,
    /// The tokens of the pages before this one, newest first is empty.
    pages: Vec<String>,
}

impl Shown {
    fn token(&self) -> String {
        self.pages.last().cloned().unwrap_or_default()
    }
}

#[component]
pub fn AuditLogPage() -> impl IntoView {
    let session = expect_context::<Session>();
    let is_admin = session.me.with_untracked(|me| me.is_admin);
    let shown = RwSignal::new(Shown::default());
    let log = Resource::new(
        move || (is_admin, shown.get()),
        |(admin, shown)| async move {
            match admin {
                true => {
                    api::load_audit_log(shown.action.clone(), shown.actor_id.clone(), shown.token())
                        .await
                        .map(Some)
                }
                false => Ok(None),
            }
        },
    );
    view! {
        <section class="page" aria-label="Audit log">
            <PageTitle name="Audit log" />
            <p class="breadcrumb"><A href="/settings">"Settings"</A></p>
            <h1>"Audit log"</h1>
            <Show
                when=move || is_admin
                fallback=|| view! { <p class="notice">"Only the workspace's admins can read the audit log."</p> }
            >
                <p class="preview">
                    "Who signed in or failed to, and who changed settings, the team, API keys and webhooks, exported, or deleted clients, companies, conversations and messages: "
                    "when, and from which address. Nobody can change or delete an entry."
                </p>
                <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
                    {move || Suspend::new(async move {
                        match log.await {
                            Ok(Some(log)) => view! { <Entries log shown /> }.into_any(),
                            Ok(None) => ().into_any(),
                            Err(e) => view! { <p class="error" role="alert">{reason(&e)}</p> }.into_any(),
                        }
                    })}
                </Transition>
            </Show>
        </section>
    }
}

/// A select of `choices` after an "all" choice, setting what `set` sets.
fn choice_list(
    label: &'static str,
    all: &'static str,
    choices: Vec<AuditChoice>,
    current: String,
    set: impl Fn(String) + 'static,
) -> impl IntoView {
    view! {
        <label>
            {label}
            <select on:change=move |ev| set(event_target_value(&ev))>
                <option value="" selected=current.is_empty()>{all}</option>
                {choices.into_iter().map(|choice| {
                    let selected = choice.value == current;
                    view! { <option value=choice.value selected=selected>{choice.label}</option> }
                }).collect_view()}
            </select>
        </label>
    }
}

#[component]
fn Entries(log: AuditLog, shown: RwSignal<Shown>) -> impl IntoView {
    let now = shown.get_untracked();
    let filter_action = move |action: String| {
        shown.set(Shown {
            action,
            actor_id: shown.get_untracked().actor_id,
            pages: Vec::new(),
        })
    };
    let filter_person = move |actor_id: String| {
        shown.set(Shown {
            actor_id,
            action: shown.get_untracked().action,
            pages: Vec::new(),
        })
    };
    let older = log.next_token.clone().map(|token| {
        view! {
            <button class="link" on:click=move |_| shown.update(|s| s.pages.push(token.clone()))>"Older"</button>
        }
    });
    let newer = (!now.pages.is_empty()).then(|| {
        view! {
            <button class="link" on:click=move |_| shown.update(|s| { s.pages.pop(); })>"Newer"</button>
        }
    });
    let entries = log.entries;
    view! {
        <form class="audit-filters" aria-label="Filter the audit log" on:submit=|ev| ev.prevent_default()>
            {choice_list("Action", "Every action", log.actions, now.action.clone(), filter_action)}
            {choice_list("Person", "Everyone", log.people, now.actor_id.clone(), filter_person)}
        </form>
        {if entries.is_empty() {
            view! { <p class="notice">"Nothing recorded matches."</p> }.into_any()
        } else {
            view! {
                <table class="audit-log" aria-label="Audit log entries">
                    <thead>
                        <tr>
                            <th scope="col">"When"</th>
                            <th scope="col">"Who"</th>
                            <th scope="col">"What"</th>
                            <th scope="col">"On"</th>
                            <th scope="col">"From"</th>
                        </tr>
                    </thead>
                    <tbody>
                        {entries.into_iter().map(|entry| view! { <Entry entry shown /> }).collect_view()}
                    </tbody>
                </table>
            }.into_any()
        }}
        <nav class="audit-pages" aria-label="Pages of the audit log">{newer}{older}</nav>
    }
}

#[component]
fn Entry(entry: AuditEntry, shown: RwSignal<Shown>) -> impl IntoView {
    let zone = clock::use_zone();
    let at = entry.created_at.clone();
    let when = move || {
        clock::moment(&at, zone.get())
            .map(|m| format!("{}, {}", m.day(), m.time()))
            .unwrap_or_default()
    };
    let full = {
        let at = entry.created_at.clone();
        move || {
            clock::moment(&at, zone.get())
                .map(|m| m.full())
                .unwrap_or_default()
        }
    };
    // A person's name shows only what they did.
    let who = match entry.actor_id.clone() {
        Some(id) => {
            let label = format!("Show only what {} did", entry.who);
            view! {
                <button class="link" aria-label=label on:click=move |_| shown.update(|s| {
                    s.actor_id = id.clone();
                    s.pages.clear();
                })>{entry.who.clone()}</button>
            }
            .into_any()
        }
        None => view! { <span>{entry.who.clone()}</span> }.into_any(),
    };
    let details = entry.details;
    view! {
        <tr>
            <td data-label="When"><time datetime=entry.created_at.clone() title=full>{when}</time></td>
            <td data-label="Who">{who}<span class="preview">{entry.who_kind}</span></td>
            <td data-label="What">
                <span title=entry.action>{entry.what}</span>
                {(!details.is_empty()).then(|| view! {
                    <ul class="audit-details">
                        {details.into_iter().map(|line| view! { <li>{line}</li> }).collect_view()}
                    </ul>
                })}
            </td>
            <td data-label="On">{entry.target}</td>
            <td data-label="From">
                {entry.place}
                {(!entry.user_agent.is_empty()).then(|| view! { <span class="preview">{entry.user_agent}</span> })}
            </td>
        </tr>
    }
}
