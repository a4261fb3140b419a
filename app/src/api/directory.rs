//! The clients and companies staff work with.

use crate::model::{ClientChannels, ClientSummary, Directory, NewClient};

super::calls! {
    DirectoryCalls;

    /// The clients and companies a staff member may reach.
    fn load_directory() -> Directory;
    fn add_client(client: NewClient) -> ClientSummary;
    /// Sends a client who has not chosen a password a new invitation (the
    /// e-mail, and a new link that voids the old one). Only an admin's
    /// answer carries the link.
    fn invite_client(client_id: String) -> ClientSummary;
    fn load_client_channels(client_id: String) -> ClientChannels;
}
