//! Whether the sign-ins behind open realtime sockets still hold. Signing
//! out, a new password, a reset, a revoked key or a removed person ends that
//! person's sockets within `Config::realtime_credential_check`.
//!
//! One task per server checks every open socket's credential in one pass per
//! interval: each distinct session or key once, in a query per few hundred.
//! When each socket checked its own on a timer of its own, thousands of idle
//! sockets kept the server busy with thousands of wake-ups and small lookups
//! a second (docs/performance.md). Each node reads the shared database, so a
//! session ended through one node ends its sockets on every node.

use crate::service::{sessions, Context};

pub async fn run(ctx: Context) {
    let mut tick = tokio::time::interval(ctx.config.realtime_credential_check);
    // A slow pass is followed by a full interval, not by passes to catch up.
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        check_open_sockets(&ctx).await;
    }
}

async fn check_open_sockets(ctx: &Context) {
    let open = ctx.hub.credentials();
    if open.is_empty() {
        return;
    }
    let credentials = open.iter().map(|socket| &socket.credential);
    match sessions::actors_for_credentials(ctx, credentials).await {
        Ok(actors) => {
            let ended: Vec<u64> = open
                .iter()
                .filter(|socket| {
                    actors
                        .get(&socket.credential)
                        .is_none_or(|actor| actor.id() != socket.user_id)
                })
                .map(|socket| socket.subscriber)
                .collect();
            ctx.hub.end_credentials(&ended);
        }
        // The sockets stay open: the next pass decides.
        Err(err) => tracing::warn!(error = %err, "checking open realtime sockets' credentials"),
    }
}
