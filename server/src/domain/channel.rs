//! Message channels and the membership rules every caller is held to.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::conversation::ConversationState;
use super::Timestamp;
use crate::error::{Error, Result};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub enum MembershipType {
    /// One client.
    Individual,
    /// Several clients who share a company.
    Group,
    /// Every client of a company, now and later.
    Company,
}

impl MembershipType {
    pub fn as_str(self) -> &'static str {
        match self {
            MembershipType::Individual => "individual",
            MembershipType::Group => "group",
            MembershipType::Company => "company",
        }
    }

    pub fn parse(value: &str) -> Result<MembershipType> {
        match value {
            "individual" => Ok(MembershipType::Individual),
            "group" => Ok(MembershipType::Group),
            "company" => Ok(MembershipType::Company),
            other => Err(Error::invalid(format!(
                "membershipType must be individual, group or company, not {other:?}"
            ))),
        }
    }
}

/// How a stored channel row's type is read back.
impl TryFrom<String> for MembershipType {
    type Error = Error;

    fn try_from(stored: String) -> Result<MembershipType> {
        MembershipType::parse(&stored)
    }
}

#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct MessageChannel {
    pub id: String,
    #[schema(value_type = String, example = "messageChannel")]
    pub object: &'static str,
    pub membership_type: MembershipType,
    /// The client of an individual channel.
    pub client_id: Option<String>,
    /// The company of a company or group channel.
    pub company_id: Option<String>,
    /// Deprecated alias: the client id of an individual channel, the company id otherwise.
    pub membership_entity_id: Option<String>,
    /// The clients who are members now.
    pub member_ids: Vec<String>,
    pub last_message_date: Option<Timestamp>,
    /// Messages from others the caller has not read yet. Absent in realtime
    /// events, which every member shares.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unread_count: Option<i64>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    /// Staff only (absent for clients): the internal user who owns the
    /// conversation; `null` when no one does.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<String>)]
    pub assignee_id: Option<Option<String>>,
    /// Staff only: `open`, `waiting` (on the client) or `done`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub state: Option<ConversationState>,
    /// Staff only: until when it is snoozed (then it opens again).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub snoozed_until: Option<Option<Timestamp>>,
    /// Staff only: since when a client has been waiting for an answer (a
    /// client wrote last); `null` once the staff answered.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub awaiting_reply_since: Option<Option<Timestamp>>,
}

impl MessageChannel {
    /// The channel without what differs from one reader to the next, and
    /// without the staff's handling: what every member may be told.
    pub fn for_everyone(mut self) -> Self {
        self.unread_count = None;
        self.assignee_id = None;
        self.state = None;
        self.snoozed_until = None;
        self.awaiting_reply_since = None;
        self
    }
}

/// A client proposed for a group, with the companies they belong to.
pub struct Candidate<'a> {
    pub client_id: &'a str,
    pub company_ids: &'a [String],
}

/// The company a group channel belongs to: the one all members share, or the
/// requested one when they share several. Anything else is refused, because a
/// group must never let clients of different companies see each other.
pub fn group_company(members: &[Candidate<'_>], requested: Option<&str>) -> Result<String> {
    let distinct: BTreeSet<&str> = members.iter().map(|m| m.client_id).collect();
    if distinct.len() < 2 {
        return Err(Error::invalid(
            "a group channel needs at least two different clients; use an individual channel for one",
        ));
    }
    let mut shared: BTreeSet<&str> = members[0].company_ids.iter().map(String::as_str).collect();
    for member in &members[1..] {
        let theirs: BTreeSet<&str> = member.company_ids.iter().map(String::as_str).collect();
        shared = shared.intersection(&theirs).copied().collect();
    }
    match requested {
        Some(company) if shared.contains(company) => Ok(company.to_string()),
        Some(company) => Err(Error::invalid(format!(
            "every member of a group channel must belong to company {company}"
        ))),
        None => match shared.len() {
            0 => Err(Error::invalid(
                "the clients of a group channel must all belong to the same company; these do not share one",
            )),
            1 => Ok(shared.into_iter().next().unwrap_or_default().to_string()),
            _ => Err(Error::invalid(
                "these clients share several companies; say which one with companyId",
            )),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(values: &[&str]) -> Vec<String> {
        values.iter().map(|v| v.to_string()).collect()
    }

    #[test]
    fn a_group_belongs_to_the_one_company_its_members_share() {
        let (a, b) = (ids(&["acme", "solo-a"]), ids(&["acme"]));
        let members = [
            Candidate {
                client_id: "ann",
                company_ids: &a,
            },
            Candidate {
                client_id: "bob",
                company_ids: &b,
            },
        ];
        assert_eq!(group_company(&members, None).unwrap(), "acme");
    }

    #[test]
    fn clients_of_different_companies_cannot_share_a_group() {
        let (a, b) = (ids(&["acme"]), ids(&["globex"]));
        let members = [
            Candidate {
                client_id: "ann",
                company_ids: &a,
            },
            Candidate {
                client_id: "bob",
                company_ids: &b,
            },
        ];
        let err = group_company(&members, None).unwrap_err().to_string();
        assert!(err.contains("same company"), "{err}");
        assert!(group_company(&members, Some("acme")).is_err());
    }

    #[test]
    fn several_shared_companies_need_a_choice() {
        let a = ids(&["acme", "globex"]);
        let members = [
            Candidate {
                client_id: "ann",
                company_ids: &a,
            },
            Candidate {
                client_id: "bob",
                company_ids: &a,
            },
        ];
        assert!(group_company(&members, None)
            .unwrap_err()
            .to_string()
            .contains("companyId"));
        assert_eq!(group_company(&members, Some("globex")).unwrap(), "globex");
    }

    #[test]
    fn a_group_of_one_is_refused() {
        let a = ids(&["acme"]);
        let members = [
            Candidate {
                client_id: "ann",
                company_ids: &a,
            },
            Candidate {
                client_id: "ann",
                company_ids: &a,
            },
        ];
        assert!(group_company(&members, None).is_err());
    }
}
