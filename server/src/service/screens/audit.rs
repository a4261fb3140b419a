//! Settings → Audit log (admins): the log's entries in words, and the
//! actions and people it may be filtered by.

use parlor_model as model;
use serde_json::Value;

use super::every;
use crate::auth::Actor;
use crate::domain::audit::{Action, AuditEvent};
use crate::error::Result;
use crate::service::audit::{self, ListAuditEvents};
use crate::service::paging::PageRequest;
use crate::service::{api_keys, internal_users, Context};

/// Entries on one page of the screen.
const SHOWN: i64 = 50;

/// A page of the log, of one action and one person when given (empty: all).
pub async fn audit_log(
    ctx: &Context,
    actor: &Actor,
    action: &str,
    actor_id: &str,
    next_token: &str,
) -> Result<model::AuditLog> {
    let page = PageRequest::parse("audit events", Some(SHOWN), Some(next_token))?;
    let filter = ListAuditEvents {
        action: given(action),
        actor_id: given(actor_id),
        ..ListAuditEvents::default()
    };
    // Only admins get past this, who may know every key's name.
    let listed = audit::list(ctx, actor, &filter, page).await?;
    let entries: Vec<model::AuditEntry> = listed.data.into_iter().map(entry).collect();
    let mut people = team_and_keys(ctx, actor).await?;
    // Clients and people who have left are offered as they appear.
    for shown in &entries {
        if let Some(id) = &shown.actor_id {
            if !people.iter().any(|p| &p.value == id) {
                people.push(model::AuditChoice {
                    value: id.clone(),
                    label: format!("{} ({})", shown.who, shown.who_kind.to_lowercase()),
                });
            }
        }
    }
    Ok(model::AuditLog {
        entries,
        next_token: listed.next_token,
        actions: Action::ALL
            .iter()
            .map(|action| model::AuditChoice {
                value: action.as_str().to_string(),
                label: action.words().to_string(),
            })
            .collect(),
        people,
    })
}

fn given(value: &str) -> Option<String> {
    let value = value.trim();
    (!value.is_empty()).then(|| value.to_string())
}

/// Everyone on the team, by name, then the API keys.
async fn team_and_keys(ctx: &Context, actor: &Actor) -> Result<Vec<model::AuditChoice>> {
    let team = every("internal users", |page| {
        internal_users::list(ctx, actor, page)
    })
    .await?;
    let mut people: Vec<model::AuditChoice> = team
        .into_iter()
        .map(|member| model::AuditChoice {
            label: format!("{} {}", member.given_name, member.family_name),
            value: member.id,
        })
        .collect();
    people.sort_by_key(|p| p.label.to_lowercase());
    people.extend(
        api_keys::list_all(ctx)
            .await?
            .into_iter()
            .map(|key| model::AuditChoice {
                value: key.id,
                label: format!("API key {}", key.name),
            }),
    );
    Ok(people)
}

fn entry(event: AuditEvent) -> model::AuditEntry {
    let what = Action::ALL
        .iter()
        .find(|a| a.as_str() == event.action)
        .map_or(event.action.clone(), |a| a.words().to_string());
    let named = |name: &Option<String>, fallback: &str| {
        name.clone().unwrap_or_else(|| fallback.to_string())
    };
    let (who, who_kind) = match event.actor_type.as_str() {
        "internalUser" => (
            named(&event.actor_name, "A former team member"),
            "Team member",
        ),
        "client" => (named(&event.actor_name, "A former client"), "Client"),
        "apiKey" => (
            format!("API key {}", named(&event.actor_name, "(revoked)")),
            "API key",
        ),
        "operator" => ("The server's operator".to_string(), "Command line"),
        "system" => ("Parlor".to_string(), "Automatic"),
        _ => ("Someone not signed in".to_string(), "Not signed in"),
    };
    let target = match (&event.target_type, &event.target_name) {
        (Some(kind), Some(name)) => format!("{} {name}", kind_in_words(kind)),
        (Some(kind), None) => kind_in_words(kind).to_string(),
        (None, _) => String::new(),
    };
    let door = match event.via.as_str() {
        "web" => "web app",
        "api" => "API",
        "server" => "automatic",
        _ => "command line",
    };
    let place = match &event.ip_address {
        Some(address) => format!("{address} · {door}"),
        None => door.to_string(),
    };
    model::AuditEntry {
        created_at: event.created_at.to_rfc3339(),
        what,
        who,
        who_kind: who_kind.to_string(),
        target,
        place,
        user_agent: event.user_agent.unwrap_or_default(),
        details: detail_lines(&event.details),
        id: event.id,
        action: event.action,
        actor_id: event.actor_id,
    }
}

fn kind_in_words(kind: &str) -> &str {
    match kind {
        "internalUser" => "Team member",
        "client" => "Client",
        "company" => "Company",
        "messageChannel" => "Conversation",
        "message" => "Message",
        "apiKey" => "API key",
        "webhook" => "Webhook",
        "workspace" => "Workspace",
        other => other,
    }
}

/// An entry's details a line each: `field: from → to` for each change,
/// `field: value` for the rest.
fn detail_lines(details: &Value) -> Vec<String> {
    let Some(fields) = details.as_object() else {
        return Vec::new();
    };
    let mut lines = Vec::new();
    for (field, value) in fields {
        match (field.as_str(), value.as_object()) {
            ("changes", Some(changes)) => {
                for (changed, change) in changes {
                    lines.push(format!(
                        "{changed}: {} → {}",
                        in_words(&change["from"]),
                        in_words(&change["to"])
                    ));
                }
            }
            _ => lines.push(format!("{field}: {}", in_words(value))),
        }
    }
    lines
}

fn in_words(value: &Value) -> String {
    match value {
        Value::Null => "none".into(),
        Value::Bool(true) => "yes".into(),
        Value::Bool(false) => "no".into(),
        Value::String(text) => text.clone(),
        Value::Array(items) if items.is_empty() => "none".into(),
        Value::Array(items) => items.iter().map(in_words).collect::<Vec<_>>().join(", "),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn details_read_as_lines() {
        let details = json!({
            "changes": {
                "brandName": { "from": "Ledger", "to": "Ledger & Co" },
                "logoImageUrl": { "from": null, "to": "https://example.com/logo.png" },
            },
            "companyAccessList": [],
            "readOnly": true,
        });
        assert_eq!(
            detail_lines(&details),
            vec![
                "brandName: Ledger → Ledger & Co",
                "logoImageUrl: none → https://example.com/logo.png",
                "companyAccessList: none",
                "readOnly: yes",
            ]
        );
    }
}
