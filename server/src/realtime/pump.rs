//! The pump: reads the event log in `seq` order and publishes to the hub.
//! Woken after local commits; it also looks every quarter second, which is
//! how events written by other server processes sharing the database arrive.

use std::sync::Arc;
use std::time::Duration;

use serde_json::value::RawValue;

use super::hub::{ChannelAudience, Event, Hub};
use crate::domain::event::EventKind;
use crate::error::Result;
use crate::storage::events::EventRow;
use crate::storage::{self, Store};

const BATCH: u32 = 1000;
const POLL: Duration = Duration::from_millis(250);

pub async fn run(store: Store, hub: Arc<Hub>) {
    loop {
        if let Err(err) = drain(&store, &hub).await {
            tracing::warn!(error = %err, "reading the event log failed; retrying");
            tokio::time::sleep(Duration::from_secs(1)).await;
        }
        tokio::select! {
            _ = hub.wake.notified() => {}
            _ = tokio::time::sleep(POLL) => {}
        }
    }
}

async fn drain(store: &Store, hub: &Hub) -> Result<()> {
    let mut conn = store.reader().await?;
    loop {
        let rows = storage::events::range(&mut conn, hub.last_seq(), i64::MAX, BATCH).await?;
        let done = rows.len() < BATCH as usize;
        let any = !rows.is_empty();
        for row in rows {
            hub.publish(&to_event(row)?);
        }
        if any {
            hub.published.notify_waiters();
        }
        if done {
            return Ok(());
        }
    }
}

/// The wire frame of a logged event: `{type, cursor, data}`.
pub fn to_event(row: EventRow) -> Result<Event> {
    let kind = EventKind::from_stored(&row.kind);
    let data: &RawValue = serde_json::from_str(&row.payload).map_err(anyhow::Error::from)?;
    let frame = serde_json::to_string(&serde_json::json!({
        "type": row.kind,
        "cursor": row.seq.to_string(),
        "data": data,
    }))
    .map_err(anyhow::Error::from)?;
    let audience: Option<ChannelAudience> = match &row.audience {
        Some(json) => Some(serde_json::from_str(json).map_err(anyhow::Error::from)?),
        None => None,
    };
    let user_id = (kind == Some(EventKind::AccessChanged))
        .then(|| serde_json::from_str::<serde_json::Value>(&row.payload).ok())
        .flatten()
        .and_then(|v| v["userId"].as_str().map(str::to_string));
    Ok(Event {
        seq: row.seq,
        kind,
        channel_id: row.channel_id,
        audience,
        user_id,
        recipient_id: row.recipient_id,
        frame: frame.into(),
    })
}
