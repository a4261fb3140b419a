//! The signed-in frame: the sidebar, the live connection, and the state
//! every page shares.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::{Outlet, Redirect, A};
use leptos_router::hooks::use_location;

use crate::api;
use crate::attention::tab_title;
use crate::browser;
use crate::live::Event;
use crate::model::{ClientActivity, Me, Notice, SessionStart};
use crate::state::{sign_in_returning_to, ChannelList};

/// What every signed-in page shares.
#[derive(Clone, Copy)]
pub struct Session {
    pub me: Signal<Me>,
    pub channels: RwSignal<ChannelList>,
    /// The latest realtime event, for the pages to react to.
    pub event: ReadSignal<Option<Event>>,
    /// The channel on screen, if any.
    pub open_channel: RwSignal<Option<String>>,
    /// Staff: where clients wrote (the notification centre), once loaded.
    pub client_activity: RwSignal<Option<Vec<ClientActivity>>>,
    /// Notifications integrations sent to this person, once loaded.
    pub notices: RwSignal<Option<Vec<Notice>>>,
}

impl Session {
    /// Staff: channels with client messages they have not read.
    pub fn waiting_channels(&self) -> usize {
        self.client_activity.with(|activity| {
            activity
                .iter()
                .flatten()
                .filter(|a| a.unread_count > 0)
                .count()
        })
    }

    /// What the Notifications link counts: conversations where clients
    /// wait, and unread notifications.
    pub fn needing_attention(&self) -> usize {
        let notices = self
            .notices
            .with(|notices| notices.iter().flatten().filter(|n| !n.is_read).count());
        self.waiting_channels() + notices
    }
}

/// Names the page in the tab's title, after the unread count and before
/// the workspace: "(3) Ann Archer · Ledger & Co".
#[component]
pub fn PageTitle(#[prop(into)] name: String) -> impl IntoView {
    let session = expect_context::<Session>();
    let brand = session.me.with_untracked(|me| me.workspace_name.clone());
    // leptos_meta may still read a page's title while that page is being
    // taken down: nothing here may be a value the page owns.
    let unread = move || session.channels.try_with(|c| c.total_unread()).unwrap_or(0);
    view! { <Title text=live_title(move || tab_title(unread(), Some(&name), &brand)) /> }
}

/// A tab title that follows the page in the browser. The server takes its
/// value once, while rendering: leptos_meta writes the title into the page
/// after rendering, outside the arena where signals can still be read.
fn live_title(text: impl Fn() -> String + Send + Sync + 'static) -> leptos::text_prop::TextProp {
    #[cfg(feature = "ssr")]
    {
        text().into()
    }
    #[cfg(not(feature = "ssr"))]
    {
        text.into()
    }
}

/// A page for the firm's team: a client who follows a link to it is told
/// so, and nothing of it is loaded for them.
#[component]
pub fn StaffOnly(children: ChildrenFn) -> impl IntoView {
    let staff = expect_context::<Session>()
        .me
        .with_untracked(|me| me.is_staff);
    view! {
        <Show
            when=move || staff
            fallback=|| view! {
                <section class="page" aria-label="Not available">
                    <PageTitle name="Not available" />
                    <h1>"This page is for the team"</h1>
                    <p>"Your conversations are under Messages."</p>
                    <A href="/messages">"Go to your messages"</A>
                </section>
            }
        >
            {children()}
        </Show>
    }
}

/// The session as the server found it before rendering this page, if it
/// did: the browser hydrates from the same value (a `SharedValue`, made
/// once, before any boundary that could render twice), so every page below
/// is made exactly once on both sides and their resources match.
fn preloaded() -> Option<Option<SessionStart>> {
    #[cfg(feature = "ssr")]
    {
        use_context::<http::request::Parts>().and_then(|parts| {
            parts
                .extensions
                .get::<crate::model::Preloaded>()
                .map(|p| p.0.clone())
        })
    }
    #[cfg(not(feature = "ssr"))]
    {
        None
    }
}

#[component]
pub fn SignedInShell() -> impl IntoView {
    // Signed out on a page of the app (a link from an e-mail): come back to it.
    let here = use_location().pathname.get_untracked();
    let sign_in = sign_in_returning_to(&here);
    match SharedValue::new(preloaded).into_inner() {
        Some(Some(start)) => view! { <Frame start /> }.into_any(),
        Some(None) => view! { <Redirect path=sign_in /> }.into_any(),
        // Arrived from another page of the app (after signing in): load it.
        None => {
            let session = Resource::new(|| (), |_| api::current_session());
            let sign_in = StoredValue::new(sign_in);
            view! {
                <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
                    {move || Suspend::new(async move {
                        match session.await {
                            Ok(Some(start)) => view! { <Frame start /> }.into_any(),
                            _ => view! { <Redirect path=sign_in.get_value() /> }.into_any(),
                        }
                    })}
                </Suspense>
            }
            .into_any()
        }
    }
}

#[component]
fn Frame(start: SessionStart) -> impl IntoView {
    let SessionStart { me, channels } = start;
    let channels = RwSignal::new(ChannelList::new(channels));
    // Channels appear, change members or go: reload the list.
    let reload = move || {
        browser::spawn(async move {
            if let Ok(list) = api::list_channels().await {
                channels.set(ChannelList::new(list));
            }
        });
    };
    let (event, set_event) = signal(None::<Event>);
    let client_activity = RwSignal::new(None::<Vec<ClientActivity>>);
    // Later answers must not be overwritten by earlier, slower ones.
    let asked = StoredValue::new(0_u64);
    let is_staff = me.is_staff;
    let refresh_activity = move || {
        if !is_staff {
            return;
        }
        asked.update_value(|n| *n += 1);
        let this = asked.get_value();
        browser::spawn(async move {
            if let Ok(list) = api::load_client_activity().await {
                if asked.get_value() == this {
                    client_activity.set(Some(list));
                }
            }
        });
    };
    let notices = RwSignal::new(None::<Vec<Notice>>);
    let refresh_notices = move || {
        browser::spawn(async move {
            if let Ok(list) = api::load_notices().await {
                notices.set(Some(list));
            }
        });
    };
    let session = Session {
        me: Signal::stored(me.clone()),
        channels,
        event,
        open_channel: RwSignal::new(None),
        client_activity,
        notices,
    };
    provide_context(session);
    #[cfg(feature = "hydrate")]
    {
        let me = me.id.clone();
        let open_channel = session.open_channel;
        refresh_activity();
        refresh_notices();
        Effect::new(move |_| {
            crate::desktop::show_count_on_icon(channels.with(|c| c.total_unread()))
        });
        crate::socket::connect(move |event| {
            match &event {
                Event::ChannelsChanged => {
                    reload();
                    refresh_activity();
                }
                Event::Resync => {
                    reload();
                    refresh_activity();
                    refresh_notices();
                }
                Event::NoticesChanged => refresh_notices(),
                Event::MessageCreated(message) => {
                    let open = open_channel.get_untracked();
                    channels.update(|list| list.message_created(message, &me, open.as_deref()));
                    if message.sender_id != me {
                        refresh_activity();
                        let title =
                            channels.with_untracked(|list| list.title_of(&message.channel_id));
                        crate::desktop::notify(
                            &title.unwrap_or_else(|| "New message".into()),
                            &crate::state::notification_body(message),
                            &message.channel_id,
                            &format!("/messages/{}", message.channel_id),
                        );
                    }
                }
                Event::MessageChanged(message) => {
                    channels.update(|list| list.message_changed(message));
                }
                Event::Read {
                    channel_id,
                    user_id,
                    unread_count,
                    ..
                } if *user_id == me => {
                    channels.update(|list| list.set_unread(channel_id, *unread_count));
                    refresh_activity();
                }
                _ => {}
            }
            set_event.set(Some(event));
        });
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = (set_event, reload, refresh_activity, refresh_notices);

    let unread = move || channels.with(|c| c.total_unread());
    let (me_staff, me_admin) = (me.is_staff, me.is_admin);
    let sign_out = move |_| {
        browser::spawn(async move {
            let _ = api::sign_out().await;
            #[cfg(feature = "hydrate")]
            if let Some(window) = web_sys::window() {
                let _ = window.location().assign("/sign-in");
            }
        });
    };
    let brand = me.workspace_name.clone();
    let waiting = move || session.needing_attention();
    view! {
        <Title text=live_title(move || {
            tab_title(channels.try_with(|c| c.total_unread()).unwrap_or(0), None, &brand)
        }) />
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
                </Show>
                <Show when=move || me_admin>
                    <A href="/settings">"Settings"</A>
                </Show>
                <p class="me">{me.name.clone()}</p>
                <A href="/account">"Account"</A>
                <button class="link" on:click=sign_out>"Sign out"</button>
            </nav>
            <main class="main" id="main">
                <Outlet />
            </main>
        </div>
    }
}
