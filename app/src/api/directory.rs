//! The clients and companies staff work with.

use crate::model::{
    ClientChanges, ClientChannels, ClientSummary, CompanyChanges, CompanyPage, CompanySummary,
    Directory, NewClient, NewCompany,
};

super::calls! {
    DirectoryCalls;

    /// The clients and companies a staff member may reach.
    fn load_directory() -> Directory;
    /// Adds a client to existing companies and, if named, to a new one made
    /// in the same call.
    fn add_client(client: NewClient) -> ClientSummary;
    /// Sends a client who has not chosen a password a new invitation (the
    /// e-mail, and a new link that voids the old one). Only an admin's
    /// answer carries the link.
    fn invite_client(client_id: String) -> ClientSummary;
    fn load_client_channels(client_id: String) -> ClientChannels;
    /// Renames a client and moves them between companies.
    fn update_client(client_id: String, client: ClientChanges) -> ClientSummary;
    fn delete_client(client_id: String) -> ();
    /// When the client was put under legal hold (admins), if they are.
    fn legal_hold(client_id: String) -> Option<String>;
    /// Puts the client under legal hold (`true`) or lifts it (admins):
    /// when the hold was placed, if it stands.
    fn set_legal_hold(client_id: String, held: bool) -> Option<String>;
    fn load_company(company_id: String) -> CompanyPage;
    fn create_company(company: NewCompany) -> CompanySummary;
    fn update_company(company_id: String, company: CompanyChanges) -> CompanySummary;
    fn delete_company(company_id: String) -> ();
    /// The company's conversation, opened if it has none yet: its id.
    fn open_company_conversation(company_id: String) -> String;
}
