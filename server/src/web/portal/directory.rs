//! The clients and companies staff work with.

use axum::http::request::Parts;
use parlor_app::api::DirectoryCalls;
use parlor_model::{
    ClientChanges, ClientChannels, ClientSummary, CompanyChanges, CompanyPage, CompanySummary,
    Directory, NewClient, NewCompany,
};

use super::{Answer, WebPortal};
use crate::service::channels;
use crate::service::clients::{self, UpdateClient};
use crate::service::companies::{self, CreateCompany, UpdateCompany};
use crate::service::{retention, screens};

#[async_trait::async_trait]
impl DirectoryCalls for WebPortal {
    async fn load_directory(&self, request: &Parts) -> Answer<Directory> {
        let actor = self.reader(request).await?;
        Ok(screens::directory(&self.ctx, &actor).await?)
    }

    async fn add_client(&self, request: &Parts, client: NewClient) -> Answer<ClientSummary> {
        let (actor, _) = self.writer(request).await?;
        Ok(screens::add_client(&self.ctx, &actor, client).await?)
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

    async fn update_client(
        &self,
        request: &Parts,
        client_id: String,
        client: ClientChanges,
    ) -> Answer<ClientSummary> {
        let (actor, _) = self.writer(request).await?;
        Ok(screens::update_client(&self.ctx, &actor, &client_id, client).await?)
    }

    async fn delete_client(&self, request: &Parts, client_id: String) -> Answer<()> {
        let (actor, _, source) = self.audited_writer(request).await?;
        Ok(clients::delete(&self.ctx, &actor, &source, &client_id).await?)
    }

    async fn legal_hold(&self, request: &Parts, client_id: String) -> Answer<Option<String>> {
        let actor = self.reader(request).await?;
        let hold = retention::hold_of(&self.ctx, &actor, &client_id).await?;
        Ok(hold.map(|hold| hold.placed_at.to_rfc3339()))
    }

    async fn set_legal_hold(
        &self,
        request: &Parts,
        client_id: String,
        held: bool,
    ) -> Answer<Option<String>> {
        let (actor, _, source) = self.audited_writer(request).await?;
        if held {
            let hold = retention::place_hold(&self.ctx, &actor, &source, &client_id).await?;
            Ok(Some(hold.placed_at.to_rfc3339()))
        } else {
            retention::lift_hold(&self.ctx, &actor, &source, &client_id).await?;
            Ok(None)
        }
    }

    async fn load_company(&self, request: &Parts, company_id: String) -> Answer<CompanyPage> {
        let actor = self.reader(request).await?;
        Ok(screens::company_page(&self.ctx, &actor, &company_id).await?)
    }

    async fn create_company(&self, request: &Parts, company: NewCompany) -> Answer<CompanySummary> {
        let (actor, _) = self.writer(request).await?;
        let create = CreateCompany {
            name: company.name,
            icon_image_url: None,
            fallback_color: None,
        };
        let created = companies::create(&self.ctx, &actor, &create).await?;
        Ok(screens::company_summary(created, 0))
    }

    async fn update_company(
        &self,
        request: &Parts,
        company_id: String,
        company: CompanyChanges,
    ) -> Answer<CompanySummary> {
        let (actor, _) = self.writer(request).await?;
        let update = UpdateCompany {
            name: Some(company.name),
            icon_image_url: company.icon_image_url.filter(|url| !url.trim().is_empty()),
            fallback_color: None,
        };
        companies::update(&self.ctx, &actor, &company_id, &update).await?;
        Ok(screens::company_page(&self.ctx, &actor, &company_id)
            .await?
            .company)
    }

    async fn delete_company(&self, request: &Parts, company_id: String) -> Answer<()> {
        let (actor, _, source) = self.audited_writer(request).await?;
        Ok(companies::delete(&self.ctx, &actor, &source, &company_id).await?)
    }

    async fn open_company_conversation(
        &self,
        request: &Parts,
        company_id: String,
    ) -> Answer<String> {
        let (actor, _) = self.writer(request).await?;
        let channel = channels::open_company_conversation(&self.ctx, &actor, &company_id).await?;
        Ok(channel.id)
    }
}
