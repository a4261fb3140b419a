//! The hub: who is connected, which channels each socket sees, and a bounded
//! queue per socket. A socket whose queue is full is dropped (it resumes from
//! its cursor) so a slow reader never slows the others or grows memory.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use axum::extract::ws::Utf8Bytes;
use tokio::sync::{mpsc, Notify};

use crate::auth::StoredCredential;
use crate::authz::{Among, Audience, Viewer};
use crate::domain::event::EventKind;

/// A frame ready to send, shared by every recipient.
pub type Frame = Utf8Bytes;

/// An event from the log, as the hub routes it.
#[derive(Debug, Clone)]
pub struct Event {
    pub seq: i64,
    /// `None` for a kind this build does not know (from a newer node),
    /// which is passed on as it is.
    pub kind: Option<EventKind>,
    pub channel_id: Option<String>,
    /// For channel events: who sees the channel now, and who saw it before.
    pub audience: Option<ChannelAudience>,
    /// For `access.changed`: the user whose access changed.
    pub user_id: Option<String>,
    /// For events meant for one person only (notifications): that person.
    pub recipient_id: Option<String>,
    /// Who among those who see the channel it is for (staff, for a note).
    pub among: Among,
    pub frame: Frame,
}

impl Event {
    /// Whether a socket whose viewer sees the event's channel receives it.
    fn admits(&self, viewer: &Viewer) -> bool {
        self.among.admits(viewer)
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ChannelAudience {
    /// Who sees the channel after the change (None once it is deleted).
    pub now: Option<Audience>,
    /// Who saw it before the change (None for a new channel).
    pub before: Option<Audience>,
}

impl ChannelAudience {
    /// Recipients of the event: everyone who sees the channel now or saw it
    /// before, so those who lose it are told too.
    pub fn reaches(&self, viewer: &Viewer) -> bool {
        [&self.now, &self.before]
            .into_iter()
            .flatten()
            .any(|audience| viewer.sees(audience))
    }
}

struct Subscriber {
    user_id: String,
    /// The session or API key the socket was opened with…
    credential: StoredCredential,
    /// …and how its socket is told that it has ended.
    credential_ended: Arc<Notify>,
    viewer: Viewer,
    channels: HashSet<String>,
    queue: flume::Sender<Frame>,
}

#[derive(Default)]
struct State {
    /// The `seq` of the last event published.
    last_seq: i64,
    next_id: u64,
    subscribers: HashMap<u64, Subscriber>,
    by_channel: HashMap<String, HashSet<u64>>,
    /// Subscribers who see every channel.
    everything: HashSet<u64>,
    /// Who is online here: open sockets per user, and who may see their presence.
    online: HashMap<String, Online>,
    /// Who is online on the other nodes, as they last said (`cluster`).
    remote: HashMap<String, RemoteNode>,
    /// The last presence sent about each user; the same again is not
    /// sent (a client repeating its status costs the others nothing).
    last_presence: HashMap<String, Presence>,
    /// Where presence changes go to reach the other nodes, when there are any.
    presence_out: Option<mpsc::UnboundedSender<PresenceNote>>,
}

struct Online {
    sockets: usize,
    audience: Audience,
}

struct RemoteNode {
    heard: Instant,
    users: HashMap<String, Online>,
}

/// A user's presence as one node tells the others.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Presence {
    Online,
    Away,
    Offline,
}

/// What a node tells the others about one user connected to it.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PresenceNote {
    pub user_id: String,
    /// The user's open sockets on the node.
    pub sockets: usize,
    pub audience: Audience,
    /// What the user just said, if anything (a full list carries none).
    pub status: Option<Presence>,
}

/// How many sockets the hub accepts.
#[derive(Debug, Clone, Copy)]
pub struct Caps {
    pub per_user: usize,
    pub total: usize,
}

/// Why the hub refused a socket.
#[derive(Debug, PartialEq, Eq)]
pub enum Refusal {
    /// The user already holds this many sockets.
    UserFull(usize),
    /// The server holds this many sockets.
    ServerFull(usize),
}

pub struct Hub {
    state: Mutex<State>,
    /// Woken after a commit that appended events.
    pub(crate) wake: Notify,
    /// Wakes those following the log too (the webhook dispatcher) once the
    /// pump has read new events.
    pub published: Notify,
    queue_capacity: usize,
    caps: Caps,
}

/// A socket's place in the hub; leaving it (drop) unsubscribes.
pub struct Subscription {
    pub id: u64,
    /// flume's, not Tokio's: an empty bounded Tokio channel holds a block
    /// of 32 slots and cache-padded counters, some 1.5 KiB for every idle
    /// socket (docs/performance.md, section 19); flume's allocates as
    /// frames queue.
    pub queue: flume::Receiver<Frame>,
    /// Events up to here must come from the log; later ones arrive in `queue`.
    pub live_after: i64,
    /// Whether this is the user's first open socket (they just came online).
    pub first_for_user: bool,
    /// Woken once the credential the socket was opened with has ended.
    pub credential_ended: Arc<Notify>,
    hub: Arc<Hub>,
}

/// An open socket's credential, as the credential check sees it.
pub struct OpenCredential {
    pub subscriber: u64,
    pub user_id: String,
    pub credential: StoredCredential,
}

impl Drop for Subscription {
    fn drop(&mut self) {
        self.hub.remove(self.id);
    }
}

impl Hub {
    pub fn new(queue_capacity: usize, caps: Caps) -> Arc<Hub> {
        Arc::new(Hub {
            state: Mutex::new(State::default()),
            wake: Notify::new(),
            published: Notify::new(),
            queue_capacity,
            caps,
        })
    }

    /// Sends this node's presence changes to `out` (the cluster link) from now on.
    pub fn send_presence_to(&self, out: mpsc::UnboundedSender<PresenceNote>) {
        self.state().presence_out = Some(out);
    }

    fn state(&self) -> MutexGuard<'_, State> {
        // A panic while holding the lock leaves plain maps behind; keep going.
        self.state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Tells the pump that new events were committed.
    pub fn notify(&self) {
        self.wake.notify_one();
    }

    pub fn last_seq(&self) -> i64 {
        self.state().last_seq
    }

    /// Waits, up to `within`, until the hub has published up to `seq`: a
    /// socket resuming here with a cursor from a node further along.
    pub async fn caught_up_to(&self, seq: i64, within: Duration) {
        let deadline = tokio::time::Instant::now() + within;
        loop {
            let published = self.published.notified();
            tokio::pin!(published);
            published.as_mut().enable();
            if self.last_seq() >= seq {
                return;
            }
            self.notify();
            if tokio::time::timeout_at(deadline, published).await.is_err() {
                return;
            }
        }
    }

    pub(crate) fn start_at(&self, seq: i64) {
        let mut state = self.state();
        state.last_seq = state.last_seq.max(seq);
    }

    pub fn subscribe(
        self: &Arc<Self>,
        user_id: &str,
        credential: StoredCredential,
        viewer: Viewer,
        channels: HashSet<String>,
        presence: Audience,
    ) -> Result<Subscription, Refusal> {
        let mut state = self.state();
        // Checked under the lock that registers the socket, so a burst of
        // connections cannot all slip in under the caps.
        if state.subscribers.len() >= self.caps.total {
            return Err(Refusal::ServerFull(self.caps.total));
        }
        if state.sockets_of(user_id) >= self.caps.per_user {
            return Err(Refusal::UserFull(self.caps.per_user));
        }
        let (sender, queue) = flume::bounded(self.queue_capacity);
        state.next_id += 1;
        let id = state.next_id;
        if viewer == Viewer::Everything {
            state.everything.insert(id);
        } else {
            for channel in &channels {
                state
                    .by_channel
                    .entry(channel.clone())
                    .or_default()
                    .insert(id);
            }
        }
        let online = state.online.entry(user_id.to_string()).or_insert(Online {
            sockets: 0,
            audience: presence,
        });
        online.sockets += 1;
        let first_for_user = online.sockets == 1;
        let credential_ended = Arc::new(Notify::new());
        state.subscribers.insert(
            id,
            Subscriber {
                user_id: user_id.to_string(),
                credential,
                credential_ended: credential_ended.clone(),
                viewer,
                channels,
                queue: sender,
            },
        );
        Ok(Subscription {
            id,
            queue,
            live_after: state.last_seq,
            first_for_user,
            credential_ended,
            hub: self.clone(),
        })
    }

    fn remove(&self, id: u64) {
        let mut state = self.state();
        remove_locked(&mut state, id);
    }

    /// The credential of every open socket.
    pub fn credentials(&self) -> Vec<OpenCredential> {
        self.state()
            .subscribers
            .iter()
            .map(|(id, subscriber)| OpenCredential {
                subscriber: *id,
                user_id: subscriber.user_id.clone(),
                credential: subscriber.credential.clone(),
            })
            .collect()
    }

    /// Tells these subscribers' sockets that their credential has ended.
    pub fn end_credentials(&self, subscribers: &[u64]) {
        let state = self.state();
        for id in subscribers {
            if let Some(subscriber) = state.subscribers.get(id) {
                // Kept until the socket looks, even if it is busy sending.
                subscriber.credential_ended.notify_one();
            }
        }
    }

    /// Whether a subscriber sees a channel now (for typing and read receipts
    /// sent by the socket itself).
    pub fn sees_channel(&self, id: u64, channel_id: &str) -> bool {
        let state = self.state();
        state.everything.contains(&id)
            || state
                .subscribers
                .get(&id)
                .is_some_and(|s| s.channels.contains(channel_id))
    }

    /// Routes one event from the log; called by the pump in `seq` order.
    pub fn publish(&self, event: &Event) {
        let mut state = self.state();
        state.last_seq = state.last_seq.max(event.seq);
        let mut recipients: Vec<u64> = Vec::new();
        if event.kind == Some(EventKind::AccessChanged) {
            // Whose access changed must reconnect and resume with new rights.
            let gone: Vec<u64> = state
                .subscribers
                .iter()
                .filter(|(_, s)| Some(&s.user_id) == event.user_id.as_ref())
                .map(|(id, _)| *id)
                .collect();
            for id in gone {
                remove_locked(&mut state, id);
            }
            return;
        }
        if let Some(recipient) = &event.recipient_id {
            // Only the recipient's own sockets: not even admins see others'.
            recipients.extend(
                state
                    .subscribers
                    .iter()
                    .filter(|(_, s)| &s.user_id == recipient)
                    .map(|(id, _)| *id),
            );
            deliver(&mut state, &recipients, &event.frame, None);
            return;
        }
        match (&event.channel_id, &event.audience) {
            (Some(channel), Some(audience)) => {
                let State {
                    subscribers,
                    by_channel,
                    everything,
                    ..
                } = &mut *state;
                for (id, subscriber) in subscribers.iter_mut() {
                    if everything.contains(id) {
                        recipients.push(*id);
                        continue;
                    }
                    let sees_now = audience
                        .now
                        .as_ref()
                        .is_some_and(|a| subscriber.viewer.sees(a));
                    let saw = subscriber.channels.contains(channel);
                    if sees_now && !saw {
                        subscriber.channels.insert(channel.clone());
                        by_channel.entry(channel.clone()).or_default().insert(*id);
                    } else if !sees_now && saw {
                        subscriber.channels.remove(channel);
                        if let Some(set) = by_channel.get_mut(channel) {
                            set.remove(id);
                        }
                    }
                    if sees_now || saw {
                        recipients.push(*id);
                    }
                }
                if audience.now.is_none() {
                    by_channel.remove(channel);
                }
            }
            (Some(channel), None) => {
                recipients.extend(state.everything.iter().copied());
                if let Some(set) = state.by_channel.get(channel) {
                    recipients.extend(set.iter().copied());
                }
                if event.among != Among::Everyone {
                    let subscribers = &state.subscribers;
                    recipients
                        .retain(|id| subscribers.get(id).is_some_and(|s| event.admits(&s.viewer)));
                }
            }
            (None, _) => {}
        }
        deliver(&mut state, &recipients, &event.frame, None);
    }

    /// Sends a frame that is never logged (typing, viewing) to the other
    /// sockets that see the channel and are `among` those it is for.
    pub fn broadcast(&self, channel_id: &str, frame: Frame, except_user: &str, among: Among) {
        let mut state = self.state();
        let mut recipients: Vec<u64> = state.everything.iter().copied().collect();
        if let Some(set) = state.by_channel.get(channel_id) {
            recipients.extend(set.iter().copied());
        }
        if among != Among::Everyone {
            let subscribers = &state.subscribers;
            recipients.retain(|id| subscribers.get(id).is_some_and(|s| among.admits(&s.viewer)));
        }
        deliver(&mut state, &recipients, &frame, Some(except_user));
    }

    /// Tells everyone allowed to see it, here and on the other nodes, what
    /// a subscriber's user just said about their presence.
    pub fn announce(&self, subscriber: u64, status: Presence) {
        let mut state = self.state();
        let Some((user, online)) = state.user_of(subscriber) else {
            return;
        };
        let note = PresenceNote {
            user_id: user.to_string(),
            sockets: online.sockets,
            audience: online.audience.clone(),
            status: Some(status),
        };
        present(&mut state, &note.user_id, &note.audience, status);
        state.tell_others(note);
    }

    /// What another node said about a user connected to it.
    pub fn remote_presence(&self, node: &str, note: PresenceNote) {
        let mut state = self.state();
        let remote = state
            .remote
            .entry(node.to_string())
            .or_insert_with(|| RemoteNode {
                heard: Instant::now(),
                users: HashMap::new(),
            });
        remote.heard = Instant::now();
        if note.sockets == 0 {
            remote.users.remove(&note.user_id);
        } else {
            remote.users.insert(
                note.user_id.clone(),
                Online {
                    sockets: note.sockets,
                    audience: note.audience.clone(),
                },
            );
        }
        match note.status {
            Some(Presence::Offline) if state.sockets_of(&note.user_id) > 0 => {}
            Some(status) => present(&mut state, &note.user_id, &note.audience, status),
            None => {}
        }
    }

    /// Everyone another node says is connected to it, replacing what it
    /// said before; those it no longer lists have left it.
    pub fn remote_roster(&self, node: &str, notes: Vec<PresenceNote>) {
        let mut state = self.state();
        // Those connected nowhere until now (their online note was lost, or
        // the node had been forgotten) come online.
        let arriving: Vec<(String, Audience)> = notes
            .iter()
            .filter(|note| note.sockets > 0 && state.sockets_of(&note.user_id) == 0)
            .map(|note| (note.user_id.clone(), note.audience.clone()))
            .collect();
        let users = notes
            .into_iter()
            .filter(|note| note.sockets > 0)
            .map(|note| {
                (
                    note.user_id,
                    Online {
                        sockets: note.sockets,
                        audience: note.audience,
                    },
                )
            })
            .collect();
        let before = state.remote.insert(
            node.to_string(),
            RemoteNode {
                heard: Instant::now(),
                users,
            },
        );
        if let Some(before) = before {
            offline_if_gone(&mut state, before.users);
        }
        for (user, audience) in arriving {
            present(&mut state, &user, &audience, Presence::Online);
        }
    }

    /// Forgets the nodes not heard from for `after` (stopped or cut off):
    /// their users are offline unless connected elsewhere.
    pub fn forget_silent_nodes(&self, after: Duration) {
        let mut state = self.state();
        let silent: Vec<String> = state
            .remote
            .iter()
            .filter(|(_, node)| node.heard.elapsed() > after)
            .map(|(name, _)| name.clone())
            .collect();
        for name in silent {
            tracing::info!(node = %name, "another node went silent; forgetting who was connected to it");
            if let Some(node) = state.remote.remove(&name) {
                offline_if_gone(&mut state, node.users);
            }
        }
    }

    /// Everyone connected here, for the other nodes.
    pub fn roster(&self) -> Vec<PresenceNote> {
        self.state()
            .online
            .iter()
            .map(|(user, online)| PresenceNote {
                user_id: user.clone(),
                sockets: online.sockets,
                audience: online.audience.clone(),
                status: None,
            })
            .collect()
    }

    /// The users online, here or on another node, whose presence a viewer may see.
    pub fn online_for(&self, viewer: &Viewer) -> Vec<String> {
        let state = self.state();
        let remote = state.remote.values().flat_map(|node| node.users.iter());
        let mut users: Vec<String> = state
            .online
            .iter()
            .chain(remote)
            .filter(|(_, online)| viewer.sees(&online.audience))
            .map(|(user, _)| user.clone())
            .collect();
        users.sort();
        users.dedup();
        users
    }

    pub fn connections(&self) -> usize {
        self.state().subscribers.len()
    }
}

impl State {
    fn tell_others(&self, note: PresenceNote) {
        if let Some(out) = &self.presence_out {
            let _ = out.send(note);
        }
    }

    /// The user a subscriber is, and their sockets here.
    fn user_of(&self, subscriber: u64) -> Option<(&str, &Online)> {
        let user = &self.subscribers.get(&subscriber)?.user_id;
        Some((user, self.online.get(user)?))
    }

    fn remote_sockets_of(&self, user: &str) -> usize {
        self.remote
            .values()
            .filter_map(|node| node.users.get(user))
            .map(|online| online.sockets)
            .sum()
    }

    /// The user's open sockets on every node.
    fn sockets_of(&self, user: &str) -> usize {
        self.online.get(user).map_or(0, |online| online.sockets) + self.remote_sockets_of(user)
    }
}

/// The frame telling a channel's members that someone is typing.
pub fn typing_frame(channel_id: &str, user_id: &str) -> Frame {
    serde_json::json!({ "type": "typing", "data": { "channelId": channel_id, "userId": user_id } })
        .to_string()
        .into()
}

/// The frame telling a channel's staff that a colleague opened the
/// conversation (`viewing`) or left it.
pub fn viewing_frame(channel_id: &str, user_id: &str, viewing: bool) -> Frame {
    serde_json::json!({ "type": "viewing", "data": { "channelId": channel_id, "userId": user_id, "viewing": viewing } })
        .to_string()
        .into()
}

/// Sends a presence frame about `user` to the sockets here allowed to see
/// it, unless it repeats the last one.
fn present(state: &mut State, user: &str, audience: &Audience, status: Presence) {
    if state.last_presence.get(user) == Some(&status) {
        return;
    }
    if status == Presence::Offline {
        state.last_presence.remove(user);
    } else {
        state.last_presence.insert(user.to_string(), status);
    }
    let frame: Frame =
        serde_json::json!({ "type": "presence", "data": { "userId": user, "status": status } })
            .to_string()
            .into();
    let recipients: Vec<u64> = state
        .subscribers
        .iter()
        .filter(|(_, s)| s.viewer.sees(audience))
        .map(|(id, _)| *id)
        .collect();
    deliver(state, &recipients, &frame, Some(user));
}

/// Announces as offline those of `users` (who were connected to a node
/// that no longer lists them) who are connected nowhere now.
fn offline_if_gone(state: &mut State, users: HashMap<String, Online>) {
    for (user, online) in users {
        if state.sockets_of(&user) == 0 {
            present(state, &user, &online.audience, Presence::Offline);
        }
    }
}

fn deliver(state: &mut State, recipients: &[u64], frame: &Frame, except_user: Option<&str>) {
    let mut too_slow = Vec::new();
    for id in recipients {
        let Some(subscriber) = state.subscribers.get(id) else {
            continue;
        };
        if except_user.is_some_and(|user| user == subscriber.user_id) {
            continue;
        }
        if subscriber.queue.try_send(frame.clone()).is_err() {
            too_slow.push(*id);
        }
    }
    for id in too_slow {
        tracing::info!(subscriber = id, "dropping a socket that cannot keep up");
        crate::telemetry::metrics::socket_dropped();
        remove_locked(state, id);
    }
}

/// Forgets a subscriber; dropping its queue's sender ends its socket.
fn remove_locked(state: &mut State, id: u64) {
    let Some(subscriber) = state.subscribers.remove(&id) else {
        return;
    };
    state.everything.remove(&id);
    for channel in &subscriber.channels {
        if let Some(set) = state.by_channel.get_mut(channel) {
            set.remove(&id);
            if set.is_empty() {
                state.by_channel.remove(channel);
            }
        }
    }
    let Some(online) = state.online.get_mut(&subscriber.user_id) else {
        return;
    };
    online.sockets -= 1;
    if online.sockets > 0 {
        return;
    }
    // The user's last socket here: however it ended (closed, too slow,
    // access changed), the others learn it, and so does everyone allowed
    // to see it unless the user is still connected to another node.
    let Some(online) = state.online.remove(&subscriber.user_id) else {
        return;
    };
    if state.remote_sockets_of(&subscriber.user_id) == 0 {
        present(
            state,
            &subscriber.user_id,
            &online.audience,
            Presence::Offline,
        );
    }
    state.tell_others(PresenceNote {
        user_id: subscriber.user_id,
        sockets: 0,
        audience: online.audience,
        status: Some(Presence::Offline),
    });
}
