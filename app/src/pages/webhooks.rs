//! Settings → Webhooks (admins): the addresses Parlor delivers events to,
//! a test event on request, and how the latest deliveries went.

use leptos::prelude::*;
use leptos_router::components::A;

use super::forms::{
    field_problem, focus_when_shown, form_problem, invalid, Refusal, SecretShownOnce,
};
use super::shell::{PageTitle, Session};
use crate::model::{DeliverySummary, EventTypeChoice, NewWebhook, WebhookSummary};
use crate::problem::reason;
use crate::{api, browser};

#[component]
pub fn WebhooksPage() -> impl IntoView {
    let session = expect_context::<Session>();
    let is_admin = session.me.with_untracked(|me| me.is_admin);
    // Bumped after every change, and by "Refresh", to read them again.
    let changed = RwSignal::new(0_u32);
    // The signing secret of the webhook just added, with its address: kept
    // here, outside what is drawn again when the list is read again.
    let secret = RwSignal::new(None::<(String, String)>);
    let webhooks = Resource::new(
        move || (is_admin, changed.get()),
        |(admin, _)| async move {
            match admin {
                true => api::load_webhooks().await.map(Some),
                false => Ok(None),
            }
        },
    );
    view! {
        <section class="page" aria-label="Webhooks">
            <PageTitle name="Webhooks" />
            <p class="breadcrumb"><A href="/settings">"Settings"</A></p>
            <h1>"Webhooks"</h1>
            <Show
                when=move || is_admin
                fallback=|| view! { <p class="notice">"Only the workspace's admins can manage webhooks."</p> }
            >
                <p class="preview">
                    "Parlor sends each address a signed POST when the chosen events happen, in the shape of Assembly's webhooks. "
                    "Verify the x-copilot-signature header with the signing secret. A receiver that fails is tried again for a day."
                </p>
                {move || secret.get().map(|(url, secret)| view! {
                    <SecretShownOnce
                        label="Signing secret"
                        caption=format!("The signing secret of {url}. Copy it now: it is not shown again.")
                        secret
                    />
                })}
                <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
                    {move || Suspend::new(async move {
                        match webhooks.await {
                            Ok(Some(page)) => {
                                let choices = StoredValue::new(page.event_types);
                                let list = page.webhooks;
                                view! {
                                    <AddWebhook choices changed secret />
                                    <button class="link" on:click=move |_| changed.update(|n| *n += 1)>"Refresh"</button>
                                    {if list.is_empty() {
                                        view! { <p class="notice">"There are no webhooks yet."</p> }.into_any()
                                    } else {
                                        view! {
                                            <ul class="webhook-list" aria-label="Webhooks">
                                                {list.into_iter().map(|webhook| view! { <WebhookItem webhook changed /> }).collect_view()}
                                            </ul>
                                        }.into_any()
                                    }}
                                }.into_any()
                            }
                            Ok(None) => ().into_any(),
                            Err(e) => view! { <p class="error" role="alert">{reason(&e)}</p> }.into_any(),
                        }
                    })}
                </Transition>
            </Show>
        </section>
    }
}

const FIELDS: &[&str] = &["url", "eventTypes"];

#[component]
fn AddWebhook(
    choices: StoredValue<Vec<EventTypeChoice>>,
    changed: RwSignal<u32>,
    secret: RwSignal<Option<(String, String)>>,
) -> impl IntoView {
    let url = RwSignal::new(String::new());
    let chosen = RwSignal::new(vec!["message.sent".to_string()]);
    let refusal: Refusal = RwSignal::new(None);
    let add = Action::new(move |webhook: &NewWebhook| {
        let webhook = webhook.clone();
        async move {
            match api::add_webhook(webhook).await {
                Ok(made) => {
                    refusal.set(None);
                    secret.set(Some((made.webhook.url, made.signing_secret)));
                    url.set(String::new());
                    changed.update(|n| *n += 1);
                }
                Err(e) => {
                    secret.set(None);
                    refusal.set(Some(e));
                }
            }
        }
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        add.dispatch(NewWebhook {
            url: url.get_untracked(),
            event_types: chosen.get_untracked(),
        });
    };
    view! {
        <form class="add-webhook" on:submit=submit aria-label="Add a webhook">
            <label class="stacked">
                "Address (https://…)"
                <input type="url" required autocomplete="off" prop:value=url on:input=move |ev| url.set(event_target_value(&ev))
                    aria-invalid=invalid(refusal, "url") aria-describedby="webhook-url-problem" />
            </label>
            {field_problem(refusal, "url", "webhook-url-problem")}
            <fieldset class="event-choice" aria-describedby="webhook-events-problem">
                <legend>"Events"</legend>
                {choices.get_value().into_iter().map(|choice| {
                    let name = choice.name.clone();
                    let checked_name = name.clone();
                    view! {
                        <label>
                            <input
                                type="checkbox"
                                prop:checked=move || chosen.with(|c| c.contains(&checked_name))
                                on:change=move |ev| {
                                    let on = event_target_checked(&ev);
                                    chosen.update(|c| {
                                        c.retain(|x| *x != name);
                                        if on { c.push(name.clone()); }
                                    });
                                }
                            />
                            {choice.label}
                            " "
                            <code>{choice.name}</code>
                        </label>
                    }
                }).collect_view()}
            </fieldset>
            {field_problem(refusal, "eventTypes", "webhook-events-problem")}
            {form_problem(refusal, FIELDS)}
            <button type="submit" class="primary" disabled=move || add.pending().get()>"Add webhook"</button>
        </form>
    }
}

fn state_text(webhook: &WebhookSummary) -> String {
    match (
        &webhook.disabled_reason,
        webhook.enabled,
        webhook.failed_attempts,
    ) {
        (Some(reason), false, _) => format!("Disabled by Parlor: {reason}"),
        (None, false, _) => "Disabled".into(),
        (_, true, 0) => "Enabled".into(),
        (_, true, 1) => "Enabled; the last attempt failed and is being retried".into(),
        (_, true, n) => format!("Enabled; {n} attempts failed and it is being retried"),
    }
}

#[component]
fn WebhookItem(webhook: WebhookSummary, changed: RwSignal<u32>) -> impl IntoView {
    let id = StoredValue::new(webhook.id.clone());
    let failed = RwSignal::new(None::<String>);
    let tested = RwSignal::new(None::<DeliverySummary>);
    let secret = RwSignal::new(None::<String>);
    let confirming = RwSignal::new(false);
    let enabled = webhook.enabled;
    let test = move |_| {
        browser::spawn(async move {
            match api::send_webhook_test(id.get_value()).await {
                Ok(delivery) => {
                    failed.set(None);
                    tested.set(Some(delivery));
                }
                Err(e) => failed.set(Some(reason(&e))),
            }
        });
    };
    let toggle = move |_| {
        browser::spawn(async move {
            match api::set_webhook_enabled(id.get_value(), !enabled).await {
                Ok(_) => changed.update(|n| *n += 1),
                Err(e) => failed.set(Some(reason(&e))),
            }
        });
    };
    let rotate = move |_| {
        browser::spawn(async move {
            match api::rotate_webhook_secret(id.get_value()).await {
                Ok(made) => secret.set(Some(made.signing_secret)),
                Err(e) => failed.set(Some(reason(&e))),
            }
        });
    };
    let remove = move |_| {
        browser::spawn(async move {
            match api::remove_webhook(id.get_value()).await {
                Ok(()) => changed.update(|n| *n += 1),
                Err(e) => {
                    confirming.set(false);
                    failed.set(Some(reason(&e)));
                }
            }
        });
    };
    let confirm_button = NodeRef::<leptos::html::Button>::new();
    focus_when_shown(confirm_button);
    let url = webhook.url.clone();
    let state = state_text(&webhook);
    let troubled = !enabled || webhook.failed_attempts > 0;
    let events = webhook.event_types.join(", ");
    let deliveries = webhook.deliveries;
    view! {
        <li class="webhook" aria-label=url.clone()>
            <div class="who">
                <span class="title"><code>{url.clone()}</code></span>
                <span class="preview">{events}</span>
                <span class="status" class:failing=troubled>{state}</span>
            </div>
            <div class="actions">
                <button class="link" aria-label=format!("Send a test event to {url}") on:click=test>"Send test event"</button>
                <button class="link" on:click=toggle>{if enabled { "Disable" } else { "Enable" }}</button>
                <button class="link" on:click=rotate>"Rotate secret"</button>
                <button class="danger" aria-label=format!("Delete the webhook to {url}") on:click=move |_| confirming.set(true)>"Delete"</button>
            </div>
            <Show when=move || confirming.get()>
                <div class="menu confirm" role="alertdialog" aria-label="Delete this webhook?">
                    <p>"Nothing more is delivered to it, including events still waiting."</p>
                    <button class="danger" node_ref=confirm_button on:click=remove>"Delete webhook"</button>
                    <button class="link" on:click=move |_| confirming.set(false)>"Cancel"</button>
                </div>
            </Show>
            {move || tested.get().map(|d| view! { <p class="notice" role="status">{format!("Test event: {}", outcome(&d))}</p> })}
            {move || secret.get().map(|secret| view! {
                <SecretShownOnce label="New signing secret" caption="The new signing secret. Copy it now: it is not shown again." secret />
            })}
            {move || failed.get().map(|e| view! { <p class="error" role="alert">{e}</p> })}
            <Deliveries deliveries />
        </li>
    }
}

/// "200 in 45 ms", or what went wrong.
fn outcome(delivery: &DeliverySummary) -> String {
    match (&delivery.error, delivery.status_code) {
        (None, Some(code)) => format!("{code} in {} ms", delivery.duration_ms),
        (Some(error), _) => format!("failed after {} ms: {error}", delivery.duration_ms),
        (None, None) => format!("no answer after {} ms", delivery.duration_ms),
    }
}

#[component]
fn Deliveries(deliveries: Vec<DeliverySummary>) -> impl IntoView {
    if deliveries.is_empty() {
        return view! { <p class="notice">"Nothing delivered yet."</p> }.into_any();
    }
    view! {
        <table class="webhook-deliveries" aria-label="Deliveries">
            <thead>
                <tr>
                    <th scope="col">"Event"</th>
                    <th scope="col">"Result"</th>
                    <th scope="col">"Attempt"</th>
                    <th scope="col">"When (UTC)"</th>
                </tr>
            </thead>
            <tbody>
                {deliveries.into_iter().map(|delivery| {
                    let when = crate::clock::utc(&delivery.created_at)
                        .map(|m| format!("{} {}", m.day(), m.time()))
                        .unwrap_or_default();
                    view! {
                        <tr class:failed=!delivery.succeeded>
                            <th scope="row"><code>{delivery.event_type.clone()}</code></th>
                            <td>{outcome(&delivery)}</td>
                            <td>{delivery.attempt}</td>
                            <td>{when}</td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
    }
    .into_any()
}
