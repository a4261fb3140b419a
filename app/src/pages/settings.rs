//! Settings (admins): which channel a new client gets, and the welcome
//! message every new channel opens with.

use leptos::prelude::*;

use super::shell::{PageTitle, Session};
use crate::model::Settings;
use crate::problem::reason;
use crate::{api, browser};

/// The settings and their welcome message as a new client would read it.
async fn load() -> Result<(Settings, String), ServerFnError> {
    let settings = api::load_settings().await?;
    let preview = api::preview_welcome(settings.welcome_message.clone()).await?;
    Ok((settings, preview))
}

#[component]
pub fn SettingsPage() -> impl IntoView {
    let session = expect_context::<Session>();
    let is_admin = session.me.with_untracked(|me| me.is_admin);
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
            <Show
                when=move || is_admin
                fallback=|| view! { <p class="notice">"Only the workspace's admins can change its settings."</p> }
            >
                <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
                    {move || Suspend::new(async move {
                        match settings.await {
                            Ok(Some((settings, preview))) => view! { <SettingsForm settings preview /> }.into_any(),
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
        {outcome}
        <button
            class="primary"
            disabled=move || save.pending().get()
            on:click=move |_| {
                save.dispatch(Settings {
                    default_channel_type: channel_type.get_untracked(),
                    welcome_message: welcome.get_untracked(),
                });
            }
        >
            "Save settings"
        </button>
    }
}
