use crate::domain::internal_user::Role;

/// An authenticated caller.
#[derive(Debug, Clone)]
pub enum Actor {
    Internal(StaffActor),
    Client(ClientActor),
}

#[derive(Debug, Clone)]
pub struct StaffActor {
    pub id: String,
    pub role: Role,
    /// Limited staff see only the companies on their access list.
    pub is_client_access_limited: bool,
}

#[derive(Debug, Clone)]
pub struct ClientActor {
    pub id: String,
}

/// How the caller proved who they are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Credential {
    ApiKey(KeyLimits),
    Session,
}

/// What an API key was allowed when it was made.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KeyLimits {
    /// Every write is refused.
    pub read_only: bool,
    /// Messages may name another sender (`senderId`).
    pub send_as_others: bool,
}

impl KeyLimits {
    /// A key without limits, as every key was before limits existed.
    pub const NONE: KeyLimits = KeyLimits {
        read_only: false,
        send_as_others: true,
    };
}

impl Actor {
    pub fn id(&self) -> &str {
        match self {
            Actor::Internal(staff) => &staff.id,
            Actor::Client(client) => &client.id,
        }
    }
}
