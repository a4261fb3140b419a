//! The pump: hands the event log to the hub in `seq` order, exactly once.
//!
//! Events come from three places. After a commit on this node, the pump
//! reads the log. With other nodes joined by NATS (`crate::cluster`), their
//! rows arrive from NATS; the pump also passes on what it read itself. And
//! every so often it reads the log anyway: that is how another node's
//! events arrive without NATS, and how a batch NATS lost is found.
//!
//! `seq` is handed out by one counter row whose lock orders writers by
//! commit, so the log has no holes and a node knows at once when a batch
//! from NATS does not follow what it has: it then reads the log instead.

use std::sync::Arc;

use serde_json::value::RawValue;

use super::hub::{ChannelAudience, Event, Hub};
use crate::cluster::{Cluster, PumpLink};
use crate::config::ClusterConfig;
use crate::domain::event::EventKind;
use crate::error::Result;
use crate::storage::events::EventRow;
use crate::storage::{self, Store};

const BATCH: u32 = 1000;

pub async fn run(store: Store, hub: Arc<Hub>, config: ClusterConfig, link: Option<PumpLink>) {
    // An interval, not a sleep renewed each turn: batches arriving over
    // NATS all the time must not put off reading the log.
    let mut poll = tokio::time::interval(config.log_check);
    poll.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let (cluster, mut from_others) = match link {
        Some(link) => (Some(link.cluster), Some(link.rows)),
        None => (None, None),
    };
    let mut read_log = true;
    loop {
        if read_log {
            if let Err(err) = drain(&store, &hub, cluster.as_deref()).await {
                tracing::warn!(error = %err, "reading the event log failed; retrying");
                tokio::time::sleep(std::time::Duration::from_secs(1)).await;
                continue;
            }
        }
        read_log = tokio::select! {
            _ = hub.wake.notified() => true,
            _ = poll.tick() => true,
            rows = next_rows(&mut from_others) => match rows {
                Some(rows) => !take(&hub, rows),
                None => {
                    from_others = None;
                    true
                }
            },
            _ = reconnected(cluster.as_deref()) => true,
        };
    }
}

async fn next_rows(
    from_others: &mut Option<tokio::sync::mpsc::Receiver<Vec<EventRow>>>,
) -> Option<Vec<EventRow>> {
    match from_others {
        Some(rows) => rows.recv().await,
        None => std::future::pending().await,
    }
}

async fn reconnected(cluster: Option<&Cluster>) {
    match cluster {
        Some(cluster) => cluster.reconnected.notified().await,
        None => std::future::pending().await,
    }
}

/// Publishes rows another node sent, if they follow what the hub has;
/// false when some are missing before them (the log has them).
fn take(hub: &Hub, rows: Vec<EventRow>) -> bool {
    let mut last = hub.last_seq();
    let mut any = false;
    for row in rows {
        if row.seq <= last {
            continue; // read from the log already, or sent twice
        }
        if row.seq != last + 1 {
            return false;
        }
        last = row.seq;
        crate::telemetry::metrics::event_published(row.created_at);
        match to_event(row) {
            Ok(event) => {
                hub.publish(&event);
                any = true;
            }
            Err(err) => {
                tracing::warn!(error = %err, "a row from another node did not read; reading the log");
                return false;
            }
        }
    }
    if any {
        hub.published.notify_waiters();
    }
    true
}

/// Reads the log from where the hub is up to now, and passes what it read
/// to the other nodes: it may be this node's own commits.
async fn drain(store: &Store, hub: &Hub, cluster: Option<&Cluster>) -> Result<()> {
    let mut conn = store.reader().await?;
    loop {
        let rows = storage::events::range(&mut conn, hub.last_seq(), i64::MAX, BATCH).await?;
        let done = rows.len() < BATCH as usize;
        let any = !rows.is_empty();
        if let (Some(cluster), true) = (cluster, any) {
            cluster.publish_rows(&rows);
        }
        for row in rows {
            crate::telemetry::metrics::event_published(row.created_at);
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
        among: crate::authz::Among::from_stored(row.among.as_deref()),
        frame: frame.into(),
    })
}
