//! Parlor's web app: the staff and client messaging experience. Rendered on
//! the server (feature `ssr`) and hydrated in the browser (feature `hydrate`).

#![recursion_limit = "256"]

pub mod api;
pub mod attention;
#[cfg(feature = "hydrate")]
mod desktop;
pub mod live;
pub mod markdown;
pub mod model;
mod pages;
#[cfg(feature = "ssr")]
pub mod portal;
#[cfg(feature = "hydrate")]
mod socket;
pub mod state;
#[cfg(feature = "hydrate")]
mod upload;

use leptos::prelude::*;
use leptos_meta::{provide_meta_context, MetaTags, Title};
use leptos_router::components::{ParentRoute, Redirect, Route, Router, Routes};
use leptos_router::path;

use pages::clients::{ClientPage, ClientsPage};
use pages::messages::{ConversationView, MessagesPage, NoConversation};
use pages::new::{NewConversation, NewMassMessage};
use pages::notifications::NotificationsPage;
use pages::settings::SettingsPage;
use pages::shell::SignedInShell;
use pages::sign_in::SignIn;
use pages::welcome::{FirstRun, Invite};

/// The HTML document around the app, rendered on the server.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <meta name="theme-color" content="#2f4ac0" />
                <link rel="manifest" href="/manifest.webmanifest" />
                <link rel="icon" href="/icon.svg" type="image/svg+xml" />
                <link rel="stylesheet" href="/parlor.css" />
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
    view! {
        <Title text="Parlor" />
        <Router>
            <Routes fallback=|| view! { <p class="empty">"This page does not exist."</p> }>
                <Route path=path!("/sign-in") view=SignIn />
                <Route path=path!("/invite/:token") view=Invite />
                <Route path=path!("/setup/:token") view=FirstRun />
                <ParentRoute path=path!("") view=SignedInShell>
                    <Route path=path!("") view=|| view! { <Redirect path="/messages" /> } />
                    <ParentRoute path=path!("/messages") view=MessagesPage>
                        <Route path=path!("") view=NoConversation />
                        <Route path=path!(":id") view=ConversationView />
                    </ParentRoute>
                    <Route path=path!("/clients") view=ClientsPage />
                    <Route path=path!("/clients/:id") view=ClientPage />
                    <Route path=path!("/new/conversation") view=NewConversation />
                    <Route path=path!("/new/mass-message") view=NewMassMessage />
                    <Route path=path!("/settings") view=SettingsPage />
                    <Route path=path!("/notifications") view=NotificationsPage />
                </ParentRoute>
            </Routes>
        </Router>
    }
}
