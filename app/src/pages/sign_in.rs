//! Signing in with e-mail and password.
//!
//! The form works before (or without) the app's script: it is a plain
//! form posting to the server function, which then redirects (see
//! `after_plain_form`), and an error it met comes back in the page's
//! address for the page to show.

use leptos::prelude::*;
use leptos::server_fn::error::ServerFnUrlError;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use super::welcome::enter_on_success;
use crate::api::SignIn as SignInAction;
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
            .map(|e| reason(&ServerFnUrlError::<ServerFnError>::decode_err(&e)))
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

/// A sign-in posted by the plain form, before the app's script runs (or
/// without it): sends the browser on to the page that asked for it, as the
/// app would, instead of back to the sign-in page. The app's own calls
/// (which do not accept HTML) navigate by themselves and are left alone.
#[cfg(feature = "ssr")]
pub(crate) fn after_plain_form(landing: Option<&str>) {
    let Some(request) = use_context::<http::request::Parts>() else {
        return;
    };
    let accepts_html = request
        .headers
        .get(http::header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("text/html"));
    if !accepts_html {
        return;
    }
    // The sign-in page's own address carries `next`.
    let next = request
        .headers
        .get(http::header::REFERER)
        .and_then(|v| v.to_str().ok())
        .and_then(next_of);
    let to = match next {
        Some(next) => after_sign_in(Some(&next)),
        None => landing.unwrap_or("/messages").to_string(),
    };
    leptos_axum::redirect(&to);
}

/// The `next` parameter of a sign-in page's address, decoded.
#[cfg(feature = "ssr")]
fn next_of(address: &str) -> Option<String> {
    let query = address.split_once('?')?.1;
    let query = query.split('#').next().unwrap_or_default();
    query
        .split('&')
        .find_map(|pair| pair.strip_prefix("next="))
        .and_then(percent_decode)
}

/// Decodes `%XX` escapes and `+` (a space in a query); `None` when the
/// result is not UTF-8 or an escape is cut short.
#[cfg(feature = "ssr")]
fn percent_decode(text: &str) -> Option<String> {
    let mut bytes = Vec::with_capacity(text.len());
    let mut rest = text.as_bytes();
    while let Some((&b, tail)) = rest.split_first() {
        match b {
            b'%' => {
                let hex = std::str::from_utf8(tail.get(..2)?).ok()?;
                bytes.push(u8::from_str_radix(hex, 16).ok()?);
                rest = &tail[2..];
                continue;
            }
            b'+' => bytes.push(b' '),
            b => bytes.push(b),
        }
        rest = tail;
    }
    String::from_utf8(bytes).ok()
}

#[cfg(all(test, feature = "ssr"))]
mod tests {
    use super::next_of;
    use crate::state::sign_in_returning_to;

    #[test]
    fn the_page_to_come_back_to_is_read_from_the_sign_in_address() {
        for here in ["/messages/ch_1", "/clients?q=a&b+c", "/messages/caf%C3%A9"] {
            let address = format!("http://parlor.test{}", sign_in_returning_to(here));
            assert_eq!(next_of(&address).as_deref(), Some(here), "{address}");
        }
        assert_eq!(next_of("http://parlor.test/sign-in"), None);
        assert_eq!(next_of("http://parlor.test/sign-in?next=%E"), None);
    }
}
