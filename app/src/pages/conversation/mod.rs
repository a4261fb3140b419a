//! One open conversation: its history, read like a chat (it opens at the
//! newest message or at the "New messages" line, and scrolls inside its own
//! pane), live updates, and the composer.

use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::{use_params_map, use_query_map};

mod handling;
mod history;
pub(in crate::pages) mod later;
mod live;
mod lookers;
mod scroll;
mod sending;
mod typing;

pub(super) use sending::deliver;

use handling::HandlingBar;
use history::{History, OpenFocus};
use lookers::{keep_announcing, AlsoHere};
use scroll::Pane;
use typing::{announce_typing, TypingLine};

use super::composer::Composer;
use super::shell::{PageTitle, Session};
use crate::api;
use crate::model::{ClientRead, Conversation, Person};
use crate::problem::{reason, CONVERSATION_GONE};
use crate::state::{Lookers, Timeline, Uploads};

#[component]
pub fn ConversationView() -> impl IntoView {
    let params = use_params_map();
    let channel_id = move || params.with(|p| p.get("id").unwrap_or_default());
    // `?at=<message>` (a search result) opens at that message; another
    // result in the same conversation opens it afresh there.
    let query = use_query_map();
    let at = move || query.with(|q| q.get("at"));
    let conversation = Resource::new(
        move || (channel_id(), at()),
        |(channel_id, _)| api::open_conversation(channel_id),
    );
    view! {
        <Suspense fallback=|| view! { <section class="conversation"><p class="loading">"Loading…"</p></section> }>
            {move || Suspend::new(async move {
                match conversation.await {
                    Ok(Some(conversation)) => {
                        let reach = at();
                        view! { <Thread conversation reach /> }.into_any()
                    }
                    Ok(None) => view! {
                        <section class="conversation gone">
                            <PageTitle name="Conversation not found" />
                            <p class="error" role="alert">{CONVERSATION_GONE}</p>
                            <A href="/messages">"Back to your conversations"</A>
                        </section>
                    }.into_any(),
                    Err(e) => view! {
                        <section class="conversation gone">
                            <p class="error" role="alert">{reason(&e)}</p>
                        </section>
                    }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// An open conversation: its heading, its history, who is typing, and the
/// composer; files dropped anywhere on it are attached.
#[component]
fn Thread(conversation: Conversation, reach: Option<String>) -> impl IntoView {
    let session = expect_context::<Session>();
    let channel_id = conversation.channel.id.clone();
    let title = conversation.channel.title.clone();
    let me = session.me.get_untracked().id;
    let initial = Timeline::from_newest_first(conversation.history.data);
    let first_unread =
        StoredValue::new(initial.first_unread(&me, conversation.channel.unread_count));
    let timeline = RwSignal::new(initial);
    let older = RwSignal::new(conversation.history.next_token);
    let seen_up_to = RwSignal::new(conversation.seen_up_to);
    let client_reads = RwSignal::new(conversation.client_reads);
    let typing = RwSignal::new(None::<String>);
    let uploads = RwSignal::new(Uploads::default());
    let dragging = RwSignal::new(false);
    let csrf_token = StoredValue::new(session.me.with_untracked(|me| me.csrf_token.clone()));
    let is_staff = session.me.with_untracked(|me| me.is_staff);
    let handling = is_staff.then(|| {
        view! { <HandlingBar channel_id=channel_id.clone() people=conversation.people.clone() /> }
    });
    let staff: Vec<Person> = conversation
        .people
        .iter()
        .filter(|p| p.is_staff)
        .cloned()
        .collect();
    let people = People(StoredValue::new(conversation.people));
    keep_open(session, channel_id.clone());
    // Staff see which colleagues have it open too, and are seen.
    let lookers = is_staff.then(|| RwSignal::new(Lookers::default()));
    if let Some(lookers) = lookers {
        keep_announcing(session.open_channel, channel_id.clone(), lookers);
    }
    let also_here = lookers.map(|lookers| view! { <AlsoHere lookers people /> });

    let pane = Pane::new();
    if let Some(target) = &reach {
        pane.scroll.set_value(scroll::Scroll::To(target.clone()));
    }
    let focus = OpenFocus {
        heading: NodeRef::new(),
        composer: NodeRef::new(),
    };
    live::read_on_open(session, channel_id.clone());
    let reads = Reads {
        seen_up_to,
        client_reads,
    };
    live::catch_up_after(
        &conversation.cursor,
        channel_id.clone(),
        timeline,
        older,
        reads,
    );
    live::follow(
        session,
        channel_id.clone(),
        timeline,
        older,
        reads,
        typing,
        lookers,
        people,
        pane,
    );
    // Staff may write internal notes; the composer says which it is writing.
    let note = is_staff.then(|| RwSignal::new(false));
    let mentionable = staff.clone();
    let send_later = (channel_id.clone(), later::waiting_in(channel_id.clone()));
    let send = sending::send_from(
        channel_id.clone(),
        me.clone(),
        timeline,
        uploads,
        pane,
        note,
        staff,
    );
    let typed = {
        let channel_id = channel_id.clone();
        move || announce_typing(&channel_id)
    };

    view! {
        <PageTitle name=title.clone() />
        <section
            class="conversation"
            class:dragging=move || dragging.get()
            aria-label=title.clone()
            on:dragover=move |ev| {
                ev.prevent_default();
                dragging.set(true);
            }
            on:dragleave=move |_| dragging.set(false)
            on:drop=move |ev: leptos::ev::DragEvent| {
                ev.prevent_default();
                dragging.set(false);
                #[cfg(feature = "hydrate")]
                if let Some(files) = ev.data_transfer().and_then(|d| d.files()) {
                    super::composer::attach(uploads, csrf_token.get_value(), files);
                }
            }
        >
            <div class="drop-zone" aria-hidden="true">"Drop files to attach them"</div>
            <Header title=title.clone() heading=focus.heading />
            {handling}
            {also_here}
            <History channel_id me timeline older seen_up_to client_reads first_unread reach people pane focus />
            <TypingLine typing />
            <Composer on_send=send on_typing=typed uploads csrf_token textarea=focus.composer note staff=mentionable later=send_later />
        </section>
    }
}

/// The conversation's title, with the way back to the list (on a narrow
/// screen, where the list is not beside it).
#[component]
fn Header(title: String, heading: NodeRef<leptos::html::H2>) -> impl IntoView {
    view! {
        <header>
            <A href="/messages" attr:class="back" attr:aria-label="Back to conversations">"‹"</A>
            <h2 tabindex="-1" node_ref=heading>{title}</h2>
        </header>
    }
}

/// The channel on screen, for the shell, until this conversation closes.
fn keep_open(session: Session, channel_id: String) {
    session.open_channel.set(Some(channel_id.clone()));
    on_cleanup(move || {
        session.open_channel.update(|open| {
            if open.as_deref() == Some(channel_id.as_str()) {
                *open = None;
            }
        })
    });
}

/// The people of the conversation, by id.
#[derive(Clone, Copy)]
pub(crate) struct People(StoredValue<Vec<Person>>);

impl People {
    pub(crate) fn name_of(self, id: &str) -> Option<String> {
        self.0
            .with_value(|people| people.iter().find(|p| p.id == id).map(|p| p.name.clone()))
    }

    /// A client of the conversation's, by id, with their name.
    fn client(self, id: &str) -> Option<String> {
        self.0.with_value(|people| {
            people
                .iter()
                .find(|p| p.id == id && !p.is_staff)
                .map(|p| p.name.clone())
        })
    }
}

/// How far others have read: the newest message anyone else has, and (for
/// staff) how far each client has.
#[derive(Clone, Copy)]
struct Reads {
    seen_up_to: RwSignal<Option<String>>,
    client_reads: RwSignal<Vec<ClientRead>>,
}
