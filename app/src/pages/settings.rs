//! Settings (admins): which channel a new client gets, and the welcome
//! message every new channel opens with.

use leptos::prelude::*;

use super::welcome::reason;
use crate::api;
use crate::model::Settings;

#[component]
pub fn SettingsPage() -> impl IntoView {
    let settings = Resource::new(|| (), |_| api::load_settings());
    view! {
        <section class="page" aria-label="Settings">
            <h1>"Settings"</h1>
            <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match settings.await {
                        Ok(settings) => view! { <SettingsForm settings /> }.into_any(),
                        Err(e) => view! { <p class="error" role="alert">{reason(&e)}</p> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}

#[component]
fn SettingsForm(settings: Settings) -> impl IntoView {
    let channel_type = RwSignal::new(settings.default_channel_type);
    let welcome = RwSignal::new(settings.welcome_message);
    let preview = Resource::new(move || welcome.get(), api::preview_welcome);
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
            <textarea rows="4" prop:value=welcome on:input=move |ev| welcome.set(event_target_value(&ev))></textarea>
        </label>
        <p class="preview">
            "Variables: {{client.givenName}}, {{client.familyName}}, {{company.name}}, {{workspace.name}}"
        </p>
        <figure class="welcome-preview">
            <figcaption>"Preview"</figcaption>
            <Transition fallback=|| ()>
                <p aria-label="Welcome message preview">
                    {move || preview.get().map(|r| match r {
                        Ok(text) => text,
                        Err(e) => reason(&e),
                    })}
                </p>
            </Transition>
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
