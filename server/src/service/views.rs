//! Turning stored rows into the objects the API returns.

use super::Context;
use crate::auth::tokens::{LinkPurpose, SignedLink};
use crate::auth::Actor;
use crate::authz;
use crate::domain::attachment::Attachment;
use crate::domain::channel::{MembershipType, MessageChannel};
use crate::domain::client::{Client, ClientStatus};
use crate::domain::company::Company;
use crate::domain::conversation::ConversationState;
use crate::domain::internal_user::InternalUser;
use crate::domain::message::Message;
use crate::domain::notification::{DeliveryTargets, EmailTarget, InProductTarget, Notification};
use crate::domain::reaction::{self, Reacted};
use crate::domain::settings::{DefaultChannelType, MessagingSettings};
use crate::domain::workspace::Workspace;
use crate::domain::Timestamp;
use crate::domain::UserType;
use crate::error::Result;
use crate::storage::attachments::AttachmentRow;
use crate::storage::channels::ChannelRow;
use crate::storage::clients::ClientRow;
use crate::storage::companies::CompanyRow;
use crate::storage::internal_users::InternalUserRow;
use crate::storage::messages::MessageRow;
use crate::storage::notifications::NotificationRow;
use crate::storage::workspace::WorkspaceRow;
use crate::storage::{self, Conn};

pub fn workspace(ctx: &Context, row: &WorkspaceRow) -> Workspace {
    Workspace {
        id: row.id.clone(),
        object: "workspace",
        brand_name: row.brand_name.clone(),
        portal_url: ctx.config.public_url.clone(),
        is_companies_enabled: true,
        brand_color: row.brand_color.clone(),
        logo_image_url: row.logo_image_url.clone(),
        email_sender_name: row.email_sender_name.clone(),
        email_reply_to: row.email_reply_to.clone(),
        email_includes_message_text: row.email_includes_message_text != 0,
        created_at: Timestamp(row.created_at),
        updated_at: Timestamp(row.updated_at),
    }
}

pub fn settings(row: &WorkspaceRow) -> MessagingSettings {
    MessagingSettings {
        object: "messagingSettings",
        default_channel_type: DefaultChannelType::from_stored(&row.default_channel_type),
        welcome_message: row.welcome_message.clone(),
        person_file_quota_bytes: row.person_file_quota_bytes,
        workspace_file_quota_bytes: row.workspace_file_quota_bytes,
        retention_months: row.retention_months,
    }
}

pub async fn internal_user(conn: &mut Conn, row: InternalUserRow) -> Result<InternalUser> {
    let company_access_list = storage::internal_users::company_access(conn, &row.id).await?;
    Ok(InternalUser {
        object: "internalUser",
        role: Some(row.role),
        is_client_access_limited: Some(row.is_client_access_limited != 0),
        company_access_list: Some(company_access_list),
        invitation_pending: Some(row.invite_expires_at.is_some()),
        avatar_image_url: row.avatar_image_url.clone(),
        created_at: Some(Timestamp(row.created_at)),
        updated_at: Some(Timestamp(row.updated_at)),
        id: row.id,
        given_name: row.given_name,
        family_name: row.family_name,
        email: Some(row.email),
        fallback_color: row.fallback_color,
        invite_url: None,
    })
}

pub fn company(row: CompanyRow) -> Company {
    Company {
        object: "company",
        is_placeholder: row.is_placeholder != 0,
        created_at: Timestamp(row.created_at),
        updated_at: Timestamp(row.updated_at),
        id: row.id,
        name: row.name,
        fallback_color: row.fallback_color,
        icon_image_url: row.icon_image_url,
    }
}

pub fn invite_url(ctx: &Context, row: &ClientRow) -> Option<String> {
    let expires_at_ms = row.invite_expires_at?;
    if row.status == ClientStatus::Active.as_str() {
        return None;
    }
    let link = SignedLink {
        user_id: row.id.clone(),
        expires_at_ms,
    };
    Some(link_url(
        ctx,
        "invite",
        &link,
        LinkPurpose::ClientInvitation,
        row.invite_version,
    ))
}

/// The address of a signed link's page: `{public URL}/{page}/{token}`.
pub fn link_url(
    ctx: &Context,
    page: &str,
    link: &SignedLink,
    purpose: LinkPurpose,
    version: i64,
) -> String {
    format!(
        "{}/{page}/{}",
        ctx.config.public_url,
        link.token(&ctx.config.secret_key, purpose, version)
    )
}

/// A client as staff and the client themselves see them; `with_invite` adds
/// the secret invitation link, for the answers that issue one to an admin.
pub async fn client(
    ctx: &Context,
    conn: &mut Conn,
    row: ClientRow,
    with_invite: bool,
) -> Result<Client> {
    let company_ids = storage::clients::company_ids(conn, &row.id).await?;
    let invite_url = if with_invite {
        invite_url(ctx, &row)
    } else {
        None
    };
    Ok(Client {
        object: "client",
        company_id: Some(company_ids.first().cloned().unwrap_or_default()),
        company_ids: Some(company_ids),
        status: Some(ClientStatus::from_stored(&row.status)),
        invite_url,
        avatar_image_url: row.avatar_image_url.clone(),
        first_login_date: row.first_login_at.map(Timestamp),
        last_login_date: row.last_login_at.map(Timestamp),
        creation_method: Some("internalUser"),
        created_at: Some(Timestamp(row.created_at)),
        updated_at: Some(Timestamp(row.updated_at)),
        id: row.id,
        given_name: row.given_name,
        family_name: row.family_name,
        email: Some(row.email),
        fallback_color: row.fallback_color,
    })
}

/// A channel, with the staff's handling when its reader may see it
/// (`authz::sees_handling`).
pub async fn channel(
    conn: &mut Conn,
    row: ChannelRow,
    with_handling: bool,
) -> Result<MessageChannel> {
    let member_ids = storage::channels::member_ids(conn, &row).await?;
    let membership_type = row.membership_type;
    let membership_entity_id = match membership_type {
        MembershipType::Individual => row.client_id.clone(),
        _ => row.company_id.clone(),
    };
    Ok(MessageChannel {
        object: "messageChannel",
        membership_type,
        membership_entity_id,
        member_ids,
        last_message_date: row.last_message_at.map(Timestamp),
        unread_count: Some(row.unread_count),
        created_at: Timestamp(row.created_at),
        updated_at: Timestamp(row.updated_at),
        id: row.id,
        client_id: row.client_id,
        company_id: row.company_id,
        assignee_id: with_handling.then(|| row.assignee_id.clone()),
        state: with_handling.then(|| ConversationState::from_stored(&row.state)),
        snoozed_until: with_handling.then(|| row.snoozed_until.map(Timestamp)),
        awaiting_reply_since: with_handling.then(|| row.awaiting_reply_since.map(Timestamp)),
    })
}

pub fn attachment(public_url: &str, row: AttachmentRow) -> Attachment {
    let base = format!("{public_url}/v1/attachments/{}", row.id);
    Attachment {
        object: "attachment",
        size: row.size as u64,
        width: row.width.map(|w| w as u32),
        height: row.height.map(|h| h as u32),
        download_url: format!("{base}/content"),
        thumbnail_url: row
            .thumbnail_blob_id
            .as_ref()
            .map(|_| format!("{base}/thumbnail")),
        created_at: Timestamp(row.created_at),
        id: row.id,
        name: row.name,
        content_type: row.content_type,
        message_id: row.message_id,
    }
}

/// A message with the attachments given (its own, in order) and no
/// reactions: what a message just written is; `messages` adds them.
pub fn message_with(public_url: &str, row: MessageRow, attachments: Vec<AttachmentRow>) -> Message {
    let attachments: Vec<Attachment> = attachments
        .into_iter()
        .map(|a| attachment(public_url, a))
        .collect();
    Message {
        object: "message",
        sender_type: UserType::from_stored(&row.sender_type),
        is_attachment_included: !attachments.is_empty(),
        attachments,
        is_welcome: row.is_welcome != 0,
        created_at: Timestamp(row.created_at),
        updated_at: Timestamp(row.updated_at),
        deleted_at: row.deleted_at.map(Timestamp),
        // A tombstone tells nothing of what it was, edits included.
        edited_at: row
            .edited_at
            .filter(|_| row.deleted_at.is_none())
            .map(Timestamp),
        // Staff's reads add it (`messages_for`); what is for everyone never has it.
        deleted_by: None,
        sent_via: crate::domain::message::SentVia::from_stored(row.sent_via.as_deref()),
        is_internal: row.is_internal != 0,
        idempotency_key: row.idempotency_key,
        reactions: Vec::new(),
        id: row.id,
        channel_id: row.channel_id,
        sender_id: row.sender_id,
        text: row.text,
    }
}

/// Messages with their attachments and reactions, each loaded in one query
/// for the whole page.
pub async fn messages(
    ctx: &Context,
    conn: &mut Conn,
    rows: Vec<MessageRow>,
) -> Result<Vec<Message>> {
    messages_at(&ctx.config.public_url, conn, rows).await
}

/// The same, for a caller that holds only the server's public address.
pub async fn messages_at(
    public_url: &str,
    conn: &mut Conn,
    rows: Vec<MessageRow>,
) -> Result<Vec<Message>> {
    let ids: Vec<&str> = rows.iter().map(|r| r.id.as_str()).collect();
    let mut by_message: std::collections::HashMap<String, Vec<AttachmentRow>> =
        std::collections::HashMap::new();
    for attachment in storage::attachments::of_messages(conn, &ids).await? {
        let key = attachment.message_id.clone().unwrap_or_default();
        by_message.entry(key).or_default().push(attachment);
    }
    let mut reacted: std::collections::HashMap<String, Vec<Reacted>> =
        std::collections::HashMap::new();
    for reaction in storage::reactions::of_messages(conn, &ids).await? {
        reacted
            .entry(reaction.message_id.clone())
            .or_default()
            .push(reaction.reacted());
    }
    Ok(rows
        .into_iter()
        .map(|row| {
            let attachments = by_message.remove(&row.id).unwrap_or_default();
            let reacted = reacted.remove(&row.id).unwrap_or_default();
            // A tombstone shows none, even one reacted to as it was deleted.
            let reactions = match row.deleted_at {
                Some(_) => Vec::new(),
                None => reaction::summarise(reacted),
            };
            Message {
                reactions,
                ..message_with(public_url, row, attachments)
            }
        })
        .collect())
}

/// Messages as `reader` sees them: those who see a message's history
/// (`authz::sees_history`) also see who deleted it.
pub async fn messages_for(
    ctx: &Context,
    conn: &mut Conn,
    reader: &Actor,
    rows: Vec<MessageRow>,
) -> Result<Vec<Message>> {
    let deleters: Vec<Option<String>> = match authz::sees_history(reader) {
        true => rows.iter().map(|r| r.deleted_by.clone()).collect(),
        false => Vec::new(),
    };
    let mut messages = messages(ctx, conn, rows).await?;
    for (message, deleter) in messages.iter_mut().zip(deleters) {
        message.deleted_by = deleter;
    }
    Ok(messages)
}

pub async fn message_for(
    ctx: &Context,
    conn: &mut Conn,
    reader: &Actor,
    row: MessageRow,
) -> Result<Message> {
    Ok(messages_for(ctx, conn, reader, vec![row]).await?.remove(0))
}

pub async fn message(ctx: &Context, conn: &mut Conn, row: MessageRow) -> Result<Message> {
    message_at(&ctx.config.public_url, conn, row).await
}

pub async fn message_at(public_url: &str, conn: &mut Conn, row: MessageRow) -> Result<Message> {
    Ok(messages_at(public_url, conn, vec![row]).await?.remove(0))
}

fn cta_params(raw: Option<&str>) -> Option<crate::domain::notification::CtaParams> {
    raw.and_then(|json| serde_json::from_str(json).ok())
}

pub fn notification(row: NotificationRow) -> Notification {
    let is_read = row.read_at.is_some();
    let in_product = (row.in_product == 1).then(|| InProductTarget {
        title: row.in_product_title.clone().unwrap_or_default(),
        body: row.in_product_body.clone(),
        is_read,
        cta_params: cta_params(row.in_product_cta_params.as_deref()),
    });
    let email = (row.email == 1).then(|| EmailTarget {
        subject: row.email_subject.clone().unwrap_or_default(),
        header: row.email_header.clone().unwrap_or_default(),
        title: row.email_title.clone(),
        body: row.email_body.clone(),
        cta_params: cta_params(row.email_cta_params.as_deref()),
    });
    Notification {
        recipient_id: row.recipient_id().to_string(),
        id: row.id,
        object: "notification",
        event: "custom",
        sender_id: row.sender_id,
        sender_type: row.sender_type,
        sender_company_id: row.sender_company_id,
        recipient_client_id: row.recipient_client_id,
        recipient_company_id: row.recipient_company_id,
        recipient_internal_user_id: row.recipient_internal_user_id,
        delivery_targets: DeliveryTargets { in_product, email },
        is_read,
        read_at: row.read_at.map(Timestamp),
        created_at: Timestamp(row.created_at),
        updated_at: Timestamp(row.updated_at),
    }
}
