//! The rules every message obeys, whichever way it is written: sent in the
//! portal or through the API (text alone through the batched writer,
//! `crate::batching::writer`; with files, or as a note, in a transaction of
//! its own), each copy of a mass message, a channel's welcome, a reply by
//! e-mail.
//!
//! A message is checked twice. Making its `Draft` makes the checks that
//! need no database: its text and the files it lists, sending on someone's
//! behalf, the idempotency key, who may write a note. `admit` makes the
//! rest inside the transaction that stores it: the author sees the
//! channel, the sender is one of its people, and a key already used asks
//! for the same message again.

use super::{attachments, messages, sessions, views, Context};
use crate::auth::{Actor, Credential};
use crate::authz;
use crate::domain::event::EventKind;
use crate::domain::message::{Message, MessageText, SentVia};
use crate::domain::{new_id, UserType};
use crate::error::{Error, Result};
use crate::storage::attachments::AttachmentRow;
use crate::storage::messages::{MessageRow, NewMessage};
use crate::storage::{self, now_ms, Conn};

pub const MAX_IDEMPOTENCY_KEY_CHARS: usize = 200;

/// A message that passed the checks needing no database.
#[derive(Debug, Clone)]
pub struct Draft {
    /// Who asks for it to be sent.
    pub author: Actor,
    pub channel_id: String,
    /// Sent on behalf of this person (already allowed for the credential).
    pub sender_id: Option<String>,
    pub text: MessageText,
    /// The author's uploads, not sent yet, in the order given.
    pub attachment_ids: Vec<String>,
    pub idempotency_key: Option<String>,
    /// An internal note, for the channel's staff only.
    pub is_internal: bool,
    pub is_welcome: bool,
    pub sent_via: Option<SentVia>,
    /// Internal users to tell that they were mentioned.
    pub mention_ids: Vec<String>,
}

/// People one message may mention, at most.
pub const MAX_MENTIONS: usize = 20;

impl Draft {
    /// A message as someone asked for it through the API or the portal.
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        ctx: &Context,
        author: &Actor,
        credential: Credential,
        channel_id: &str,
        text: &str,
        attachment_ids: Option<&[String]>,
        sender_id: Option<&str>,
        idempotency_key: Option<&str>,
        is_internal: bool,
    ) -> Result<Draft> {
        let attachment_ids = attachments::parse_ids(ctx, attachment_ids)?;
        let text = MessageText::parse_with_files(
            text,
            ctx.config.max_message_chars,
            !attachment_ids.is_empty(),
        )?;
        if let Some(sender_id) = sender_id {
            authz::may_send_on_behalf(author, credential, sender_id)?;
        }
        if is_internal {
            authz::may_write_note(author)?;
        }
        if idempotency_key
            .is_some_and(|key| key.is_empty() || key.chars().count() > MAX_IDEMPOTENCY_KEY_CHARS)
        {
            return Err(Error::BadRequest(format!(
                "Idempotency-Key must be 1 to {MAX_IDEMPOTENCY_KEY_CHARS} characters"
            )));
        }
        Ok(Draft {
            author: author.clone(),
            channel_id: channel_id.to_string(),
            sender_id: sender_id.map(str::to_string),
            text,
            attachment_ids,
            idempotency_key: idempotency_key.map(str::to_string),
            is_internal,
            is_welcome: false,
            sent_via: None,
            mention_ids: Vec::new(),
        })
    }

    /// The same draft, telling these internal users they were mentioned
    /// (each once; the author is never told of their own message).
    pub fn mentioning(mut self, ids: &[String]) -> Result<Draft> {
        if ids.len() > MAX_MENTIONS {
            return Err(Error::invalid(format!(
                "a message mentions at most {MAX_MENTIONS} people"
            )));
        }
        for id in ids {
            if id != self.author.id() && !self.mention_ids.contains(id) {
                self.mention_ids.push(id.clone());
            }
        }
        Ok(self)
    }

    /// A message the server writes for `author`, with this text and
    /// nothing else yet.
    pub fn plain(author: &Actor, channel_id: &str, text: MessageText) -> Draft {
        Draft {
            author: author.clone(),
            channel_id: channel_id.to_string(),
            sender_id: None,
            text,
            attachment_ids: Vec::new(),
            idempotency_key: None,
            is_internal: false,
            is_welcome: false,
            sent_via: None,
            mention_ids: Vec::new(),
        }
    }

    /// Whether the batched writer may take it: text alone, visible to
    /// everyone in the channel (a note moves only the date its staff see,
    /// which the batch's one update of channels does not tell apart), and
    /// mentioning no one (telling them is written with the message).
    pub fn is_batchable(&self) -> bool {
        self.attachment_ids.is_empty()
            && !self.is_internal
            && !self.is_welcome
            && self.mention_ids.is_empty()
    }

    /// The row that stores it.
    pub fn row<'a>(&'a self, id: &'a str, sender: &'a Actor, now: i64) -> NewMessage<'a> {
        NewMessage {
            id,
            channel_id: &self.channel_id,
            sender_id: sender.id(),
            sender_type: sender_type(sender).as_str(),
            text: self.text.as_str(),
            is_welcome: self.is_welcome,
            idempotency_key: self.idempotency_key.as_deref(),
            sent_via: self.sent_via.map(SentVia::as_str),
            is_internal: self.is_internal,
            now,
        }
    }
}

pub(super) fn sender_type(actor: &Actor) -> UserType {
    match actor {
        Actor::Internal(_) => UserType::InternalUser,
        Actor::Client(_) => UserType::Client,
    }
}

/// What the checks needing the database decided.
pub enum Admission {
    /// A new message, from this sender.
    New(Actor),
    /// The message its idempotency key made before (boxed: a row is large
    /// next to an actor, and repeats are rare).
    Repeat(Box<MessageRow>),
}

/// The checks needing the database, inside the transaction that will store
/// the message. `visible` says whether the author sees the channel when
/// the caller asked already (the batched writer asks for a whole batch at
/// once); otherwise it is looked up.
pub async fn admit(conn: &mut Conn, draft: &Draft, visible: Option<bool>) -> Result<Admission> {
    let visible = match visible {
        Some(visible) => visible,
        None => storage::channels::visible(conn, &authz::scope(&draft.author), &draft.channel_id)
            .await?
            .is_some(),
    };
    if !visible {
        return Err(Error::NotFound("message channel"));
    }
    let sender = resolve_sender(conn, draft).await?;
    if draft.is_internal {
        authz::may_write_note(&sender)?;
    }
    if let Some(key) = &draft.idempotency_key {
        if let Some(earlier) = storage::messages::by_idempotency_key(conn, sender.id(), key).await?
        {
            return Ok(Admission::Repeat(Box::new(earlier)));
        }
    }
    Ok(Admission::New(sender))
}

/// The sender as an actor, who must be able to see the channel.
async fn resolve_sender(conn: &mut Conn, draft: &Draft) -> Result<Actor> {
    let Some(sender_id) = draft
        .sender_id
        .as_deref()
        .filter(|id| *id != draft.author.id())
    else {
        return Ok(draft.author.clone());
    };
    let sender = match sessions::load_actor(conn, sender_id, UserType::InternalUser).await? {
        Some(staff) => Some(staff),
        None => sessions::load_actor(conn, sender_id, UserType::Client).await?,
    };
    let sender = sender.ok_or_else(|| {
        Error::invalid(format!(
            "senderId {sender_id} is not a user of this workspace"
        ))
    })?;
    if storage::channels::visible(conn, &authz::scope(&sender), &draft.channel_id)
        .await?
        .is_none()
    {
        return Err(Error::invalid(format!(
            "sender {sender_id} is not a member of channel {}",
            draft.channel_id
        )));
    }
    Ok(sender)
}

/// A key used again gets the first message back, if it asks for the same
/// message; anything else is a conflict.
pub fn same_request(earlier: Message, draft: &Draft) -> Result<Message> {
    let files: Vec<&str> = earlier.attachments.iter().map(|a| a.id.as_str()).collect();
    if earlier.channel_id != draft.channel_id
        || earlier.text != draft.text.as_str()
        || files != draft.attachment_ids
        || earlier.is_internal != draft.is_internal
    {
        return Err(Error::Conflict(
            "this Idempotency-Key was already used for a different message".into(),
        ));
    }
    Ok(earlier)
}

/// The files a message written alone carries.
pub enum Files<'a> {
    /// The author's uploads the draft lists.
    Uploads,
    /// Copies of these (the other copies of a mass message), sharing blobs.
    CopiesOf(&'a [AttachmentRow]),
}

/// Writes one message in the caller's transaction: admits it, stores it
/// with its files and logs the event that tells its channel. A repeated
/// idempotency key answers the message it made.
pub async fn write(
    ctx: &Context,
    conn: &mut Conn,
    draft: &Draft,
    files: Files<'_>,
) -> Result<Message> {
    let sender = match admit(conn, draft, None).await? {
        Admission::Repeat(earlier) => {
            return same_request(views::message(ctx, conn, *earlier).await?, draft)
        }
        Admission::New(sender) => sender,
    };
    let id = new_id();
    storage::messages::insert(conn, &draft.row(&id, &sender, now_ms())).await?;
    match files {
        Files::Uploads => {
            attachments::attach(conn, draft.author.id(), &draft.attachment_ids, &id).await?;
        }
        Files::CopiesOf(rows) => attachments::copy_to(conn, rows, &id).await?,
    }
    let message = messages::record(ctx, conn, EventKind::MessageCreated, &id).await?;
    if !draft.mention_ids.is_empty() {
        super::mentions::tell(ctx, conn, &message, &draft.mention_ids).await?;
    }
    Ok(message)
}
