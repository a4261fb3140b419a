//! Signing in with e-mail and password.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use super::welcome::enter_on_success;
use crate::api::SignIn as SignInAction;
use crate::state::after_sign_in;

#[component]
pub fn SignIn() -> impl IntoView {
    let action = ServerAction::<SignInAction>::new();
    let next = use_query_map().with_untracked(|q| q.get("next").map(|n| after_sign_in(Some(&n))));
    let error = enter_on_success(action.value(), next);
    view! {
        <main class="sign-in">
            <Title text="Sign in" />
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
            <a class="link" href="/forgot-password">"Forgot password?"</a>
        </main>
    }
}
