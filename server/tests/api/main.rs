//! The integration suite: every test drives a real server over HTTP, on
//! SQLite, or on a fresh PostgreSQL database when PARLOR_TEST_DATABASE_URL is set.

mod helpers;
mod memory;
#[path = "../support/postgres.rs"]
mod postgres;
mod s3;

mod attachments;
mod authorization;
mod channels;
mod clients;
mod companies;
mod email;
mod invitations;
mod messages;
mod notifications;
mod openapi;
mod passwords;
mod realtime;
mod sessions;
mod settings;
mod validation;
