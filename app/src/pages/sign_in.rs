//! Signing in with e-mail and password.
//!
//! The form works before (or without) the app's script: it is a plain
//! form posting to the server function, which then redirects (the server's
//! `sign_in`), and an error it met comes back in the page's address for the
//! page to show.

use leptos::prelude::*;
use leptos::server_fn::error::ServerFnUrlError;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use super::welcome::enter_on_success;
use crate::api::SignIn as SignInAction;
use crate::model::AppError;
use crate::problem::reason;
use crate::state::after_sign_in;

#[component]
pub fn SignIn() -> impl IntoView {
    let action = ServerAction::<SignInAction>::new();
    let next = use_query_map().with_untracked(|q| q.get("next").map(|n| after_sign_in(Some(&n))));
    let error = enter_on_success(action.value(), next);
    // A plain form post that failed: the server function sent the browser
    // back here with its error in the address.
    let posted_error = use_query_map().with_untracked(|q| {
        q.get("__err")
            .map(|e| reason(&ServerFnUrlError::<AppError>::decode_err(&e)))
    });
    let error = move || error().or_else(|| posted_error.clone());
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
