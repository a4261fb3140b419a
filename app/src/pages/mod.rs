pub mod clients;
pub mod messages;
pub mod new;
pub mod notifications;
pub mod settings;
pub mod shell;
pub mod sign_in;
pub mod welcome;
