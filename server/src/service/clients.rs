//! Clients: creating them with their default channel, their companies, and
//! their invitations.

use serde::Deserialize;
use serde_json::json;
use utoipa::ToSchema;

use super::audit::{self, Source};
use super::{channels, companies, events, views, workspace, Context, Page, PageRequest};
use crate::auth::Actor;
use crate::authz::{self, Scope};
use crate::domain::audit::{Action, Target};
use crate::domain::channel::MembershipType;
use crate::domain::client::{Client, ClientStatus};
use crate::domain::event::EventKind;
use crate::domain::settings::DefaultChannelType;
use crate::domain::{fallback_color, new_id, Email, Name};
use crate::error::{Error, Result};
use crate::storage::clients::{ClientFilter, ClientRow};
use crate::storage::{self, now_ms, Conn};

pub const INVITE_LIFETIME_MS: i64 = 7 * 24 * 60 * 60 * 1000;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CreateClient {
    pub given_name: String,
    pub family_name: String,
    pub email: String,
    /// Deprecated: one company. Use `companyIds`.
    pub company_id: Option<String>,
    /// The companies the client belongs to; none makes a placeholder company.
    pub company_ids: Option<Vec<String>>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct UpdateClient {
    pub given_name: Option<String>,
    pub family_name: Option<String>,
    /// Deprecated: replaces the client's companies with this one.
    pub company_id: Option<String>,
    /// Replaces the client's companies.
    pub company_ids: Option<Vec<String>>,
}

fn requested_companies(
    company_id: &Option<String>,
    company_ids: &Option<Vec<String>>,
) -> Option<Vec<String>> {
    let mut ids = match (company_ids, company_id) {
        (Some(ids), _) => ids.clone(),
        (None, Some(id)) if !id.is_empty() => vec![id.clone()],
        (None, Some(_)) => Vec::new(),
        (None, None) => return None,
    };
    let mut seen = std::collections::HashSet::new();
    ids.retain(|id| seen.insert(id.clone()));
    Some(ids)
}

/// Checks that every company exists and that the actor may place clients in
/// it; limited staff must name at least one of their companies.
async fn check_companies(conn: &mut Conn, scope: &Scope, ids: &[String]) -> Result<()> {
    if ids.is_empty() && matches!(scope, Scope::Staff(_)) {
        return Err(Error::forbidden(
            "your client access is limited: choose one of your companies for this client",
        ));
    }
    for id in ids {
        if storage::companies::get_visible(conn, scope, id)
            .await?
            .is_none()
        {
            return Err(Error::invalid(format!(
                "company {id} does not exist or is not one of yours"
            )));
        }
    }
    Ok(())
}

/// Refuses limited staff who would act on a company their access list does
/// not grant (the rule is `authz::require_companies_granted`).
async fn require_granted(conn: &mut Conn, scope: &Scope, companies: &[String]) -> Result<()> {
    let Scope::Staff(staff_id) = scope else {
        return Ok(());
    };
    let access = storage::internal_users::company_access(conn, staff_id).await?;
    authz::require_companies_granted(scope, &access, companies)
}

/// A client as this actor may see them: others' clients only by name.
async fn as_seen_by(
    ctx: &Context,
    conn: &mut Conn,
    actor: &Actor,
    row: ClientRow,
) -> Result<Client> {
    let client = views::client(ctx, conn, row, false).await?;
    Ok(if authz::sees_private_details(actor, &client.id) {
        client
    } else {
        client.into_public_face()
    })
}

/// Puts a client in these companies (instead of their current ones), tells
/// the channels whose members change, and opens their default channel.
async fn place_in_companies(
    ctx: &Context,
    conn: &mut Conn,
    client: &ClientRow,
    company_ids: &[String],
) -> Result<()> {
    move_into_companies(conn, client, company_ids).await?;
    open_default_channel(ctx, conn, client, company_ids).await
}

/// Puts a client in these companies and tells the channels whose members
/// change.
async fn move_into_companies(
    conn: &mut Conn,
    client: &ClientRow,
    company_ids: &[String],
) -> Result<()> {
    let mut affected = storage::channels::ids_involving_client(conn, &client.id).await?;
    for company_id in company_ids {
        affected
            .extend(storage::channels::find_id(conn, MembershipType::Company, company_id).await?);
    }
    let before = events::before(conn, &affected).await?;
    storage::clients::set_companies(conn, &client.id, company_ids).await?;
    events::channels_changed(conn, before, &[]).await
}

/// Puts a client in the channel the workspace setting asks for.
async fn open_default_channel(
    ctx: &Context,
    conn: &mut Conn,
    client: &ClientRow,
    company_ids: &[String],
) -> Result<()> {
    let settings = workspace::load(conn).await?;
    match DefaultChannelType::from_stored(&settings.default_channel_type) {
        DefaultChannelType::Individual => {
            channels::ensure_individual(ctx, conn, &client.id).await?;
        }
        DefaultChannelType::Company => {
            if let Some(company_id) = company_ids.first() {
                channels::ensure_company(ctx, conn, company_id).await?;
            }
        }
    }
    Ok(())
}

#[tracing::instrument(skip_all)]
pub async fn create(
    ctx: &Context,
    actor: &Actor,
    request: &CreateClient,
    send_invite: bool,
) -> Result<Client> {
    authz::require_internal(actor)?;
    let scope = authz::scope(actor);
    let given_name = Name::parse("givenName", &request.given_name)?;
    let family_name = Name::parse("familyName", &request.family_name)?;
    let email = Email::parse("email", &request.email)?;
    let requested =
        requested_companies(&request.company_id, &request.company_ids).unwrap_or_default();

    let mut tx = ctx.store.begin().await?;
    check_companies(&mut tx, &scope, &requested).await?;
    if storage::clients::email_taken(&mut tx, email.as_str(), "").await? {
        return Err(Error::Conflict(format!(
            "{} is already used by someone in this workspace",
            email.as_str()
        )));
    }
    let company_ids = if requested.is_empty() {
        vec![
            companies::create_placeholder(&mut tx, given_name.as_str(), family_name.as_str())
                .await?,
        ]
    } else {
        requested
    };
    let id = new_id();
    let now = now_ms();
    let row = ClientRow {
        seq: 0,
        fallback_color: fallback_color(&id),
        id,
        given_name: given_name.into_string(),
        family_name: family_name.into_string(),
        email: email.as_str().to_string(),
        status: if send_invite {
            ClientStatus::Invited
        } else {
            ClientStatus::NotInvited
        }
        .as_str()
        .into(),
        invite_version: 0,
        invite_expires_at: Some(now + INVITE_LIFETIME_MS),
        first_login_at: None,
        last_login_at: None,
        avatar_image_url: None,
        created_at: now,
        updated_at: now,
    };
    storage::clients::insert(&mut tx, &row).await?;
    move_into_companies(&mut tx, &row, &company_ids).await?;
    // Announced before the channel that opens for them and its welcome.
    let seen = views::client(ctx, &mut tx, row.clone(), false).await?;
    events::directory(&mut tx, EventKind::ClientCreated, &seen, None).await?;
    open_default_channel(ctx, &mut tx, &row, &company_ids).await?;
    if send_invite {
        queue_invitation(ctx, &mut tx, &row).await?;
    }
    let client = views::client(ctx, &mut tx, row, authz::receives_invite_links(actor)).await?;
    ctx.commit(tx).await?;
    Ok(client)
}

pub struct ListClients<'a> {
    pub company_id: Option<&'a str>,
    pub email: Option<&'a str>,
    pub given_name: Option<&'a str>,
    pub family_name: Option<&'a str>,
}

#[tracing::instrument(skip_all)]
pub async fn list(
    ctx: &Context,
    actor: &Actor,
    filter: &ListClients<'_>,
    page: PageRequest,
) -> Result<Page<Client>> {
    let email = filter.email.map(|e| e.trim().to_lowercase());
    let filter = ClientFilter {
        company_id: filter.company_id,
        email: email.as_deref(),
        given_name: filter.given_name,
        family_name: filter.family_name,
    };
    let mut conn = ctx.store.reader().await?;
    let rows = storage::clients::list(
        &mut conn,
        &authz::scope(actor),
        &filter,
        page.after(),
        page.limit,
    )
    .await?;
    let (rows, next_token) = page.split(rows, |r| r.seq);
    let mut data = Vec::with_capacity(rows.len());
    for row in rows {
        data.push(as_seen_by(ctx, &mut conn, actor, row).await?);
    }
    Ok(Page { data, next_token })
}

#[tracing::instrument(skip_all)]
pub async fn get(ctx: &Context, actor: &Actor, id: &str) -> Result<Client> {
    let mut conn = ctx.store.reader().await?;
    let row = storage::found(
        storage::clients::get_visible(&mut conn, &authz::scope(actor), id).await?,
        "client",
    )?;
    as_seen_by(ctx, &mut conn, actor, row).await
}

#[tracing::instrument(skip_all)]
pub async fn update(
    ctx: &Context,
    actor: &Actor,
    id: &str,
    request: &UpdateClient,
    send_invite: bool,
) -> Result<Client> {
    authz::require_internal(actor)?;
    let scope = authz::scope(actor);
    let mut tx = ctx.store.begin().await?;
    let mut row = storage::found(
        storage::clients::get_visible(&mut tx, &scope, id).await?,
        "client",
    )?;
    let was = views::client(ctx, &mut tx, row.clone(), false).await?;
    if let Some(name) = &request.given_name {
        row.given_name = Name::parse("givenName", name)?.into_string();
    }
    if let Some(name) = &request.family_name {
        row.family_name = Name::parse("familyName", name)?.into_string();
    }
    if let Some(requested) = requested_companies(&request.company_id, &request.company_ids) {
        check_companies(&mut tx, &scope, &requested).await?;
        let leaving: Vec<String> = storage::clients::company_ids(&mut tx, &row.id)
            .await?
            .into_iter()
            .filter(|company| !requested.contains(company))
            .collect();
        require_granted(&mut tx, &scope, &leaving).await?;
        let company_ids = if requested.is_empty() {
            vec![companies::create_placeholder(&mut tx, &row.given_name, &row.family_name).await?]
        } else {
            requested
        };
        place_in_companies(ctx, &mut tx, &row, &company_ids).await?;
    }
    let now = now_ms();
    let inviting = send_invite && row.status != ClientStatus::Active.as_str();
    if inviting {
        row.status = ClientStatus::Invited.as_str().into();
        row.invite_version += 1;
        row.invite_expires_at = Some(now + INVITE_LIFETIME_MS);
    }
    row.updated_at = now;
    storage::clients::update(&mut tx, &row).await?;
    if inviting {
        queue_invitation(ctx, &mut tx, &row).await?;
    }
    let seen = views::client(ctx, &mut tx, row.clone(), false).await?;
    events::directory(&mut tx, EventKind::ClientUpdated, &seen, Some(&was)).await?;
    let with_invite = inviting && authz::receives_invite_links(actor);
    let client = views::client(ctx, &mut tx, row, with_invite).await?;
    ctx.commit(tx).await?;
    Ok(client)
}

/// Queues the invitation e-mail for the client's current invitation link, in
/// the transaction that issued it; one e-mail per issued link.
async fn queue_invitation(ctx: &Context, conn: &mut Conn, row: &ClientRow) -> Result<()> {
    let Some(url) = views::invite_url(ctx, row) else {
        return Ok(());
    };
    let brand = workspace::load(conn).await?.brand_name;
    let email = crate::mail::templates::invitation(&brand, &row.email, &row.given_name, &url);
    crate::mail::enqueue(
        conn,
        &format!("invite:{}:{}", row.id, row.invite_version),
        email,
    )
    .await?;
    Ok(())
}

/// Deletes a client; their individual channel goes with them.
#[tracing::instrument(skip_all)]
pub async fn delete(ctx: &Context, actor: &Actor, source: &Source, id: &str) -> Result<()> {
    authz::require_internal(actor)?;
    let scope = authz::scope(actor);
    let mut tx = ctx.store.begin().await?;
    let row = storage::found(
        storage::clients::get_visible(&mut tx, &scope, id).await?,
        "client",
    )?;
    let was = views::client(ctx, &mut tx, row, false).await?;
    let companies = storage::clients::company_ids(&mut tx, id).await?;
    require_granted(&mut tx, &scope, &companies).await?;
    let involved = storage::channels::ids_involving_client(&mut tx, id).await?;
    let before = events::before(&mut tx, &involved).await?;
    let blobs = storage::attachments::blob_ids_in_channels(&mut tx, &involved).await?;
    storage::clients::delete(&mut tx, id).await?;
    events::channels_changed(&mut tx, before, &[]).await?;
    events::access_changed(&mut tx, id).await?;
    events::directory(&mut tx, EventKind::ClientDeleted, &was, None).await?;
    audit::record(
        &mut tx,
        source,
        Action::ClientDeleted,
        Some(Target::new(
            "client",
            id,
            format!("{} {}", was.given_name, was.family_name),
        )),
        json!({ "email": was.email, "companyIds": companies }),
    )
    .await?;
    ctx.commit(tx).await?;
    super::attachments::release_blobs(ctx, blobs).await;
    Ok(())
}
