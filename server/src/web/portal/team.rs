//! The team: who works in the workspace; admins invite, change and remove.

use axum::http::request::Parts;
use parlor_app::api::TeamCalls;
use parlor_model::{Team, TeamAccess, TeamInvite, TeamMember};

use super::{Answer, WebPortal};
use crate::service::{internal_users, screens};

#[async_trait::async_trait]
impl TeamCalls for WebPortal {
    async fn load_team(&self, request: &Parts) -> Answer<Team> {
        let actor = self.reader(request).await?;
        Ok(screens::team(&self.ctx, &actor).await?)
    }

    async fn invite_team_member(&self, request: &Parts, invite: TeamInvite) -> Answer<TeamMember> {
        let (actor, _, source) = self.audited_writer(request).await?;
        Ok(screens::invite(&self.ctx, &actor, &source, invite).await?)
    }

    async fn change_team_access(
        &self,
        request: &Parts,
        id: String,
        access: TeamAccess,
    ) -> Answer<TeamMember> {
        let (actor, _, source) = self.audited_writer(request).await?;
        Ok(screens::change_access(&self.ctx, &actor, &source, &id, access).await?)
    }

    async fn remove_team_member(&self, request: &Parts, id: String) -> Answer<()> {
        let (actor, _, source) = self.audited_writer(request).await?;
        Ok(internal_users::delete(&self.ctx, &actor, &source, &id).await?)
    }

    async fn resend_team_invitation(&self, request: &Parts, id: String) -> Answer<()> {
        let (actor, _, source) = self.audited_writer(request).await?;
        Ok(internal_users::resend_invitation(&self.ctx, &actor, &source, &id).await?)
    }
}
