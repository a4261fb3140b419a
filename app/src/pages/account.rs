//! The Account page, for everyone: one's name and picture, password,
//! e-mail about unread messages, signing out on every other device, and
//! for a client, a copy of their conversations to keep.

use leptos::prelude::*;

use super::forms::{field_problem, focus_when_shown, form_problem, invalid, Refusal};
use super::notifications::EmailChoice;
use super::shell::{PageTitle, Session};
use crate::api;
use crate::model::{Account, ProfileChange};
use crate::problem::reason;

#[component]
pub fn AccountPage() -> impl IntoView {
    let account = Resource::new(|| (), |_| api::load_account());
    let session = expect_context::<Session>();
    // Staff export a client's conversations from the client's page.
    let own_export = session
        .me
        .with_untracked(|me| (!me.is_staff).then(|| format!("/v1/clients/{}/export", me.id)));
    view! {
        <section class="page" aria-label="Account">
            <PageTitle name="Account" />
            <h1>"Account"</h1>
            <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match account.await {
                        Ok(account) => view! { <ProfileForm account /> }.into_any(),
                        Err(e) => view! { <p class="error" role="alert">{reason(&e)}</p> }.into_any(),
                    }
                })}
            </Suspense>
            <PasswordForm />
            <h2>"E-mail"</h2>
            <EmailChoice />
            <SignOutEverywhere />
            {own_export.map(|href| view! {
                <section aria-labelledby="own-export-heading">
                    <h2 id="own-export-heading">"Your conversations"</h2>
                    <p class="preview">"Every message you can see here, with its files, to keep: one ZIP with a page and a PDF for each conversation."</p>
                    <a href=href download rel="external">"Download my conversations"</a>
                </section>
            })}
        </section>
    }
}

const PROFILE_FIELDS: &[&str] = &["givenName", "familyName", "avatarImageUrl"];

#[component]
fn ProfileForm(account: Account) -> impl IntoView {
    let given = RwSignal::new(account.given_name);
    let family = RwSignal::new(account.family_name);
    let avatar = RwSignal::new(account.avatar_image_url.unwrap_or_default());
    let refusal: Refusal = RwSignal::new(None);
    let saved = RwSignal::new(false);
    let save = Action::new(move |change: &ProfileChange| {
        let change = change.clone();
        async move {
            match api::save_profile(change).await {
                Ok(account) => {
                    refusal.set(None);
                    saved.set(true);
                    given.set(account.given_name);
                    family.set(account.family_name);
                    avatar.set(account.avatar_image_url.unwrap_or_default());
                }
                Err(e) => {
                    saved.set(false);
                    refusal.set(Some(e));
                }
            }
        }
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        save.dispatch(ProfileChange {
            given_name: Some(given.get_untracked()),
            family_name: Some(family.get_untracked()),
            avatar_image_url: Some(avatar.get_untracked()),
        });
    };
    view! {
        <h2>"Profile"</h2>
        <p class="preview">{account.email}</p>
        <form on:submit=submit aria-label="Profile">
            <label class="stacked">
                "Given name"
                <input required autocomplete="given-name" prop:value=given on:input=move |ev| given.set(event_target_value(&ev))
                    aria-invalid=invalid(refusal, "givenName") aria-describedby="profile-given-problem" />
            </label>
            {field_problem(refusal, "givenName", "profile-given-problem")}
            <label class="stacked">
                "Family name"
                <input required autocomplete="family-name" prop:value=family on:input=move |ev| family.set(event_target_value(&ev))
                    aria-invalid=invalid(refusal, "familyName") aria-describedby="profile-family-problem" />
            </label>
            {field_problem(refusal, "familyName", "profile-family-problem")}
            <label class="stacked">
                "Picture (image address, https://…; empty for none)"
                <input type="url" autocomplete="photo" prop:value=avatar on:input=move |ev| avatar.set(event_target_value(&ev))
                    aria-invalid=invalid(refusal, "avatarImageUrl") aria-describedby="profile-avatar-problem" />
            </label>
            {field_problem(refusal, "avatarImageUrl", "profile-avatar-problem")}
            {form_problem(refusal, PROFILE_FIELDS)}
            <Show when=move || saved.get()>
                <p class="notice" role="status">"Profile saved."</p>
            </Show>
            <button type="submit" class="primary" disabled=move || save.pending().get()>"Save profile"</button>
        </form>
    }
}

const PASSWORD_FIELDS: &[&str] = &["currentPassword", "newPassword", "password"];

/// Changing one's password ends one's other sessions (the use case's rule).
#[component]
fn PasswordForm() -> impl IntoView {
    let current = RwSignal::new(String::new());
    let new = RwSignal::new(String::new());
    let refusal: Refusal = RwSignal::new(None);
    let changed = RwSignal::new(false);
    let change = Action::new(move |(current_password, new_password): &(String, String)| {
        let (current_password, new_password) = (current_password.clone(), new_password.clone());
        async move {
            match api::change_password(current_password, new_password).await {
                Ok(()) => {
                    refusal.set(None);
                    changed.set(true);
                    current.set(String::new());
                    new.set(String::new());
                }
                Err(e) => {
                    changed.set(false);
                    refusal.set(Some(e));
                }
            }
        }
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        change.dispatch((current.get_untracked(), new.get_untracked()));
    };
    view! {
        <h2>"Change your password"</h2>
        <form on:submit=submit aria-label="Change your password">
            <label class="stacked">
                "Current password"
                <input type="password" autocomplete="current-password" required prop:value=current
                    on:input=move |ev| current.set(event_target_value(&ev))
                    aria-invalid=invalid(refusal, "currentPassword") aria-describedby="current-password-problem" />
            </label>
            {field_problem(refusal, "currentPassword", "current-password-problem")}
            <label class="stacked">
                "New password"
                <input type="password" autocomplete="new-password" minlength="8" required prop:value=new
                    on:input=move |ev| new.set(event_target_value(&ev))
                    aria-invalid=invalid(refusal, "newPassword") aria-describedby="new-password-problem" />
            </label>
            {field_problem(refusal, "newPassword", "new-password-problem")}
            {field_problem(refusal, "password", "new-password-problem")}
            {form_problem(refusal, PASSWORD_FIELDS)}
            <Show when=move || changed.get()>
                <p class="notice" role="status">
                    "Password changed. Other devices signed in with the old one are signed out."
                </p>
            </Show>
            <button type="submit" class="primary" disabled=move || change.pending().get()>"Change password"</button>
        </form>
    }
}

/// Ends every other session of this person; this browser stays signed in.
#[component]
fn SignOutEverywhere() -> impl IntoView {
    let confirming = RwSignal::new(false);
    let outcome = RwSignal::new(None::<Result<u64, String>>);
    let end = Action::new(move |_: &()| async move {
        let ended = api::sign_out_everywhere().await.map_err(|e| reason(&e));
        confirming.set(false);
        outcome.set(Some(ended));
    });
    let confirm_button = NodeRef::<leptos::html::Button>::new();
    focus_when_shown(confirm_button);
    view! {
        <h2>"Devices"</h2>
        <p class="preview">"Signed in somewhere you no longer use? End those sessions. You stay signed in here."</p>
        <button class="danger" on:click=move |_| { outcome.set(None); confirming.set(true); }>
            "Sign out on all other devices"
        </button>
        <Show when=move || confirming.get()>
            <div class="menu confirm" role="alertdialog" aria-label="Sign out on all other devices?">
                <p>"Every other browser and app signed in as you is signed out. This one stays signed in."</p>
                <button class="danger" node_ref=confirm_button disabled=move || end.pending().get()
                    on:click=move |_| { end.dispatch(()); }>"Sign out other devices"</button>
                <button class="link" on:click=move |_| confirming.set(false)>"Cancel"</button>
            </div>
        </Show>
        {move || outcome.get().map(|ended| match ended {
            Ok(0) => view! { <p class="notice" role="status">"You were not signed in anywhere else."</p> }.into_any(),
            Ok(1) => view! { <p class="notice" role="status">"Signed out of 1 other session."</p> }.into_any(),
            Ok(n) => view! { <p class="notice" role="status">{format!("Signed out of {n} other sessions.")}</p> }.into_any(),
            Err(e) => view! { <p class="error" role="alert">{e}</p> }.into_any(),
        })}
    }
}
