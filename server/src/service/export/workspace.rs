//! The whole workspace as an archive, for admins leaving Parlor or keeping a
//! copy: each resource as a JSON array in the shape the API gives it, then
//! every file sent.
//!
//! ```text
//! workspace.json         the workspace and its messaging settings
//! internal-users.json    companies.json    clients.json    channels.json
//! messages.json          every message, oldest first: notes and deleted ones too
//! audit-events.json      the audit log, newest first
//! files/<id>/<name>      each file sent, byte for byte (its id is in messages.json)
//! ```
//!
//! Secrets stay behind: password hashes, sessions, API keys and webhook
//! secrets are not resources the API gives.

use serde::Serialize;
use serde_json::json;

use super::archive::{safe_segment, Archive, Packing};
use crate::auth::Actor;
use crate::service::audit::ListAuditEvents;
use crate::service::channels::ListChannels;
use crate::service::clients::ListClients;
use crate::service::companies::ListCompanies;
use crate::service::paging::MAX_LIMIT;
use crate::service::{self, views, Context, Page, PageRequest};
use crate::storage;

pub async fn write(ctx: &Context, actor: &Actor, mut archive: Archive) -> anyhow::Result<()> {
    let settings = {
        let mut conn = ctx.store.reader().await?;
        views::settings(&service::workspace::load(&mut conn).await?)
    };
    let workspace = json!({
        "workspace": service::workspace::get(ctx).await?,
        "settings": settings,
    });
    archive
        .entry(
            "workspace.json",
            Packing::Compressed,
            &serde_json::to_vec_pretty(&workspace)?,
        )
        .await?;

    array(
        &mut archive,
        "internal-users.json",
        "internalUsers",
        |page| service::internal_users::list(ctx, actor, page),
    )
    .await?;
    let companies = ListCompanies {
        name: None,
        is_placeholder: None,
    };
    array(&mut archive, "companies.json", "companies", |page| {
        service::companies::list(ctx, actor, &companies, page)
    })
    .await?;
    let clients = ListClients {
        company_id: None,
        email: None,
        given_name: None,
        family_name: None,
    };
    array(&mut archive, "clients.json", "clients", |page| {
        service::clients::list(ctx, actor, &clients, page)
    })
    .await?;
    let channels = ListChannels {
        membership_type: None,
        client_id: None,
        member_id: None,
    };
    array(&mut archive, "channels.json", "channels", |page| {
        service::channels::list(ctx, actor, &channels, page)
    })
    .await?;
    messages(ctx, actor, &mut archive).await?;
    let audit = ListAuditEvents::default();
    array(&mut archive, "audit-events.json", "audit events", |page| {
        service::audit::list(ctx, actor, &audit, page)
    })
    .await?;
    files(ctx, &mut archive).await?;
    archive.finish().await
}

/// A JSON array of every item of a list the API pages through.
async fn array<T, F, Fut>(
    archive: &mut Archive,
    name: &str,
    kind: &'static str,
    mut page: F,
) -> anyhow::Result<()>
where
    T: Serialize,
    F: FnMut(PageRequest) -> Fut,
    Fut: std::future::Future<Output = crate::error::Result<Page<T>>>,
{
    archive.start(name, Packing::Compressed)?;
    let mut items = Items::default();
    let mut token: Option<String> = None;
    loop {
        let request = PageRequest::parse(kind, Some(i64::from(MAX_LIMIT)), token.as_deref())?;
        let Page { data, next_token } = page(request).await?;
        for item in &data {
            archive.write(&items.next(item)?).await?;
        }
        match next_token {
            Some(next) => token = Some(next),
            None => break,
        }
    }
    archive.write(items.end()).await
}

/// Every message, oldest first, as the API shows it to an admin.
async fn messages(ctx: &Context, actor: &Actor, archive: &mut Archive) -> anyhow::Result<()> {
    archive.start("messages.json", Packing::Compressed)?;
    let mut items = Items::default();
    let mut after = 0;
    loop {
        let messages = {
            let mut conn = ctx.store.reader().await?;
            let rows = storage::messages::every_after(&mut conn, after, MAX_LIMIT).await?;
            let Some(last) = rows.last() else { break };
            after = last.seq;
            views::messages_for(ctx, &mut conn, actor, rows).await?
        };
        for message in &messages {
            archive.write(&items.next(message)?).await?;
        }
    }
    archive.write(items.end()).await
}

/// Each file sent, under its id (which messages.json names).
async fn files(ctx: &Context, archive: &mut Archive) -> anyhow::Result<()> {
    let mut after = 0;
    loop {
        let rows = {
            let mut conn = ctx.store.reader().await?;
            storage::attachments::sent_after(&mut conn, after, MAX_LIMIT).await?
        };
        let Some(last) = rows.last() else { break };
        after = last.seq;
        for file in rows {
            let path = format!(
                "files/{}/{}",
                safe_segment(&file.id),
                safe_segment(&file.name)
            );
            archive
                .copy(&path, ctx.blobs.read(&file.blob_id, None).await?)
                .await?;
        }
    }
    Ok(())
}

/// The items of a JSON array, written one at a time.
#[derive(Default)]
struct Items {
    started: bool,
}

impl Items {
    fn next(&mut self, item: &impl Serialize) -> anyhow::Result<Vec<u8>> {
        let mut bytes = if self.started {
            b",\n".to_vec()
        } else {
            b"[\n".to_vec()
        };
        self.started = true;
        serde_json::to_writer(&mut bytes, item)?;
        Ok(bytes)
    }

    fn end(&self) -> &'static [u8] {
        if self.started {
            b"\n]\n"
        } else {
            b"[]\n"
        }
    }
}
