//! What the Team, Settings and Account forms share: a refusal shown next to
//! the field it concerns, and the rest under the form.

use leptos::prelude::*;

use crate::model::AppError;
use crate::problem::{about_field, reason};

/// The last refusal of a form, if any.
pub type Refusal = RwSignal<Option<AppError>>;

/// The refusal's reason beside `field` (its API name), when it names it.
/// `id` is what the field's `aria-describedby` points at.
pub fn field_problem(refusal: Refusal, field: &'static str, id: &'static str) -> impl IntoView {
    move || {
        refusal
            .get()
            .and_then(|e| about_field(&e, field))
            .map(|reason| view! { <p class="error field-error" role="alert" id=id>{reason}</p> })
    }
}

/// Whether the refusal names `field`, for its `aria-invalid`.
pub fn invalid(refusal: Refusal, field: &'static str) -> impl Fn() -> Option<&'static str> {
    move || {
        refusal
            .get()
            .is_some_and(|e| e.concerns(field))
            .then_some("true")
    }
}

/// The refusal's reason when it names none of `fields`.
pub fn form_problem(refusal: Refusal, fields: &'static [&'static str]) -> impl IntoView {
    move || {
        refusal
            .get()
            .filter(|e| !fields.iter().any(|f| e.concerns(f)))
            .map(|e| view! { <p class="error" role="alert">{reason(&e)}</p> })
    }
}

/// Moves the keyboard's focus to `target` once it is drawn (a confirmation
/// that just opened), so it is usable without a mouse.
pub fn focus_when_shown(target: NodeRef<leptos::html::Button>) {
    Effect::new(move |_| {
        if let Some(button) = target.get() {
            #[cfg(feature = "hydrate")]
            let _ = button.focus();
            #[cfg(not(feature = "hydrate"))]
            let _ = button;
        }
    });
}

/// A secret just made (an API key, a webhook's signing secret): shown this
/// once, with a copy button.
#[component]
pub fn SecretShownOnce(
    #[prop(into)] label: String,
    #[prop(into)] caption: String,
    #[prop(into)] secret: String,
) -> impl IntoView {
    let copied = RwSignal::new(false);
    let copy = {
        let secret = secret.clone();
        move |_| {
            #[cfg(feature = "hydrate")]
            if let Some(window) = web_sys::window() {
                let _ = window.navigator().clipboard().write_text(&secret);
            }
            #[cfg(not(feature = "hydrate"))]
            let _ = &secret;
            copied.set(true);
        }
    };
    view! {
        <figure class="new-secret" aria-label=label>
            <figcaption>{caption}</figcaption>
            <code aria-label="Secret">{secret}</code>
            <button on:click=copy>{move || if copied.get() { "Copied" } else { "Copy" }}</button>
        </figure>
    }
}
