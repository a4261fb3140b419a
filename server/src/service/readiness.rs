//! What `/readyz` asks before a node takes traffic: each part it cannot
//! serve without answers within a few seconds.

use std::time::Duration;

use super::Context;

/// How long a check may take before the part counts as unreachable.
const CHECK_LIMIT: Duration = Duration::from_secs(3);

async fn within(
    check: impl std::future::Future<Output = anyhow::Result<()>>,
) -> anyhow::Result<()> {
    tokio::time::timeout(CHECK_LIMIT, check)
        .await
        .map_err(|_| anyhow::anyhow!("no answer within {CHECK_LIMIT:?}"))?
}

/// The database answers a read.
pub async fn database(ctx: &Context) -> anyhow::Result<()> {
    within(async {
        let mut conn = ctx.store.reader().await?;
        crate::storage::events::latest_seq(&mut conn).await?;
        Ok(())
    })
    .await
}

/// The file store answers.
pub async fn files(ctx: &Context) -> anyhow::Result<()> {
    within(ctx.blobs.check()).await
}

/// NATS answers, when the node has other nodes to hear (None when alone).
pub async fn nats(ctx: &Context) -> Option<anyhow::Result<()>> {
    let cluster = ctx.cluster.as_ref()?;
    Some(within(async { cluster.check().await.map_err(anyhow::Error::msg) }).await)
}
