//! Several nodes serving one workspace, joined by NATS (`--nats-url`).
//!
//! What one node's sockets must learn from another crosses over NATS:
//! - the rows of the event log, published by the pump of whichever node
//!   read them (`realtime::pump`), so the others need not poll the database;
//! - typing, and which conversation staff have open, which are never stored;
//! - presence: each change, and every few seconds the full list of who is
//!   connected to the node, so a node that stops is forgotten in time.
//!
//! NATS may lose messages (a reconnect, a slow node): the event log stays
//! the truth, and the pump reads from it whatever NATS did not bring in
//! order. Typing, viewing and presence are fleeting and need no such care.

use std::borrow::Cow;
use std::sync::Arc;
use std::time::Duration;

use async_nats::{Client, ConnectOptions, Event};
use futures_util::StreamExt;
use serde::{Deserialize, Serialize};
use tokio::sync::{mpsc, Notify};

use crate::authz::Among;
use crate::config::ClusterConfig;
use crate::realtime::hub::{typing_frame, viewing_frame, Hub, PresenceNote};
use crate::storage::events::EventRow;

/// Batches of rows queued between NATS and the pump; when the pump falls
/// this far behind, later batches are dropped and read from the log.
const PUMP_QUEUE: usize = 1024;
/// Messages queued for NATS. While NATS is unreachable the client stops
/// taking them; once this many wait, later ones are dropped rather than
/// hold up the pump or a socket (the others read events from the log).
const OUTBOX: usize = 4096;

pub struct Cluster {
    client: Client,
    outbox: mpsc::Sender<(String, bytes::Bytes)>,
    /// This node's name among the others, new at every start.
    node: String,
    prefix: String,
    /// Woken when NATS is reachable again after an outage: what was
    /// published meanwhile is lost and must be read from the log.
    pub reconnected: Arc<Notify>,
}

/// One message between nodes.
#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Envelope {
    node: String,
    #[serde(flatten)]
    message: Message<'static>,
}

#[derive(Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "camelCase")]
enum Message<'a> {
    /// Borrowed when sent (the pump's batch is not copied), owned when received.
    Events {
        rows: Cow<'a, [EventRow]>,
    },
    Typing {
        channel_id: String,
        user_id: String,
    },
    Viewing {
        channel_id: String,
        user_id: String,
        viewing: bool,
    },
    Presence {
        note: PresenceNote,
    },
    Roster {
        notes: Vec<PresenceNote>,
    },
}

impl Message<'_> {
    fn subject(&self) -> &'static str {
        match self {
            Message::Events { .. } => "events",
            Message::Typing { .. } => "typing",
            Message::Viewing { .. } => "viewing",
            Message::Presence { .. } | Message::Roster { .. } => "presence",
        }
    }
}

/// What the pump receives from the other nodes.
pub struct PumpLink {
    pub cluster: Arc<Cluster>,
    pub rows: mpsc::Receiver<Vec<EventRow>>,
}

impl Cluster {
    /// Connects to NATS, in the background if it is not reachable yet: the
    /// node serves meanwhile and reads other nodes' events from the log.
    pub async fn connect(config: &ClusterConfig) -> anyhow::Result<Option<Arc<Cluster>>> {
        let Some(url) = &config.nats_url else {
            return Ok(None);
        };
        let servers: Vec<&str> = url.split(',').map(str::trim).collect();
        let node = uuid::Uuid::new_v4().simple().to_string()[..12].to_string();
        let reconnected = Arc::new(Notify::new());
        let told = reconnected.clone();
        let client = ConnectOptions::new()
            .name(format!("parlor {node}"))
            // A node reads its own events from its own pump.
            .no_echo()
            .retry_on_initial_connect()
            .max_reconnects(None)
            .event_callback(move |event| {
                let told = told.clone();
                async move {
                    match event {
                        Event::Connected => {
                            tracing::info!("connected to NATS");
                            told.notify_one();
                        }
                        Event::Disconnected => tracing::warn!(
                            "lost NATS; other nodes' events are read from the database until it is back"
                        ),
                        other => tracing::info!(event = %other, "NATS"),
                    }
                }
            })
            .connect(servers)
            .await
            .map_err(|err| anyhow::anyhow!("--nats-url {url}: {err}"))?;
        let (outbox, queued) = mpsc::channel(OUTBOX);
        tokio::spawn(forward(client.clone(), queued));
        Ok(Some(Arc::new(Cluster {
            client,
            outbox,
            node,
            prefix: config.subject_prefix.clone(),
            reconnected,
        })))
    }

    /// Whether NATS answers (for `/readyz`).
    pub async fn check(&self) -> Result<(), String> {
        if self.client.connection_state() != async_nats::connection::State::Connected {
            return Err("not connected".into());
        }
        self.client.flush().await.map_err(|err| err.to_string())
    }

    /// Passes rows of the event log on to the other nodes, in batches NATS takes.
    pub fn publish_rows(&self, rows: &[EventRow]) {
        let most = (self.client.max_payload() / 2).max(1024);
        let mut start = 0;
        while start < rows.len() {
            let mut end = rows.len();
            loop {
                let message = Message::Events {
                    rows: Cow::Borrowed(&rows[start..end]),
                };
                match self.encode(&message) {
                    // Halved until it fits; one row always fits (messages
                    // are far smaller than NATS's smallest payload limit).
                    Some(bytes) if bytes.len() > most && end - start > 1 => {
                        end = start + (end - start) / 2;
                    }
                    Some(bytes) => {
                        self.send(&message, bytes);
                        break;
                    }
                    None => break,
                }
            }
            start = end;
        }
    }

    /// Tells the other nodes that nobody is connected here any more, and
    /// waits (briefly) until NATS has it: the node is stopping.
    pub async fn leave(&self) {
        let message = Message::Roster { notes: Vec::new() };
        let Some(bytes) = self.encode(&message) else {
            return;
        };
        let sent = async {
            self.client
                .publish(self.subject(&message), bytes)
                .await
                .ok()?;
            self.client.flush().await.ok()
        };
        if tokio::time::timeout(Duration::from_secs(2), sent)
            .await
            .is_err()
        {
            tracing::debug!("could not tell the other nodes this one is leaving");
        }
    }

    /// Tells the other nodes' sockets that someone is typing.
    pub fn typing(&self, channel_id: &str, user_id: &str) {
        let message = Message::Typing {
            channel_id: channel_id.to_string(),
            user_id: user_id.to_string(),
        };
        if let Some(bytes) = self.encode(&message) {
            self.send(&message, bytes);
        }
    }

    /// Tells the other nodes' staff sockets that a colleague opened a
    /// conversation or left it.
    pub fn viewing(&self, channel_id: &str, user_id: &str, viewing: bool) {
        let message = Message::Viewing {
            channel_id: channel_id.to_string(),
            user_id: user_id.to_string(),
            viewing,
        };
        if let Some(bytes) = self.encode(&message) {
            self.send(&message, bytes);
        }
    }

    fn encode(&self, message: &Message<'_>) -> Option<bytes::Bytes> {
        #[derive(Serialize)]
        struct Borrowed<'a> {
            node: &'a str,
            #[serde(flatten)]
            message: &'a Message<'a>,
        }
        match serde_json::to_vec(&Borrowed {
            node: &self.node,
            message,
        }) {
            Ok(bytes) => Some(bytes.into()),
            Err(err) => {
                tracing::error!(error = %err, "could not encode a message for the other nodes");
                None
            }
        }
    }

    fn subject(&self, message: &Message<'_>) -> String {
        format!("{}.{}", self.prefix, message.subject())
    }

    fn send(&self, message: &Message<'_>, bytes: bytes::Bytes) {
        if self
            .outbox
            .try_send((self.subject(message), bytes))
            .is_err()
        {
            // The others read the log if this was an event; typing and
            // presence are fleeting.
            tracing::debug!("NATS is not taking messages; dropping one");
        }
    }

    /// Subscribes to the other nodes and starts passing what they say to
    /// the hub (typing, presence) and to the pump (events); the pump's end.
    pub async fn join(
        self: &Arc<Self>,
        hub: Arc<Hub>,
        config: &ClusterConfig,
    ) -> anyhow::Result<(PumpLink, Vec<tokio::task::JoinHandle<()>>)> {
        let subscriber = self
            .client
            .subscribe(format!("{}.*", self.prefix))
            .await
            .map_err(|err| anyhow::anyhow!("subscribing to NATS: {err}"))?;
        let (rows_in, rows) = mpsc::channel(PUMP_QUEUE);
        let (notes_in, notes) = mpsc::unbounded_channel();
        hub.send_presence_to(notes_in);
        let tasks = vec![
            tokio::spawn(listen(self.clone(), subscriber, hub.clone(), rows_in)),
            tokio::spawn(tell(
                self.clone(),
                hub,
                notes,
                config.presence_every,
                config.node_gone_after,
            )),
        ];
        Ok((
            PumpLink {
                cluster: self.clone(),
                rows,
            },
            tasks,
        ))
    }
}

/// Passes what the other nodes say to this node's hub and pump.
async fn listen(
    cluster: Arc<Cluster>,
    mut subscriber: async_nats::Subscriber,
    hub: Arc<Hub>,
    rows: mpsc::Sender<Vec<EventRow>>,
) {
    while let Some(received) = subscriber.next().await {
        let envelope: Envelope = match serde_json::from_slice(&received.payload) {
            Ok(envelope) => envelope,
            Err(err) => {
                tracing::warn!(subject = %received.subject, error = %err, "ignoring a NATS message this node does not understand");
                continue;
            }
        };
        if envelope.node == cluster.node {
            continue;
        }
        match envelope.message {
            Message::Events { rows: batch } => {
                let batch = batch.into_owned();
                // A full queue: the pump is behind and reads the log anyway.
                if rows.try_send(batch).is_err() {
                    hub.notify();
                }
            }
            // Made here, as the socket makes it: what arrives names a
            // channel and a person, never the frame itself.
            Message::Typing {
                channel_id,
                user_id,
            } => hub.broadcast(
                &channel_id,
                typing_frame(&channel_id, &user_id),
                &user_id,
                Among::Everyone,
            ),
            Message::Viewing {
                channel_id,
                user_id,
                viewing,
            } => hub.broadcast(
                &channel_id,
                viewing_frame(&channel_id, &user_id, viewing),
                &user_id,
                Among::Staff,
            ),
            Message::Presence { note } => hub.remote_presence(&envelope.node, note),
            Message::Roster { notes } => hub.remote_roster(&envelope.node, notes),
        }
    }
}

/// Tells the other nodes of this node's presence changes, and who is
/// connected to it every `every`; forgets nodes silent for `gone_after`.
async fn tell(
    cluster: Arc<Cluster>,
    hub: Arc<Hub>,
    mut notes: mpsc::UnboundedReceiver<PresenceNote>,
    every: Duration,
    gone_after: Duration,
) {
    let mut tick = tokio::time::interval(every);
    loop {
        let message = tokio::select! {
            note = notes.recv() => match note {
                Some(note) => Message::Presence { note },
                None => return,
            },
            _ = tick.tick() => {
                hub.forget_silent_nodes(gone_after);
                Message::Roster { notes: hub.roster() }
            }
        };
        if let Some(bytes) = cluster.encode(&message) {
            cluster.send(&message, bytes);
        }
    }
}

/// Hands queued messages to the NATS client, waiting while it cannot take them.
async fn forward(client: Client, mut queued: mpsc::Receiver<(String, bytes::Bytes)>) {
    while let Some((subject, bytes)) = queued.recv().await {
        if let Err(err) = client.publish(subject, bytes).await {
            tracing::debug!(error = %err, "publishing to NATS failed");
        }
    }
}
