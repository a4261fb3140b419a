//! Saved replies (staff): the team's templates, and inserting one into a
//! message.

use crate::model::{InsertedReply, SavedReplies, SavedReplyDraft, SavedReplySummary};

super::calls! {
    SavedReplyCalls;

    /// The shared replies and one's own, by title.
    fn load_saved_replies() -> SavedReplies;
    /// Saves a new reply, or changes one (`id`).
    fn save_saved_reply(reply: SavedReplyDraft) -> SavedReplySummary;
    /// Deletes a reply and its files.
    fn remove_saved_reply(id: String) -> ();
    /// A reply as it goes into a message to `channel_id`'s conversation,
    /// filled in, with its files as fresh uploads; with no channel (a mass
    /// message), the template as written.
    fn insert_saved_reply(id: String, #[server(default)] channel_id: String) -> InsertedReply;
}
