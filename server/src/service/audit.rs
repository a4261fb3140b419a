//! The audit log: who did what, when and from where. Every change it covers
//! calls `record` with the transaction that makes the change, so the change
//! and its entry land together or not at all; admins read the log (`list`).
//! Nothing changes or deletes an entry: there is no such use case, and the
//! database refuses it (migrations/*/0022).

use std::net::IpAddr;

use super::{Context, Page, PageRequest};
use crate::auth::Actor;
use crate::authz;
use crate::domain::audit::{self, Action, AuditEvent, Target};
use crate::domain::{new_id, Timestamp};
use crate::error::{Error, Result};
use crate::storage::audit::{AuditFilter, AuditRow};
use crate::storage::{self, now_ms, Conn, Store};

/// Longest user agent kept; a longer one is cut.
const MAX_USER_AGENT_CHARS: usize = 512;

/// Who acted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Who {
    InternalUser(String),
    Client(String),
    /// An API key (which acts as the workspace owner), by the key's id.
    ApiKey(String),
    /// Someone at the server's command line (`parlor admin …`).
    Operator,
    /// Parlor itself, doing what its settings ask (retention).
    System,
    /// Nobody signed in, e.g. a failed sign-in.
    Anonymous,
}

impl Who {
    /// A person signed in, however they proved it: `api_key_id` names the
    /// key they came with, if they came with one.
    pub fn signed_in(actor: &Actor, api_key_id: Option<&str>) -> Who {
        match (api_key_id, actor) {
            (Some(key), _) => Who::ApiKey(key.to_string()),
            (None, Actor::Internal(staff)) => Who::InternalUser(staff.id.clone()),
            (None, Actor::Client(client)) => Who::Client(client.id.clone()),
        }
    }

    fn kind(&self) -> &'static str {
        match self {
            Who::InternalUser(_) => "internalUser",
            Who::Client(_) => "client",
            Who::ApiKey(_) => "apiKey",
            Who::Operator => "operator",
            Who::System => "system",
            Who::Anonymous => "anonymous",
        }
    }

    fn id(&self) -> Option<&str> {
        match self {
            Who::InternalUser(id) | Who::Client(id) | Who::ApiKey(id) => Some(id),
            Who::Operator | Who::System | Who::Anonymous => None,
        }
    }
}

/// Which door a change came through.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Via {
    /// The REST API.
    Api,
    /// The web app's server functions.
    Web,
    /// `parlor admin …` on the server.
    CommandLine,
    /// The server's own work, asked by nobody at the time.
    Server,
}

impl Via {
    fn as_str(self) -> &'static str {
        match self {
            Via::Api => "api",
            Via::Web => "web",
            Via::CommandLine => "commandLine",
            Via::Server => "server",
        }
    }
}

/// Where a change came from: the door, and for a request the client's
/// address (`auth::address`) and user agent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Place {
    pub via: Via,
    pub address: Option<IpAddr>,
    pub user_agent: Option<String>,
}

impl Place {
    /// The address of the client, for what only a request can ask for.
    pub fn client_address(&self) -> Result<IpAddr> {
        Ok(self
            .address
            .ok_or_else(|| anyhow::anyhow!("{:?} is not a request's place", self.via))?)
    }

    pub fn request(via: Via, address: IpAddr, user_agent: Option<&str>) -> Place {
        Place {
            via,
            address: Some(address.to_canonical()),
            user_agent: user_agent.map(|agent| {
                agent
                    .chars()
                    .filter(|c| !c.is_control())
                    .take(MAX_USER_AGENT_CHARS)
                    .collect()
            }),
        }
    }
}

/// Who made a change and from where: what every entry starts from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Source {
    pub who: Who,
    pub place: Place,
}

impl Source {
    /// The operator at the server's command line.
    pub fn command_line() -> Source {
        Source {
            who: Who::Operator,
            place: Place {
                via: Via::CommandLine,
                address: None,
                user_agent: None,
            },
        }
    }

    /// Parlor's own work (retention).
    pub fn system() -> Source {
        Source {
            who: Who::System,
            place: Place {
                via: Via::Server,
                address: None,
                user_agent: None,
            },
        }
    }

    /// Nobody signed in, from `place`.
    pub fn anonymous(place: Place) -> Source {
        Source {
            who: Who::Anonymous,
            place,
        }
    }

    /// The same place, another actor: the person a sign-in, an invitation
    /// or a reset link has just proved someone to be.
    pub fn now_as(&self, actor: &Actor) -> Source {
        Source {
            who: Who::signed_in(actor, None),
            place: self.place.clone(),
        }
    }
}

/// Records `action` by `source` on `target` in the transaction `conn` of
/// the change itself. `details` is a small JSON object and never holds a
/// secret (password, key, signing secret). The actor's name, and a person's
/// or key's name the target does not give, are looked up here and kept as
/// they are now.
#[tracing::instrument(skip_all, fields(action = action.as_str()))]
pub async fn record(
    conn: &mut Conn,
    source: &Source,
    action: Action,
    target: Option<Target>,
    details: serde_json::Value,
) -> Result<()> {
    debug_assert!(details.is_object(), "details are a JSON object");
    let actor_name = match source.who.id() {
        Some(id) => storage::audit::name_of(conn, source.who.kind(), id).await?,
        None => None,
    };
    let (target_type, target_id, target_name) = match target {
        Some(t) => {
            let name = match t.name {
                Some(name) => Some(name),
                None => storage::audit::name_of(conn, t.kind, &t.id).await?,
            };
            (Some(t.kind.to_string()), Some(t.id), name)
        }
        None => (None, None, None),
    };
    let row = AuditRow {
        seq: 0,
        id: new_id(),
        action: action.as_str().to_string(),
        actor_type: source.who.kind().to_string(),
        actor_id: source.who.id().map(str::to_string),
        actor_name,
        target_type,
        target_id,
        target_name,
        via: source.place.via.as_str().to_string(),
        ip_address: source.place.address.map(|a| a.to_string()),
        user_agent: source.place.user_agent.clone(),
        details: details.to_string(),
        created_at: now_ms(),
    };
    storage::audit::insert(conn, &row).await
}

/// A person as the target of an entry (their name is looked up with it).
pub fn person(actor: &Actor) -> Target {
    Target::new(actor.user_type().as_str(), actor.id(), None)
}

/// Records `action` in a transaction of its own, for what changes nothing
/// else (a refused sign-in) or has no transaction (a backup copied, a file
/// put in place).
pub async fn record_alone(
    store: &Store,
    source: &Source,
    action: Action,
    target: Option<Target>,
    details: serde_json::Value,
) -> Result<()> {
    let mut tx = store.begin().await?;
    record(&mut tx, source, action, target, details).await?;
    tx.commit().await
}

/// What changed between `was` and `now`, as an entry's details:
/// `{ "changes": { "field": { "from", "to" } } }` for each of `fields`
/// whose value differs, or `None` when none does.
pub fn changes<T>(
    was: &T,
    now: &T,
    fields: impl Fn(&T) -> Vec<(&'static str, serde_json::Value)>,
) -> Option<serde_json::Value> {
    let changed: serde_json::Map<String, serde_json::Value> = fields(was)
        .into_iter()
        .zip(fields(now))
        .filter(|((_, from), (_, to))| from != to)
        .map(|((field, from), (_, to))| {
            (
                field.to_string(),
                serde_json::json!({ "from": from, "to": to }),
            )
        })
        .collect();
    (!changed.is_empty()).then(|| serde_json::json!({ "changes": changed }))
}

/// The filters of the audit log's list, as the API and the web app take
/// them; any left out is no condition.
#[derive(Debug, Default)]
pub struct ListAuditEvents {
    pub action: Option<String>,
    pub actor_id: Option<String>,
    pub target_id: Option<String>,
    pub since: Option<String>,
    pub until: Option<String>,
}

fn view(row: AuditRow) -> AuditEvent {
    AuditEvent {
        object: "auditEvent",
        details: serde_json::from_str(&row.details).unwrap_or_else(|_| serde_json::json!({})),
        created_at: Timestamp(row.created_at),
        id: row.id,
        action: row.action,
        actor_type: row.actor_type,
        actor_id: row.actor_id,
        actor_name: row.actor_name,
        target_type: row.target_type,
        target_id: row.target_id,
        target_name: row.target_name,
        via: row.via,
        ip_address: row.ip_address,
        user_agent: row.user_agent,
    }
}

/// The log, newest first, for admins (an API key acts as the owner, an
/// admin, and may read it too, read-only or not).
#[tracing::instrument(skip_all)]
pub async fn list(
    ctx: &Context,
    actor: &Actor,
    request: &ListAuditEvents,
    page: PageRequest,
) -> Result<Page<AuditEvent>> {
    authz::require_admin(actor)?;
    let action = request
        .action
        .as_deref()
        .map(|name| Action::parse("action", name))
        .transpose()?;
    let since = request
        .since
        .as_deref()
        .map(|raw| audit::parse_moment("since", raw))
        .transpose()?;
    let until = request
        .until
        .as_deref()
        .map(|raw| audit::parse_moment("until", raw))
        .transpose()?;
    if let (Some(since), Some(until)) = (since, until) {
        if since >= until {
            return Err(Error::BadRequest("since must be earlier than until".into()));
        }
    }
    let filter = AuditFilter {
        action: action.map(Action::as_str),
        actor_id: request.actor_id.as_deref(),
        target_id: request.target_id.as_deref(),
        since,
        until,
    };
    let mut conn = ctx.store.reader().await?;
    let rows = storage::audit::list(&mut conn, &filter, page.before(), page.limit).await?;
    let (rows, next_token) = page.split(rows, |row| row.seq);
    Ok(Page {
        data: rows.into_iter().map(view).collect(),
        next_token,
    })
}

#[tracing::instrument(skip_all)]
pub async fn get(ctx: &Context, actor: &Actor, id: &str) -> Result<AuditEvent> {
    authz::require_admin(actor)?;
    let mut conn = ctx.store.reader().await?;
    Ok(view(storage::found(
        storage::audit::get(&mut conn, id).await?,
        "audit event",
    )?))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn only_what_differs_is_a_change() {
        let fields = |(name, color): &(&str, &str)| {
            vec![("brandName", json!(name)), ("brandColor", json!(color))]
        };
        assert_eq!(
            changes(&("Ledger", "#2F4AC0"), &("Ledger & Co", "#2F4AC0"), fields),
            Some(json!({ "changes": { "brandName": { "from": "Ledger", "to": "Ledger & Co" } } }))
        );
        assert_eq!(changes(&("A", "#000000"), &("A", "#000000"), fields), None);
    }

    #[test]
    fn a_user_agent_is_kept_printable_and_bounded() {
        let long = format!("Mozilla\n{}", "x".repeat(1000));
        let place = Place::request(Via::Web, "::ffff:192.0.2.7".parse().unwrap(), Some(&long));
        let agent = place.user_agent.unwrap();
        assert!(agent.starts_with("Mozillax"), "no line break: {agent}");
        assert_eq!(agent.chars().count(), MAX_USER_AGENT_CHARS);
        assert_eq!(
            place.address.unwrap().to_string(),
            "192.0.2.7",
            "a mapped IPv4 address is written as IPv4"
        );
    }
}
