//! The integration suite: every test drives a real server over HTTP, on
//! SQLite, or on a fresh PostgreSQL database when PARLOR_TEST_DATABASE_URL is set.

mod helpers;
mod memory;
#[path = "../support/postgres.rs"]
mod postgres;
mod s3;

mod api_keys;
mod attachments;
mod audit;
mod authorization;
mod backup;
mod brand;
mod channels;
mod clients;
mod companies;
mod conversations;
mod data_files;
mod door_fixture;
mod doors;
mod email;
mod email_replies;
mod export;
mod history;
mod invitations;
mod leases;
mod limits;
mod mentions;
mod messages;
mod metrics;
mod notes;
mod notifications;
mod openapi;
mod pages;
mod passwords;
mod reactions;
mod readiness;
mod realtime;
mod retention;
mod saved_replies;
mod scheduled;
mod search;
mod server_functions;
mod sessions;
mod settings;
mod sign_in_limits;
mod validation;
mod visibility;
mod webhooks;
