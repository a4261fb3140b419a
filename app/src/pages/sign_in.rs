//! Signing in with e-mail and password.

use leptos::prelude::*;
use leptos_router::hooks::use_navigate;

use super::welcome::reason;
use crate::api::SignIn as SignInAction;

#[component]
pub fn SignIn() -> impl IntoView {
    let action = ServerAction::<SignInAction>::new();
    let navigate = use_navigate();
    Effect::new(move |_| {
        if let Some(Ok(_)) = action.value().get() {
            navigate("/messages", Default::default());
        }
    });
    let error = move || {
        action
            .value()
            .get()
            .and_then(|r| r.err())
            .map(|e| reason(&e))
    };
    view! {
        <main class="sign-in">
            <h1>"Sign in"</h1>
            <ActionForm action>
                <label>"E-mail" <input type="email" name="email" autocomplete="username" required /></label>
                <label>
                    "Password"
                    <input type="password" name="password" autocomplete="current-password" required />
                </label>
                <p class="error" role="alert">{error}</p>
                <button type="submit" disabled=move || action.pending().get()>"Sign in"</button>
            </ActionForm>
        </main>
    }
}
