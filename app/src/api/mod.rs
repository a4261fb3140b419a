//! Server functions: the web app's calls to the server, one list per area
//! of the app. Each list, written once with [`calls!`], makes both the
//! server functions the browser calls and the area's port (a trait) that the
//! server implements with its use cases and authorisation, the
//! same as the /v1 API's. The app knows only these ports, which keeps it
//! free of storage and lets the server depend on the app, not the reverse.

mod account;
mod conversations;
mod directory;
mod notifications;
mod saved_replies;
mod session;
mod settings;
mod team;
mod webhooks;

pub use account::*;
pub use conversations::*;
pub use directory::*;
pub use notifications::*;
pub use saved_replies::*;
pub use session::*;
pub use settings::*;
pub use team::*;
pub use webhooks::*;

/// Declares one area's calls. For each `fn name(args) -> T;` it makes the
/// server function `name(args) -> Result<T, AppError>`, which hands the call
/// to the server, and the method `name(request, args)` of the area's port,
/// which the server implements.
macro_rules! calls {
    ($port:ident; $(
        $(#[$($doc:tt)*])*
        fn $name:ident($($(#[$($arg_attr:tt)*])* $arg:ident: $ty:ty),* $(,)?) -> $answer:ty;
    )*) => {
        /// What the server answers these calls with.
        #[cfg(feature = "ssr")]
        #[async_trait::async_trait]
        pub trait $port: Send + Sync + 'static {
            $(
                $(#[$($doc)*])*
                // The port takes the call's arguments as they are.
                #[allow(clippy::too_many_arguments)]
                async fn $name(
                    &self,
                    request: &http::request::Parts,
                    $($arg: $ty),*
                ) -> Result<$answer, $crate::model::AppError>;
            )*
        }

        $(
            $(#[$($doc)*])*
            #[leptos::server]
            pub async fn $name($($(#[$($arg_attr)*])* $arg: $ty),*) -> Result<$answer, $crate::model::AppError> {
                let (portal, request) = $crate::api::door::open()?;
                $crate::api::door::answer($port::$name(&*portal, &request, $($arg),*).await)
            }
        )*
    };
}
use calls;

#[cfg(feature = "ssr")]
pub use {
    account::AccountCalls, conversations::ConversationCalls, directory::DirectoryCalls,
    notifications::NotificationCalls, saved_replies::SavedReplyCalls, session::SessionCalls,
    settings::SettingsCalls, team::TeamCalls, webhooks::WebhookCalls,
};

/// Every area's port: what the server implements, provided to every render
/// and server function as a [`SharedPortal`].
#[cfg(feature = "ssr")]
pub trait Portal:
    SessionCalls
    + ConversationCalls
    + NotificationCalls
    + DirectoryCalls
    + SettingsCalls
    + TeamCalls
    + AccountCalls
    + WebhookCalls
    + SavedReplyCalls
{
}

#[cfg(feature = "ssr")]
impl<T> Portal for T where
    T: SessionCalls
        + ConversationCalls
        + NotificationCalls
        + DirectoryCalls
        + SettingsCalls
        + TeamCalls
        + AccountCalls
        + WebhookCalls
        + SavedReplyCalls
{
}

#[cfg(feature = "ssr")]
pub type SharedPortal = std::sync::Arc<dyn Portal>;

/// A call posted by a plain HTML form, before (or without) the app's
/// script: the browser then expects a page, not data. The app's own calls
/// never accept HTML.
#[cfg(feature = "ssr")]
pub fn posted_by_plain_form(request: &http::request::Parts) -> bool {
    request
        .headers
        .get(http::header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("text/html"))
}

#[cfg(feature = "ssr")]
mod door {
    use http::request::Parts;
    use leptos::prelude::*;

    use super::SharedPortal;
    use crate::model::AppError;

    /// The portal and the request being served.
    pub fn open() -> Result<(SharedPortal, Parts), AppError> {
        let portal = use_context::<SharedPortal>()
            .ok_or_else(|| AppError::new(500, "the server did not provide its portal"))?;
        let request =
            use_context::<Parts>().ok_or_else(|| AppError::new(500, "no request to answer"))?;
        Ok((portal, request))
    }

    /// A refusal is answered with the API's status as well as its message.
    /// A plain form's post is left to server_fn, which sends the browser
    /// back to the form with the error in its address (a status would stop
    /// that redirect).
    pub fn answer<T>(answer: Result<T, AppError>) -> Result<T, AppError> {
        let plain_form = use_context::<Parts>().is_some_and(|r| super::posted_by_plain_form(&r));
        if let (Err(error), false) = (&answer, plain_form) {
            if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
                if let Ok(status) = http::StatusCode::from_u16(error.status) {
                    response.set_status(status);
                }
            }
        }
        answer
    }
}
