//! Settings → Saved replies (staff): one's own replies, and for admins the
//! ones shared with the whole team; added, changed and deleted here, with
//! their files. The composer's picker inserts them.

use leptos::prelude::*;
use leptos_router::components::A;

use super::forms::{field_problem, focus_when_shown, form_problem, invalid, Refusal};
use super::shell::{PageTitle, Session};
use crate::model::{Attachment, SavedReplies, SavedReplyDraft, SavedReplySummary};
use crate::problem::reason;
use crate::state::Uploads;
use crate::{api, browser};

#[component]
pub fn SavedRepliesPage() -> impl IntoView {
    let session = expect_context::<Session>();
    let is_staff = session.me.with_untracked(|me| me.is_staff);
    // Bumped after every change, to read them again.
    let changed = RwSignal::new(0_u32);
    // The reply being edited, if any: the form above the list takes it.
    let editing = RwSignal::new(None::<SavedReplySummary>);
    let replies = Resource::new(
        move || (is_staff, changed.get()),
        |(staff, _)| async move {
            match staff {
                true => api::load_saved_replies().await.map(Some),
                false => Ok(None),
            }
        },
    );
    view! {
        <section class="page" aria-label="Saved replies">
            <PageTitle name="Saved replies" />
            <p class="breadcrumb"><A href="/settings">"Settings"</A></p>
            <h1>"Saved replies"</h1>
            <Show
                when=move || is_staff
                fallback=|| view! { <p class="notice">"Saved replies are for the team."</p> }
            >
                <p class="preview">
                    "Answers you give often, ready to insert from the composer: press the Saved replies button or type / at the start of a message. "
                    "They may use {{client.givenName}}, {{client.familyName}}, {{company.name}} and {{workspace.name}}, filled in for the conversation."
                </p>
                <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
                    {move || Suspend::new(async move {
                        match replies.await {
                            Ok(Some(page)) => view! { <RepliesBody page changed editing /> }.into_any(),
                            Ok(None) => ().into_any(),
                            Err(e) => view! { <p class="error" role="alert">{reason(&e)}</p> }.into_any(),
                        }
                    })}
                </Suspense>
            </Show>
        </section>
    }
}

#[component]
fn RepliesBody(
    page: SavedReplies,
    changed: RwSignal<u32>,
    editing: RwSignal<Option<SavedReplySummary>>,
) -> impl IntoView {
    let may_share = page.may_share;
    let (shared, own): (Vec<_>, Vec<_>) = page.replies.into_iter().partition(|r| r.is_shared);
    let list = move |replies: Vec<SavedReplySummary>, label: &'static str, empty: &'static str| {
        if replies.is_empty() {
            return view! { <p class="notice">{empty}</p> }.into_any();
        }
        view! {
            <ul class="saved-reply-list" aria-label=label>
                {replies.into_iter().map(|reply| {
                    let manageable = !reply.is_shared || may_share;
                    view! { <ReplyItem reply manageable changed editing /> }
                }).collect_view()}
            </ul>
        }
        .into_any()
    };
    view! {
        <ReplyForm may_share max_files=page.max_files changed editing />
        <h2>"Your saved replies"</h2>
        {list(own, "Your saved replies", "You have no saved replies of your own yet.")}
        <h2>"Shared with the team"</h2>
        {(!may_share).then(|| view! { <p class="preview">"Admins add and change the shared replies."</p> })}
        {list(shared, "Shared saved replies", "There are no shared saved replies yet.")}
    }
}

const FIELDS: &[&str] = &["title", "text", "attachmentIds"];

/// A reply's existing file, shown among the form's files, ready.
fn stored(file: &crate::model::SavedReplyFileSummary) -> Attachment {
    Attachment {
        id: file.id.clone(),
        name: file.name.clone(),
        size: file.size,
        content_type: String::new(),
        width: None,
        height: None,
        download_url: String::new(),
        thumbnail_url: None,
    }
}

/// Adds a reply, or changes the one being edited.
#[component]
fn ReplyForm(
    may_share: bool,
    max_files: usize,
    changed: RwSignal<u32>,
    editing: RwSignal<Option<SavedReplySummary>>,
) -> impl IntoView {
    let session = expect_context::<Session>();
    let csrf_token = StoredValue::new(session.me.with_untracked(|me| me.csrf_token.clone()));
    let title = RwSignal::new(String::new());
    let text = RwSignal::new(String::new());
    let shared = RwSignal::new(false);
    let uploads = RwSignal::new(Uploads::default());
    let refusal: Refusal = RwSignal::new(None);
    let saved = RwSignal::new(None::<String>);
    let picker = NodeRef::<leptos::html::Input>::new();
    let title_box = NodeRef::<leptos::html::Input>::new();
    // Editing starts from the reply as it is.
    Effect::new(move |_| {
        let reply = editing.get();
        refusal.set(None);
        let mut files = Uploads::default();
        if let Some(reply) = &reply {
            title.set(reply.title.clone());
            text.set(reply.text.clone());
            shared.set(reply.is_shared);
            for file in &reply.files {
                files.add_stored(stored(file));
            }
            if let Some(input) = title_box.get_untracked() {
                #[cfg(feature = "hydrate")]
                let _ = input.focus();
                #[cfg(not(feature = "hydrate"))]
                let _ = input;
            }
        }
        uploads.set(files);
    });
    let reset = move || {
        editing.set(None);
        title.set(String::new());
        text.set(String::new());
        shared.set(false);
        uploads.set(Uploads::default());
    };
    let save = Action::new(move |draft: &SavedReplyDraft| {
        let draft = draft.clone();
        async move {
            match api::save_saved_reply(draft).await {
                Ok(reply) => {
                    refusal.set(None);
                    saved.set(Some(reply.title));
                    reset();
                    changed.update(|n| *n += 1);
                }
                Err(e) => {
                    saved.set(None);
                    refusal.set(Some(e));
                }
            }
        }
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        save.dispatch(SavedReplyDraft {
            id: editing.with_untracked(|r| r.as_ref().map(|r| r.id.clone())),
            title: title.get_untracked(),
            text: text.get_untracked(),
            is_shared: shared.get_untracked(),
            attachment_ids: uploads
                .with_untracked(|u| u.ready().into_iter().map(|a| a.id).collect()),
        });
    };
    let picked = move |_| {
        #[cfg(feature = "hydrate")]
        if let Some(input) = picker.get() {
            if let Some(files) = input.files() {
                super::composer::attach(uploads, csrf_token.get_value(), files);
            }
            input.set_value("");
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = csrf_token;
    };
    let is_editing = move || editing.with(Option::is_some);
    view! {
        <form class="saved-reply-form" on:submit=submit aria-label=move || if is_editing() { "Edit the saved reply" } else { "Add a saved reply" }>
            <h2>{move || if is_editing() { "Edit the saved reply" } else { "Add a saved reply" }}</h2>
            <label class="stacked">
                "Title"
                <input type="text" required autocomplete="off" maxlength="100" node_ref=title_box
                    prop:value=title on:input=move |ev| title.set(event_target_value(&ev))
                    aria-invalid=invalid(refusal, "title") aria-describedby="saved-reply-title-problem" />
            </label>
            {field_problem(refusal, "title", "saved-reply-title-problem")}
            <label class="stacked">
                "Text"
                <textarea rows="5" prop:value=text on:input=move |ev| text.set(event_target_value(&ev))
                    aria-invalid=invalid(refusal, "text") aria-describedby="saved-reply-text-problem"></textarea>
            </label>
            {field_problem(refusal, "text", "saved-reply-text-problem")}
            {may_share.then(|| view! {
                <label>
                    <input type="checkbox" prop:checked=shared
                        disabled=is_editing
                        on:change=move |ev| shared.set(event_target_checked(&ev)) />
                    " Shared with the whole team"
                </label>
            })}
            <ul class="uploads" aria-label="Files of the saved reply">
                <For each=move || uploads.with(|u| u.files.clone()) key=|f| (f.local_id, f.outcome.is_some()) let:file>
                    <li class="upload">
                        <span class="name">{file.name.clone()}</span>
                        {match file.outcome.clone() {
                            None => view! { <span class="status">"Uploading…"</span> }.into_any(),
                            Some(Ok(_)) => view! { <span class="status">"Ready"</span> }.into_any(),
                            Some(Err(why)) => view! { <span class="status failed" role="alert">{why}</span> }.into_any(),
                        }}
                        <button
                            type="button"
                            class="link"
                            aria-label=format!("Remove {}", file.name)
                            on:click=move |_| uploads.update(|u| u.remove(file.local_id))
                        >"×"</button>
                    </li>
                </For>
            </ul>
            <input type="file" multiple class="file-picker" node_ref=picker on:change=picked tabindex="-1" aria-hidden="true" />
            <button type="button" class="link" on:click=move |_| {
                if let Some(input) = picker.get() {
                    input.click();
                }
            }>{format!("Attach files (up to {max_files})")}</button>
            {field_problem(refusal, "attachmentIds", "saved-reply-files-problem")}
            {form_problem(refusal, FIELDS)}
            {move || saved.get().map(|title| view! { <p class="notice" role="status">{format!("Saved “{title}”.")}</p> })}
            <button type="submit" class="primary" disabled=move || save.pending().get() || uploads.with(Uploads::busy)>
                {move || if is_editing() { "Save changes" } else { "Add saved reply" }}
            </button>
            <Show when=is_editing>
                <button type="button" class="link" on:click=move |_| reset()>"Cancel"</button>
            </Show>
        </form>
    }
}

#[component]
fn ReplyItem(
    reply: SavedReplySummary,
    manageable: bool,
    changed: RwSignal<u32>,
    editing: RwSignal<Option<SavedReplySummary>>,
) -> impl IntoView {
    let id = StoredValue::new(reply.id.clone());
    let confirming = RwSignal::new(false);
    let failed = RwSignal::new(None::<String>);
    let remove = move |_| {
        browser::spawn(async move {
            match api::remove_saved_reply(id.get_value()).await {
                Ok(()) => {
                    if editing
                        .with_untracked(|r| r.as_ref().is_some_and(|r| r.id == id.get_value()))
                    {
                        editing.set(None);
                    }
                    changed.update(|n| *n += 1);
                }
                Err(e) => {
                    confirming.set(false);
                    failed.set(Some(reason(&e)));
                }
            }
        });
    };
    let confirm_button = NodeRef::<leptos::html::Button>::new();
    focus_when_shown(confirm_button);
    let title = reply.title.clone();
    let files = reply
        .files
        .iter()
        .map(|f| f.name.clone())
        .collect::<Vec<_>>()
        .join(", ");
    let edited = StoredValue::new(reply.clone());
    view! {
        <li class="saved-reply" aria-label=title.clone()>
            <div class="who">
                <span class="title">{title.clone()}</span>
                <span class="preview">{reply.text.clone()}</span>
                {(!files.is_empty()).then(|| view! { <span class="files">{format!("📎 {files}")}</span> })}
            </div>
            {manageable.then(|| view! {
                <div class="actions">
                    <button class="link" aria-label=format!("Edit {title}") on:click=move |_| editing.set(Some(edited.get_value()))>"Edit"</button>
                    <button class="danger" aria-label=format!("Delete {title}") on:click=move |_| confirming.set(true)>"Delete"</button>
                </div>
            })}
            <Show when=move || confirming.get()>
                <div class="menu confirm" role="alertdialog" aria-label="Delete this saved reply?">
                    <p>"It is gone for everyone who used it; messages already sent keep their text and files."</p>
                    <button class="danger" node_ref=confirm_button on:click=remove>"Delete saved reply"</button>
                    <button class="link" on:click=move |_| confirming.set(false)>"Cancel"</button>
                </div>
            </Show>
            {move || failed.get().map(|e| view! { <p class="error" role="alert">{e}</p> })}
        </li>
    }
}
