//! Signing in and out, invitations, passwords and first-run setup. The
//! server sets and clears the session cookie on the answers that start or
//! end a session.

use crate::model::{Invitation, Me, SessionStart, Setup};

super::calls! {
    SessionCalls;

    /// Who is signed in, if anyone, and their channels: one call for what
    /// every signed-in page starts from.
    fn current_session() -> Option<SessionStart>;
    fn sign_in(email: String, password: String) -> Me;
    /// Whom an invitation link greets.
    fn read_invitation(token: String) -> Invitation;
    /// Sets the invited person's password and signs them in.
    fn accept_invitation(token: String, password: String) -> Me;
    /// Creates the workspace and its first admin with the one-time setup token.
    fn set_up(token: String, setup: Setup) -> Me;
    /// Changes the signed-in person's password; their other sessions end.
    fn change_password(current_password: String, new_password: String) -> ();
    /// "Forgot password?": e-mails a reset link to whoever has the address.
    fn forgot_password(email: String) -> ();
    /// Whose password a reset link is for.
    fn read_password_reset(token: String) -> Invitation;
    /// Sets a new password with a reset link and signs them in.
    fn reset_password(token: String, password: String) -> Me;
    /// Ends this session.
    fn sign_out() -> ();
}
