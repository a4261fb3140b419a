//! Passwords: "Forgot password?" and the page a reset link opens. (One's
//! own is changed on the Account page.)

use leptos::prelude::*;
use leptos_meta::Title;

use super::welcome::{enter_on_success, token};
use crate::api::{self, ForgotPassword, ResetPassword};
use crate::problem::reason;

/// "Forgot password?": asks for a link by e-mail. The answer is the same
/// whether the address is known or not.
#[component]
pub fn ForgotPasswordPage() -> impl IntoView {
    let action = ServerAction::<ForgotPassword>::new();
    let outcome = move || {
        match action.value().get() {
        Some(Ok(())) => Some(
            view! {
                <p class="notice" role="status">
                    "If an account uses this address, we have e-mailed it a link to choose a new password."
                </p>
            }
            .into_any(),
        ),
        Some(Err(e)) => Some(view! { <p class="error" role="alert">{reason(&e)}</p> }.into_any()),
        None => None,
    }
    };
    view! {
        <main class="sign-in">
            <Title text="Forgot password" />
            <h1>"Forgot your password?"</h1>
            <p>"Enter your e-mail address and we will send you a link to choose a new password."</p>
            <ActionForm action>
                <label>"E-mail" <input type="email" name="email" autocomplete="username" required /></label>
                {outcome}
                <button type="submit" disabled=move || action.pending().get()>"Send link"</button>
            </ActionForm>
            <a class="link" href="/sign-in">"Back to sign in"</a>
        </main>
    }
}

/// The page a reset link opens: choose a new password, then in.
#[component]
pub fn ResetPasswordPage() -> impl IntoView {
    let token = token();
    let reset = Resource::new(
        {
            let token = token.clone();
            move || token.clone()
        },
        api::read_password_reset,
    );
    let action = ServerAction::<ResetPassword>::new();
    let error = enter_on_success(action.value(), None);
    view! {
        <main class="sign-in">
            <Title text="Choose a new password" />
            <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
                {move || Suspend::new({
                    let token = token.clone();
                    async move {
                        match reset.await {
                            Ok(reset) => view! {
                                <h1>"Choose a new password"</h1>
                                <p>{format!("Hello {}, choose a new password for {}.", reset.given_name, reset.workspace_name)}</p>
                                <ActionForm action>
                                    <input type="hidden" name="token" value=token />
                                    <label>"E-mail" <input type="email" autocomplete="username" value=reset.email readonly /></label>
                                    <label>
                                        "New password"
                                        <input type="password" name="password" autocomplete="new-password" minlength="8" required />
                                    </label>
                                    <p class="error" role="alert">{error}</p>
                                    <button type="submit" disabled=move || action.pending().get()>"Set new password"</button>
                                </ActionForm>
                            }.into_any(),
                            Err(e) => view! {
                                <h1>"This link cannot be used"</h1>
                                <p class="error" role="alert">{reason(&e)}</p>
                                <p>"Links work once and for an hour. Ask for a new one."</p>
                                <a class="link" href="/forgot-password">"Forgot password?"</a>
                            }.into_any(),
                        }
                    }
                })}
            </Suspense>
        </main>
    }
}
