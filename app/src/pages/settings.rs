//! Settings (admins): the workspace's name and look, how its e-mails are
//! sent, which channel a new client gets, the welcome message every new
//! channel opens with, how much people may upload, the workspace's API
//! keys, and the ways to its webhooks and its audit log.

use leptos::prelude::*;
use leptos_router::components::A;

use super::forms::{field_problem, form_problem, invalid, Refusal, SecretShownOnce};
use super::shell::{PageTitle, Session};
use crate::limits::{parse_months, LimitField};
use crate::model::{
    ApiKeyInfo, AppError, Brand, EmailSender, NewApiKey, Settings, WorkspaceSettings,
};
use crate::problem::reason;
use crate::{api, browser};

/// The settings and their welcome message as a new client would read it.
async fn load() -> Result<(Settings, String), AppError> {
    let settings = api::load_settings().await?;
    let preview = api::preview_welcome(settings.welcome_message.clone()).await?;
    Ok((settings, preview))
}

#[component]
pub fn SettingsPage() -> impl IntoView {
    let session = expect_context::<Session>();
    let is_admin = session.me.with_untracked(|me| me.is_admin);
    let is_staff = session.me.with_untracked(|me| me.is_staff);
    // Only admins may read them: nobody else asks.
    let settings = Resource::new(
        move || is_admin,
        |admin| async move {
            match admin {
                true => load().await.map(Some),
                false => Ok(None),
            }
        },
    );
    view! {
        <section class="page" aria-label="Settings">
            <PageTitle name="Settings" />
            <h1>"Settings"</h1>
            {is_staff.then(|| view! {
                <section class="saved-replies-link" aria-labelledby="saved-replies-heading">
                    <h2 id="saved-replies-heading">"Saved replies"</h2>
                    <p class="preview">"Answers you give often, inserted from the composer with their files."</p>
                    <A href="/settings/saved-replies">"Manage saved replies"</A>
                </section>
            })}
            <Show
                when=move || is_admin
                fallback=|| view! { <p class="notice">"Only the workspace's admins can change its settings."</p> }
            >
                <WorkspaceSections />
                <h2>"Messaging"</h2>
                <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
                    {move || Suspend::new(async move {
                        match settings.await {
                            Ok(Some((settings, preview))) => view! { <SettingsForm settings preview /> }.into_any(),
                            Ok(None) => ().into_any(),
                            Err(e) => view! { <p class="error" role="alert">{reason(&e)}</p> }.into_any(),
                        }
                    })}
                </Suspense>
                <ApiKeys />
                <section class="webhooks-link" aria-labelledby="webhooks-heading">
                    <h2 id="webhooks-heading">"Webhooks"</h2>
                    <p class="preview">"Tell other systems (a CRM, billing, Zapier) what happens here, as it happens."</p>
                    <A href="/settings/webhooks">"Manage webhooks"</A>
                </section>
                <section class="audit-log-link" aria-labelledby="audit-log-heading">
                    <h2 id="audit-log-heading">"Audit log"</h2>
                    <p class="preview">"Who signed in, changed settings or the team, managed keys and webhooks, exported or deleted, and from where."</p>
                    <A href="/settings/audit-log">"Open the audit log"</A>
                </section>
                <section class="export-link" aria-labelledby="export-heading">
                    <h2 id="export-heading">"Export"</h2>
                    <p class="preview">"Everything in the workspace, to keep a copy or to move elsewhere: each kind of record as JSON, with every file. Each export is in the audit log."</p>
                    // A download, not a page of the app.
                    <a href="/v1/workspaces/export" download rel="external">"Export the whole workspace"</a>
                </section>
            </Show>
        </section>
    }
}

/// "Workspace & brand" and "E-mail", each saved on its own.
#[component]
fn WorkspaceSections() -> impl IntoView {
    let current = Resource::new(|| (), |_| api::load_workspace_settings());
    view! {
        <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match current.await {
                    Ok(WorkspaceSettings { brand, email }) => view! {
                        <BrandForm brand />
                        <EmailSenderForm email />
                    }.into_any(),
                    Err(e) => view! { <p class="error" role="alert">{reason(&e)}</p> }.into_any(),
                }
            })}
        </Suspense>
    }
}

const BRAND_FIELDS: &[&str] = &["brandName", "brandColor", "logoImageUrl"];

#[component]
fn BrandForm(brand: Brand) -> impl IntoView {
    let name = RwSignal::new(brand.brand_name);
    let color = RwSignal::new(brand.brand_color.to_lowercase());
    let logo = RwSignal::new(brand.logo_image_url);
    let refusal: Refusal = RwSignal::new(None);
    let saved = RwSignal::new(false);
    let save = Action::new(move |brand: &Brand| {
        let brand = brand.clone();
        async move {
            match api::save_brand(brand).await {
                Ok(settings) => {
                    refusal.set(None);
                    saved.set(true);
                    name.set(settings.brand.brand_name);
                    logo.set(settings.brand.logo_image_url);
                    // The new colour shows at once, on every page of this one.
                    super::shell::apply_accent(&settings.brand.brand_color);
                }
                Err(e) => {
                    saved.set(false);
                    refusal.set(Some(e));
                }
            }
        }
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        save.dispatch(Brand {
            brand_name: name.get_untracked(),
            brand_color: color.get_untracked(),
            logo_image_url: logo.get_untracked(),
        });
    };
    view! {
        <h2>"Workspace & brand"</h2>
        <form on:submit=submit aria-label="Workspace & brand">
            <label class="stacked">
                "Workspace name"
                <input required prop:value=name on:input=move |ev| name.set(event_target_value(&ev))
                    aria-invalid=invalid(refusal, "brandName") aria-describedby="brand-name-problem" />
            </label>
            {field_problem(refusal, "brandName", "brand-name-problem")}
            <label class="stacked">
                "Accent colour"
                <input type="color" prop:value=color on:input=move |ev| color.set(event_target_value(&ev))
                    aria-invalid=invalid(refusal, "brandColor") aria-describedby="brand-color-problem" />
            </label>
            {field_problem(refusal, "brandColor", "brand-color-problem")}
            <label class="stacked">
                "Logo (image address, https://…; empty for none)"
                <input type="url" prop:value=logo on:input=move |ev| logo.set(event_target_value(&ev))
                    aria-invalid=invalid(refusal, "logoImageUrl") aria-describedby="brand-logo-problem" />
            </label>
            {field_problem(refusal, "logoImageUrl", "brand-logo-problem")}
            {form_problem(refusal, BRAND_FIELDS)}
            <Show when=move || saved.get()>
                <p class="notice" role="status">"Workspace saved."</p>
            </Show>
            <button type="submit" class="primary" disabled=move || save.pending().get()>"Save workspace"</button>
        </form>
    }
}

const EMAIL_FIELDS: &[&str] = &["emailSenderName", "emailReplyTo"];

#[component]
fn EmailSenderForm(email: EmailSender) -> impl IntoView {
    let sender = RwSignal::new(email.email_sender_name);
    let reply_to = RwSignal::new(email.email_reply_to);
    let includes_text = RwSignal::new(email.email_includes_message_text);
    let refusal: Refusal = RwSignal::new(None);
    let saved = RwSignal::new(false);
    let save = Action::new(move |email: &EmailSender| {
        let email = email.clone();
        async move {
            match api::save_email_sender(email).await {
                Ok(settings) => {
                    refusal.set(None);
                    saved.set(true);
                    sender.set(settings.email.email_sender_name);
                    reply_to.set(settings.email.email_reply_to);
                    includes_text.set(settings.email.email_includes_message_text);
                }
                Err(e) => {
                    saved.set(false);
                    refusal.set(Some(e));
                }
            }
        }
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        save.dispatch(EmailSender {
            email_sender_name: sender.get_untracked(),
            email_reply_to: reply_to.get_untracked(),
            email_includes_message_text: includes_text.get_untracked(),
        });
    };
    view! {
        <h2>"E-mail"</h2>
        <form on:submit=submit aria-label="E-mail">
            <label class="stacked">
                "Sender name (empty: the workspace name)"
                <input prop:value=sender on:input=move |ev| sender.set(event_target_value(&ev))
                    aria-invalid=invalid(refusal, "emailSenderName") aria-describedby="sender-name-problem" />
            </label>
            {field_problem(refusal, "emailSenderName", "sender-name-problem")}
            <label class="stacked">
                "Reply-to address (empty: none)"
                <input type="email" prop:value=reply_to on:input=move |ev| reply_to.set(event_target_value(&ev))
                    aria-invalid=invalid(refusal, "emailReplyTo") aria-describedby="reply-to-problem" />
            </label>
            {field_problem(refusal, "emailReplyTo", "reply-to-problem")}
            <label>
                <input type="checkbox" prop:checked=includes_text
                    on:change=move |ev| includes_text.set(event_target_checked(&ev)) />
                "E-mails include the message text (off: senders and counts only)"
            </label>
            {form_problem(refusal, EMAIL_FIELDS)}
            <Show when=move || saved.get()>
                <p class="notice" role="status">"E-mail settings saved."</p>
            </Show>
            <button type="submit" class="primary" disabled=move || save.pending().get()>"Save e-mail settings"</button>
        </form>
    }
}

#[component]
fn SettingsForm(settings: Settings, preview: String) -> impl IntoView {
    let channel_type = RwSignal::new(settings.default_channel_type);
    let welcome = RwSignal::new(settings.welcome_message);
    // The preview follows the text as it is typed; a plain signal, not a
    // resource, since it is first drawn with the page (see `load`).
    let preview = RwSignal::new(preview);
    let asked = StoredValue::new(0_u64);
    let typed = move |text: String| {
        welcome.set(text.clone());
        asked.update_value(|n| *n += 1);
        let this = asked.get_value();
        browser::spawn(async move {
            let shown = match api::preview_welcome(text).await {
                Ok(text) => text,
                Err(e) => reason(&e),
            };
            // A slower answer to an earlier keystroke must not win.
            if asked.get_value() == this {
                preview.set(shown);
            }
        });
    };
    let person_limit = LimitField::new(settings.person_file_quota_bytes);
    let workspace_limit = LimitField::new(settings.workspace_file_quota_bytes);
    let person_text = RwSignal::new(person_limit.text());
    let workspace_text = RwSignal::new(workspace_limit.text());
    let person_bytes = Signal::derive(move || person_limit.bytes(&person_text.get()));
    let workspace_bytes = Signal::derive(move || workspace_limit.bytes(&workspace_text.get()));
    let retention_text = RwSignal::new(
        settings
            .retention_months
            .map(|m| m.to_string())
            .unwrap_or_default(),
    );
    let retention_months = Signal::derive(move || parse_months(&retention_text.get()));
    let limits_wrong = move || {
        person_bytes.with(Result::is_err)
            || workspace_bytes.with(Result::is_err)
            || retention_months.with(Result::is_err)
    };
    let save = Action::new(|settings: &Settings| api::save_settings(settings.clone()));
    let choice = move |value: &'static str, label: &'static str| {
        view! {
            <label>
                <input
                    type="radio"
                    name="defaultChannelType"
                    value=value
                    prop:checked=move || channel_type.get() == value
                    on:change=move |_| channel_type.set(value.to_string())
                />
                {label}
            </label>
        }
    };
    let outcome = move || match save.value().get() {
        Some(Ok(_)) => {
            Some(view! { <p class="notice" role="status">"Settings saved."</p> }.into_any())
        }
        Some(Err(e)) => Some(view! { <p class="error" role="alert">{reason(&e)}</p> }.into_any()),
        None => None,
    };
    view! {
        <fieldset>
            <legend>"Default messaging channel"</legend>
            {choice("individual", "Individual")}
            {choice("company", "Company")}
        </fieldset>
        <label class="stacked">
            "Welcome message"
            <textarea rows="4" prop:value=welcome on:input=move |ev| typed(event_target_value(&ev))></textarea>
        </label>
        <p class="preview">
            "Variables: {{client.givenName}}, {{client.familyName}}, {{company.name}}, {{workspace.name}}"
        </p>
        <figure class="welcome-preview">
            <figcaption>"Preview"</figcaption>
            <p aria-label="Welcome message preview">{move || preview.get()}</p>
        </figure>
        <fieldset class="limits">
            <legend>"Upload limits"</legend>
            <p class="preview">
                "Files count from upload, whether sent yet or not. Leave a limit empty for none."
            </p>
            <LimitInput id="person-file-quota" label="Per person (MiB)" text=person_text parsed=person_bytes />
            <LimitInput id="workspace-file-quota" label="Whole workspace (MiB)" text=workspace_text parsed=workspace_bytes />
        </fieldset>
        <fieldset class="limits">
            <legend>"Retention"</legend>
            <p class="preview">
                "Messages and their files older than this are deleted, except for clients under legal hold. The audit log is always kept. Leave it empty to keep everything."
            </p>
            <LimitInput id="retention-months" label="Keep messages for (months)" placeholder="Forever"
                text=retention_text parsed=retention_months />
        </fieldset>
        {outcome}
        <button
            class="primary"
            // A limit that is not a size keeps its reason beside it until fixed.
            disabled=move || save.pending().get() || limits_wrong()
            on:click=move |_| {
                let (Ok(person), Ok(workspace), Ok(retention)) = (
                    person_bytes.get_untracked(),
                    workspace_bytes.get_untracked(),
                    retention_months.get_untracked(),
                ) else {
                    return;
                };
                save.dispatch(Settings {
                    default_channel_type: channel_type.get_untracked(),
                    welcome_message: welcome.get_untracked(),
                    person_file_quota_bytes: person,
                    workspace_file_quota_bytes: workspace,
                    retention_months: retention,
                });
            }
        >
            "Save settings"
        </button>
    }
}

/// One limit (an upload limit in MiB, months kept); while its text is not
/// one, the reason stands next to it.
#[component]
fn LimitInput(
    id: &'static str,
    label: &'static str,
    text: RwSignal<String>,
    /// What the text says, or why it says nothing.
    parsed: Signal<Result<Option<u64>, String>>,
    /// What an empty field means.
    #[prop(default = "No limit")]
    placeholder: &'static str,
) -> impl IntoView {
    let problem = move || parsed.with(|b| b.clone().err());
    let problem_id = format!("{id}-problem");
    let shown_id = problem_id.clone();
    view! {
        <div class="limit">
        <label>
            {label}
            <input
                id=id
                type="text"
                inputmode="decimal"
                autocomplete="off"
                placeholder=placeholder
                prop:value=text
                on:input=move |ev| text.set(event_target_value(&ev))
                aria-invalid=move || problem().is_some().then_some("true")
                aria-describedby=problem_id
            />
        </label>
        {move || problem().map(|problem| {
            view! { <p class="error" role="alert" id=shown_id.clone()>{problem}</p> }
        })}
        </div>
    }
}

/// Settings → API keys: each key with its use, expiry and permissions; a new
/// key's secret shown once, to copy; revoking after asking.
#[component]
fn ApiKeys() -> impl IntoView {
    // Bumped after a key is made or revoked, to list the keys again.
    let changed = RwSignal::new(0_u32);
    let keys = Resource::new(move || changed.get(), |_| api::load_api_keys());
    view! {
        <section class="api-keys" aria-labelledby="api-keys-heading">
            <h2 id="api-keys-heading">"API keys"</h2>
            <p class="preview">
                "Integrations send a key in the X-API-Key header and act as the workspace owner."
            </p>
            <NewKeyForm changed />
            <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match keys.await {
                        Ok(keys) if keys.is_empty() => view! { <p class="notice">"There are no API keys."</p> }.into_any(),
                        Ok(keys) => view! { <KeyTable keys changed /> }.into_any(),
                        Err(e) => view! { <p class="error" role="alert">{reason(&e)}</p> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}

#[component]
fn NewKeyForm(changed: RwSignal<u32>) -> impl IntoView {
    let name = RwSignal::new(String::new());
    let expiry = RwSignal::new(String::new());
    let read_only = RwSignal::new(false);
    let send_as_others = RwSignal::new(true);
    let create = Action::new(move |key: &NewApiKey| {
        let key = key.clone();
        async move {
            let made = api::create_api_key(key).await;
            if made.is_ok() {
                name.set(String::new());
                changed.update(|n| *n += 1);
            }
            made
        }
    });
    let made = move || match create.value().get() {
        Some(Ok(key)) => Some(
            view! {
                <SecretShownOnce
                    label="New API key"
                    caption=format!("The key {:?}. Copy it now: it is not shown again.", key.name)
                    secret=key.key.unwrap_or_default()
                />
            }
            .into_any(),
        ),
        Some(Err(e)) => Some(view! { <p class="error" role="alert">{reason(&e)}</p> }.into_any()),
        None => None,
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        create.dispatch(NewApiKey {
            name: name.get_untracked(),
            expires_in_days: expiry.get_untracked().parse().ok(),
            read_only: read_only.get_untracked(),
            send_as_others: send_as_others.get_untracked(),
        });
    };
    view! {
        <form class="new-api-key" on:submit=submit>
            <label class="stacked">
                "Key name"
                <input type="text" required prop:value=name on:input=move |ev| name.set(event_target_value(&ev)) />
            </label>
            <label class="stacked">
                "Expires"
                <select prop:value=expiry on:change=move |ev| expiry.set(event_target_value(&ev))>
                    <option value="">"Never"</option>
                    <option value="30">"In 30 days"</option>
                    <option value="90">"In 90 days"</option>
                    <option value="365">"In a year"</option>
                </select>
            </label>
            <label>
                <input type="checkbox" prop:checked=read_only on:change=move |ev| read_only.set(event_target_checked(&ev)) />
                "Read-only (every change refused)"
            </label>
            <label>
                <input type="checkbox" prop:checked=send_as_others on:change=move |ev| send_as_others.set(event_target_checked(&ev)) />
                "May send messages as other people"
            </label>
            <button class="primary" type="submit" disabled=move || create.pending().get()>"Create key"</button>
        </form>
        {made}
    }
}

#[component]
fn KeyTable(keys: Vec<ApiKeyInfo>, changed: RwSignal<u32>) -> impl IntoView {
    view! {
        <table class="api-key-list" aria-label="API keys">
            <thead>
                <tr>
                    <th scope="col">"Name"</th>
                    <th scope="col">"Created"</th>
                    <th scope="col">"Expires"</th>
                    <th scope="col">"Last used"</th>
                    <th scope="col">"Permissions"</th>
                    <th scope="col" aria-label="Actions"></th>
                </tr>
            </thead>
            <tbody>
                {keys.into_iter().map(|key| view! { <KeyRow key changed /> }).collect_view()}
            </tbody>
        </table>
    }
}

/// A day in UTC ("27 Nov 2026"), the same on the server and in the browser.
fn day(iso: &str) -> String {
    crate::clock::utc(iso).map(|m| m.day()).unwrap_or_default()
}

#[component]
fn KeyRow(key: ApiKeyInfo, changed: RwSignal<u32>) -> impl IntoView {
    let confirming = RwSignal::new(false);
    let failed = RwSignal::new(None::<String>);
    let expires = match (&key.expires_at, key.expired) {
        (None, _) => "Never".to_string(),
        (Some(at), true) => format!("Expired {}", day(at)),
        (Some(at), false) => day(at),
    };
    let last_used = key
        .last_used_at
        .as_deref()
        .and_then(crate::clock::utc)
        .map_or("Never".to_string(), |m| {
            format!("{} {} UTC", m.day(), m.time())
        });
    let permissions = format!(
        "{}, {}",
        if key.read_only {
            "Read-only"
        } else {
            "Read and write"
        },
        if key.send_as_others {
            "may send as others"
        } else {
            "sends only as itself"
        }
    );
    let id = key.id.clone();
    let revoke = move |_| {
        let id = id.clone();
        browser::spawn(async move {
            match api::revoke_api_key(id).await {
                Ok(()) => changed.update(|n| *n += 1),
                Err(e) => failed.set(Some(reason(&e))),
            }
        });
    };
    let revoke_label = format!("Revoke {}", key.name);
    let confirm_label = format!("Revoke {}?", key.name);
    view! {
        <tr>
            <th scope="row">{key.name}</th>
            <td>{day(&key.created_at)}</td>
            <td>{expires}</td>
            <td>{last_used}</td>
            <td>{permissions}</td>
            <td>
                <button class="danger" aria-label=revoke_label on:click=move |_| confirming.set(true)>"Revoke"</button>
                <Show when=move || confirming.get()>
                    <div class="menu confirm" role="alertdialog" aria-label=confirm_label.clone()>
                        <p>"Integrations using this key stop working at once."</p>
                        <button class="danger" on:click=revoke.clone()>"Revoke key"</button>
                        <button class="link" on:click=move |_| confirming.set(false)>"Cancel"</button>
                    </div>
                </Show>
                {move || failed.get().map(|e| view! { <p class="error" role="alert">{e}</p> })}
            </td>
        </tr>
    }
}
