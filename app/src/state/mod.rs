//! The browser's view of the conversation and the channel list, as pure
//! data: what the realtime socket and the user's own sends do to them. Kept
//! free of signals and the DOM so it is tested as plain Rust. One file per
//! thing a person sees; everything is used as `crate::state::…`.

mod channel_list;
#[cfg(test)]
mod fixtures;
mod history;
mod lookers;
pub mod mentions;
mod people;
mod previews;
mod reactions;
mod reply_picker;
mod routes;
mod timeline;
mod uploads;

pub use channel_list::{waited, ChannelList, ListView};
pub use history::{deleted_line, version_caption, who};
pub use lookers::Lookers;
pub use people::{avatar_tone, group_problem, initials, matching_clients, AVATAR_TONES};
pub use previews::{message_preview, notification_body, preview, preview_of};
pub use reactions::{reacted, reaction_label};
pub use reply_picker::{insert_reply, matching_replies, slash_query};
pub use routes::{after_sign_in, landing, sign_in_returning_to};
pub use timeline::{client_read, Delivery, Entry, Row, Timeline};
pub use uploads::{file_size, Upload, Uploads};
