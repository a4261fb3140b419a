//! Parlor's web app: the staff and client messaging experience. Rendered on
//! the server (feature `ssr`) and hydrated in the browser (feature `hydrate`).

#![recursion_limit = "256"]

pub mod api;
pub mod attention;
pub mod browser;
pub mod clock;
#[cfg(feature = "hydrate")]
mod desktop;
mod lazy;
pub mod limits;
pub mod live;
pub mod markdown;
pub use parlor_model as model;
mod pages;
pub mod problem;
#[cfg(feature = "hydrate")]
mod socket;
pub mod state;
#[cfg(feature = "hydrate")]
mod upload;

use leptos::prelude::*;
use leptos_meta::{provide_meta_context, MetaTags, Title};
use leptos_router::components::{ParentRoute, Redirect, Route, Router, Routes};
use leptos_router::{path, Lazy, SsrMode};

use pages::conversation::ConversationView;
use pages::messages::{MessagesPage, NoConversation};
use pages::password::{ForgotPasswordPage, ResetPasswordPage};
use pages::shell::SignedInShell;
use pages::sign_in::SignIn;
use pages::welcome::{FirstRun, Invite};

/// The HTML document around the app, rendered on the server; `stylesheet`
/// is where the build put the stylesheet.
pub fn shell(options: LeptosOptions, stylesheet: String) -> impl IntoView {
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <meta name="theme-color" content="#2f4ac0" />
                <link rel="manifest" href="/manifest.webmanifest" />
                <link rel="icon" href="/icon.svg" type="image/svg+xml" />
                <link rel="stylesheet" href=stylesheet />
                <HydrationScripts options />
                <MetaTags />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    clock::provide_zone();
    // Every page is rendered whole before it is sent: readable before any
    // script runs, answered with its real status, and a failure while
    // rendering becomes an error page instead of a response cut off midway.
    let whole = || SsrMode::Async;
    view! {
        <Title text="Parlor" />
        <Router>
            <Routes fallback=NotFound>
                <Route ssr=whole() path=path!("/sign-in") view=SignIn />
                <Route ssr=whole() path=path!("/invite/:token") view=Invite />
                <Route ssr=whole() path=path!("/forgot-password") view=ForgotPasswordPage />
                <Route ssr=whole() path=path!("/reset/:token") view=ResetPasswordPage />
                <Route ssr=whole() path=path!("/setup/:token") view=FirstRun />
                <ParentRoute ssr=whole() path=path!("") view=SignedInShell>
                    <Route ssr=whole() path=path!("") view=|| view! { <Redirect path="/messages" /> } />
                    <ParentRoute ssr=whole() path=path!("/messages") view=MessagesPage>
                        <Route ssr=whole() path=path!("") view=NoConversation />
                        <Route ssr=whole() path=path!(":id") view=ConversationView />
                    </ParentRoute>
                    <Route ssr=whole() path=path!("/clients") view={Lazy::<lazy::Clients>::new()} />
                    <Route ssr=whole() path=path!("/clients/:id") view={Lazy::<lazy::Client>::new()} />
                    <Route ssr=whole() path=path!("/companies") view={Lazy::<lazy::Companies>::new()} />
                    <Route ssr=whole() path=path!("/companies/:id") view={Lazy::<lazy::Company>::new()} />
                    <Route ssr=whole() path=path!("/new/conversation") view={Lazy::<lazy::NewConversationRoute>::new()} />
                    <Route ssr=whole() path=path!("/new/mass-message") view={Lazy::<lazy::NewMassMessageRoute>::new()} />
                    <Route ssr=whole() path=path!("/settings") view={Lazy::<lazy::Settings>::new()} />
                    <Route ssr=whole() path=path!("/settings/webhooks") view={Lazy::<lazy::Webhooks>::new()} />
                    <Route ssr=whole() path=path!("/settings/saved-replies") view={Lazy::<lazy::SavedReplies>::new()} />
                    <Route ssr=whole() path=path!("/settings/audit-log") view={Lazy::<lazy::AuditLog>::new()} />
                    <Route ssr=whole() path=path!("/team") view={Lazy::<lazy::Team>::new()} />
                    <Route ssr=whole() path=path!("/notifications") view={Lazy::<lazy::Notifications>::new()} />
                    <Route ssr=whole() path=path!("/search") view={Lazy::<lazy::Search>::new()} />
                    <Route ssr=whole() path=path!("/account") view={Lazy::<lazy::Account>::new()} />
                </ParentRoute>
            </Routes>
        </Router>
    }
}

/// The pages for people who are not signed in (yet). Every other page of
/// the app needs a session: the server sends whoever has none to sign in
/// first, and back afterwards.
pub fn is_public_page(path: &str) -> bool {
    matches!(path, "/sign-in" | "/forgot-password")
        || ["/invite/", "/reset/", "/setup/"]
            .iter()
            .any(|prefix| path.starts_with(prefix))
}

/// Any path that is not a page of the app, answered with 404.
#[component]
fn NotFound() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(http::StatusCode::NOT_FOUND);
    }
    view! {
        <main class="sign-in">
            <Title text="Page not found" />
            <h1>"This page does not exist"</h1>
            <a class="link" href="/messages">"Go to your messages"</a>
        </main>
    }
}
