//! The clients and companies staff work with.

use axum::http::request::Parts;
use parlor_app::api::DirectoryCalls;
use parlor_model::{ClientChannels, ClientSummary, Directory, NewClient};

use super::{Answer, WebPortal};
use crate::service::clients::{self, CreateClient, UpdateClient};
use crate::service::screens;

#[async_trait::async_trait]
impl DirectoryCalls for WebPortal {
    async fn load_directory(&self, request: &Parts) -> Answer<Directory> {
        let actor = self.reader(request).await?;
        Ok(screens::directory(&self.ctx, &actor).await?)
    }

    async fn add_client(&self, request: &Parts, client: NewClient) -> Answer<ClientSummary> {
        let (actor, _) = self.writer(request).await?;
        let create = CreateClient {
            given_name: client.given_name,
            family_name: client.family_name,
            email: client.email,
            company_id: None,
            company_ids: Some(
                client
                    .company_id
                    .into_iter()
                    .filter(|id| !id.is_empty())
                    .collect(),
            ),
        };
        let created = clients::create(&self.ctx, &actor, &create, false).await?;
        Ok(screens::client(&self.ctx, &actor, created).await?)
    }

    async fn invite_client(&self, request: &Parts, client_id: String) -> Answer<ClientSummary> {
        let (actor, _) = self.writer(request).await?;
        let unchanged = UpdateClient {
            given_name: None,
            family_name: None,
            company_id: None,
            company_ids: None,
        };
        let invited = clients::update(&self.ctx, &actor, &client_id, &unchanged, true).await?;
        Ok(screens::client(&self.ctx, &actor, invited).await?)
    }

    async fn load_client_channels(
        &self,
        request: &Parts,
        client_id: String,
    ) -> Answer<ClientChannels> {
        let actor = self.reader(request).await?;
        Ok(screens::client_channels(&self.ctx, &actor, &client_id).await?)
    }
}
