//! The product's nouns and the rules that hold for every caller.

pub mod api_key;
pub mod attachment;
pub mod audit;
pub mod channel;
pub mod client;
pub mod company;
pub mod conversation;
pub mod event;
pub mod internal_user;
pub mod message;
pub mod message_version;
pub mod notification;
pub mod reaction;
pub mod retention;
pub mod saved_reply;
pub mod search;
pub mod settings;
pub mod values;
pub mod webhook;
pub mod workspace;

pub use values::{Email, HexColor, ImageUrl, Name, Password, Timestamp};

/// Who a person is: staff of the workspace or one of its clients. Sessions,
/// senders of messages and notifications, and links name one of these.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub enum UserType {
    InternalUser,
    Client,
}

impl UserType {
    pub fn as_str(self) -> &'static str {
        match self {
            UserType::InternalUser => "internalUser",
            UserType::Client => "client",
        }
    }

    /// Anything but `client` is an internal user: the stored values are
    /// written by this server only.
    pub fn from_stored(value: &str) -> UserType {
        if value == "client" {
            UserType::Client
        } else {
            UserType::InternalUser
        }
    }
}

/// How a stored row's user type is read back.
impl From<String> for UserType {
    fn from(stored: String) -> UserType {
        UserType::from_stored(&stored)
    }
}

/// A stable colour for people and companies without an avatar, picked from
/// the id so it never changes between views.
pub fn fallback_color(id: &str) -> String {
    const PALETTE: [&str; 10] = [
        "#4F46E5", "#0891B2", "#059669", "#CA8A04", "#DC2626", "#DB2777", "#7C3AED", "#2563EB",
        "#EA580C", "#0D9488",
    ];
    let hash = id.bytes().fold(0u32, |acc, b| {
        acc.wrapping_mul(31).wrapping_add(u32::from(b))
    });
    PALETTE[hash as usize % PALETTE.len()].to_string()
}

pub fn new_id() -> String {
    uuid::Uuid::now_v7().to_string()
}
