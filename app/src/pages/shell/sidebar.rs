//! The main navigation beside every signed-in page: the workspace, the
//! pages with their counts, and the person signed in.

use leptos::prelude::*;
use leptos_router::components::A;

use super::Session;
use crate::{api, browser};

#[component]
pub(super) fn Sidebar() -> impl IntoView {
    let session = expect_context::<Session>();
    let me = session.me.get_untracked();
    let channels = session.channels;
    let unread = move || channels.with(|c| c.total_unread());
    let waiting = move || session.needing_attention();
    let (me_staff, me_admin) = (me.is_staff, me.is_admin);
    view! {
        <nav class="sidebar" aria-label="Main">
            <p class="brand">{me.workspace_name.clone()}</p>
            <A href="/messages">
                "Messages"
                <Show when=move || { unread() > 0 }>
                    <span class="badge" aria-label=move || format!("{} unread", unread())>
                        {unread}
                    </span>
                </Show>
            </A>
            <A href="/search">"Search"</A>
            <A href="/notifications">
                "Notifications"
                <Show when=move || { waiting() > 0 }>
                    <span
                        class="badge"
                        aria-label=move || format!("{} waiting", waiting())
                    >
                        {waiting}
                    </span>
                </Show>
            </A>
            <Show when=move || me_staff>
                <A href="/clients">"Clients"</A>
                <A href="/companies">"Companies"</A>
            </Show>
            <Show when=move || me_admin>
                <A href="/team">"Team"</A>
                <A href="/settings">"Settings"</A>
            </Show>
            <p class="me">{me.name.clone()}</p>
            <A href="/account">"Account"</A>
            <button class="link" on:click=sign_out>"Sign out"</button>
        </nav>
    }
}

fn sign_out(_: leptos::ev::MouseEvent) {
    browser::spawn(async move {
        let _ = api::sign_out().await;
        #[cfg(feature = "hydrate")]
        if let Some(window) = web_sys::window() {
            let _ = window.location().assign("/sign-in");
        }
    });
}
