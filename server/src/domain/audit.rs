//! The audit log's vocabulary: what is recorded (`Action`), about what
//! (`Target`), and an entry as the API shows it. Who and from where is
//! `service::audit::Source`.
//!
//! Action names follow the API's own style, as its webhook event types do:
//! the object as the API names it (`internalUser`, `apiKey`,
//! `messageChannel`), a dot, and what happened to it in camelCase.

use serde::Serialize;
use utoipa::ToSchema;

use super::Timestamp;
use crate::error::{Error, Result};

macro_rules! actions {
    ($($(#[$doc:meta])* $variant:ident = $name:literal, $words:literal;)*) => {
        /// Something the audit log records.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum Action {
            $($(#[$doc])* $variant,)*
        }

        impl Action {
            /// Every action, in the order the web app offers them.
            pub const ALL: &'static [Action] = &[$(Action::$variant,)*];

            /// The stored and published name, e.g. `apiKey.created`.
            pub fn as_str(self) -> &'static str {
                match self {
                    $(Action::$variant => $name,)*
                }
            }

            /// What happened, in words, as the web app shows it.
            pub fn words(self) -> &'static str {
                match self {
                    $(Action::$variant => $words,)*
                }
            }
        }
    };
}

actions! {
    /// Someone signed in with their e-mail and password.
    SignedIn = "session.signedIn", "Signed in";
    /// A sign-in was refused: the e-mail tried is in the details, never the
    /// password. Attempts refused by the sign-in limits are not recorded one
    /// by one (the limits count them).
    SignInFailed = "session.signInFailed", "Failed to sign in";
    /// Someone signed out.
    SignedOut = "session.signedOut", "Signed out";
    /// Someone ended all their other sessions ("Sign out everywhere").
    SignedOutEverywhere = "session.signedOutEverywhere", "Signed out everywhere else";
    /// Someone changed their own password (their other sessions ended).
    PasswordChanged = "password.changed", "Changed their password";
    /// Someone chose a new password through a reset link.
    PasswordReset = "password.reset", "Chose a new password with a reset link";
    /// An admin sent someone a link to choose a new password.
    PasswordResetLinkSent = "password.resetLinkSent", "Sent a password reset link";
    /// An invited client or team member chose their password.
    InvitationAccepted = "invitation.accepted", "Accepted their invitation";
    /// The workspace and its first admin were made.
    WorkspaceCreated = "workspace.created", "Created the workspace";
    /// Workspace or messaging settings changed; the details hold each
    /// changed setting, `from` and `to`.
    SettingsUpdated = "settings.updated", "Changed settings";
    /// An admin invited someone to the team.
    InternalUserInvited = "internalUser.invited", "Invited a team member";
    /// An admin sent a team member a new invitation.
    InternalUserInvitationResent = "internalUser.invitationResent", "Sent a new invitation";
    /// A team member's name was changed by an admin.
    InternalUserRenamed = "internalUser.renamed", "Renamed a team member";
    /// A team member became admin or staff.
    InternalUserRoleChanged = "internalUser.roleChanged", "Changed a team member's role";
    /// Which clients a team member sees changed (limited or not, and the
    /// companies on their list).
    InternalUserAccessChanged = "internalUser.accessChanged", "Changed which clients a team member sees";
    /// A team member was removed.
    InternalUserDeleted = "internalUser.deleted", "Removed a team member";
    /// An API key was made (never its secret).
    ApiKeyCreated = "apiKey.created", "Created an API key";
    /// An API key was revoked.
    ApiKeyRevoked = "apiKey.revoked", "Revoked an API key";
    /// A webhook was registered (never its signing secret).
    WebhookCreated = "webhook.created", "Added a webhook";
    /// A webhook's address, events or state changed.
    WebhookUpdated = "webhook.updated", "Changed a webhook";
    /// A webhook got a new signing secret (never the secret).
    WebhookSecretRotated = "webhook.secretRotated", "Gave a webhook a new signing secret";
    /// A webhook was deleted.
    WebhookDeleted = "webhook.deleted", "Deleted a webhook";
    /// Data left Parlor as an export (a client's conversations, the whole
    /// workspace). Recorded by the export feature.
    ExportCreated = "export.created", "Exported data";
    /// `parlor admin backup` copied the database.
    BackupCreated = "backup.created", "Backed up the database";
    /// `parlor admin restore` put a backup in place of the database.
    BackupRestored = "backup.restored", "Restored the database from a backup";
    /// A client was deleted, with their individual conversation.
    ClientDeleted = "client.deleted", "Deleted a client";
    /// A company was deleted, with its conversations.
    CompanyDeleted = "company.deleted", "Deleted a company";
    /// A conversation was deleted, with its messages.
    ChannelDeleted = "messageChannel.deleted", "Deleted a conversation";
    /// A message or internal note was deleted (never its text).
    MessageDeleted = "message.deleted", "Deleted a message";
    /// Retention deleted the messages sent before the workspace keeps them.
    RetentionApplied = "retention.applied", "Deleted messages older than the retention period";
    /// A client's conversations were put under legal hold.
    LegalHoldPlaced = "legalHold.placed", "Placed a legal hold";
    /// A legal hold was lifted.
    LegalHoldLifted = "legalHold.lifted", "Lifted a legal hold";
}

impl Action {
    /// The action named `name`; a clear refusal for any other name.
    pub fn parse(field: &str, name: &str) -> Result<Action> {
        Action::ALL
            .iter()
            .copied()
            .find(|action| action.as_str() == name)
            .ok_or_else(|| {
                let known: Vec<&str> = Action::ALL.iter().map(|a| a.as_str()).collect();
                Error::BadRequest(format!(
                    "{field}: {name:?} is not an audit action; use one of {}",
                    known.join(", ")
                ))
            })
    }
}

/// What an entry is about: its kind (the API's object name), its id, and
/// its name at the time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    pub kind: &'static str,
    pub id: String,
    pub name: Option<String>,
}

impl Target {
    pub fn new(kind: &'static str, id: impl Into<String>, name: impl Into<Option<String>>) -> Self {
        Target {
            kind,
            id: id.into(),
            name: name.into(),
        }
    }
}

/// One entry of the audit log.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AuditEvent {
    pub id: String,
    #[schema(value_type = String, example = "auditEvent")]
    pub object: &'static str,
    /// What happened, e.g. `settings.updated` (see the README's list).
    #[schema(example = "settings.updated")]
    pub action: String,
    pub created_at: Timestamp,
    /// `internalUser`, `client`, `apiKey`, `operator` (someone at the
    /// server's command line), `system` (Parlor itself, applying the
    /// retention rule) or `anonymous` (nobody signed in).
    #[schema(example = "internalUser")]
    pub actor_type: String,
    /// The internal user, client or API key who acted.
    pub actor_id: Option<String>,
    /// Their name when they acted.
    pub actor_name: Option<String>,
    /// The kind of what was acted on, as the API names it (`client`, `webhook`…).
    pub target_type: Option<String>,
    pub target_id: Option<String>,
    /// Its name when it was acted on.
    pub target_name: Option<String>,
    /// `api`, `web` (the web app), `commandLine` (`parlor admin …`) or
    /// `server` (the server's own work).
    #[schema(example = "web")]
    pub via: String,
    /// The client's address, as the server sees it behind `--trusted-proxy`.
    pub ip_address: Option<String>,
    pub user_agent: Option<String>,
    /// What else there is to know, e.g. each changed setting with `from`
    /// and `to`. Never a secret.
    #[schema(value_type = Object)]
    pub details: serde_json::Value,
}

/// Reads a moment of a `since`/`until` filter: RFC 3339, or a date alone
/// (its midnight, UTC).
pub fn parse_moment(field: &str, raw: &str) -> Result<i64> {
    let (ms, _) = super::values::moment_or_date(raw).ok_or_else(|| {
        Error::BadRequest(format!(
            "{field} must be a date and time like 2026-12-01T09:00:00Z, or a date like 2026-12-01, \
             not {raw:?}"
        ))
    })?;
    Ok(ms)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_action_reads_back_from_its_name_and_names_are_unique() {
        let mut names = std::collections::HashSet::new();
        for action in Action::ALL {
            assert_eq!(Action::parse("action", action.as_str()).unwrap(), *action);
            assert!(names.insert(action.as_str()), "{} twice", action.as_str());
            let (object, verb) = action.as_str().split_once('.').unwrap();
            assert!(
                !object.is_empty() && verb.chars().all(char::is_alphanumeric),
                "{} is object.verb in camelCase",
                action.as_str()
            );
        }
        let refused = Action::parse("action", "session.hacked").unwrap_err();
        assert!(
            refused.to_string().contains("session.signedIn"),
            "{refused}"
        );
    }

    #[test]
    fn moments_are_full_times_or_whole_days() {
        assert_eq!(parse_moment("since", "1970-01-02").unwrap(), 86_400_000);
        assert_eq!(
            parse_moment("since", "1970-01-01T00:00:01.5Z").unwrap(),
            1_500
        );
        assert_eq!(
            parse_moment("until", "1970-01-01T01:00:00+01:00").unwrap(),
            0
        );
        let refused = parse_moment("until", "yesterday").unwrap_err();
        assert!(
            refused.to_string().starts_with("until must be"),
            "{refused}"
        );
    }
}
