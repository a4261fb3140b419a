//! The notification centre: for staff, what clients wrote, one entry per
//! conversation, to open or mark read or unread; for everyone, the
//! notifications integrations sent them, and how they hear about unread
//! messages (e-mail, desktop notifications).

use leptos::prelude::*;
use leptos_router::components::A;

use super::shell::{PageTitle, Session};
use crate::api;
use crate::clock;
use crate::model::{ClientActivity, EmailPreferences, Notice};
use crate::problem::reason;
use crate::state::preview;

#[component]
pub fn NotificationsPage() -> impl IntoView {
    let session = expect_context::<Session>();
    let is_staff = session.me.with_untracked(|me| me.is_staff);
    view! {
        <section class="page" aria-label="Notifications">
            <PageTitle name="Notifications" />
            <h1>"Notifications"</h1>
            <Show when=move || is_staff>
                <ClientActivityList />
            </Show>
            <NoticeList />
            <EmailChoice />
            <DesktopChoice />
        </section>
    }
}

#[component]
fn ClientActivityList() -> impl IntoView {
    let session = expect_context::<Session>();
    let entries = move || session.client_activity.get();
    view! {
        <h2>"Client messages"</h2>
        {move || match entries() {
            None => view! { <p class="loading">"Loading…"</p> }.into_any(),
            Some(list) if list.is_empty() => {
                view! { <p class="empty">"No client has written yet."</p> }.into_any()
            }
            Some(list) => view! {
                <ul class="activity" aria-label="Client messages">
                    <For each=move || list.clone() key=|a| (a.channel_id.clone(), a.message_id.clone(), a.unread_count) let:entry>
                        <ActivityEntry entry />
                    </For>
                </ul>
            }
            .into_any(),
        }}
    }
}

#[component]
fn ActivityEntry(entry: ClientActivity) -> impl IntoView {
    let session = expect_context::<Session>();
    let channel_id = entry.channel_id.clone();
    let title = session
        .channels
        .with_untracked(|list| list.title_of(&channel_id))
        .unwrap_or_else(|| entry.sender_name.clone());
    let unread = entry.unread_count;
    let toggle = Action::new(move |(channel_id, unread): &(String, bool)| {
        let (channel_id, unread) = (channel_id.clone(), *unread);
        async move {
            if unread {
                api::mark_read(channel_id).await
            } else {
                api::mark_unread(channel_id).await
            }
        }
    });
    let zone = clock::use_zone();
    let when = {
        let at = entry.created_at.clone();
        move || {
            clock::moment(&at, zone.get())
                .map(|m| m.day())
                .unwrap_or_default()
        }
    };
    let summary = if unread > 0 {
        format!("{unread} unread from clients")
    } else {
        "Read".to_string()
    };
    let toggle_label = if unread > 0 {
        "Mark read"
    } else {
        "Mark unread"
    };
    let href = format!("/messages/{channel_id}");
    let is_unread = unread > 0;
    let label = title.clone();
    view! {
        <li class="activity-entry" class:unread=is_unread aria-label=label>
            <A href=href>
                <span class="activity-title">{title}</span>
                <span class="activity-summary">{summary}</span>
                <span class="activity-preview">
                    <strong>{entry.sender_name.clone()}": "</strong>
                    {preview(&entry.text)}
                </span>
                <span class="activity-when">{when}</span>
            </A>
            <button
                class="link"
                disabled=move || toggle.pending().get()
                on:click=move |_| {
                    toggle.dispatch((channel_id.clone(), unread > 0));
                }
            >
                {toggle_label}
            </button>
        </li>
    }
}

/// Shown only when there is something: most workspaces have no integration
/// sending notifications.
#[component]
fn NoticeList() -> impl IntoView {
    let session = expect_context::<Session>();
    let notices = move || session.notices.get().unwrap_or_default();
    view! {
        <Show when=move || !notices().is_empty()>
            <h2>"Updates"</h2>
            <ul class="activity" aria-label="Updates">
                <For each=notices key=|n| (n.id.clone(), n.is_read) let:notice>
                    <NoticeEntry notice />
                </For>
            </ul>
        </Show>
    }
}

#[component]
fn NoticeEntry(notice: Notice) -> impl IntoView {
    let session = expect_context::<Session>();
    let Notice {
        id,
        title,
        body,
        is_read,
        created_at,
    } = notice;
    // Changed here at once; the socket's notification.updated confirms it.
    let mark = Action::new(move |(id, read): &(String, bool)| {
        let (id, read) = (id.clone(), *read);
        session.notices.update(|list| {
            for notice in list.iter_mut().flatten().filter(|n| n.id == id) {
                notice.is_read = read;
            }
        });
        api::mark_notice(id, read)
    });
    let delete = Action::new(move |id: &String| {
        let id = id.clone();
        session.notices.update(|list| {
            if let Some(list) = list {
                list.retain(|n| n.id != id);
            }
        });
        api::delete_notice(id)
    });
    let (mark_id, delete_id) = (id.clone(), id);
    let zone = clock::use_zone();
    let label = title.clone();
    let unread = !is_read;
    view! {
        <li class="activity-entry" class:unread=unread aria-label=label>
            <div>
                <span class="activity-title">{title}</span>
                <span class="activity-preview">{body.unwrap_or_default()}</span>
                <span class="activity-when">
                    {move || clock::moment(&created_at, zone.get()).map(|m| m.day()).unwrap_or_default()}
                </span>
            </div>
            <button class="link" on:click=move |_| { mark.dispatch((mark_id.clone(), !is_read)); }>
                {if is_read { "Mark unread" } else { "Mark read" }}
            </button>
            <button class="link" on:click=move |_| { delete.dispatch(delete_id.clone()); }>
                "Delete"
            </button>
        </li>
    }
}

#[component]
pub(crate) fn EmailChoice() -> impl IntoView {
    let current = Resource::new(|| (), |_| api::load_email_preferences());
    let save = Action::new(|choice: &String| {
        api::save_email_preferences(EmailPreferences {
            unread_messages: choice.clone(),
        })
    });
    let chosen = RwSignal::new(None::<String>);
    let outcome = move || match save.value().get() {
        Some(Ok(_)) => Some(view! { <p class="notice" role="status">"Saved."</p> }.into_any()),
        Some(Err(e)) => Some(view! { <p class="error" role="alert">{reason(&e)}</p> }.into_any()),
        None => None,
    };
    let choice = move |value: &'static str, label: &'static str, stored: String| {
        view! {
            <label>
                <input
                    type="radio"
                    name="unreadMessages"
                    value=value
                    prop:checked=move || chosen.get().unwrap_or_else(|| stored.clone()) == value
                    on:change=move |_| {
                        chosen.set(Some(value.to_string()));
                        save.dispatch(value.to_string());
                    }
                />
                {label}
            </label>
        }
    };
    view! {
        <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match current.await {
                    Ok(preferences) => {
                        let stored = preferences.unread_messages;
                        view! {
                            <fieldset>
                                <legend>"E-mail me about unread messages"</legend>
                                {choice("every", "For every message", stored.clone())}
                                {choice("digest", "In one summary per conversation", stored.clone())}
                                {choice("off", "Never", stored)}
                            </fieldset>
                            {outcome}
                        }
                        .into_any()
                    }
                    Err(e) => view! { <p class="error" role="alert">{reason(&e)}</p> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// Desktop notifications are a promise of this browser, so the choice only
/// appears once the page runs in it.
#[component]
fn DesktopChoice() -> impl IntoView {
    let state = RwSignal::new(None::<Desktop>);
    #[cfg(feature = "hydrate")]
    Effect::new(move |_| state.set(Some(Desktop::now())));
    let turn_on = move |_| {
        #[cfg(feature = "hydrate")]
        crate::browser::spawn(async move {
            crate::desktop::turn_on().await;
            state.set(Some(Desktop::now()));
        });
    };
    let turn_off = move |_| {
        #[cfg(feature = "hydrate")]
        {
            crate::desktop::turn_off();
            state.set(Some(Desktop::now()));
        }
    };
    view! {
        <h2>"Desktop notifications"</h2>
        {move || match state.get() {
            None => None,
            Some(Desktop::Unsupported) => Some(
                view! { <p class="empty">"This browser cannot show desktop notifications."</p> }.into_any(),
            ),
            Some(Desktop::Blocked) => Some(
                view! { <p class="empty">"This browser blocks notifications from this site; allow them in its site settings."</p> }
                    .into_any(),
            ),
            Some(Desktop::On) => Some(
                view! {
                    <p>"On: new messages pop up while this tab is in the background."</p>
                    <button on:click=turn_off>"Turn off desktop notifications"</button>
                }
                .into_any(),
            ),
            Some(Desktop::Off) => Some(
                view! {
                    <p>"Let new messages pop up while this tab is in the background."</p>
                    <button class="primary" on:click=turn_on>"Turn on desktop notifications"</button>
                }
                .into_any(),
            ),
        }}
    }
}

#[derive(Clone, Copy, PartialEq)]
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
enum Desktop {
    Unsupported,
    Blocked,
    On,
    Off,
}

#[cfg(feature = "hydrate")]
impl Desktop {
    fn now() -> Desktop {
        use crate::desktop;
        if !desktop::supported() {
            Desktop::Unsupported
        } else if desktop::enabled() {
            Desktop::On
        } else if desktop::blocked() {
            Desktop::Blocked
        } else {
            Desktop::Off
        }
    }
}
