//! What Parlor's web app shows, as it travels between server and browser:
//! the one home of the types both sides speak. The server's services build
//! them; the app renders them. The shapes follow the /v1 API's JSON, so
//! realtime frames decode into them too; fields the app does not use are
//! ignored.

mod account;
mod audit;
mod conversations;
mod directory;
mod error;
mod saved_replies;
mod search;
mod session;
mod settings;
mod team;
mod webhooks;

pub use account::*;
pub use audit::*;
pub use conversations::*;
pub use directory::*;
pub use error::AppError;
pub use saved_replies::*;
pub use search::*;
pub use session::*;
pub use settings::*;
pub use team::*;
pub use webhooks::*;
