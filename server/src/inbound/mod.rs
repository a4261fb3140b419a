//! Receiving e-mail: an SMTP listener inside `parlor serve`
//! (`--inbound-smtp-listen`) that takes replies sent to reply addresses and
//! hands them to `service::email_replies`.
//!
//! The SMTP protocol is parsed by `smtp-proto` (Stalwart's parser) and MIME
//! by `mail-parser`; this module holds the session loop around them
//! (`listener`), what is read out of an e-mail (`parse`) and the rules that
//! take quoted history and signatures off a reply (`quotes`).

pub mod listener;
pub mod parse;
pub mod quotes;
