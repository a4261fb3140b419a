pub mod messages;
pub mod shell;
pub mod sign_in;
pub mod welcome;
