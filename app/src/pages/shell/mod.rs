//! The signed-in frame: the sidebar, the live connection, and the state
//! every page shares.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::{Outlet, Redirect, A};
use leptos_router::hooks::use_location;

mod sidebar;
#[cfg(feature = "hydrate")]
mod updates;

use sidebar::Sidebar;

use crate::api;
use crate::attention::tab_title;
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
    // Signed out on a page of the app (a link from an e-mail, a search):
    // come back to it, with its query.
    let location = use_location();
    let query = location.search.get_untracked();
    let here = match query.trim_start_matches('?') {
        "" => location.pathname.get_untracked(),
        query => format!("{}?{query}", location.pathname.get_untracked()),
    };
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

/// Makes the workspace's accent colour the page's `--accent`, when it is a
/// `#rrggbb` colour (anything else could say more than a colour to CSS).
/// Set through the CSSOM once the app runs: the page's policy refuses
/// inline `style` attributes, so the server-rendered page keeps the default.
pub(crate) fn apply_accent(color: &str) {
    let is_colour = color
        .strip_prefix('#')
        .is_some_and(|hex| hex.len() == 6 && hex.chars().all(|c| c.is_ascii_hexdigit()));
    #[cfg(feature = "hydrate")]
    if is_colour {
        use wasm_bindgen::JsCast;
        if let Some(root) = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.document_element())
            .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
        {
            let _ = root.style().set_property("--accent", color);
        }
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = is_colour;
}

/// Every signed-in page: the shared state, kept current, and the sidebar
/// beside the page.
#[component]
fn Frame(start: SessionStart) -> impl IntoView {
    let SessionStart {
        me,
        channels,
        cursor,
    } = start;
    let channels = RwSignal::new(ChannelList::new(channels));
    let (event, set_event) = signal(None::<Event>);
    let session = Session {
        me: Signal::stored(me.clone()),
        channels,
        event,
        open_channel: RwSignal::new(None),
        client_activity: RwSignal::new(None::<Vec<ClientActivity>>),
        notices: RwSignal::new(None::<Vec<Notice>>),
    };
    provide_context(session);
    #[cfg(feature = "hydrate")]
    updates::follow_live(session, set_event, cursor);
    #[cfg(not(feature = "hydrate"))]
    let _ = (set_event, cursor);

    let brand = me.workspace_name.clone();
    let accent = me.brand_color.clone();
    Effect::new(move |_| apply_accent(&accent));
    view! {
        <Title text=live_title(move || {
            tab_title(channels.try_with(|c| c.total_unread()).unwrap_or(0), None, &brand)
        }) />
        <div class="app">
            <Sidebar />
            <main class="main" id="main">
                <Outlet />
            </main>
        </div>
    }
}
