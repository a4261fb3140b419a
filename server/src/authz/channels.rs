//! Who sees a channel, written twice side by side: as SQL for the queries
//! that list and read channels, and in memory for the realtime hub, which
//! decides for every connected socket whether an event reaches it.
//!
//! The rule: admins and staff with full access see every channel; staff
//! limited to some companies see the channels of those companies (an
//! individual channel through any company of its client); a client sees
//! their individual channel, the groups that list them, and the channels of
//! the companies they belong to now.
//!
//! `tests/api/visibility.rs` checks on generated workspaces that the forms
//! agree for every viewer: lists and single reads (the condition), the
//! channels a socket starts with (the indexed form), and live events and
//! replay (the in-memory form).

use std::collections::HashSet;

use super::Scope;
use crate::auth::Actor;
use crate::domain::channel::MembershipType;
use crate::error::Result;
use crate::storage::{self, channels::ChannelRow, Conn};

/// The rule as an SQL condition: `c` is the channel and the two arguments
/// name the parameters holding the scope's kind and subject
/// (`Scope::params`). Correlated, so it suits checking one channel or a page.
macro_rules! channel_visible {
    ($kind:literal, $subject:literal) => {
        concat!(
            "(", $kind, " = 'all' ",
            "OR (", $kind, " = 'staff' AND (",
            "(c.membership_type = 'individual' AND EXISTS (SELECT 1 FROM client_companies cc ",
            "JOIN internal_user_company_access a ON a.company_id = cc.company_id ",
            "WHERE cc.client_id = c.client_id AND a.user_id = ", $subject, ")) ",
            "OR (c.membership_type <> 'individual' AND EXISTS (SELECT 1 FROM internal_user_company_access a ",
            "WHERE a.company_id = c.company_id AND a.user_id = ", $subject, ")))) ",
            "OR (", $kind, " = 'client' AND (",
            "(c.membership_type = 'individual' AND c.client_id = ", $subject, ") ",
            "OR (c.membership_type = 'group' AND EXISTS (SELECT 1 FROM channel_members m ",
            "WHERE m.channel_id = c.id AND m.client_id = ", $subject, ")) ",
            "OR (c.membership_type = 'company' AND EXISTS (SELECT 1 FROM client_companies cc ",
            "WHERE cc.company_id = c.company_id AND cc.client_id = ", $subject, ")))))"
        )
    };
}
pub(crate) use channel_visible;

/// The same rule as one indexed lookup per way of seeing a channel, for
/// every channel a scope sees at once: the correlated condition would read
/// every channel of the workspace, which made each realtime connection cost
/// a scan (docs/performance.md, section 6). `None` means every channel;
/// otherwise the query binds the scope's subject as `$1` and selects `id`.
pub fn every_visible_channel(scope: &Scope) -> Option<(&'static str, &str)> {
    match scope {
        Scope::All => None,
        Scope::Staff(user_id) => Some((
            concat!(
                "SELECT c.id FROM internal_user_company_access a ",
                "JOIN client_companies cc ON cc.company_id = a.company_id ",
                "JOIN channels c ON c.client_id = cc.client_id AND c.membership_type = 'individual' ",
                "WHERE a.user_id = $1 ",
                "UNION SELECT c.id FROM internal_user_company_access a ",
                "JOIN channels c ON c.company_id = a.company_id AND c.membership_type <> 'individual' ",
                "WHERE a.user_id = $1"
            ),
            user_id,
        )),
        Scope::Client(client_id) => Some((
            concat!(
                "SELECT c.id FROM channels c WHERE c.client_id = $1 AND c.membership_type = 'individual' ",
                "UNION SELECT c.id FROM channel_members m ",
                "JOIN channels c ON c.id = m.channel_id AND c.membership_type = 'group' ",
                "WHERE m.client_id = $1 ",
                "UNION SELECT c.id FROM client_companies cc ",
                "JOIN channels c ON c.company_id = cc.company_id AND c.membership_type = 'company' ",
                "WHERE cc.client_id = $1"
            ),
            client_id,
        )),
    }
}

/// The rule in memory, from the channel's side: who sees it. Recorded with
/// every channel event, so the hub can route it without the database.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Audience {
    /// The clients who are members.
    pub client_ids: Vec<String>,
    /// The companies through which limited staff see it.
    pub company_ids: Vec<String>,
    /// Everyone signed in (used for the presence of internal users).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub everyone: bool,
}

/// Who sees a channel now: its client members, and the companies through
/// which limited staff see it (an individual channel: any company of its
/// client).
pub async fn audience(conn: &mut Conn, channel: &ChannelRow) -> Result<Audience> {
    let client_ids = storage::channels::member_ids(conn, channel).await?;
    let company_ids = match channel.membership_type {
        MembershipType::Individual => match &channel.client_id {
            Some(client) => storage::clients::company_ids(conn, client).await?,
            None => Vec::new(),
        },
        MembershipType::Group | MembershipType::Company => {
            channel.company_id.iter().cloned().collect()
        }
    };
    Ok(Audience {
        client_ids,
        company_ids,
        everyone: false,
    })
}

/// The rule in memory, from the viewer's side: what a connected socket may
/// see, loaded when it connects.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Viewer {
    /// Admins and unlimited staff.
    Everything,
    /// Limited staff, with the companies on their access list.
    Companies(HashSet<String>),
    /// A client.
    Client(String),
}

impl Viewer {
    pub async fn load(conn: &mut Conn, actor: &Actor) -> Result<Viewer> {
        Ok(match super::scope(actor) {
            Scope::All => Viewer::Everything,
            Scope::Staff(id) => Viewer::Companies(
                storage::internal_users::company_access(conn, &id)
                    .await?
                    .into_iter()
                    .collect(),
            ),
            Scope::Client(id) => Viewer::Client(id),
        })
    }

    pub fn sees(&self, audience: &Audience) -> bool {
        if audience.everyone {
            return true;
        }
        match self {
            Viewer::Everything => true,
            Viewer::Companies(companies) => {
                audience.company_ids.iter().any(|c| companies.contains(c))
            }
            Viewer::Client(id) => audience.client_ids.iter().any(|c| c == id),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn viewers_see_the_channels_of_their_scope() {
        let audience = Audience {
            client_ids: vec!["ann".into()],
            company_ids: vec!["acme".into()],
            everyone: false,
        };
        assert!(Viewer::Everything.sees(&audience));
        assert!(Viewer::Companies(["acme".to_string()].into()).sees(&audience));
        assert!(!Viewer::Companies(["globex".to_string()].into()).sees(&audience));
        assert!(Viewer::Client("ann".into()).sees(&audience));
        assert!(!Viewer::Client("bob".into()).sees(&audience));
        let everyone = Audience {
            everyone: true,
            ..Audience::default()
        };
        assert!(Viewer::Client("bob".into()).sees(&everyone));
    }
}
