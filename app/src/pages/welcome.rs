//! Arriving for the first time: a client's invitation, and the one-time
//! setup link that creates the workspace.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_navigate, use_params_map};

use crate::api::{self, AcceptInvitation, SetUp};
use crate::model::{AppError, Me};
use crate::problem::reason;

/// For the forms that sign someone in (their action's `value()`): once it
/// succeeds, go to `destination` (the page that sent them to sign in), or
/// else to where the server says they begin (a client's first sign-in:
/// the conversation holding their welcome message); until then, the
/// returned closure gives the reason it failed.
pub fn enter_on_success(
    outcome: MappedSignal<Option<Result<Me, AppError>>>,
    destination: Option<String>,
) -> impl Fn() -> Option<String> + Copy {
    let navigate = use_navigate();
    Effect::new(move |_| {
        if let Some(Ok(me)) = outcome.get() {
            let to = destination
                .clone()
                .or(me.landing)
                .unwrap_or_else(|| "/messages".into());
            navigate(&to, Default::default());
        }
    });
    move || outcome.get().and_then(|r| r.err()).map(|e| reason(&e))
}

pub(super) fn token() -> String {
    use_params_map().with_untracked(|p| p.get("token").unwrap_or_default())
}

#[component]
pub fn Invite() -> impl IntoView {
    let token = token();
    let invitation = Resource::new(
        {
            let token = token.clone();
            move || token.clone()
        },
        api::read_invitation,
    );
    let action = ServerAction::<AcceptInvitation>::new();
    let error = enter_on_success(action.value(), None);
    view! {
        <main class="sign-in">
            <Title text="Your invitation" />
            <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
                {move || Suspend::new({
                    let token = token.clone();
                    async move {
                        match invitation.await {
                            Ok(invitation) => view! {
                                <h1>{format!("Welcome, {}", invitation.given_name)}</h1>
                                <p>{format!("Choose a password to talk with {}.", invitation.workspace_name)}</p>
                                <ActionForm action>
                                    <input type="hidden" name="token" value=token />
                                    <label>"E-mail" <input type="email" value=invitation.email readonly /></label>
                                    <label>
                                        "Password"
                                        <input type="password" name="password" autocomplete="new-password" minlength="8" required />
                                    </label>
                                    <p class="error" role="alert">{error}</p>
                                    <button type="submit" disabled=move || action.pending().get()>"Set password"</button>
                                </ActionForm>
                            }.into_any(),
                            Err(e) => view! {
                                <h1>"This invitation cannot be used"</h1>
                                <p class="error" role="alert">{reason(&e)}</p>
                                <p>"Ask for a new invitation, or sign in if you already chose a password."</p>
                                <a class="link" href="/sign-in">"Sign in"</a>
                            }.into_any(),
                        }
                    }
                })}
            </Suspense>
        </main>
    }
}

#[component]
pub fn FirstRun() -> impl IntoView {
    let token = token();
    let action = ServerAction::<SetUp>::new();
    let error = enter_on_success(action.value(), None);
    view! {
        <main class="sign-in">
            <Title text="Set up Parlor" />
            <h1>"Set up Parlor"</h1>
            <ActionForm action>
                <input type="hidden" name="token" value=token />
                <label>"Workspace name" <input name="setup[workspaceName]" required /></label>
                <label>"Given name" <input name="setup[givenName]" autocomplete="given-name" required /></label>
                <label>"Family name" <input name="setup[familyName]" autocomplete="family-name" required /></label>
                <label>"E-mail" <input type="email" name="setup[email]" autocomplete="username" required /></label>
                <label>
                    "Password"
                    <input type="password" name="setup[password]" autocomplete="new-password" minlength="8" required />
                </label>
                <p class="error" role="alert">{error}</p>
                <button type="submit" disabled=move || action.pending().get()>"Create workspace"</button>
            </ActionForm>
        </main>
    }
}
