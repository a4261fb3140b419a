//! Messages: the channel list beside the open conversation, and the +
//! menu that starts new ones.

use leptos::prelude::*;
use leptos_router::components::{Outlet, A};
use leptos_router::hooks::{use_location, use_navigate};
use leptos_router::NavigateOptions;

use super::shell::{PageTitle, Session};
use crate::browser;
use crate::model::ChannelSummary;
use crate::state::{waited, ChannelList, ListView};

#[component]
pub fn MessagesPage() -> impl IntoView {
    let session = expect_context::<Session>();
    let (search, set_search) = signal(String::new());
    let list_view = RwSignal::new(ListView::All);
    let me = session.me.with_untracked(|me| me.id.clone());
    let shown = move || {
        session
            .channels
            .with(|list| list.view(list_view.get(), &me, &search.get()))
    };
    move_with_alt_arrows(shown.clone());
    view! {
        <section class="channels" aria-label="Channels">
            <header class="channels-header">
                <h1>"Messages"</h1>
                <Show when=move || session.me.with(|me| me.is_staff)>
                    <NewMenu />
                </Show>
            </header>
            <Show when=move || session.me.with(|me| me.is_staff)>
                <ViewSwitch list_view />
            </Show>
            <input
                type="search"
                placeholder="Search"
                aria-label="Search conversations"
                on:input=move |ev| set_search.set(event_target_value(&ev))
            />
            <Show when={
                let shown = shown.clone();
                move || shown().is_empty()
            }>
                <p class="empty">{move || empty_list(&search.get(), list_view.get(), session.me.with(|me| me.is_staff))}</p>
            </Show>
            <ul>
                <For each=shown key=move |c| (c.id.clone(), c.unread_count, c.preview.clone(), list_view.get_untracked()) let:channel>
                    <li>
                        <A href=format!("/messages/{}", channel.id)>
                            <span class="title">{channel.title.clone()}</span>
                            <span class="preview">{channel.preview.clone().unwrap_or_default()}</span>
                            {(list_view.get_untracked() == ListView::NeedsReply)
                                .then(|| channel.awaiting_reply_since.clone())
                                .flatten()
                                .map(|since: String| {
                                    let waited = waited(&since, (browser::now_ms() / 1000.0) as i64);
                                    view! { <span class="waited">{format!("waiting {waited}")}</span> }
                                })}
                            <Show when=move || { channel.unread_count > 0 }>
                                <span class="badge" aria-label=format!("{} unread", channel.unread_count)>
                                    {channel.unread_count}
                                </span>
                            </Show>
                        </A>
                    </li>
                </For>
            </ul>
        </section>
        <Outlet />
    }
}

/// The staff's views of the list: Needs reply, Assigned to me, All.
#[component]
fn ViewSwitch(list_view: RwSignal<ListView>) -> impl IntoView {
    let session = expect_context::<Session>();
    let waiting = move || session.channels.with(|list| list.needs_reply().len());
    let choice = move |view: ListView, label: &'static str| {
        view! {
            <button
                type="button"
                aria-pressed=move || (list_view.get() == view).to_string()
                on:click=move |_| list_view.set(view)
            >
                {label}
                {(view == ListView::NeedsReply).then(|| view! {
                    <Show when=move || { waiting() > 0 }>
                        <span class="count">{waiting}</span>
                    </Show>
                })}
            </button>
        }
    };
    view! {
        <div class="list-views" role="group" aria-label="Show">
            {choice(ListView::NeedsReply, "Needs reply")}
            {choice(ListView::Mine, "Assigned to me")}
            {choice(ListView::All, "All")}
        </div>
    }
}

/// What an empty channel list says to do next.
fn empty_list(search: &str, list_view: ListView, is_staff: bool) -> String {
    if !search.trim().is_empty() {
        format!("No conversation matches “{}”.", search.trim())
    } else if list_view == ListView::NeedsReply {
        "No client is waiting for an answer.".into()
    } else if list_view == ListView::Mine {
        "No conversation is assigned to you.".into()
    } else if is_staff {
        "No conversations yet. Add a client on the Clients page, or start one with + → New conversation."
            .into()
    } else {
        "No conversations yet. Messages from your team will appear here.".into()
    }
}

/// Alt+↓ and Alt+↑ open the next and previous conversation in the list as
/// shown, from anywhere on the page (the composer included), as in the
/// messaging tools people already use.
fn move_with_alt_arrows(shown: impl Fn() -> Vec<ChannelSummary> + Send + Sync + 'static) {
    let navigate = use_navigate();
    let location = use_location();
    let handle = window_event_listener(leptos::ev::keydown, move |ev| {
        let step = match ev.key().as_str() {
            "ArrowDown" => 1,
            "ArrowUp" => -1,
            _ => return,
        };
        if !ev.alt_key() || ev.ctrl_key() || ev.meta_key() || ev.shift_key() {
            return;
        }
        let path = location.pathname.get_untracked();
        let open = path.strip_prefix("/messages/");
        if let Some(id) = ChannelList::neighbour(&shown(), open, step) {
            ev.prevent_default();
            navigate(&format!("/messages/{id}"), NavigateOptions::default());
        }
    });
    on_cleanup(move || handle.remove());
}

/// The + menu. A `<details>` element, so it opens before the app has
/// loaded; once it has, arrow keys move through it and Escape closes it.
#[component]
fn NewMenu() -> impl IntoView {
    let menu = NodeRef::<leptos::html::Details>::new();
    let on_key = move |ev: leptos::ev::KeyboardEvent| {
        #[cfg(feature = "hydrate")]
        if let Some(menu) = menu.get() {
            menu_key(&menu, &ev);
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = (ev, menu);
    };
    // Leaving the menu (Tab, a click elsewhere) closes it.
    let on_focus_out = move |ev: leptos::ev::FocusEvent| {
        #[cfg(feature = "hydrate")]
        if let Some(menu) = menu.get() {
            use leptos::wasm_bindgen::JsCast;
            let inside = ev
                .related_target()
                .and_then(|t| t.dyn_into::<leptos::web_sys::Node>().ok())
                .is_some_and(|node| menu.contains(Some(&node)));
            if !inside {
                menu.set_open(false);
            }
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = ev;
    };
    view! {
        <details class="new-menu" node_ref=menu on:keydown=on_key on:focusout=on_focus_out>
            <summary aria-label="New" aria-haspopup="menu">"+"</summary>
            <ul role="menu" aria-label="New">
                <li role="none"><A href="/new/conversation" attr:role="menuitem">"New conversation"</A></li>
                <li role="none"><A href="/new/mass-message" attr:role="menuitem">"New mass message"</A></li>
            </ul>
        </details>
    }
}

#[cfg(feature = "hydrate")]
fn menu_key(menu: &leptos::web_sys::HtmlDetailsElement, ev: &leptos::ev::KeyboardEvent) {
    use leptos::wasm_bindgen::JsCast;
    use leptos::web_sys::HtmlElement;
    let items: Vec<HtmlElement> = menu
        .query_selector_all("[role=menuitem]")
        .map(|list| {
            (0..list.length())
                .filter_map(|i| list.item(i)?.dyn_into::<HtmlElement>().ok())
                .collect()
        })
        .unwrap_or_default();
    let summary = menu
        .query_selector("summary")
        .ok()
        .flatten()
        .and_then(|s| s.dyn_into::<HtmlElement>().ok());
    let focused = leptos::prelude::document().active_element();
    let at = items
        .iter()
        .position(|item| focused.as_ref() == Some(item.unchecked_ref()));
    let next = match ev.key().as_str() {
        "Escape" => {
            menu.set_open(false);
            if let Some(summary) = summary {
                let _ = summary.focus();
            }
            return;
        }
        "ArrowDown" => at.map_or(0, |i| (i + 1) % items.len()),
        "ArrowUp" => at.map_or(items.len() - 1, |i| (i + items.len() - 1) % items.len()),
        "Home" => 0,
        "End" => items.len() - 1,
        _ => return,
    };
    ev.prevent_default();
    menu.set_open(true);
    if let Some(item) = items.get(next) {
        let _ = item.focus();
    }
}

/// Nothing open yet. A client with a single conversation (the usual case)
/// goes straight into it.
#[component]
pub fn NoConversation() -> impl IntoView {
    let session = expect_context::<Session>();
    let navigate = use_navigate();
    Effect::new(move |_| {
        if session.me.with(|me| me.is_staff) {
            return;
        }
        let only = session
            .channels
            .with(|list| match list.channels.as_slice() {
                [only] => Some(only.id.clone()),
                _ => None,
            });
        if let Some(id) = only {
            navigate(
                &format!("/messages/{id}"),
                NavigateOptions {
                    replace: true,
                    ..Default::default()
                },
            );
        }
    });
    view! {
        <PageTitle name="Messages" />
        <section class="conversation empty"><p>"Choose a conversation."</p></section>
    }
}
