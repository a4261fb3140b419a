use crate::domain::internal_user::Role;
use crate::domain::UserType;

/// An authenticated caller.
#[derive(Debug, Clone)]
pub enum Actor {
    Internal(StaffActor),
    Client(ClientActor),
}

impl Actor {
    pub fn user_type(&self) -> UserType {
        match self {
            Actor::Internal(_) => UserType::InternalUser,
            Actor::Client(_) => UserType::Client,
        }
    }
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

/// A credential as the server knows it: its kind and the digest of its
/// secret. A realtime socket keeps it to check, while it stays open, that
/// the credential it was opened with still holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredCredential {
    pub kind: Credential,
    pub digest: String,
}

impl StoredCredential {
    /// A short text form, for signed tokens: `k` or `s`, then the digest.
    pub fn encode(&self) -> String {
        let kind = match self.kind {
            Credential::ApiKey(_) => 'k',
            Credential::Session => 's',
        };
        format!("{kind}{}", self.digest)
    }

    pub fn decode(text: &str) -> Option<StoredCredential> {
        let kind = match text.chars().next()? {
            // The key's limits are looked up again with the key.
            'k' => Credential::ApiKey(KeyLimits::NONE),
            's' => Credential::Session,
            _ => return None,
        };
        Some(StoredCredential {
            kind,
            digest: text[1..].to_string(),
        })
    }
}

impl Actor {
    pub fn id(&self) -> &str {
        match self {
            Actor::Internal(staff) => &staff.id,
            Actor::Client(client) => &client.id,
        }
    }
}
