//! E-mail preferences: the caller's own, and the one-click unsubscribe from
//! the link in Parlor's e-mails and their `List-Unsubscribe` header (RFC 8058).

use axum::extract::State;
use axum::response::Html;
use axum::Json;
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::{router::OpenApiRouter, routes};

use super::extract::{Json as Body, Query};
use crate::auth::Authenticated;
use crate::error::{ErrorBody, Result};
use crate::mail::templates::escape_html;
use crate::service::email_preferences::{self, EmailPreferences};
use crate::service::Context;

pub fn router() -> OpenApiRouter<Context> {
    OpenApiRouter::new()
        .routes(routes!(
            retrieve_email_preferences,
            update_email_preferences
        ))
        .routes(routes!(unsubscribe_page, unsubscribe))
}

/// The caller's own e-mail preferences.
#[utoipa::path(get, path = "/v1/email-preferences", tag = "emailPreferences",
    responses((status = 200, body = EmailPreferences), (status = "4XX", body = ErrorBody)))]
async fn retrieve_email_preferences(
    State(ctx): State<Context>,
    auth: Authenticated,
) -> Result<Json<EmailPreferences>> {
    Ok(Json(email_preferences::get(&ctx, &auth.actor).await?))
}

/// Change the caller's own e-mail preferences.
#[utoipa::path(put, path = "/v1/email-preferences", tag = "emailPreferences",
    request_body = EmailPreferences,
    responses((status = 200, body = EmailPreferences), (status = "4XX", body = ErrorBody)))]
async fn update_email_preferences(
    State(ctx): State<Context>,
    auth: Authenticated,
    Body(preferences): Body<EmailPreferences>,
) -> Result<Json<EmailPreferences>> {
    Ok(Json(
        email_preferences::update(&ctx, &auth.actor, &preferences).await?,
    ))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct TokenQuery {
    /// The signed token from the e-mail's link.
    token: String,
}

/// The page an unsubscribe link opens. It changes nothing (mail scanners
/// open links); its button posts the same address.
#[utoipa::path(get, path = "/v1/email-preferences/unsubscribe", tag = "emailPreferences",
    params(TokenQuery), security(()),
    responses((status = 200, description = "A page asking to confirm", content_type = "text/html", body = String),
        (status = "4XX", body = ErrorBody)))]
async fn unsubscribe_page(
    State(ctx): State<Context>,
    Query(query): Query<TokenQuery>,
) -> Result<Html<String>> {
    let brand = email_preferences::unsubscribe_target(&ctx, &query.token).await?;
    let action = format!(
        "/v1/email-preferences/unsubscribe?token={}",
        form_urlencoded::byte_serialize(query.token.as_bytes()).collect::<String>()
    );
    Ok(page(
        &brand,
        &format!(
            "<p>Stop e-mails about unread messages from {}?</p>\
             <form method=\"post\" action=\"{}\"><button type=\"submit\">Unsubscribe</button></form>",
            escape_html(&brand),
            escape_html(&action)
        ),
    ))
}

/// Turns off e-mail about unread messages for the person the token names.
/// Mail programs post `List-Unsubscribe=One-Click` here; the body is ignored.
#[utoipa::path(post, path = "/v1/email-preferences/unsubscribe", tag = "emailPreferences",
    params(TokenQuery), security(()),
    responses((status = 200, description = "Unsubscribed", content_type = "text/html", body = String),
        (status = "4XX", body = ErrorBody)))]
async fn unsubscribe(
    State(ctx): State<Context>,
    Query(query): Query<TokenQuery>,
) -> Result<Html<String>> {
    let brand = email_preferences::unsubscribe(&ctx, &query.token).await?;
    Ok(page(
        &brand,
        &format!(
            "<p>Done: you will get no more e-mails about unread messages from {}.</p>",
            escape_html(&brand)
        ),
    ))
}

fn page(brand: &str, content: &str) -> Html<String> {
    Html(format!(
        "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>{brand}</title>\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"></head>\
         <body style=\"font-family: sans-serif; max-width: 480px; margin: 48px auto; padding: 0 16px;\">\
         <h1 style=\"font-size: 20px;\">{brand}</h1>{content}</body></html>",
        brand = escape_html(brand)
    ))
}
