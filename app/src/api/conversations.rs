//! Channels and the messages in them.

use crate::model::{
    ChannelSummary, Conversation, Message, MessagePage, MessageVersion, Scheduled, SearchPage,
    SearchQuery,
};

super::calls! {
    ConversationCalls;

    fn list_channels() -> Vec<ChannelSummary>;
    /// A channel opened; `None` when it does not exist or is not the
    /// reader's to see (the same thing to them).
    fn open_conversation(channel_id: String) -> Option<Conversation>;
    fn older_messages(channel_id: String, next_token: String) -> MessagePage;
    /// Messages and files the reader may read that match, newest first.
    fn search_messages(query: SearchQuery) -> SearchPage;
    fn send_message(
        channel_id: String,
        text: String,
        // An empty list is left out of the form encoding.
        #[server(default)] attachment_ids: Vec<String>,
        idempotency_key: String,
        /// An internal note, for staff only.
        #[server(default)] is_internal: bool,
        /// Internal users the message mentions.
        #[server(default)] mention_ids: Vec<String>,
    ) -> Message;
    fn mark_read(channel_id: String) -> ();
    /// The caller's messages waiting to be sent in a channel.
    fn list_scheduled(channel_id: String) -> Vec<Scheduled>;
    /// Sends the text later, at `scheduled_at` (RFC 3339), chosen in `time_zone`.
    fn schedule_message(
        channel_id: String,
        text: String,
        scheduled_at: String,
        time_zone: String,
        #[server(default)] is_internal: bool,
    ) -> Scheduled;
    /// Cancels one's own scheduled message.
    fn cancel_scheduled(id: String) -> ();
    /// Staff: who owns the conversation (empty: no one).
    fn assign_conversation(channel_id: String, #[server(default)] assignee_id: String) -> ();
    /// Staff: `open`, `waiting` (on the client) or `done`.
    fn set_conversation_state(channel_id: String, state: String) -> ();
    /// Staff: snoozes the conversation for this many minutes.
    fn snooze_conversation(channel_id: String, minutes: i64) -> ();
    /// Marks the newest message from someone else unread again.
    fn mark_unread(channel_id: String) -> ();
    /// Changes the text of one's own message.
    fn edit_message(message_id: String, text: String) -> Message;
    /// Deletes one's own message; its place in history stays.
    fn delete_message(message_id: String) -> Message;
    /// A message as the reader sees it now: for staff, with who deleted it.
    fn read_message(message_id: String) -> Message;
    /// Staff: a message's earlier texts, oldest first, each with the change
    /// that replaced it.
    fn message_versions(message_id: String) -> Vec<MessageVersion>;
    /// Puts one's reaction on a message (`on`), or takes it back.
    fn react(message_id: String, emoji: String, #[server(default)] on: bool) -> Message;
    /// Opens (or makes) the conversation with these clients: one client's
    /// individual channel, or a group of several; answers its id.
    fn start_conversation(#[server(default)] client_ids: Vec<String>) -> String;
    /// Sends one text to each client in their own channel (its variables
    /// filled in for each when `render_variables`); answers how many were
    /// reached.
    fn send_mass_message(
        #[server(default)] client_ids: Vec<String>,
        text: String,
        #[server(default)] attachment_ids: Vec<String>,
        #[server(default)] render_variables: bool,
    ) -> usize;
}
