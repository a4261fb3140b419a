//! Pages most visits never open, each loaded into the browser only when it
//! is: their code is split out of the wasm every page downloads (`make
//! web` runs wasm-split). The server renders them like any other page.

use leptos::prelude::*;
use leptos_router::{lazy_route, LazyRoute};

use crate::pages::account::AccountPage;
use crate::pages::audit_log::AuditLogPage;
use crate::pages::clients::{ClientPage, ClientsPage};
use crate::pages::companies::{CompaniesPage, CompanyPage};
use crate::pages::new::{NewConversation, NewMassMessage};
use crate::pages::notifications::NotificationsPage;
use crate::pages::saved_replies::SavedRepliesPage;
use crate::pages::search::SearchPage;
use crate::pages::settings::SettingsPage;
use crate::pages::shell::StaffOnly;
use crate::pages::team::TeamPage;
use crate::pages::webhooks::WebhooksPage;

/// A route whose view is loaded on first use; its data loads with it, as
/// the page's own resources do.
macro_rules! lazy_page {
    ($name:ident => $view:expr) => {
        pub struct $name;

        #[lazy_route]
        impl LazyRoute for $name {
            fn data() -> Self {
                $name
            }

            fn view(_this: Self) -> AnyView {
                $view.into_any()
            }
        }
    };
}

lazy_page!(Clients => view! { <StaffOnly><ClientsPage /></StaffOnly> });
lazy_page!(Client => view! { <StaffOnly><ClientPage /></StaffOnly> });
lazy_page!(Companies => view! { <StaffOnly><CompaniesPage /></StaffOnly> });
lazy_page!(Company => view! { <StaffOnly><CompanyPage /></StaffOnly> });
lazy_page!(NewConversationRoute => view! { <StaffOnly><NewConversation /></StaffOnly> });
lazy_page!(NewMassMessageRoute => view! { <StaffOnly><NewMassMessage /></StaffOnly> });
lazy_page!(Settings => view! { <SettingsPage /> });
lazy_page!(Webhooks => view! { <WebhooksPage /> });
lazy_page!(SavedReplies => view! { <SavedRepliesPage /> });
lazy_page!(AuditLog => view! { <AuditLogPage /> });
lazy_page!(Team => view! { <StaffOnly><TeamPage /></StaffOnly> });
lazy_page!(Notifications => view! { <NotificationsPage /> });
lazy_page!(Search => view! { <SearchPage /> });
lazy_page!(Account => view! { <AccountPage /> });
