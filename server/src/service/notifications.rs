//! Notifications: sent by integrations (API keys) and admins to one client or
//! internal user, shown in the recipient's notification centre (in product),
//! e-mailed through the outbox, or both.
//!
//! Broadcasts: an in-product notification's creation, read state and
//! deletion are logged as `notification.*` events for the recipient's
//! sockets only (see `events::notification`). E-mail-only notifications have
//! no notification centre entry, so they send no events.

use serde::Deserialize;
use utoipa::ToSchema;

use super::{events, sessions, views, workspace, Context, Page, PageRequest};
use crate::auth::Actor;
use crate::authz::{self, NotificationScope};
use crate::domain::event::EventKind;
use crate::domain::notification::{CtaParams, Notification};
use crate::domain::{new_id, Name, UserType};
use crate::error::{Error, Result};
use crate::storage::notifications::{NotificationFilter, NotificationRow};
use crate::storage::{self, flag, now_ms, Conn};

/// Longest body, in characters, as for message text.
pub const MAX_BODY_CHARS: usize = 10_000;
const MAX_CTA_PARAMS: usize = 20;
const MAX_CTA_CHARS: usize = 500;

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CreateNotification {
    /// Who it is from: an internal user, a client or a company.
    pub sender_id: String,
    /// Needed when the sender is a client of several companies.
    pub sender_company_id: Option<String>,
    /// Deprecated: the client or internal user it is for.
    pub recipient_id: Option<String>,
    pub recipient_client_id: Option<String>,
    /// Needed when the recipient is a client of several companies.
    pub recipient_company_id: Option<String>,
    pub recipient_internal_user_id: Option<String>,
    #[serde(default)]
    pub delivery_targets: CreateDeliveryTargets,
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CreateDeliveryTargets {
    pub in_product: Option<CreateInProduct>,
    pub email: Option<CreateEmail>,
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CreateInProduct {
    pub title: Option<String>,
    pub body: Option<String>,
    /// An object of strings, or a string holding one (as JSON or `a=1&b=2`).
    #[schema(value_type = Option<Object>)]
    pub cta_params: Option<serde_json::Value>,
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CreateEmail {
    /// Defaults to the header, then to the in-product title.
    pub subject: Option<String>,
    /// The heading of the e-mail; defaults to the subject.
    pub header: Option<String>,
    pub body: Option<String>,
    /// The call-to-action button's label.
    pub title: Option<String>,
    /// An object of strings, or a string holding one (as JSON or `a=1&b=2`).
    #[schema(value_type = Option<Object>)]
    pub cta_params: Option<serde_json::Value>,
}

/// Optional text: absent or blank is none; otherwise a short single line.
fn short_text(field: &str, raw: Option<&str>) -> Result<Option<String>> {
    match raw.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(text) => Ok(Some(Name::parse(field, text)?.into_string())),
    }
}

fn body_text(field: &str, raw: Option<&str>) -> Result<Option<String>> {
    match raw.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(text) if text.chars().count() > MAX_BODY_CHARS => Err(Error::PayloadTooLarge(
            format!("{field} must be at most {MAX_BODY_CHARS} characters"),
        )),
        Some(text) => {
            crate::domain::values::check_free_text(field, text)?;
            Ok(Some(text.to_string()))
        }
    }
}

/// `ctaParams` as a JSON object of strings, ready to store.
fn cta_params(field: &str, raw: Option<&serde_json::Value>) -> Result<Option<String>> {
    let object = match raw {
        None | Some(serde_json::Value::Null) => return Ok(None),
        Some(serde_json::Value::String(text)) if text.trim().is_empty() => return Ok(None),
        Some(serde_json::Value::String(text)) => match serde_json::from_str(text) {
            Ok(serde_json::Value::Object(map)) => map,
            _ if !text.trim_start().starts_with('{') => form_urlencoded::parse(text.as_bytes())
                .map(|(k, v)| (k.into_owned(), serde_json::Value::String(v.into_owned())))
                .collect(),
            _ => return Err(Error::invalid(format!("{field} must be an object"))),
        },
        Some(serde_json::Value::Object(map)) => map.clone(),
        Some(_) => return Err(Error::invalid(format!("{field} must be an object"))),
    };
    let mut params = CtaParams::new();
    for (key, value) in object {
        let value = match value {
            serde_json::Value::String(s) => s,
            serde_json::Value::Number(n) => n.to_string(),
            serde_json::Value::Bool(b) => b.to_string(),
            _ => {
                return Err(Error::invalid(format!(
                    "{field} values must be strings; {key:?} is not"
                )))
            }
        };
        if key.is_empty() || key.chars().count() > MAX_CTA_CHARS {
            return Err(Error::invalid(format!(
                "{field} keys must have 1 to {MAX_CTA_CHARS} characters"
            )));
        }
        if value.chars().count() > MAX_CTA_CHARS {
            return Err(Error::invalid(format!(
                "{field} values must be at most {MAX_CTA_CHARS} characters"
            )));
        }
        params.insert(key, value);
    }
    if params.len() > MAX_CTA_PARAMS {
        return Err(Error::invalid(format!(
            "{field} may have at most {MAX_CTA_PARAMS} keys"
        )));
    }
    if params.is_empty() {
        return Ok(None);
    }
    Ok(Some(
        serde_json::to_string(&params).map_err(anyhow::Error::from)?,
    ))
}

fn given(value: &Option<String>) -> Option<&str> {
    value.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

/// Who a notification is for, with their e-mail address.
struct Recipient {
    client_id: Option<String>,
    internal_user_id: Option<String>,
    company_id: Option<String>,
    email: String,
    /// For internal users: limited, with their access list.
    limited_access: Option<Vec<String>>,
}

async fn resolve_recipient(conn: &mut Conn, request: &CreateNotification) -> Result<Recipient> {
    let client_field = given(&request.recipient_client_id);
    let staff_field = given(&request.recipient_internal_user_id);
    let legacy = given(&request.recipient_id);
    let (client_id, staff_id) = match (client_field, staff_field, legacy) {
        (Some(_), Some(_), _) => {
            return Err(Error::invalid(
                "give either recipientClientId or recipientInternalUserId, not both",
            ))
        }
        (Some(client), None, _) => (Some(client), None),
        (None, Some(staff), _) => (None, Some(staff)),
        (None, None, Some(id)) => {
            if storage::clients::get(conn, id).await?.is_some() {
                (Some(id), None)
            } else {
                (None, Some(id))
            }
        }
        (None, None, None) => {
            return Err(Error::invalid(
                "recipientClientId or recipientInternalUserId is required",
            ))
        }
    };
    let company_field = given(&request.recipient_company_id);
    if let Some(id) = staff_id {
        if company_field.is_some() {
            return Err(Error::invalid(
                "recipientCompanyId is only for notifications to clients",
            ));
        }
        let staff = storage::internal_users::get(conn, id)
            .await?
            .ok_or_else(|| Error::invalid(format!("there is no internal user with id {id:?}")))?;
        let limited_access = match authz::notification_scope(&sessions::staff_actor(&staff)) {
            NotificationScope::LimitedStaff(_) => {
                Some(storage::internal_users::company_access(conn, id).await?)
            }
            NotificationScope::All | NotificationScope::Own(_) => None,
        };
        return Ok(Recipient {
            client_id: None,
            internal_user_id: Some(staff.id),
            company_id: None,
            email: staff.email,
            limited_access,
        });
    }
    let id = client_id.unwrap_or_default();
    let client = storage::clients::get(conn, id)
        .await?
        .ok_or_else(|| Error::invalid(format!("there is no client with id {id:?}")))?;
    let companies = storage::clients::company_ids(conn, &client.id).await?;
    let company_id = pick_company(&companies, company_field, "recipientCompanyId", "recipient")?;
    Ok(Recipient {
        client_id: Some(client.id),
        internal_user_id: None,
        company_id,
        email: client.email,
        limited_access: None,
    })
}

/// The company of a client of `companies`: the one named, which must be one
/// of them, or the only one.
fn pick_company(
    companies: &[String],
    named: Option<&str>,
    field: &str,
    who: &str,
) -> Result<Option<String>> {
    match (named, companies) {
        (Some(named), _) if companies.iter().any(|c| c == named) => Ok(Some(named.to_string())),
        (Some(named), _) => Err(Error::invalid(format!(
            "{field} {named:?} is not a company of the {who}"
        ))),
        (None, [only]) => Ok(Some(only.clone())),
        (None, []) => Ok(None),
        (None, _) => Err(Error::invalid(format!(
            "the {who} belongs to several companies; {field} must say which"
        ))),
    }
}

/// The sender's kind and the company the notification is about.
async fn resolve_sender(
    conn: &mut Conn,
    request: &CreateNotification,
) -> Result<(String, &'static str, Option<String>)> {
    let id = request.sender_id.trim().to_string();
    if id.is_empty() {
        return Err(Error::invalid("senderId is required"));
    }
    let company_field = given(&request.sender_company_id);
    if storage::internal_users::get(conn, &id).await?.is_some() {
        if company_field.is_some() {
            return Err(Error::invalid(
                "senderCompanyId is only for notifications from clients",
            ));
        }
        return Ok((id, "internalUser", None));
    }
    if storage::clients::get(conn, &id).await?.is_some() {
        let companies = storage::clients::company_ids(conn, &id).await?;
        let company = pick_company(&companies, company_field, "senderCompanyId", "sender")?;
        return Ok((id, "client", company));
    }
    if storage::companies::get(conn, &id).await?.is_some() {
        return Ok((id.clone(), "company", Some(id)));
    }
    Err(Error::invalid(format!(
        "senderId {id:?} is not an internal user, client or company"
    )))
}

/// The link of a notification's call to action: the portal's notifications
/// page with the `ctaParams` as query parameters.
fn cta_url(ctx: &Context, params: Option<&str>) -> String {
    let base = format!(
        "{}/notifications",
        ctx.config.public_url.trim_end_matches('/')
    );
    let params: CtaParams = params
        .and_then(|json| serde_json::from_str(json).ok())
        .unwrap_or_default();
    if params.is_empty() {
        return base;
    }
    let query = form_urlencoded::Serializer::new(String::new())
        .extend_pairs(params.iter())
        .finish();
    format!("{base}?{query}")
}

/// Sends a notification: stores it, queues its e-mail and logs its event, in
/// one transaction, after every check has passed.
#[tracing::instrument(skip_all)]
pub async fn create(
    ctx: &Context,
    actor: &Actor,
    request: &CreateNotification,
) -> Result<Notification> {
    authz::require_notification_sender(actor)?;
    let targets = &request.delivery_targets;
    if targets.in_product.is_none() && targets.email.is_none() {
        return Err(Error::invalid(
            "deliveryTargets needs inProduct, email or both",
        ));
    }
    let in_product = match &targets.in_product {
        None => None,
        Some(target) => Some((
            short_text("deliveryTargets.inProduct.title", target.title.as_deref())?
                .ok_or_else(|| Error::invalid("deliveryTargets.inProduct.title is required"))?,
            body_text("deliveryTargets.inProduct.body", target.body.as_deref())?,
            cta_params(
                "deliveryTargets.inProduct.ctaParams",
                target.cta_params.as_ref(),
            )?,
        )),
    };
    let email = match &targets.email {
        None => None,
        Some(target) => {
            let header = short_text("deliveryTargets.email.header", target.header.as_deref())?;
            let subject = short_text("deliveryTargets.email.subject", target.subject.as_deref())?
                .or_else(|| header.clone())
                .or_else(|| in_product.as_ref().map(|(title, _, _)| title.clone()))
                .ok_or_else(|| Error::invalid("deliveryTargets.email.subject is required"))?;
            Some((
                header.unwrap_or_else(|| subject.clone()),
                subject,
                short_text("deliveryTargets.email.title", target.title.as_deref())?,
                body_text("deliveryTargets.email.body", target.body.as_deref())?,
                cta_params(
                    "deliveryTargets.email.ctaParams",
                    target.cta_params.as_ref(),
                )?,
            ))
        }
    };

    let mut tx = ctx.store.begin().await?;
    let recipient = resolve_recipient(&mut tx, request).await?;
    let (sender_id, sender_type, sender_company_id) = resolve_sender(&mut tx, request).await?;
    if let Some(access) = &recipient.limited_access {
        if !authz::staff_may_hear_about(true, access, sender_company_id.as_deref()) {
            return Err(Error::invalid(
                "the recipient's client access does not include the company this notification is about",
            ));
        }
    }
    let now = now_ms();
    let (in_product_title, in_product_body, in_product_cta_params) = match in_product {
        Some((title, body, params)) => (Some(title), body, params),
        None => (None, None, None),
    };
    let (email_header, email_subject, email_title, email_body, email_cta_params) = match email {
        Some((header, subject, title, body, params)) => {
            (Some(header), Some(subject), title, body, params)
        }
        None => (None, None, None, None, None),
    };
    let row = NotificationRow {
        seq: 0,
        id: new_id(),
        sender_id,
        sender_type: sender_type.to_string(),
        sender_company_id,
        recipient_client_id: recipient.client_id,
        recipient_internal_user_id: recipient.internal_user_id,
        recipient_company_id: recipient.company_id,
        in_product: flag(targets.in_product.is_some()),
        in_product_title,
        in_product_body,
        in_product_cta_params,
        email: flag(targets.email.is_some()),
        email_subject,
        email_header,
        email_title,
        email_body,
        email_cta_params,
        read_at: None,
        created_at: now,
        updated_at: now,
    };
    storage::notifications::insert(&mut tx, &row).await?;
    if row.email == 1 {
        queue_email(ctx, &mut tx, &row, &recipient.email).await?;
    }
    let notification = views::notification(row.clone());
    if row.in_product == 1 {
        events::notification(&mut tx, EventKind::NotificationCreated, &notification).await?;
    }
    ctx.commit(tx).await?;
    Ok(notification)
}

/// Tells every admin something about the workspace in their notification
/// centre (Parlor itself speaks: the owner is named as the sender), in the
/// caller's transaction.
pub async fn tell_admins(conn: &mut Conn, title: &str, body: &str) -> Result<()> {
    let Some(owner) = storage::internal_users::owner(conn).await? else {
        return Ok(());
    };
    let now = now_ms();
    for admin in storage::internal_users::admin_ids(conn).await? {
        let row = NotificationRow {
            seq: 0,
            id: new_id(),
            sender_id: owner.id.clone(),
            sender_type: UserType::InternalUser.as_str().to_string(),
            sender_company_id: None,
            recipient_client_id: None,
            recipient_internal_user_id: Some(admin),
            recipient_company_id: None,
            in_product: flag(true),
            in_product_title: Some(title.to_string()),
            in_product_body: Some(body.to_string()),
            in_product_cta_params: None,
            email: flag(false),
            email_subject: None,
            email_header: None,
            email_title: None,
            email_body: None,
            email_cta_params: None,
            read_at: None,
            created_at: now,
            updated_at: now,
        };
        storage::notifications::insert(conn, &row).await?;
        let notification = views::notification(row);
        events::notification(conn, EventKind::NotificationCreated, &notification).await?;
    }
    Ok(())
}

/// Queues the e-mail target in the outbox, once per notification. The
/// recipient's unread-digest preference does not apply: see docs/decisions.md.
async fn queue_email(
    ctx: &Context,
    conn: &mut Conn,
    row: &NotificationRow,
    to: &str,
) -> Result<()> {
    let brand = workspace::load(conn).await?.brand_name;
    let url = cta_url(ctx, row.email_cta_params.as_deref());
    let email = crate::mail::templates::notification(&crate::mail::templates::NotificationEmail {
        brand: &brand,
        to,
        subject: row.email_subject.as_deref().unwrap_or_default(),
        header: row.email_header.as_deref().unwrap_or_default(),
        body: row.email_body.as_deref(),
        cta_label: row.email_title.as_deref().unwrap_or("Open the portal"),
        cta_url: &url,
    });
    crate::mail::enqueue(conn, &format!("notification:{}", row.id), email).await?;
    Ok(())
}

/// Filters of the REST list.
#[derive(Debug, Default)]
pub struct ListNotifications<'a> {
    /// Only those for this client or internal user.
    pub recipient_id: Option<&'a str>,
    /// Read ones too; by default only unread ones, as in Assembly.
    pub include_read: bool,
}

/// The notifications the actor may see (admins and API keys: everyone's),
/// newest first.
#[tracing::instrument(skip_all)]
pub async fn list(
    ctx: &Context,
    actor: &Actor,
    filter: &ListNotifications<'_>,
    page: PageRequest,
) -> Result<Page<Notification>> {
    list_where(
        ctx,
        actor,
        &NotificationFilter {
            recipient_id: filter.recipient_id,
            include_read: filter.include_read,
            in_product_only: false,
        },
        page,
    )
    .await
}

/// The signed-in actor's own notification centre: their in-product
/// notifications, newest first, unread only unless `include_read`.
#[tracing::instrument(skip_all)]
pub async fn list_for_actor(
    ctx: &Context,
    actor: &Actor,
    include_read: bool,
    page: PageRequest,
) -> Result<Page<Notification>> {
    list_where(
        ctx,
        actor,
        &NotificationFilter {
            recipient_id: Some(actor.id()),
            include_read,
            in_product_only: true,
        },
        page,
    )
    .await
}

async fn list_where(
    ctx: &Context,
    actor: &Actor,
    filter: &NotificationFilter<'_>,
    page: PageRequest,
) -> Result<Page<Notification>> {
    let mut conn = ctx.store.reader().await?;
    let rows = storage::notifications::list(
        &mut conn,
        &authz::notification_scope(actor),
        filter,
        page.before(),
        page.limit,
    )
    .await?;
    let (rows, next_token) = page.split(rows, |r| r.seq);
    Ok(Page {
        data: rows.into_iter().map(views::notification).collect(),
        next_token,
    })
}

/// How many of the actor's in-product notifications are unread.
#[tracing::instrument(skip_all)]
pub async fn unread_count(ctx: &Context, actor: &Actor) -> Result<i64> {
    let mut conn = ctx.store.reader().await?;
    storage::notifications::count_unread(&mut conn, &authz::notification_scope(actor), actor.id())
        .await
}

#[tracing::instrument(skip_all)]
pub async fn get(ctx: &Context, actor: &Actor, id: &str) -> Result<Notification> {
    let mut conn = ctx.store.reader().await?;
    let row = storage::notifications::get_visible(&mut conn, &authz::notification_scope(actor), id)
        .await?;
    Ok(views::notification(storage::found(row, "notification")?))
}

/// Marks a notification read (its recipient, or an admin / API key).
#[tracing::instrument(skip_all)]
pub async fn mark_read(ctx: &Context, actor: &Actor, id: &str) -> Result<Notification> {
    set_read(ctx, actor, id, true).await
}

/// Marks a notification unread again.
#[tracing::instrument(skip_all)]
pub async fn mark_unread(ctx: &Context, actor: &Actor, id: &str) -> Result<Notification> {
    set_read(ctx, actor, id, false).await
}

async fn set_read(ctx: &Context, actor: &Actor, id: &str, read: bool) -> Result<Notification> {
    let mut tx = ctx.store.begin().await?;
    let mut row = storage::found(
        storage::notifications::get_visible(&mut tx, &authz::notification_scope(actor), id).await?,
        "notification",
    )?;
    if row.read_at.is_some() == read {
        // Already so: nothing changes and nobody is told.
        return Ok(views::notification(row));
    }
    let now = now_ms();
    row.read_at = read.then_some(now);
    row.updated_at = now;
    storage::notifications::set_read_at(&mut tx, &row.id, row.read_at, now).await?;
    let notification = views::notification(row.clone());
    if row.in_product == 1 {
        events::notification(&mut tx, EventKind::NotificationUpdated, &notification).await?;
    }
    ctx.commit(tx).await?;
    Ok(notification)
}

/// Deletes a notification (its recipient, or an admin / API key).
#[tracing::instrument(skip_all)]
pub async fn delete(ctx: &Context, actor: &Actor, id: &str) -> Result<()> {
    let mut tx = ctx.store.begin().await?;
    let row = storage::found(
        storage::notifications::get_visible(&mut tx, &authz::notification_scope(actor), id).await?,
        "notification",
    )?;
    storage::notifications::delete(&mut tx, &row.id).await?;
    if row.in_product == 1 {
        events::notification_deleted(&mut tx, &row.id, row.recipient_id()).await?;
    }
    ctx.commit(tx).await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cta_params_take_an_object_or_a_string_holding_one() {
        let object = serde_json::json!({ "tab": "files", "n": 3 });
        assert_eq!(
            cta_params("p", Some(&object)).unwrap().as_deref(),
            Some(r#"{"n":"3","tab":"files"}"#)
        );
        let json_text = serde_json::json!(r#"{"tab":"files"}"#);
        assert_eq!(
            cta_params("p", Some(&json_text)).unwrap().as_deref(),
            Some(r#"{"tab":"files"}"#)
        );
        let query = serde_json::json!("tab=files&id=7");
        assert_eq!(
            cta_params("p", Some(&query)).unwrap().as_deref(),
            Some(r#"{"id":"7","tab":"files"}"#)
        );
        assert_eq!(cta_params("p", Some(&serde_json::json!(""))).unwrap(), None);
        assert!(cta_params("p", Some(&serde_json::json!([1]))).is_err());
        assert!(cta_params("p", Some(&serde_json::json!({ "a": { "b": 1 } }))).is_err());
        assert!(cta_params("p", Some(&serde_json::json!("{broken"))).is_err());
    }

    #[test]
    fn a_client_of_several_companies_needs_one_named() {
        let two = vec!["acme".to_string(), "globex".to_string()];
        assert!(pick_company(&two, None, "f", "recipient").is_err());
        assert_eq!(
            pick_company(&two, Some("globex"), "f", "recipient").unwrap(),
            Some("globex".into())
        );
        assert!(pick_company(&two, Some("initech"), "f", "recipient").is_err());
        assert_eq!(
            pick_company(&two[..1], None, "f", "recipient").unwrap(),
            Some("acme".into())
        );
    }
}
