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
    ApiKey,
    Session,
}

impl Actor {
    pub fn id(&self) -> &str {
        match self {
            Actor::Internal(staff) => &staff.id,
            Actor::Client(client) => &client.id,
        }
    }
}
