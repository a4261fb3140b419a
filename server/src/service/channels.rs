//! Message channels: opening them (with their welcome message), listing the
//! ones a person is part of, and read state.

use serde::Deserialize;
use serde_json::json;
use utoipa::ToSchema;

use super::audit::{self, Source};
use super::sending::{self, Draft, Files};
use super::{events, views, workspace, Context, Page, PageRequest};
use crate::auth::Actor;
use crate::authz::{self, Among, Scope};
use crate::domain::audit::{Action, Target};
use crate::domain::channel::{group_company, Candidate, MembershipType, MessageChannel};
use crate::domain::message::MessageText;
use crate::domain::new_id;
use crate::domain::settings::{render_welcome, WelcomeContext};
use crate::domain::UserType;
use crate::error::{Error, Result};
use crate::storage::channels::{ChannelFilter, NewChannel};
use crate::storage::{self, now_ms, Conn};

#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CreateChannel {
    /// `individual`, `group` or `company`.
    pub membership_type: String,
    /// The client of an individual channel.
    pub client_id: Option<String>,
    /// The company of a company channel, or of a group whose members share several.
    pub company_id: Option<String>,
    /// The clients of a group channel (at least two, all of one company).
    pub member_ids: Option<Vec<String>>,
    /// Deprecated: the client (individual) or company (company) id.
    pub membership_entity_id: Option<String>,
}

/// What a new channel is, once checked.
struct Opening<'a> {
    membership_type: MembershipType,
    client_id: Option<&'a str>,
    company_id: Option<&'a str>,
    member_ids: &'a [String],
}

/// Inserts a channel and posts its welcome message, rendered for its members.
async fn open(ctx: &Context, conn: &mut Conn, opening: &Opening<'_>) -> Result<String> {
    let id = new_id();
    let now = now_ms();
    storage::channels::insert(
        conn,
        &NewChannel {
            id: &id,
            membership_type: opening.membership_type,
            client_id: opening.client_id,
            company_id: opening.company_id,
            member_ids: opening.member_ids,
            now,
        },
    )
    .await?;
    events::channel_created(conn, &id).await?;
    post_welcome(ctx, conn, &id, opening).await?;
    Ok(id)
}

async fn post_welcome(
    ctx: &Context,
    conn: &mut Conn,
    channel_id: &str,
    opening: &Opening<'_>,
) -> Result<()> {
    let settings = workspace::load(conn).await?;
    if settings.welcome_message.trim().is_empty() {
        return Ok(());
    }
    let owner = storage::internal_users::owner(conn)
        .await?
        .ok_or_else(|| Error::Conflict("the workspace has no admin to welcome clients".into()))?;
    let client = match opening.client_id {
        Some(id) => storage::clients::get(conn, id).await?,
        None => None,
    };
    let company_id = match (opening.company_id, opening.client_id) {
        (Some(company), _) => Some(company.to_string()),
        (None, Some(client)) => storage::clients::company_ids(conn, client)
            .await?
            .into_iter()
            .next(),
        (None, None) => None,
    };
    let company = match company_id {
        Some(id) => storage::companies::get(conn, &id).await?,
        None => None,
    };
    // A channel of several clients greets them all.
    let (given, family) = client.as_ref().map_or(("everyone", ""), |c| {
        (c.given_name.as_str(), c.family_name.as_str())
    });
    let text = render_welcome(
        &settings.welcome_message,
        &WelcomeContext {
            client_given_name: given,
            client_family_name: family,
            company_name: company.as_ref().map_or("", |c| c.name.as_str()),
            workspace_name: &settings.brand_name,
        },
    );
    let owner = super::sessions::staff_actor(&owner);
    let mut welcome = Draft::plain(
        &owner,
        channel_id,
        MessageText::parse(&text, ctx.config.max_message_chars)?,
    );
    welcome.is_welcome = true;
    sending::write(ctx, conn, &welcome, Files::Uploads).await?;
    Ok(())
}

/// The individual channel of a client, opened if it does not exist yet.
#[tracing::instrument(skip_all)]
pub(crate) async fn ensure_individual(
    ctx: &Context,
    conn: &mut Conn,
    client_id: &str,
) -> Result<String> {
    if let Some(id) =
        storage::channels::find_id(conn, MembershipType::Individual, client_id).await?
    {
        return Ok(id);
    }
    open(
        ctx,
        conn,
        &Opening {
            membership_type: MembershipType::Individual,
            client_id: Some(client_id),
            company_id: None,
            member_ids: &[],
        },
    )
    .await
}

/// The channel of a company, opened if it does not exist yet.
#[tracing::instrument(skip_all)]
pub(crate) async fn ensure_company(
    ctx: &Context,
    conn: &mut Conn,
    company_id: &str,
) -> Result<String> {
    if let Some(id) = storage::channels::find_id(conn, MembershipType::Company, company_id).await? {
        return Ok(id);
    }
    open(
        ctx,
        conn,
        &Opening {
            membership_type: MembershipType::Company,
            client_id: None,
            company_id: Some(company_id),
            member_ids: &[],
        },
    )
    .await
}

#[tracing::instrument(skip_all)]
pub async fn create(
    ctx: &Context,
    actor: &Actor,
    request: &CreateChannel,
) -> Result<MessageChannel> {
    authz::require_internal(actor)?;
    let scope = authz::scope(actor);
    let membership_type = MembershipType::parse(&request.membership_type)?;
    let mut tx = ctx.store.begin().await?;
    let id = match membership_type {
        MembershipType::Individual => {
            let client_id = request
                .client_id
                .as_deref()
                .or(request.membership_entity_id.as_deref())
                .ok_or_else(|| Error::invalid("clientId is required for an individual channel"))?;
            storage::found(
                storage::clients::get_visible(&mut tx, &scope, client_id).await?,
                "client",
            )?;
            if let Some(existing) =
                storage::channels::find_id(&mut tx, MembershipType::Individual, client_id).await?
            {
                return Err(Error::Conflict(format!(
                    "client {client_id} already has an individual channel: {existing}"
                )));
            }
            open(
                ctx,
                &mut tx,
                &Opening {
                    membership_type,
                    client_id: Some(client_id),
                    company_id: None,
                    member_ids: &[],
                },
            )
            .await?
        }
        MembershipType::Company => {
            let company_id = request
                .company_id
                .as_deref()
                .or(request.membership_entity_id.as_deref())
                .ok_or_else(|| Error::invalid("companyId is required for a company channel"))?;
            storage::found(
                storage::companies::get_visible(&mut tx, &scope, company_id).await?,
                "company",
            )?;
            if let Some(existing) =
                storage::channels::find_id(&mut tx, MembershipType::Company, company_id).await?
            {
                return Err(Error::Conflict(format!(
                    "company {company_id} already has a company channel: {existing}"
                )));
            }
            open(
                ctx,
                &mut tx,
                &Opening {
                    membership_type,
                    client_id: None,
                    company_id: Some(company_id),
                    member_ids: &[],
                },
            )
            .await?
        }
        MembershipType::Group => {
            let member_ids = request.member_ids.as_deref().unwrap_or_default();
            let mut companies = Vec::with_capacity(member_ids.len());
            for member in member_ids {
                storage::found(
                    storage::clients::get_visible(&mut tx, &scope, member).await?,
                    "client",
                )?;
                companies.push(storage::clients::company_ids(&mut tx, member).await?);
            }
            let candidates: Vec<Candidate<'_>> = member_ids
                .iter()
                .zip(&companies)
                .map(|(client_id, company_ids)| Candidate {
                    client_id,
                    company_ids,
                })
                .collect();
            let company_id = group_company(&candidates, request.company_id.as_deref())?;
            storage::found(
                storage::companies::get_visible(&mut tx, &scope, &company_id).await?,
                "company",
            )?;
            let mut members = member_ids.to_vec();
            members.sort();
            members.dedup();
            open(
                ctx,
                &mut tx,
                &Opening {
                    membership_type,
                    client_id: None,
                    company_id: Some(&company_id),
                    member_ids: &members,
                },
            )
            .await?
        }
    };
    let row = storage::found(
        storage::channels::get_visible(&mut tx, &scope, actor.id(), &id).await?,
        "message channel",
    )?;
    let channel = views::channel(&mut tx, row, authz::sees_handling(actor)).await?;
    ctx.commit(tx).await?;
    Ok(channel)
}

pub struct ListChannels<'a> {
    pub membership_type: Option<&'a str>,
    pub client_id: Option<&'a str>,
    pub member_id: Option<&'a str>,
}

/// What a member can see: a client's own channels, or an internal user's scope.
async fn member_scope(conn: &mut Conn, member_id: &str) -> Result<Scope> {
    match super::sessions::load_actor(conn, member_id, UserType::InternalUser).await? {
        Some(member) => Ok(authz::scope(&member)),
        None => Ok(Scope::Client(member_id.to_string())),
    }
}

#[tracing::instrument(skip_all)]
pub async fn list(
    ctx: &Context,
    actor: &Actor,
    filter: &ListChannels<'_>,
    page: PageRequest,
) -> Result<Page<MessageChannel>> {
    let membership_type = filter
        .membership_type
        .map(MembershipType::parse)
        .transpose()?;
    let mut conn = ctx.store.reader().await?;
    let member = match filter.member_id {
        // What someone else may see tells who has access to what: a staff
        // member's access list is a private detail.
        Some(id) if !authz::sees_private_details(actor, id) => {
            return Err(Error::forbidden(
                "memberId may only name yourself: what others see is not yours to read",
            ))
        }
        Some(id) => Some(member_scope(&mut conn, id).await?),
        None => None,
    };
    let storage_filter = ChannelFilter {
        membership_type,
        client_id: filter.client_id,
        member,
    };
    let rows = storage::channels::list(
        &mut conn,
        &authz::scope(actor),
        actor.id(),
        &storage_filter,
        page.after(),
        page.limit,
    )
    .await?;
    let (rows, next_token) = page.split(rows, |r| r.seq);
    let mut data = Vec::with_capacity(rows.len());
    for row in rows {
        data.push(views::channel(&mut conn, row, authz::sees_handling(actor)).await?);
    }
    Ok(Page { data, next_token })
}

#[tracing::instrument(skip_all)]
pub async fn get(ctx: &Context, actor: &Actor, id: &str) -> Result<MessageChannel> {
    let mut conn = ctx.store.reader().await?;
    let row =
        storage::channels::get_visible(&mut conn, &authz::scope(actor), actor.id(), id).await?;
    let row = storage::found(row, "message channel")?;
    views::channel(&mut conn, row, authz::sees_handling(actor)).await
}

#[tracing::instrument(skip_all)]
pub async fn delete(ctx: &Context, actor: &Actor, source: &Source, id: &str) -> Result<()> {
    authz::require_internal(actor)?;
    let mut tx = ctx.store.begin().await?;
    let row = storage::found(
        storage::channels::get_visible(&mut tx, &authz::scope(actor), actor.id(), id).await?,
        "message channel",
    )?;
    // Named for whom it was with, while they are still there to ask.
    let named_for = match (row.membership_type, &row.client_id, &row.company_id) {
        (MembershipType::Individual, Some(client), _) => Some(("client", client)),
        (MembershipType::Company, _, Some(company)) => Some(("company", company)),
        _ => None,
    };
    let name = match named_for {
        Some((kind, of)) => storage::audit::name_of(&mut tx, kind, of).await?,
        None => None,
    };
    audit::record(
        &mut tx,
        source,
        Action::ChannelDeleted,
        Some(Target::new("messageChannel", id, name)),
        json!({
            "membershipType": row.membership_type.as_str(),
            "clientId": row.client_id,
            "companyId": row.company_id,
        }),
    )
    .await?;
    let before = events::before(&mut tx, &[id.to_string()]).await?;
    // The channel's messages and their attachments go by cascade; the files after commit.
    let blobs = storage::attachments::blob_ids_in_channels(&mut tx, &[id.to_string()]).await?;
    storage::channels::delete(&mut tx, id).await?;
    events::channels_changed(&mut tx, before, &[]).await?;
    ctx.commit(tx).await?;
    super::attachments::release_blobs(ctx, blobs).await;
    Ok(())
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct MarkRead {
    /// Read up to and including this message; the newest one when absent.
    pub message_id: Option<String>,
}

/// Moves the caller's read marker; returns the channel with its new unread count.
#[tracing::instrument(skip_all)]
pub async fn mark_read(
    ctx: &Context,
    actor: &Actor,
    id: &str,
    request: &MarkRead,
) -> Result<MessageChannel> {
    let scope = authz::scope(actor);
    let mut tx = ctx.store.begin().await?;
    visible(&mut tx, &scope, actor, id).await?;
    let last_read = match &request.message_id {
        Some(message_id) => {
            let message = storage::messages::get(&mut tx, message_id)
                .await?
                .filter(|m| m.channel_id == id)
                .filter(|m| authz::sees_message(actor, m.is_internal != 0));
            let message = storage::found(message, "message")?;
            Some((message.seq, message.id))
        }
        None => storage::messages::latest(&mut tx, &scope, id, i64::MAX).await?,
    };
    let moved = match last_read {
        Some((seq, message_id)) => {
            storage::messages::mark_read(&mut tx, id, actor.id(), seq, now_ms()).await?;
            Some(Some(message_id))
        }
        None => None,
    };
    marker_moved(ctx, tx, &scope, actor, id, moved).await
}

/// Marks the newest message someone else sent as unread again for the
/// caller, as "come back to this later"; returns the channel with its new
/// unread count. A channel with nothing from others stays as it is.
#[tracing::instrument(skip_all)]
pub async fn mark_unread(ctx: &Context, actor: &Actor, id: &str) -> Result<MessageChannel> {
    let scope = authz::scope(actor);
    let mut tx = ctx.store.begin().await?;
    visible(&mut tx, &scope, actor, id).await?;
    let newest = storage::messages::newest_from_others(&mut tx, &scope, id, actor.id()).await?;
    let moved = match newest {
        Some((seq, _)) => {
            storage::messages::mark_unread_from(&mut tx, id, actor.id(), seq, now_ms()).await?;
            let before = storage::messages::latest(&mut tx, &scope, id, seq - 1).await?;
            Some(before.map(|(_, id)| id))
        }
        None => None,
    };
    marker_moved(ctx, tx, &scope, actor, id, moved).await
}

async fn visible(
    conn: &mut Conn,
    scope: &Scope,
    actor: &Actor,
    id: &str,
) -> Result<storage::channels::ChannelRow> {
    storage::found(
        storage::channels::get_visible(conn, scope, actor.id(), id).await?,
        "message channel",
    )
}

/// After a read marker moved to `moved` (`Some(None)`: before the first
/// message; `None`: it did not move): tells the channel, with the caller's
/// new unread count, commits and answers the channel.
async fn marker_moved(
    ctx: &Context,
    mut tx: crate::storage::Tx,
    scope: &Scope,
    actor: &Actor,
    id: &str,
    moved: Option<Option<String>>,
) -> Result<MessageChannel> {
    let row = visible(&mut tx, scope, actor, id).await?;
    if let Some(last_read) = moved {
        if authz::sees_notes(actor) {
            // Staff may have read up to a note, and their unread count
            // counts notes: the clients hear of the newest message they
            // can see, and no count.
            events::channel_read(
                &mut tx,
                id,
                actor.id(),
                last_read.as_deref(),
                Some(row.unread_count),
                Among::Staff,
            )
            .await?;
            let seen = match &last_read {
                Some(message_id) => public_at_or_before(&mut tx, id, message_id).await?,
                None => None,
            };
            events::channel_read(
                &mut tx,
                id,
                actor.id(),
                seen.as_deref(),
                None,
                Among::Clients,
            )
            .await?;
        } else {
            events::channel_read(
                &mut tx,
                id,
                actor.id(),
                last_read.as_deref(),
                Some(row.unread_count),
                Among::Everyone,
            )
            .await?;
        }
    }
    let channel = views::channel(&mut tx, row, authz::sees_handling(actor)).await?;
    ctx.commit(tx).await?;
    Ok(channel)
}

/// The newest message a client of the channel may see at `message_id` or
/// before it.
async fn public_at_or_before(
    conn: &mut Conn,
    channel_id: &str,
    message_id: &str,
) -> Result<Option<String>> {
    let Some(message) = storage::messages::get(conn, message_id).await? else {
        return Ok(None);
    };
    let anyone = Scope::Client(String::new());
    let public = storage::messages::latest(conn, &anyone, channel_id, message.seq).await?;
    Ok(public.map(|(_, id)| id))
}

/// The conversation with these clients, made if it does not exist yet: one
/// client's individual channel, or the group of exactly these clients (who
/// must share a company, as for every group).
#[tracing::instrument(skip_all)]
pub async fn open_conversation(
    ctx: &Context,
    actor: &Actor,
    client_ids: &[String],
) -> Result<MessageChannel> {
    authz::require_internal(actor)?;
    let mut wanted: Vec<&str> = client_ids.iter().map(String::as_str).collect();
    wanted.sort_unstable();
    wanted.dedup();
    let (membership_type, request) = match wanted.as_slice() {
        [] => return Err(Error::invalid("choose at least one client")),
        [client] => (
            "individual",
            CreateChannel {
                membership_type: "individual".into(),
                client_id: Some(client.to_string()),
                company_id: None,
                member_ids: None,
                membership_entity_id: None,
            },
        ),
        several => (
            "group",
            CreateChannel {
                membership_type: "group".into(),
                client_id: None,
                company_id: None,
                member_ids: Some(several.iter().map(|id| id.to_string()).collect()),
                membership_entity_id: None,
            },
        ),
    };
    let filter = ListChannels {
        membership_type: Some(membership_type),
        client_id: None,
        member_id: Some(wanted[0]),
    };
    let candidates =
        super::paging::every("channels", |page| list(ctx, actor, &filter, page)).await?;
    let existing = candidates.into_iter().find(|channel| {
        let mut members: Vec<&str> = channel.member_ids.iter().map(String::as_str).collect();
        members.sort_unstable();
        members == wanted
    });
    if let Some(channel) = existing {
        return Ok(channel);
    }
    create(ctx, actor, &request).await
}

/// A company's conversation, opened if it has none yet. Whoever may see the
/// company may open it, as with creating a company channel.
#[tracing::instrument(skip_all)]
pub async fn open_company_conversation(
    ctx: &Context,
    actor: &Actor,
    company_id: &str,
) -> Result<MessageChannel> {
    authz::require_internal(actor)?;
    let scope = authz::scope(actor);
    let mut tx = ctx.store.begin().await?;
    storage::found(
        storage::companies::get_visible(&mut tx, &scope, company_id).await?,
        "company",
    )?;
    let id = ensure_company(ctx, &mut tx, company_id).await?;
    let row = storage::found(
        storage::channels::get_visible(&mut tx, &scope, actor.id(), &id).await?,
        "message channel",
    )?;
    let channel = views::channel(&mut tx, row, authz::sees_handling(actor)).await?;
    ctx.commit(tx).await?;
    Ok(channel)
}
