//! The realtime connection's memory: which cursor to resume from, how long
//! to wait before reconnecting, and what each frame means for the page. The
//! socket itself (browser only) is in `socket`; this part is plain Rust.

use serde::Deserialize;

use crate::model::Message;

/// A frame from `/v1/realtime`.
#[derive(Clone, Debug, Deserialize)]
pub struct Frame {
    #[serde(rename = "type")]
    pub kind: String,
    #[serde(default)]
    pub cursor: Option<String>,
    #[serde(default)]
    pub data: serde_json::Value,
}

/// What the page does with a frame.
#[derive(Clone, Debug, PartialEq)]
pub enum Event {
    MessageCreated(Message),
    /// An edit, a delete, or a change of its reactions.
    MessageChanged(Message),
    /// Membership or channels changed: refetch the channel list.
    ChannelsChanged,
    Read {
        channel_id: String,
        user_id: String,
        message_id: Option<String>,
        /// The reader's unread count in that channel afterwards (above zero
        /// when they marked it unread).
        unread_count: i64,
        /// When they read (RFC 3339).
        read_at: Option<String>,
    },
    Typing {
        channel_id: String,
        user_id: String,
    },
    /// A colleague opened a conversation (`viewing`) or left it; staff only.
    Viewing {
        channel_id: String,
        user_id: String,
        viewing: bool,
    },
    /// An integration's notification to this person arrived, changed or went.
    NoticesChanged,
    /// Events were missed for good: refetch everything shown.
    Resync,
    /// Caught up; nothing to show.
    Ready,
    Ignored,
}

/// The server's close code for a socket whose sign-in has ended (signed out
/// on that device, a new password, a reset, removal): reconnecting cannot
/// work until the person signs in again. The server's `realtime::socket`
/// sends it; a test there keeps the two the same.
pub const CLOSE_SIGN_IN_ENDED: u16 = 4001;

/// What to do once the socket has closed.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum AfterClose {
    /// Try again after this many milliseconds.
    Reconnect(u32),
    /// Only signing in again helps: go to the sign-in page, never retry.
    SignIn,
}

/// Reconnection state of one realtime connection.
#[derive(Clone, Debug, Default)]
pub struct Resume {
    cursor: Option<String>,
    failures: u32,
}

const MAX_DELAY_MS: u32 = 30_000;

impl Resume {
    /// A first connection that resumes from where the page's data was
    /// read, so nothing that happened while the page loaded is missed.
    pub fn after(cursor: String) -> Resume {
        Resume {
            cursor: Some(cursor),
            failures: 0,
        }
    }

    /// The newest cursor heard, or started from.
    pub fn cursor(&self) -> Option<i64> {
        self.cursor.as_deref()?.parse().ok()
    }

    /// The socket's path, resuming after the last frame handled.
    pub fn path(&self) -> String {
        match &self.cursor {
            Some(cursor) => format!("/v1/realtime?since={cursor}"),
            None => "/v1/realtime".to_string(),
        }
    }

    /// Reads a frame, remembering its cursor.
    pub fn handle(&mut self, text: &str) -> Event {
        let Ok(frame) = serde_json::from_str::<Frame>(text) else {
            return Event::Ignored;
        };
        if let Some(cursor) = &frame.cursor {
            self.cursor = Some(cursor.clone());
        }
        let message = || serde_json::from_value::<Message>(frame.data.clone()).ok();
        let field = |name: &str| frame.data[name].as_str().unwrap_or_default().to_string();
        match frame.kind.as_str() {
            "ready" => {
                self.failures = 0;
                Event::Ready
            }
            "resync.required" => Event::Resync,
            "message.created" => message().map_or(Event::Ignored, Event::MessageCreated),
            "message.updated" | "message.deleted" | "message.reactions" => {
                message().map_or(Event::Ignored, Event::MessageChanged)
            }
            "channel.created" | "channel.updated" | "channel.deleted" | "conversation.updated" => {
                Event::ChannelsChanged
            }
            "channel.read" => Event::Read {
                channel_id: field("channelId"),
                user_id: field("userId"),
                message_id: frame.data["lastReadMessageId"].as_str().map(str::to_string),
                unread_count: frame.data["unreadCount"].as_i64().unwrap_or(0),
                read_at: frame.data["readAt"].as_str().map(str::to_string),
            },
            "notification.created" | "notification.updated" | "notification.deleted" => {
                Event::NoticesChanged
            }
            "typing" => Event::Typing {
                channel_id: field("channelId"),
                user_id: field("userId"),
            },
            "viewing" => Event::Viewing {
                channel_id: field("channelId"),
                user_id: field("userId"),
                viewing: frame.data["viewing"].as_bool().unwrap_or(false),
            },
            _ => Event::Ignored,
        }
    }

    /// The connection closed with `code`: sign in again when the server
    /// ended the sign-in, else reconnect after a delay that doubles from
    /// half a second up to thirty, so a server restart is not stormed.
    pub fn closed(&mut self, code: u16) -> AfterClose {
        if code == CLOSE_SIGN_IN_ENDED {
            return AfterClose::SignIn;
        }
        AfterClose::Reconnect(self.backoff())
    }

    fn backoff(&mut self) -> u32 {
        let delay = 500u32
            .saturating_mul(1 << self.failures.min(6))
            .min(MAX_DELAY_MS);
        self.failures += 1;
        delay
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CREATED: &str = r#"{"type":"message.created","cursor":"41","data":{"id":"m1","channelId":"c1","senderId":"u1","text":"hi","createdAt":"2026-01-01T00:00:00.000Z"}}"#;

    #[test]
    fn resumes_after_the_last_frame_handled() {
        let mut resume = Resume::default();
        assert_eq!(resume.path(), "/v1/realtime");
        let event = resume.handle(CREATED);
        assert!(matches!(event, Event::MessageCreated(ref m) if m.id == "m1" && m.text == "hi"));
        assert_eq!(resume.path(), "/v1/realtime?since=41");
        // Typing carries no cursor and does not move it.
        let typing = resume.handle(r#"{"type":"typing","data":{"channelId":"c1","userId":"u2"}}"#);
        assert_eq!(
            typing,
            Event::Typing {
                channel_id: "c1".into(),
                user_id: "u2".into()
            }
        );
        assert_eq!(resume.path(), "/v1/realtime?since=41");
        let left = resume.handle(
            r#"{"type":"viewing","data":{"channelId":"c1","userId":"u2","viewing":false}}"#,
        );
        assert_eq!(
            left,
            Event::Viewing {
                channel_id: "c1".into(),
                user_id: "u2".into(),
                viewing: false
            }
        );
        assert_eq!(resume.path(), "/v1/realtime?since=41");
    }

    #[test]
    fn an_expired_cursor_asks_for_a_refetch_and_moves_to_the_newest() {
        let mut resume = Resume::default();
        resume.handle(CREATED);
        let event = resume.handle(r#"{"type":"resync.required","cursor":"99","data":{}}"#);
        assert_eq!(event, Event::Resync);
        assert_eq!(resume.path(), "/v1/realtime?since=99");
    }

    fn delay(after: AfterClose) -> u32 {
        match after {
            AfterClose::Reconnect(delay) => delay,
            AfterClose::SignIn => panic!("expected a reconnect, not a sign-in"),
        }
    }

    #[test]
    fn reconnects_back_off_and_reset_once_live() {
        let mut resume = Resume::default();
        // A network drop (1006), a server going away (1001), one that
        // fell behind (4008): all reconnect.
        let codes = [1006, 1001, 4008, 1006, 1006, 1011, 1006, 1006, 1006];
        let delays: Vec<u32> = codes
            .iter()
            .map(|&code| delay(resume.closed(code)))
            .collect();
        assert_eq!(delays[..4], [500, 1000, 2000, 4000]);
        assert_eq!(*delays.last().unwrap(), 30_000);
        resume.handle(r#"{"type":"ready","cursor":"5","data":{"userId":"u1","online":[]}}"#);
        assert_eq!(resume.closed(1006), AfterClose::Reconnect(500));
    }

    #[test]
    fn a_sign_in_the_server_ended_is_never_retried() {
        let mut resume = Resume::default();
        resume.handle(CREATED);
        assert_eq!(resume.closed(CLOSE_SIGN_IN_ENDED), AfterClose::SignIn);
        // However often it comes, and whatever came before.
        assert_eq!(delay(resume.closed(1006)), 500);
        assert_eq!(resume.closed(CLOSE_SIGN_IN_ENDED), AfterClose::SignIn);
    }

    #[test]
    fn a_change_of_reactions_replaces_the_message() {
        let mut resume = Resume::default();
        let event = resume.handle(
            r#"{"type":"message.reactions","cursor":"8","data":{"id":"m1","channelId":"c1","senderId":"u1","text":"hi","createdAt":"2026-01-01T00:00:00.000Z","reactions":[{"emoji":"👍","count":1,"userIds":["u2"]}]}}"#,
        );
        let Event::MessageChanged(message) = event else {
            panic!("{event:?}");
        };
        assert_eq!(message.reactions[0].user_ids, ["u2"]);
    }

    #[test]
    fn channel_changes_and_unknown_frames() {
        let mut resume = Resume::default();
        assert_eq!(
            resume.handle(r#"{"type":"channel.updated","cursor":"7","data":{"id":"c1"}}"#),
            Event::ChannelsChanged
        );
        assert_eq!(resume.handle("not json"), Event::Ignored);
        assert_eq!(
            resume.handle(r#"{"type":"presence","data":{}}"#),
            Event::Ignored
        );
        assert_eq!(resume.path(), "/v1/realtime?since=7");
    }
}
