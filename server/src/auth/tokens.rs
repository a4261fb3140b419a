//! Random secrets, their stored digests, and signed invitation tokens.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use hmac::{Hmac, Mac};
use rand::RngCore;
use sha2::{Digest, Sha256};

use super::StoredCredential;
use crate::config::SecretKey;
use crate::domain::UserType;

/// 256 random bits, URL-safe.
pub fn random_token() -> String {
    let mut bytes = [0u8; 32];
    rand::thread_rng().fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

/// What the database keeps of a bearer secret: its SHA-256, so a copy of the
/// database does not hand out sessions or keys.
pub fn digest(secret: &str) -> String {
    let hash = Sha256::digest(secret.as_bytes());
    hash.iter().map(|b| format!("{b:02x}")).collect()
}

/// Compares two secrets without leaking where they differ.
pub fn same_secret(a: &str, b: &str) -> bool {
    use subtle::ConstantTimeEq;
    a.len() == b.len() && bool::from(a.as_bytes().ct_eq(b.as_bytes()))
}

fn mac(key: &SecretKey, message: &str) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(&key.0).expect("HMAC takes keys of any length");
    mac.update(message.as_bytes());
    URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes())
}

/// What a signed link lets its holder do. The purpose is part of what is
/// signed, so a link made for one purpose never passes for another.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkPurpose {
    /// A client's invitation: choose a password, become active.
    ClientInvitation,
    /// An internal user's invitation: choose their first password.
    StaffInvitation,
    /// A password reset, for staff and clients alike.
    PasswordReset,
}

impl LinkPurpose {
    fn label(self) -> &'static str {
        match self {
            // Client invitations were signed with this label before the
            // others existed; links already sent keep working.
            LinkPurpose::ClientInvitation => "invite",
            LinkPurpose::StaffInvitation => "staff-invite",
            LinkPurpose::PasswordReset => "reset",
        }
    }
}

/// A link sent to one person (an invitation, a password reset): who, until
/// when, and, signed along, the version of that person's invitation or
/// password it was issued for. Using the link bumps that version, which
/// voids the token, so it works once; it is signed, so it cannot be forged
/// or edited. The token reads `userId.expiry.signature`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedLink {
    pub user_id: String,
    pub expires_at_ms: i64,
}

impl SignedLink {
    pub fn token(&self, key: &SecretKey, purpose: LinkPurpose, version: i64) -> String {
        let signature = mac(
            key,
            &format!(
                "{}:{}:{}:{}",
                purpose.label(),
                self.user_id,
                version,
                self.expires_at_ms
            ),
        );
        format!("{}.{}.{}", self.user_id, self.expires_at_ms, signature)
    }

    /// Reads a token's claims without trusting them; `verify` must follow.
    pub fn read(token: &str) -> Option<(SignedLink, &str)> {
        let mut parts = token.splitn(3, '.');
        let user_id = parts.next()?.to_string();
        let expires_at_ms = parts.next()?.parse().ok()?;
        let signature = parts.next()?;
        Some((
            SignedLink {
                user_id,
                expires_at_ms,
            },
            signature,
        ))
    }

    pub fn verify(
        &self,
        key: &SecretKey,
        purpose: LinkPurpose,
        version: i64,
        signature: &str,
    ) -> bool {
        same_secret(
            &self.token(key, purpose, version),
            &format!("{}.{}.{}", self.user_id, self.expires_at_ms, signature),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_realtime_token_verifies_until_it_expires() {
        let key = SecretKey([7; 32]);
        let claims = RealtimeToken {
            user_type: UserType::Client,
            user_id: "c1".into(),
            expires_at_ms: 1_000,
            credential: StoredCredential {
                kind: crate::auth::Credential::Session,
                digest: "abc".into(),
            },
        };
        let token = claims.token(&key);
        assert_eq!(RealtimeToken::verify(&token, &key, 999), Some(claims));
        assert_eq!(RealtimeToken::verify(&token, &key, 1_000), None, "expired");
        assert_eq!(
            RealtimeToken::verify(&token.replace("c1", "c2"), &key, 0),
            None,
            "edited"
        );
        assert_eq!(
            RealtimeToken::verify(&token, &SecretKey([8; 32]), 0),
            None,
            "another server's key"
        );
    }

    #[test]
    fn a_signed_link_verifies_only_for_its_own_purpose_version_and_key() {
        use LinkPurpose::*;
        let key = SecretKey([7; 32]);
        let link = SignedLink {
            user_id: "c1".into(),
            expires_at_ms: 99,
        };
        let token = link.token(&key, PasswordReset, 3);
        let (read, signature) = SignedLink::read(&token).unwrap();
        assert_eq!(read, link);
        assert!(read.verify(&key, PasswordReset, 3, signature));
        assert!(
            !read.verify(&key, PasswordReset, 4, signature),
            "a used link must not verify"
        );
        assert!(
            !read.verify(&key, ClientInvitation, 3, signature)
                && !read.verify(&key, StaffInvitation, 3, signature),
            "a reset link is no invitation"
        );
        assert!(!read.verify(&SecretKey([8; 32]), PasswordReset, 3, signature));
        let edited = token.replacen(".99.", ".999.", 1);
        let (read, signature) = SignedLink::read(&edited).unwrap();
        assert!(
            !read.verify(&key, PasswordReset, 3, signature),
            "a changed expiry must not verify"
        );
    }
}

/// A short-lived token for opening the realtime socket from a browser, which
/// cannot set headers on a WebSocket:
/// `userType.userId.expiry.credential.signature`. It names the credential it
/// was issued for, so the socket ends with that credential.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RealtimeToken {
    pub user_type: UserType,
    pub user_id: String,
    pub expires_at_ms: i64,
    pub credential: StoredCredential,
}

impl RealtimeToken {
    fn claims(&self) -> String {
        format!(
            "{}.{}.{}.{}",
            self.user_type.as_str(),
            self.user_id,
            self.expires_at_ms,
            self.credential.encode()
        )
    }

    pub fn token(&self, key: &SecretKey) -> String {
        let claims = self.claims();
        format!("{claims}.{}", mac(key, &format!("realtime:{claims}")))
    }

    /// The claims of a genuine token that has not expired.
    pub fn verify(token: &str, key: &SecretKey, now_ms: i64) -> Option<RealtimeToken> {
        let mut parts = token.splitn(5, '.');
        let claims = RealtimeToken {
            user_type: UserType::from_stored(parts.next()?),
            user_id: parts.next()?.to_string(),
            expires_at_ms: parts.next()?.parse().ok()?,
            credential: StoredCredential::decode(parts.next()?)?,
        };
        parts.next()?;
        (same_secret(&claims.token(key), token) && claims.expires_at_ms > now_ms).then_some(claims)
    }
}

/// A one-click unsubscribe link's token: `userId.signature`. It never
/// expires (old e-mails must keep working) and only ever turns e-mail off.
pub fn unsubscribe_token(key: &SecretKey, user_id: &str) -> String {
    format!("{user_id}.{}", mac(key, &format!("unsubscribe:{user_id}")))
}

/// The person an unsubscribe token was made for, if it is genuine.
pub fn verify_unsubscribe(key: &SecretKey, token: &str) -> Option<String> {
    let (user_id, _) = token.rsplit_once('.')?;
    same_secret(&unsubscribe_token(key, user_id), token).then(|| user_id.to_string())
}

#[cfg(test)]
mod unsubscribe_tests {
    use super::*;

    #[test]
    fn an_unsubscribe_token_names_its_person_and_cannot_be_edited() {
        let key = SecretKey([7; 32]);
        let token = unsubscribe_token(&key, "u1");
        assert_eq!(verify_unsubscribe(&key, &token), Some("u1".into()));
        assert_eq!(
            verify_unsubscribe(&key, &token.replacen("u1", "u2", 1)),
            None
        );
        assert_eq!(verify_unsubscribe(&SecretKey([8; 32]), &token), None);
        assert_eq!(verify_unsubscribe(&key, "garbage"), None);
    }
}

/// The token of a reply address (`reply+TOKEN@…`) of one person for one
/// channel: 160 bits of an HMAC of both, in lower-case base32, so the
/// address's local part stays well under SMTP's 64 characters and survives
/// mail systems that change the case of addresses. The same person and
/// channel always get the same token, so a reply to an old e-mail works as
/// long as the person keeps access to the channel.
pub fn reply_token(key: &SecretKey, user_id: &str, channel_id: &str) -> String {
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(&key.0).expect("HMAC takes any key length");
    mac.update(b"reply-address\0");
    mac.update(user_id.as_bytes());
    mac.update(b"\0");
    mac.update(channel_id.as_bytes());
    let digest = mac.finalize().into_bytes();
    data_encoding::BASE32_NOPAD
        .encode(&digest[..20])
        .to_ascii_lowercase()
}

#[cfg(test)]
mod reply_token_tests {
    use super::*;

    #[test]
    fn a_reply_token_is_short_lower_case_and_names_one_person_and_channel() {
        let key = SecretKey([7; 32]);
        let token = reply_token(&key, "u1", "c1");
        assert_eq!(token.len(), 32);
        assert!(token
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit()));
        assert!(format!("reply+{token}").len() <= 64);
        assert_eq!(token, reply_token(&key, "u1", "c1"), "stable");
        assert_ne!(token, reply_token(&key, "u2", "c1"));
        assert_ne!(token, reply_token(&key, "u1", "c2"));
        // The separator keeps ("u1", "c1") and ("u1c", "1") apart.
        assert_ne!(token, reply_token(&key, "u1c", "1"));
        assert_ne!(token, reply_token(&SecretKey([8; 32]), "u1", "c1"));
    }
}
