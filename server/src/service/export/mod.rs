//! Exports, as ZIP archives streamed while they are written:
//!
//! - a client's conversations (`client`): everything that client can see,
//!   as transcripts (HTML and PDF) with the files, for staff who may see
//!   the client and for the client themself;
//! - the whole workspace (`workspace`): JSON per resource, as the API
//!   shows it, with every file, for admins leaving Parlor or keeping a copy.
//!
//! Who may export what is decided here, before the first byte is sent, so a
//! refusal is an ordinary error answer; each export is in the audit log.

pub mod archive;
mod client;
mod transcript;
mod workspace;

use bytes::Bytes;
use futures_util::stream::BoxStream;
use futures_util::StreamExt;
use serde_json::json;

use self::archive::{Abandoned, Archive};
use super::audit::{self, Source};
use super::Context;
use crate::auth::Actor;
use crate::authz;
use crate::domain::audit::{Action, Target};
use crate::error::{Error, Result};
use crate::storage::{self, now_ms};

/// Exports being written at once on a node; more are refused with 503 and
/// `Retry-After` rather than queued, so they cannot pile up.
pub const AT_ONCE: usize = 2;

/// An export on its way: the name to save it under and its bytes.
pub struct Download {
    pub file_name: String,
    pub body: BoxStream<'static, std::io::Result<Bytes>>,
}

/// Everything `client_id` can see, for the client themself or for staff
/// who may see the client (only what both see: a limited colleague gets
/// none of the client's conversations outside their companies).
pub async fn client(
    ctx: &Context,
    actor: &Actor,
    source: &Source,
    client_id: &str,
) -> Result<Download> {
    let scope = authz::scope(actor);
    let mut conn = ctx.store.reader().await?;
    let client = storage::clients::get_visible(&mut conn, &scope, client_id)
        .await?
        .filter(|client| match actor {
            // A client exports their own conversations, nobody else's.
            Actor::Client(me) => me.id == client.id,
            Actor::Internal(_) => true,
        })
        .ok_or(Error::NotFound("client"))?;
    drop(conn);
    let permit = permit(ctx)?;
    let name = format!("{} {}", client.given_name, client.family_name);
    audit::record_alone(
        &ctx.store,
        source,
        Action::ExportCreated,
        Some(Target::new("client", &client.id, name.clone())),
        json!({ "export": "client" }),
    )
    .await?;
    let file_name = format!(
        "{} conversations {}.zip",
        archive::safe_segment(&name),
        today()
    );
    let ctx = ctx.clone();
    Ok(stream(file_name, permit, move |archive| async move {
        client::write(&ctx, &scope, &client, archive).await
    }))
}

/// The whole workspace, for admins.
pub async fn workspace(ctx: &Context, actor: &Actor, source: &Source) -> Result<Download> {
    authz::require_admin(actor)?;
    let permit = permit(ctx)?;
    audit::record_alone(
        &ctx.store,
        source,
        Action::ExportCreated,
        None,
        json!({ "export": "workspace" }),
    )
    .await?;
    let file_name = format!("workspace export {}.zip", today());
    let ctx = ctx.clone();
    let actor = actor.clone();
    Ok(stream(file_name, permit, move |archive| async move {
        workspace::write(&ctx, &actor, archive).await
    }))
}

/// Today's date (UTC), for the archive's name.
fn today() -> String {
    transcript::when(now_ms())
        .get(..10)
        .unwrap_or_default()
        .to_string()
}

fn permit(ctx: &Context) -> Result<tokio::sync::OwnedSemaphorePermit> {
    ctx.exports
        .clone()
        .try_acquire_owned()
        .map_err(|_| Error::Busy {
            retry_after_secs: 30,
        })
}

/// Writes the archive in a task of its own while its bytes are sent.
/// `write` finishes the archive; if it fails, the download fails too.
fn stream<F, Fut>(
    file_name: String,
    permit: tokio::sync::OwnedSemaphorePermit,
    write: F,
) -> Download
where
    F: FnOnce(Archive) -> Fut + Send + 'static,
    Fut: std::future::Future<Output = anyhow::Result<()>> + Send,
{
    let (archive, body) = Archive::new();
    let failure = archive.failure();
    tokio::spawn(async move {
        let _permit = permit;
        match write(archive).await {
            Ok(()) => {}
            Err(err) if err.is::<Abandoned>() => {
                tracing::info!("an export was given up before it was downloaded whole");
            }
            Err(err) => {
                tracing::error!(error = %format!("{err:#}"), "an export failed part way");
                failure.report(&err).await;
            }
        }
    });
    Download {
        file_name,
        body: body.boxed(),
    }
}
