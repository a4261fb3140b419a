//! Signing in with e-mail and password.

use leptos::prelude::*;

use super::welcome::enter_on_success;
use crate::api::SignIn as SignInAction;

#[component]
pub fn SignIn() -> impl IntoView {
    let action = ServerAction::<SignInAction>::new();
    let error = enter_on_success(action.value());
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
