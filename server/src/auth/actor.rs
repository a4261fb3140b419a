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
            Credential::ApiKey => 'k',
            Credential::Session => 's',
        };
        format!("{kind}{}", self.digest)
    }

    pub fn decode(text: &str) -> Option<StoredCredential> {
        let kind = match text.chars().next()? {
            'k' => Credential::ApiKey,
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
