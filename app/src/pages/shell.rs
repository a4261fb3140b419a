//! The signed-in frame: the sidebar, the live connection, and the state
//! every page shares.

use leptos::prelude::*;
use leptos_router::components::{Outlet, Redirect, A};

use crate::api;
use crate::live::Event;
use crate::model::{ChannelSummary, Me};
use crate::state::ChannelList;

/// What every signed-in page shares.
#[derive(Clone, Copy)]
pub struct Session {
    pub me: Signal<Me>,
    pub channels: RwSignal<ChannelList>,
    /// The latest realtime event, for the pages to react to.
    pub event: ReadSignal<Option<Event>>,
    /// The channel on screen, if any.
    pub open_channel: RwSignal<Option<String>>,
}

/// Who is signed in and their channels, loaded together so the server
/// renders the channel list into the page.
async fn load_session() -> Result<Option<(Me, Vec<ChannelSummary>)>, ServerFnError> {
    let Some(me) = api::current_user().await? else {
        return Ok(None);
    };
    Ok(Some((me, api::list_channels().await?)))
}

#[component]
pub fn SignedInShell() -> impl IntoView {
    let session = Resource::new(|| (), |_| load_session());
    view! {
        <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match session.await {
                    Ok(Some((me, channels))) => view! { <Frame me channels /> }.into_any(),
                    _ => view! { <Redirect path="/sign-in" /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn Frame(me: Me, channels: Vec<ChannelSummary>) -> impl IntoView {
    let channels = RwSignal::new(ChannelList::new(channels));
    // Channels appear, change members or go: reload the list.
    let reload = move || {
        leptos::task::spawn_local(async move {
            if let Ok(list) = api::list_channels().await {
                channels.set(ChannelList::new(list));
            }
        });
    };
    let (event, set_event) = signal(None::<Event>);
    let session = Session {
        me: Signal::stored(me.clone()),
        channels,
        event,
        open_channel: RwSignal::new(None),
    };
    provide_context(session);
    #[cfg(feature = "hydrate")]
    {
        let me = me.id.clone();
        let open_channel = session.open_channel;
        crate::socket::connect(move |event| {
            match &event {
                Event::ChannelsChanged | Event::Resync => reload(),
                Event::MessageCreated(message) => channels.update(|list| {
                    list.message_created(message, &me, open_channel.get_untracked().as_deref())
                }),
                Event::Read {
                    channel_id,
                    user_id,
                    ..
                } if *user_id == me => channels.update(|list| list.read(channel_id)),
                _ => {}
            }
            set_event.set(Some(event));
        });
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = (set_event, reload);

    let unread = move || channels.with(|c| c.total_unread());
    let (me_staff, me_admin) = (me.is_staff, me.is_admin);
    let sign_out = move |_| {
        leptos::task::spawn_local(async move {
            let _ = api::sign_out().await;
            #[cfg(feature = "hydrate")]
            if let Some(window) = web_sys::window() {
                let _ = window.location().assign("/sign-in");
            }
        });
    };
    view! {
        <div class="app">
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
                <Show when=move || me_staff>
                    <A href="/clients">"Clients"</A>
                </Show>
                <Show when=move || me_admin>
                    <A href="/settings">"Settings"</A>
                </Show>
                <p class="me">{me.name.clone()}</p>
                <button class="link" on:click=sign_out>"Sign out"</button>
            </nav>
            <Outlet />
        </div>
    }
}
