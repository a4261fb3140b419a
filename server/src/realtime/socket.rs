//! One realtime socket: authenticate, replay from the cursor, then go live,
//! with typing, presence and keep-alive pings.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use axum::extract::ws::{CloseFrame, Message, WebSocket, WebSocketUpgrade};
use axum::extract::State;
use axum::http::{HeaderMap, Method};
use axum::response::Response;
use futures_util::{SinkExt, StreamExt};
use serde::Deserialize;
use utoipa::IntoParams;

use std::num::NonZeroU32;

use governor::{DefaultDirectRateLimiter, Quota, RateLimiter};

use super::hub::{Frame, Presence, Refusal, Subscription};
use super::pump::to_event;
use crate::auth::extract::{authenticate, same_origin};
use crate::auth::tokens::RealtimeToken;
use crate::auth::{Actor, Credential, StoredCredential};
use crate::authz::{self, Among, Viewer};
use crate::error::{Error, Result};
use crate::http::extract::Query;
use crate::service::{sessions, Context};
use crate::storage::{self, now_ms};

const TYPING_EVERY: Duration = Duration::from_secs(2);
/// How long a socket waits for this node to reach its cursor, or the log's end.
const CATCH_UP_LIMIT: Duration = Duration::from_secs(2);
const REPLAY_BATCH: u32 = 500;
/// Read buffer per socket; frames from clients (typing, presence, ping) are
/// tiny, and a bigger one is read into room made for it. tungstenite fills
/// the whole buffer with zeros before each read, so every idle socket keeps
/// all of it in memory (4 KiB took 2.5 KiB more per socket, 1 KiB 0.7 KiB
/// more than this: docs/performance.md, sections 14 and 19).
const READ_BUFFER: usize = 256;
/// Bytes of frames to a client that are written out together at most.
const WRITE_BUFFER: usize = 32 * 1024;
/// Close code telling the client to reconnect with its last cursor.
pub const CLOSE_RESUME: u16 = 4008;
/// Close code telling the client its credential has ended (signed out, new
/// password, revoked key, removed person): reconnecting needs a new one.
pub const CLOSE_CREDENTIAL_ENDED: u16 = 4001;
const CREDENTIAL_ENDED: &str = "your sign-in has ended; sign in again";

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RealtimeQuery {
    /// Resume after this cursor: every later event is replayed first.
    since: Option<String>,
    /// A token from `POST /v1/realtime/tokens`, for browsers.
    token: Option<String>,
}

/// Who is connecting, from a query token, an API key or a session cookie,
/// and the credential that must keep holding while the socket is open.
async fn connecting_actor(
    ctx: &Context,
    query: &RealtimeQuery,
    headers: &HeaderMap,
) -> Result<(Actor, StoredCredential)> {
    if let Some(token) = &query.token {
        let claims = RealtimeToken::verify(token, &ctx.config.secret_key, now_ms())
            .ok_or(Error::Unauthorized)?;
        let actor = sessions::actor_for_credential(ctx, &claims.credential)
            .await?
            .filter(|actor| actor.id() == claims.user_id)
            .ok_or(Error::Unauthorized)?;
        return Ok((actor, claims.credential));
    }
    let auth = authenticate(ctx, &Method::GET, headers).await?;
    if auth.credential == Credential::Session {
        // A cookie comes along with a WebSocket opened by any site; only
        // pages of this server may use it (cross-site WebSocket hijacking).
        same_origin(ctx, headers, false)?;
    }
    let credential = auth.stored();
    Ok((auth.actor, credential))
}

fn parse_cursor(raw: &str) -> Result<i64> {
    raw.parse::<i64>()
        .ok()
        .filter(|seq| *seq >= 0)
        .ok_or_else(|| Error::BadRequest("since is not a valid cursor".into()))
}

/// Opens the realtime socket.
#[utoipa::path(get, path = "/v1/realtime", tag = "realtime", params(RealtimeQuery),
    responses((status = 101, description = "Switching to the WebSocket protocol"),
              (status = "4XX", body = crate::error::ErrorBody)))]
pub async fn open(
    State(ctx): State<Context>,
    Query(query): Query<RealtimeQuery>,
    headers: HeaderMap,
    upgrade: WebSocketUpgrade,
) -> Result<Response> {
    if ctx.stopping.is_cancelled() {
        return Err(Error::AtCapacity(
            "this server is stopping; connect again to be served by another".into(),
        ));
    }
    let (actor, credential) = connecting_actor(&ctx, &query, &headers).await?;
    let since = query.since.as_deref().map(parse_cursor).transpose()?;
    // The hub catches up first: to the cursor of a socket resuming from a
    // node further along the log, or the cursor would look newer than the
    // log; and to the end of the log, so that a socket opened after a write
    // was answered starts after it instead of hearing of it as news (the
    // pump hands a commit to the hub just after the answer goes out).
    let log_end = storage::events::latest_seq(&mut *ctx.store.reader().await?).await?;
    ctx.hub
        .caught_up_to(since.unwrap_or(0).max(log_end), CATCH_UP_LIMIT)
        .await;
    let (viewer, channels, presence) = {
        let mut conn = ctx.store.reader().await?;
        (
            Viewer::load(&mut conn, &actor).await?,
            storage::channels::visible_ids(&mut conn, &authz::scope(&actor)).await?,
            authz::presence_audience(&mut conn, &actor).await?,
        )
    };
    let subscription = ctx
        .hub
        .subscribe(
            actor.id(),
            credential.clone(),
            viewer.clone(),
            channels.into_iter().collect(),
            presence,
        )
        .map_err(|refusal| match refusal {
            Refusal::UserFull(most) => Error::TooManyConnections(format!(
                "you already have {most} realtime connections open, the most one person may; close one (another tab or device) first"
            )),
            Refusal::ServerFull(most) => Error::AtCapacity(format!(
                "the server holds {most} realtime connections, as many as it takes; try again later"
            )),
        })?;
    let limits = &ctx.config.limits;
    let rate = NonZeroU32::new(limits.socket_frames_per_second).unwrap_or(NonZeroU32::MIN);
    let burst = NonZeroU32::new(limits.socket_frame_burst).unwrap_or(rate);
    // Boxed, and handed to axum as the task itself: whatever the upgrade's
    // closure captures stays in the socket's task for its whole life, once
    // in axum's future and again in each future it goes on into
    // (docs/performance.md, section 20).
    let session = Box::new(Session {
        frames: RateLimiter::direct(Quota::per_second(rate).allow_burst(burst)),
        told_to_slow_down: false,
        ctx,
        actor,
        credential,
        viewer,
        subscription,
        typing: HashMap::new(),
        viewing: None,
    });
    Ok(upgrade
        .max_message_size(64 * 1024)
        // Clients send small frames: tungstenite's default 128 KiB read
        // buffer per socket is memory that an idle socket never uses
        // (docs/performance.md). Frames to the client are written out when
        // the socket's queue is drained (`send_queued`), or once this many
        // bytes wait: a buffer grows only as far as a burst fills it.
        .read_buffer_size(READ_BUFFER)
        .write_buffer_size(WRITE_BUFFER)
        .on_upgrade(move |socket| session.run(socket, since)))
}

struct Session {
    ctx: Context,
    actor: Actor,
    credential: StoredCredential,
    viewer: Viewer,
    subscription: Subscription,
    typing: HashMap<String, Instant>,
    /// The conversation this staff socket has open, as it last said.
    viewing: Option<String>,
    /// What the client may send: every frame counts, presence and pings too.
    frames: DefaultDirectRateLimiter,
    /// Whether the client was told its frames are being dropped (once per flood).
    told_to_slow_down: bool,
}

type Sink = futures_util::stream::SplitSink<WebSocket, Message>;

#[derive(Debug, Deserialize)]
#[serde(tag = "type", rename_all = "camelCase")]
enum ClientFrame {
    Typing {
        #[serde(rename = "channelId")]
        channel_id: String,
    },
    /// Staff only: the conversation now open on this socket's screen, or
    /// none. Said again every few seconds while it stays open.
    Viewing {
        #[serde(rename = "channelId", default)]
        channel_id: Option<String>,
    },
    Presence {
        status: PresenceStatus,
    },
    Ping,
}

/// What a client may say of itself (offline is said by leaving).
#[derive(Debug, Deserialize, Clone, Copy)]
#[serde(rename_all = "camelCase")]
enum PresenceStatus {
    Online,
    Away,
}

impl From<PresenceStatus> for Presence {
    fn from(status: PresenceStatus) -> Presence {
        match status {
            PresenceStatus::Online => Presence::Online,
            PresenceStatus::Away => Presence::Away,
        }
    }
}

impl Session {
    async fn run(mut self: Box<Self>, socket: WebSocket, since: Option<i64>) {
        let (mut sink, mut stream) = socket.split();
        let send_timeout = self.ctx.config.realtime_send_timeout;
        // A reader that stops reading must not keep the socket in its
        // replay, where the live loop's timeouts and checks do not run yet.
        let replay_deadline = self.ctx.config.limits.socket_idle_timeout;
        let stopping = self.ctx.stopping.clone();
        let replayed = tokio::select! {
            // Boxed: its database calls would otherwise set the size of
            // this task for the socket's whole life, not just its replay.
            replayed = tokio::time::timeout(replay_deadline, Box::pin(self.replay(&mut sink, since))) => replayed,
            () = stopping.cancelled() => {
                close(&mut sink, CLOSE_RESUME, "this server is stopping; reconnect with your last cursor").await;
                return;
            }
        };
        match replayed {
            Ok(Ok(())) => {}
            Ok(Err(err)) => {
                tracing::debug!(error = %err, "realtime replay ended the socket");
                return;
            }
            Err(_) => {
                tracing::info!(
                    user = self.actor.id(),
                    "closing a socket too slow to take its replay"
                );
                return;
            }
        }
        if self.subscription.first_for_user {
            self.ctx
                .hub
                .announce(self.subscription.id, Presence::Online);
        }
        let limits = &self.ctx.config.limits;
        let (ping_every, idle_timeout) = (limits.socket_ping_every, limits.socket_idle_timeout);
        let mut ping = tokio::time::interval(ping_every);
        // Told by the server's credential check (`realtime::credentials`).
        let credential_ended = self.subscription.credential_ended.clone();
        let stopping = self.ctx.stopping.clone();
        let mut last_heard = Instant::now();
        loop {
            tokio::select! {
                () = stopping.cancelled() => {
                    close(&mut sink, CLOSE_RESUME, "this server is stopping; reconnect with your last cursor").await;
                    break;
                }
                () = credential_ended.notified() => {
                    close(&mut sink, CLOSE_CREDENTIAL_ENDED, CREDENTIAL_ENDED).await;
                    break;
                }
                frame = self.subscription.queue.recv_async() => {
                    // The hub drops a socket that fell behind; stop at once
                    // rather than drain what is left of its queue.
                    let Some(frame) = frame.ok().filter(|_| !self.subscription.queue.is_disconnected()) else {
                        // The hub also drops the sockets of someone whose
                        // access changed; if that was their removal, say so.
                        if Box::pin(self.credential_holds()).await {
                            close(&mut sink, CLOSE_RESUME, "you fell behind; reconnect with your last cursor").await;
                        } else {
                            close(&mut sink, CLOSE_CREDENTIAL_ENDED, CREDENTIAL_ENDED).await;
                        }
                        break;
                    };
                    let queue = &self.subscription.queue;
                    match tokio::time::timeout(send_timeout, send_queued(&mut sink, frame, queue)).await {
                        Ok(Ok(sent)) => crate::telemetry::metrics::frames_sent(sent),
                        Ok(Err(_)) => break,
                        Err(_) => {
                            tracing::info!(user = self.actor.id(), "closing a stalled realtime socket");
                            break;
                        }
                    }
                }
                incoming = stream.next() => {
                    last_heard = Instant::now();
                    match incoming {
                        // Boxed, as the replay is: what a client frame
                        // leads to (a broadcast, a lookup) would otherwise
                        // size the task of every idle socket.
                        Some(Ok(Message::Text(text))) => Box::pin(self.on_client_frame(&mut sink, &text)).await,
                        Some(Ok(Message::Close(_))) | None | Some(Err(_)) => break,
                        Some(Ok(_)) => {}
                    }
                }
                _ = ping.tick() => {
                    if last_heard.elapsed() > idle_timeout {
                        tracing::debug!(user = self.actor.id(), "realtime socket went quiet");
                        break;
                    }
                    if sink.send(Message::Ping(Default::default())).await.is_err() {
                        break;
                    }
                }
            }
        }
        // However the socket ended, its colleagues stop seeing it here.
        self.viewing(None);
    }

    /// Whether the credential the socket was opened with still acts as the
    /// same person, asked when the hub dropped the socket (through the
    /// batched lookups that requests use). A failed lookup counts as
    /// holding: the socket is told to resume, and reconnecting checks again.
    async fn credential_holds(&self) -> bool {
        match sessions::actor_for_credential(&self.ctx, &self.credential).await {
            Ok(found) => found.is_some_and(|actor| actor.id() == self.actor.id()),
            Err(err) => {
                tracing::warn!(error = %err, "checking a realtime socket's credential");
                true
            }
        }
    }

    /// Sends every event after `since` that this socket may see, up to where
    /// the hub took over; or `resync.required` if those are no longer kept.
    async fn replay(&mut self, sink: &mut Sink, since: Option<i64>) -> Result<()> {
        let live_after = self.subscription.live_after;
        if let Some(since) = since {
            let oldest = storage::events::oldest_seq(&mut *self.ctx.store.reader().await?).await?;
            // Further behind than the replay bound, reloading is cheaper for
            // both sides than streaming the log (and the bound keeps one
            // socket from holding a database connection for long).
            let resumable = since <= live_after
                && live_after - since <= self.ctx.config.limits.replay_max_events
                && (since == live_after || oldest.is_some_and(|oldest| since >= oldest - 1));
            if !resumable {
                let frame = serde_json::json!({ "type": "resync.required", "cursor": live_after.to_string(), "data": {} });
                self.send(sink, frame.to_string().into()).await?;
            } else {
                let mut after = since;
                loop {
                    // Each batch is read with a connection of its own, given
                    // back before the batch is sent: sending waits on the
                    // reader, and the pool is everyone's.
                    let rows = {
                        let mut conn = self.ctx.store.reader().await?;
                        storage::events::range(&mut conn, after, live_after, REPLAY_BATCH).await?
                    };
                    let done = rows.len() < REPLAY_BATCH as usize;
                    for row in rows {
                        after = row.seq;
                        let event = to_event(row)?;
                        let visible = match (&event.audience, &event.channel_id) {
                            _ if event.recipient_id.is_some() => {
                                event.recipient_id.as_deref() == Some(self.actor.id())
                            }
                            (Some(audience), _) => audience.reaches(&self.viewer),
                            (None, Some(channel)) => {
                                event.among.admits(&self.viewer)
                                    && self.ctx.hub.sees_channel(self.subscription.id, channel)
                            }
                            (None, None) => false,
                        };
                        if visible {
                            self.send(sink, event.frame).await?;
                        }
                    }
                    if done {
                        break;
                    }
                }
            }
        }
        let ready = serde_json::json!({
            "type": "ready",
            "cursor": live_after.to_string(),
            "data": { "userId": self.actor.id(), "online": self.ctx.hub.online_for(&self.viewer) },
        });
        self.send(sink, ready.to_string().into()).await
    }

    async fn on_client_frame(&mut self, sink: &mut Sink, text: &str) {
        if self.frames.check().is_err() {
            if !self.told_to_slow_down {
                self.told_to_slow_down = true;
                let frame = serde_json::json!({
                    "type": "error",
                    "data": { "code": "rate_limited", "message": "too many frames; the ones over the rate are dropped" },
                });
                let _ = self.send(sink, frame.to_string().into()).await;
            }
            return;
        }
        self.told_to_slow_down = false;
        match serde_json::from_str::<ClientFrame>(text) {
            // Typing and presence speak for the person: a read-only key may
            // listen, never say anything.
            Ok(
                ClientFrame::Typing { .. }
                | ClientFrame::Presence { .. }
                | ClientFrame::Viewing { .. },
            ) if authz::may_write(self.credential.kind).is_err() => {
                let frame = serde_json::json!({
                    "type": "error",
                    "data": { "code": "forbidden", "message": "this API key is read-only: it may not send typing, viewing or presence" },
                });
                let _ = self.send(sink, frame.to_string().into()).await;
            }
            Ok(ClientFrame::Viewing { .. }) if matches!(self.viewer, Viewer::Client(_)) => {
                let frame = serde_json::json!({
                    "type": "error",
                    "data": { "code": "forbidden", "message": "only staff tell each other which conversation they are viewing" },
                });
                let _ = self.send(sink, frame.to_string().into()).await;
            }
            Ok(ClientFrame::Typing { channel_id }) => self.typing(&channel_id),
            Ok(ClientFrame::Viewing { channel_id }) => self.viewing(channel_id),
            Ok(ClientFrame::Presence { status }) => {
                self.ctx.hub.announce(self.subscription.id, status.into());
            }
            Ok(ClientFrame::Ping) => {
                let _ = self.send(sink, r#"{"type":"pong"}"#.into()).await;
            }
            Err(err) => {
                let frame = serde_json::json!({
                    "type": "error",
                    "data": { "code": "bad_request", "message": format!("not a frame this socket understands: {err}") },
                });
                let _ = self.send(sink, frame.to_string().into()).await;
            }
        }
    }

    /// Tells the channel's other members that this person is typing; at most
    /// once per channel every two seconds, never stored.
    fn typing(&mut self, channel_id: &str) {
        if !self.ctx.hub.sees_channel(self.subscription.id, channel_id) {
            return;
        }
        let now = Instant::now();
        if self
            .typing
            .get(channel_id)
            .is_some_and(|last| now.duration_since(*last) < TYPING_EVERY)
        {
            return;
        }
        self.typing.insert(channel_id.to_string(), now);
        let frame = super::hub::typing_frame(channel_id, self.actor.id());
        self.ctx
            .hub
            .broadcast(channel_id, frame, self.actor.id(), Among::Everyone);
        if let Some(cluster) = &self.ctx.cluster {
            cluster.typing(channel_id, self.actor.id());
        }
    }

    /// Tells the channel's other staff that this person opened it, or, with
    /// `None`, left the one they had open. Never stored; those told forget
    /// a colleague not heard from again within a minute (a node that went
    /// away says nothing), so the web app repeats it while it stays open.
    fn viewing(&mut self, channel_id: Option<String>) {
        let channel_id = channel_id.filter(|c| self.ctx.hub.sees_channel(self.subscription.id, c));
        if let Some(left) = self
            .viewing
            .take()
            .filter(|old| Some(old) != channel_id.as_ref())
        {
            self.tell_viewing(&left, false);
        }
        if let Some(open) = &channel_id {
            self.tell_viewing(open, true);
        }
        self.viewing = channel_id;
    }

    fn tell_viewing(&self, channel_id: &str, viewing: bool) {
        let user = self.actor.id();
        let frame = super::hub::viewing_frame(channel_id, user, viewing);
        self.ctx
            .hub
            .broadcast(channel_id, frame, user, Among::Staff);
        if let Some(cluster) = &self.ctx.cluster {
            cluster.viewing(channel_id, user, viewing);
        }
    }

    /// Sends one frame, or gives up on a reader that does not take it in
    /// time (the live loop's own sends are timed the same way).
    async fn send(&self, sink: &mut Sink, frame: Frame) -> Result<()> {
        match tokio::time::timeout(
            self.ctx.config.realtime_send_timeout,
            sink.send(Message::Text(frame)),
        )
        .await
        {
            Ok(Ok(())) => {
                crate::telemetry::metrics::frame_sent();
                Ok(())
            }
            Ok(Err(err)) => Err(Error::Internal(anyhow::anyhow!("realtime send: {err}"))),
            Err(_) => Err(Error::Internal(anyhow::anyhow!(
                "realtime send: the reader took nothing for too long"
            ))),
        }
    }
}

/// Frames written together before one flush, at most.
const COALESCE: usize = 64;

/// Writes `frame` and whatever else is already queued behind it, then
/// flushes once: a socket that receives many frames a second (an admin
/// sees every channel) then costs one write to the kernel per wake-up
/// rather than one per frame. Returns how many frames went.
async fn send_queued(
    sink: &mut Sink,
    frame: Frame,
    queue: &flume::Receiver<Frame>,
) -> std::result::Result<usize, axum::Error> {
    sink.feed(Message::Text(frame)).await?;
    let mut sent = 1;
    while sent < COALESCE {
        let Ok(next) = queue.try_recv() else { break };
        sink.feed(Message::Text(next)).await?;
        sent += 1;
    }
    sink.flush().await?;
    Ok(sent)
}

async fn close(sink: &mut Sink, code: u16, reason: &'static str) {
    let _ = sink
        .send(Message::Close(Some(CloseFrame {
            code,
            reason: reason.into(),
        })))
        .await;
}

#[cfg(test)]
mod tests {
    /// The web app takes people to the sign-in page on this code instead of
    /// reconnecting; the two sides must agree on it.
    #[test]
    fn the_web_app_reads_an_ended_sign_in_by_the_same_close_code() {
        assert_eq!(
            super::CLOSE_CREDENTIAL_ENDED,
            parlor_app::live::CLOSE_SIGN_IN_ENDED
        );
    }
}
