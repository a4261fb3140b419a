//! Search across every conversation the asker may read (`GET /v1/search`
//! and the web app's search box): the words of messages and of their files,
//! with the same visibility as reading them.

use crate::auth::Actor;
use crate::authz;
use crate::domain::search::{snippet_parts, Query, SearchResult};
use crate::error::Result;
use crate::service::{views, Context, Page, PageRequest};
use crate::storage::{self, search::Filters};

/// Messages matching `q` (`domain::search` says how it is read), newest
/// first, narrowed by `filters`.
#[tracing::instrument(skip_all)]
pub async fn search(
    ctx: &Context,
    actor: &Actor,
    q: &str,
    filters: &Filters,
    page: PageRequest,
) -> Result<Page<SearchResult>> {
    let query = Query::parse(q)?;
    let scope = authz::scope(actor);
    let mut conn = ctx.store.reader().await?;
    let hits = storage::search::messages(
        &mut conn,
        ctx.store.backend(),
        &scope,
        &query,
        filters,
        page.before(),
        page.limit,
    )
    .await?;
    let (hits, next_token) = page.split(hits, |hit| hit.message.seq);
    let (rows, snippets): (Vec<_>, Vec<_>) = hits
        .into_iter()
        .map(|hit| (hit.message, snippet_parts(&hit.snippet)))
        .unzip();
    let messages = views::messages(ctx, &mut conn, rows).await?;
    Ok(Page {
        data: messages
            .into_iter()
            .zip(snippets)
            .map(|(message, snippet)| SearchResult { message, snippet })
            .collect(),
        next_token,
    })
}
