//! Search over messages, behind one function: SQLite's FTS5 index or
//! PostgreSQL's GIN index (migration 0024), each asked in its own language
//! (`domain::search::Query`). Both search a message's text and its files,
//! among the messages the reader may read (the channel rule of
//! `authz::channels`, the note rule of `authz::notes`), newest first, so
//! that paging by `seq` is stable while messages keep arriving.

use super::messages::{MessageRow, COLUMNS};
use super::{Backend, Conn};
use crate::authz::{every_visible_channel, note_visible, Scope};
use crate::domain::search::{Query, HIT_END, HIT_START};
use crate::error::Result;

/// What narrows a search besides its words.
#[derive(Debug, Default, Clone)]
pub struct Filters {
    pub channel_id: Option<String>,
    /// Conversations this client is in.
    pub client_id: Option<String>,
    /// Conversations of this company: its own, and its clients' individual ones.
    pub company_id: Option<String>,
    pub sender_id: Option<String>,
    /// Sent at or after (ms).
    pub since: Option<i64>,
    /// Sent before (ms).
    pub until: Option<i64>,
    pub has_files: bool,
}

/// A message found, with the words around the hit (marked with
/// `HIT_START`/`HIT_END`).
#[derive(Debug, sqlx::FromRow)]
pub struct Hit {
    #[sqlx(flatten)]
    pub message: MessageRow,
    pub snippet: String,
}

/// Parameters in the order their `$n` were handed out.
enum Bind {
    Text(String),
    Int(i64),
}

#[derive(Default)]
struct Binds(Vec<Bind>);

impl Binds {
    fn text(&mut self, value: &str) -> String {
        self.0.push(Bind::Text(value.to_string()));
        format!("${}", self.0.len())
    }

    fn int(&mut self, value: i64) -> String {
        self.0.push(Bind::Int(value));
        format!("${}", self.0.len())
    }
}

/// Messages matching `query` that `reader` may read, newest first, below
/// `before` (a `seq`); `limit` of them.
#[allow(clippy::too_many_arguments)]
pub async fn messages(
    conn: &mut Conn,
    backend: Backend,
    reader: &Scope,
    query: &Query,
    filters: &Filters,
    before: i64,
    limit: u32,
) -> Result<Vec<Hit>> {
    let mut binds = Binds::default();
    // `every_visible_channel` names the scope's subject `$1`; the note rule
    // reads its kind from `$2`.
    let (kind, subject) = reader.params();
    binds.text(subject);
    binds.text(kind);
    let columns: Vec<String> = COLUMNS
        .split(',')
        .map(|c| format!("m.{}", c.trim()))
        .collect();
    let (select, from, matches, order) = match backend {
        Backend::Sqlite => (
            format!(
                "{}, snippet(message_search, -1, char(2), char(3), '…', 20) AS snippet",
                columns.join(", ")
            ),
            "message_search s JOIN messages m ON m.seq = s.rowid".to_string(),
            format!("message_search MATCH {}", binds.text(&query.to_fts5())),
            "s.rowid DESC",
        ),
        Backend::Postgres => {
            let tsquery = format!("to_tsquery('simple', {})", binds.text(&query.to_tsquery()));
            let options = binds.text(&format!(
                "StartSel=\"{HIT_START}\", StopSel=\"{HIT_END}\", MaxWords=30, MinWords=12, \
                 ShortWord=1, MaxFragments=1, FragmentDelimiter=\" … \""
            ));
            (
                format!(
                    "{}, CASE WHEN to_tsvector('simple', regexp_replace(m.text, '[[:punct:]]+', ' ', 'g')) @@ {tsquery} \
                     THEN ts_headline('simple', m.text, {tsquery}, {options}) \
                     ELSE ts_headline('simple', left(m.files_text, 20000), {tsquery}, {options}) \
                     END AS snippet",
                    columns.join(", ")
                ),
                "messages m".to_string(),
                format!("m.search @@ {tsquery}"),
                "m.seq DESC",
            )
        }
    };
    let mut conditions = vec![
        matches,
        format!("m.seq < {}", binds.int(before)),
        "m.deleted_at IS NULL".to_string(),
        note_visible!("m", "$2").to_string(),
    ];
    if let Some((visible, _)) = every_visible_channel(reader) {
        match in_channels(conn, backend, &mut binds, reader).await? {
            Some(InChannels::Listed(list)) => conditions.push(format!("m.channel_id IN ({list})")),
            Some(InChannels::None) => return Ok(Vec::new()),
            None => conditions.push(format!("m.channel_id IN ({visible})")),
        }
    }
    if let Some(channel) = &filters.channel_id {
        conditions.push(format!("m.channel_id = {}", binds.text(channel)));
    }
    if let Some(client) = &filters.client_id {
        let theirs = Scope::Client(client.clone());
        match in_channels(conn, backend, &mut binds, &theirs).await? {
            Some(InChannels::Listed(list)) => conditions.push(format!("m.channel_id IN ({list})")),
            Some(InChannels::None) => return Ok(Vec::new()),
            None => {
                let (sql, _) =
                    every_visible_channel(&theirs).expect("a client sees some channels, never all");
                let param = binds.text(client);
                conditions.push(format!("m.channel_id IN ({})", sql.replace("$1", &param)));
            }
        }
    }
    if let Some(company) = &filters.company_id {
        let param = binds.text(company);
        conditions.push(format!(
            "m.channel_id IN (SELECT c.id FROM channels c WHERE c.company_id = {param} \
             UNION SELECT c.id FROM channels c JOIN client_companies cc ON cc.client_id = c.client_id \
             WHERE c.membership_type = 'individual' AND cc.company_id = {param})"
        ));
    }
    if let Some(sender) = &filters.sender_id {
        conditions.push(format!("m.sender_id = {}", binds.text(sender)));
    }
    if let Some(since) = filters.since {
        conditions.push(format!("m.created_at >= {}", binds.int(since)));
    }
    if let Some(until) = filters.until {
        conditions.push(format!("m.created_at < {}", binds.int(until)));
    }
    if filters.has_files {
        conditions.push("EXISTS (SELECT 1 FROM attachments a WHERE a.message_id = m.id)".into());
    }
    let sql = format!(
        "SELECT {select} FROM {from} WHERE {} ORDER BY {order} LIMIT {}",
        conditions.join(" AND "),
        binds.int(i64::from(limit) + 1),
    );
    // Unnamed on PostgreSQL, so it is planned with the values bound
    // (`in_channels`); SQLite keeps its prepared statement.
    let mut statement = sqlx::query_as::<_, Hit>(&sql).persistent(backend == Backend::Sqlite);
    for bind in binds.0 {
        statement = match bind {
            Bind::Text(value) => statement.bind(value),
            Bind::Int(value) => statement.bind(value),
        };
    }
    Ok(statement.fetch_all(conn).await?)
}

/// Stores the text read out of an uploaded file (before it is sent).
/// The channels a scope sees, as PostgreSQL is best asked about them.
enum InChannels {
    /// Placeholders bound to each channel's id.
    Listed(String),
    /// It sees none: nothing can be found.
    None,
}

/// Most channels one scope sees that are listed by id; beyond, the query
/// that finds them is used instead.
const MOST_LISTED: usize = 5_000;

/// On PostgreSQL, the channels `scope` sees, listed by id (`None` on
/// SQLite, or for a scope seeing more than `MOST_LISTED`: the caller puts
/// the query that finds them into the statement instead). With the ids
/// themselves, PostgreSQL's statistics say how many messages those
/// channels hold: a common word in a client's busy company channel is
/// then found by walking newest first and stopping at a page, where with
/// the query it sorted every match of the word (docs/performance.md).
async fn in_channels(
    conn: &mut Conn,
    backend: Backend,
    binds: &mut Binds,
    scope: &Scope,
) -> Result<Option<InChannels>> {
    if backend != Backend::Postgres {
        return Ok(None);
    }
    let ids = super::channels::visible_ids(conn, scope).await?;
    if ids.len() > MOST_LISTED {
        return Ok(None);
    }
    if ids.is_empty() {
        return Ok(Some(InChannels::None));
    }
    let placeholders: Vec<String> = ids.iter().map(|id| binds.text(id)).collect();
    Ok(Some(InChannels::Listed(placeholders.join(", "))))
}

pub async fn set_file_text(conn: &mut Conn, attachment_id: &str, text: &str) -> Result<()> {
    sqlx::query("UPDATE attachments SET text = $1 WHERE id = $2")
        .bind(text)
        .bind(attachment_id)
        .execute(conn)
        .await?;
    Ok(())
}
