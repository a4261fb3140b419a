use super::Conn;
use crate::authz::{channel_visible, every_visible_channel, Scope};
use crate::domain::channel::MembershipType;
use crate::error::Result;

/// Messages from others after the viewer's read marker, of those the
/// viewer (whose scope kind is `$kind`) may see.
macro_rules! unread_count {
    ($viewer:literal, $kind:literal) => {
        concat!(
            "(SELECT COUNT(*) FROM messages um WHERE um.channel_id = c.id AND um.deleted_at IS NULL ",
            "AND um.sender_id <> ", $viewer, " AND ", crate::authz::note_visible!("um", $kind),
            " AND um.seq > COALESCE((SELECT r.last_read_seq FROM read_states r ",
            "WHERE r.channel_id = c.id AND r.user_id = ", $viewer, "), 0)) AS unread_count"
        )
    };
}

/// A channel's columns; its last-message date as a viewer whose scope kind
/// is `$kind` sees it (clients: not moved by notes).
macro_rules! columns {
    ($kind:literal) => {
        concat!(
            "c.seq, c.id, c.membership_type, c.client_id, c.company_id, CASE WHEN ",
            $kind,
            " = 'client' THEN c.last_public_message_at ELSE c.last_message_at END AS last_message_at, ",
            "c.created_at, c.updated_at, c.assignee_id, c.state, c.snoozed_until, c.awaiting_reply_since"
        )
    };
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ChannelRow {
    pub seq: i64,
    pub id: String,
    #[sqlx(try_from = "String")]
    pub membership_type: MembershipType,
    pub client_id: Option<String>,
    pub company_id: Option<String>,
    pub last_message_at: Option<i64>,
    pub created_at: i64,
    pub updated_at: i64,
    /// The staff's handling (`domain::conversation`), never shown to clients.
    pub assignee_id: Option<String>,
    pub state: String,
    pub snoozed_until: Option<i64>,
    pub awaiting_reply_since: Option<i64>,
    pub unread_count: i64,
}

pub struct NewChannel<'a> {
    pub id: &'a str,
    pub membership_type: MembershipType,
    pub client_id: Option<&'a str>,
    pub company_id: Option<&'a str>,
    pub member_ids: &'a [String],
    pub now: i64,
}

pub async fn insert(conn: &mut Conn, channel: &NewChannel<'_>) -> Result<()> {
    sqlx::query(
        "INSERT INTO channels (id, membership_type, client_id, company_id, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $5)",
    )
    .bind(channel.id)
    .bind(channel.membership_type.as_str())
    .bind(channel.client_id)
    .bind(channel.company_id)
    .bind(channel.now)
    .execute(&mut *conn)
    .await?;
    for member in channel.member_ids {
        sqlx::query("INSERT INTO channel_members (channel_id, client_id) VALUES ($1, $2)")
            .bind(channel.id)
            .bind(member)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

/// The id of a channel if the scope may see it. Unlike `get_visible` it does
/// not count the viewer's unread messages, so its cost does not grow with
/// the channel: sending and reading messages only need to know it is visible.
pub async fn visible(conn: &mut Conn, scope: &Scope, id: &str) -> Result<Option<String>> {
    let (kind, subject) = scope.params();
    let row: Option<(String,)> = sqlx::query_as(concat!(
        "SELECT c.id FROM channels c WHERE ",
        channel_visible!("$1", "$2"),
        " AND c.id = $3"
    ))
    .bind(kind)
    .bind(subject)
    .bind(id)
    .fetch_optional(conn)
    .await?;
    Ok(row.map(|(id,)| id))
}

/// The rule of `visible` for many scopes and channels at once: of the
/// rows `(i, kind, subject, id)` of a table `w` the caller defines, the `i`
/// and channel of each whose scope may see the channel.
pub(super) const VISIBLE_TO_ASKING: &str = concat!(
    "SELECT w.i, c.id FROM w JOIN channels c ON c.id = w.id WHERE ",
    channel_visible!("w.kind", "w.subject")
);

/// A channel the scope may see, with the viewer's unread count.
pub async fn get_visible(
    conn: &mut Conn,
    scope: &Scope,
    viewer_id: &str,
    id: &str,
) -> Result<Option<ChannelRow>> {
    let (kind, subject) = scope.params();
    Ok(sqlx::query_as(concat!(
        "SELECT ",
        columns!("$1"),
        ", ",
        unread_count!("$3", "$1"),
        " FROM channels c WHERE ",
        channel_visible!("$1", "$2"),
        " AND c.id = $4"
    ))
    .bind(kind)
    .bind(subject)
    .bind(viewer_id)
    .bind(id)
    .fetch_optional(conn)
    .await?)
}

pub struct ChannelFilter<'a> {
    pub membership_type: Option<MembershipType>,
    /// Only the individual channel of this client.
    pub client_id: Option<&'a str>,
    /// Only channels this member (client or internal user) can see.
    pub member: Option<Scope>,
}

pub async fn list(
    conn: &mut Conn,
    scope: &Scope,
    viewer_id: &str,
    filter: &ChannelFilter<'_>,
    after: i64,
    limit: u32,
) -> Result<Vec<ChannelRow>> {
    let (kind, subject) = scope.params();
    let (member_kind, member_subject) = filter
        .member
        .as_ref()
        .map(Scope::params)
        .unwrap_or(("none", ""));
    Ok(sqlx::query_as(concat!(
        "SELECT ",
        columns!("$1"),
        ", ",
        unread_count!("$5", "$1"),
        " FROM channels c WHERE ",
        channel_visible!("$1", "$2"),
        " AND ($3 = 'none' OR ",
        channel_visible!("$3", "$4"),
        ")",
        " AND ($6 IS NULL OR c.membership_type = $6)",
        " AND ($7 IS NULL OR (c.membership_type = 'individual' AND c.client_id = $7))",
        " AND c.seq > $8 ORDER BY c.seq LIMIT $9"
    ))
    .bind(kind)
    .bind(subject)
    .bind(member_kind)
    .bind(member_subject)
    .bind(viewer_id)
    .bind(filter.membership_type.map(MembershipType::as_str))
    .bind(filter.client_id)
    .bind(after)
    .bind(i64::from(limit) + 1)
    .fetch_all(conn)
    .await?)
}

/// The clients who are members now: the one client, the listed group, or
/// everyone in the company.
pub async fn member_ids(conn: &mut Conn, channel: &ChannelRow) -> Result<Vec<String>> {
    match channel.membership_type {
        MembershipType::Individual => Ok(channel.client_id.iter().cloned().collect()),
        MembershipType::Group => {
            let rows: Vec<(String,)> = sqlx::query_as(
                "SELECT m.client_id FROM channel_members m JOIN clients cl ON cl.id = m.client_id \
                 WHERE m.channel_id = $1 ORDER BY cl.seq",
            )
            .bind(&channel.id)
            .fetch_all(conn)
            .await?;
            Ok(rows.into_iter().map(|(id,)| id).collect())
        }
        MembershipType::Company => match &channel.company_id {
            Some(company_id) => super::companies::client_ids(conn, company_id).await,
            None => Ok(Vec::new()),
        },
    }
}

/// The id of the individual channel of a client, or of the company channel of
/// a company, if it exists.
pub async fn find_id(
    conn: &mut Conn,
    membership_type: MembershipType,
    owner_id: &str,
) -> Result<Option<String>> {
    let column = match membership_type {
        MembershipType::Individual => "client_id",
        MembershipType::Group | MembershipType::Company => "company_id",
    };
    let sql = format!("SELECT id FROM channels WHERE membership_type = $1 AND {column} = $2");
    let row: Option<(String,)> = sqlx::query_as(&sql)
        .bind(membership_type.as_str())
        .bind(owner_id)
        .fetch_optional(conn)
        .await?;
    Ok(row.map(|(id,)| id))
}

/// Who wrote a message, as it moves its channel.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Writer {
    /// A client: the conversation opens again and waits for an answer.
    Client,
    /// Staff, to everyone: the client has their answer.
    Staff,
    /// Staff, a note: only the date the staff see moves.
    Note,
}

/// A message arrived at `last_message_at`.
pub async fn touch(conn: &mut Conn, id: &str, last_message_at: i64, writer: Writer) -> Result<()> {
    let sql = match writer {
        Writer::Note => "UPDATE channels SET last_message_at = $1 WHERE id = $2",
        Writer::Staff => {
            "UPDATE channels SET last_message_at = $1, last_public_message_at = $1, updated_at = $1, \
             awaiting_reply_since = NULL WHERE id = $2"
        }
        Writer::Client => {
            "UPDATE channels SET last_message_at = $1, last_public_message_at = $1, updated_at = $1, \
             state = 'open', snoozed_until = NULL, \
             awaiting_reply_since = COALESCE(awaiting_reply_since, $1) WHERE id = $2"
        }
    };
    sqlx::query(sql)
        .bind(last_message_at)
        .bind(id)
        .execute(conn)
        .await?;
    Ok(())
}

/// Sets how the staff handle a conversation.
pub async fn set_handling(
    conn: &mut Conn,
    id: &str,
    assignee_id: Option<&str>,
    state: &str,
    snoozed_until: Option<i64>,
) -> Result<()> {
    sqlx::query(
        "UPDATE channels SET assignee_id = $1, state = $2, snoozed_until = $3 WHERE id = $4",
    )
    .bind(assignee_id)
    .bind(state)
    .bind(snoozed_until)
    .bind(id)
    .execute(conn)
    .await?;
    Ok(())
}

/// Whether a snooze has ended by `now` (a read, so that most checks take
/// no write lock).
pub async fn any_snooze_ended(conn: &mut Conn, now: i64) -> Result<bool> {
    let row: Option<(i64,)> =
        sqlx::query_as("SELECT 1 FROM channels WHERE snoozed_until <= $1 LIMIT 1")
            .bind(now)
            .fetch_optional(conn)
            .await?;
    Ok(row.is_some())
}

/// Opens again the conversations whose snooze ended by `now`; their ids.
pub async fn wake_snoozed(conn: &mut Conn, now: i64) -> Result<Vec<String>> {
    let rows: Vec<(String,)> = sqlx::query_as(
        "UPDATE channels SET state = 'open', snoozed_until = NULL \
         WHERE snoozed_until <= $1 RETURNING id",
    )
    .bind(now)
    .fetch_all(conn)
    .await?;
    Ok(rows.into_iter().map(|(id,)| id).collect())
}

/// Someone leaving the team owns nothing any more.
pub async fn unassign(conn: &mut Conn, user_id: &str) -> Result<()> {
    sqlx::query("UPDATE channels SET assignee_id = NULL WHERE assignee_id = $1")
        .bind(user_id)
        .execute(conn)
        .await?;
    Ok(())
}

pub async fn delete(conn: &mut Conn, id: &str) -> Result<()> {
    sqlx::query("DELETE FROM channels WHERE id = $1")
        .bind(id)
        .execute(conn)
        .await?;
    Ok(())
}

/// A channel by id, as everyone who sees it may see it (unread count 0).
pub async fn get(conn: &mut Conn, id: &str) -> Result<Option<ChannelRow>> {
    Ok(sqlx::query_as(concat!(
        "SELECT ",
        columns!("'client'"),
        ", 0 AS unread_count FROM channels c WHERE c.id = $1"
    ))
    .bind(id)
    .fetch_optional(conn)
    .await?)
}

/// Every channel a scope may see (`authz::every_visible_channel`). A
/// client's are also every channel whose audience depends on that client.
pub async fn visible_ids(conn: &mut Conn, scope: &Scope) -> Result<Vec<String>> {
    let rows: Vec<(String,)> = match every_visible_channel(scope) {
        None => {
            sqlx::query_as("SELECT id FROM channels")
                .fetch_all(conn)
                .await?
        }
        Some((sql, subject)) => sqlx::query_as(sql).bind(subject).fetch_all(conn).await?,
    };
    Ok(rows.into_iter().map(|(id,)| id).collect())
}

/// The channels whose audience depends on a client: exactly those the
/// client sees (their individual channel, their groups, their companies').
pub async fn ids_involving_client(conn: &mut Conn, client_id: &str) -> Result<Vec<String>> {
    visible_ids(conn, &Scope::Client(client_id.to_string())).await
}

/// The company and group channels of a company.
pub async fn ids_of_company(conn: &mut Conn, company_id: &str) -> Result<Vec<String>> {
    let rows: Vec<(String,)> = sqlx::query_as("SELECT id FROM channels WHERE company_id = $1")
        .bind(company_id)
        .fetch_all(conn)
        .await?;
    Ok(rows.into_iter().map(|(id,)| id).collect())
}

/// A channel's newest message from a client, with how many of its clients'
/// messages the viewer has not read.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ClientActivityRow {
    pub channel_id: String,
    pub unread_count: i64,
    pub message_id: String,
    pub sender_id: String,
    pub text: String,
    pub created_at: i64,
}

/// The channels a scope may see where clients have written, the most
/// recently written to first.
pub async fn client_activity(
    conn: &mut Conn,
    scope: &Scope,
    viewer_id: &str,
    limit: u32,
) -> Result<Vec<ClientActivityRow>> {
    let (kind, subject) = scope.params();
    Ok(sqlx::query_as(concat!(
        "SELECT c.id AS channel_id, lm.id AS message_id, lm.sender_id, lm.text, lm.created_at, ",
        "(SELECT COUNT(*) FROM messages um WHERE um.channel_id = c.id AND um.deleted_at IS NULL ",
        "AND um.sender_type = 'client' AND um.seq > COALESCE((SELECT r.last_read_seq FROM read_states r ",
        "WHERE r.channel_id = c.id AND r.user_id = $3), 0)) AS unread_count ",
        "FROM channels c JOIN messages lm ON lm.seq = (SELECT MAX(m2.seq) FROM messages m2 ",
        "WHERE m2.channel_id = c.id AND m2.sender_type = 'client' AND m2.deleted_at IS NULL) ",
        "WHERE ",
        channel_visible!("$1", "$2"),
        " ORDER BY lm.seq DESC LIMIT $4"
    ))
    .bind(kind)
    .bind(subject)
    .bind(viewer_id)
    .bind(i64::from(limit))
    .fetch_all(conn)
    .await?)
}
