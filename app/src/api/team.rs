//! The team: who works in the workspace, and (admins) inviting, changing
//! and removing them.

use crate::model::{Team, TeamAccess, TeamInvite, TeamMember};

super::calls! {
    TeamCalls;

    /// Everyone on the team; staff may look, admins may change.
    fn load_team() -> Team;
    /// Admins: invites someone by e-mail; they choose their own password.
    fn invite_team_member(invite: TeamInvite) -> TeamMember;
    /// Admins: a member's role and which clients they see.
    fn change_team_access(id: String, access: TeamAccess) -> TeamMember;
    /// Admins: removes a member from the team.
    fn remove_team_member(id: String) -> ();
    /// Admins: e-mails a new invitation to someone who has not accepted theirs.
    fn resend_team_invitation(id: String) -> ();
}
