//! Building and running a server: what `parlor serve` and the tests both run.

use std::future::Future;
use std::net::SocketAddr;
use std::time::Duration;

use anyhow::Context as _;
use axum::serve::ListenerExt;
use tokio::net::TcpListener;

use crate::config::Config;
use crate::service::{workspace, Context};
use crate::storage::Store;

/// How long a stopping server waits for claimed e-mail and webhook
/// deliveries and for its sockets to close, after its last request.
const DRAIN_LIMIT: Duration = Duration::from_secs(30);

/// A server that is bound to its port and ready to run.
pub struct Application {
    listener: TcpListener,
    /// The SMTP listener for replies by e-mail, when configured.
    inbound: Option<TcpListener>,
    /// The listener of `/metrics`, when configured.
    metrics: Option<TcpListener>,
    ctx: Context,
    /// The first-run setup link, when the server has no workspace yet.
    pub setup_url: Option<String>,
}

impl Application {
    /// Connects to storage (migrating it) and binds the listening socket.
    pub async fn build(config: Config) -> anyhow::Result<Application> {
        crate::auth::password::configure(config.sign_in.hashing);
        let store = Store::connect(&config.database).await?;
        let listener = TcpListener::bind(config.listen)
            .await
            .with_context(|| format!("binding {}", config.listen))?;
        let inbound = match config.inbound.smtp_listen {
            Some(address) => Some(
                TcpListener::bind(address)
                    .await
                    .with_context(|| format!("binding --inbound-smtp-listen {address}"))?,
            ),
            None => None,
        };
        let metrics = crate::telemetry::metrics::bind(config.metrics_listen).await?;
        let mut config = config;
        // With port 0 the real port is known only now; links must carry it.
        let bound = listener.local_addr()?;
        if config.public_url == format!("http://{}", config.listen) {
            config.public_url = format!("http://{bound}");
        }
        let cluster = crate::cluster::Cluster::connect(&config.cluster).await?;
        let ctx = Context::new(store, config, cluster)?;
        // Sockets connecting from now on are live after the newest event.
        let mut conn = ctx.store.reader().await?;
        ctx.hub
            .start_at(crate::storage::events::latest_seq(&mut conn).await?);
        drop(conn);
        let setup_url = workspace::issue_setup_token(&ctx)
            .await?
            .map(|token| format!("{}/setup/{token}", ctx.config.public_url));
        Ok(Application {
            listener,
            inbound,
            metrics,
            ctx,
            setup_url,
        })
    }

    pub fn local_addr(&self) -> SocketAddr {
        self.listener
            .local_addr()
            .expect("a bound listener has an address")
    }

    /// Where the SMTP listener for replies is bound, if there is one.
    pub fn inbound_addr(&self) -> Option<SocketAddr> {
        self.inbound
            .as_ref()
            .and_then(|listener| listener.local_addr().ok())
    }

    /// Where `/metrics` is served, if anywhere.
    pub fn metrics_addr(&self) -> Option<SocketAddr> {
        self.metrics
            .as_ref()
            .and_then(|listener| listener.local_addr().ok())
    }

    pub fn context(&self) -> &Context {
        &self.ctx
    }

    /// Serves until `shutdown` completes, then lets requests in flight finish.
    pub async fn run_until(
        self,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> anyhow::Result<()> {
        let housekeeping = tokio::spawn(housekeeping(self.ctx.clone()));
        let timers = tokio::spawn(timers(self.ctx.clone()));
        let (link, cluster_tasks) = match &self.ctx.cluster {
            Some(cluster) => {
                let (link, tasks) = cluster
                    .join(self.ctx.hub.clone(), &self.ctx.config.cluster)
                    .await?;
                (Some(link), tasks)
            }
            None => (None, Vec::new()),
        };
        let pump = tokio::spawn(crate::realtime::pump::run(
            self.ctx.store.clone(),
            self.ctx.hub.clone(),
            self.ctx.config.cluster.clone(),
            link,
        ));
        let credentials = tokio::spawn(crate::realtime::credentials::run(self.ctx.clone()));
        let mail = tokio::spawn(crate::mail::worker::run(self.ctx.clone()));
        let webhooks = tokio::spawn(crate::webhooks::dispatcher::run(self.ctx.clone()));
        let key_uses = tokio::spawn(crate::service::api_keys::keep_writing_uses(
            self.ctx.clone(),
        ));
        let inbound = self.inbound.map(|listener| {
            if let Ok(address) = listener.local_addr() {
                tracing::info!(%address, "receiving replies by e-mail over SMTP");
            }
            tokio::spawn(crate::inbound::listener::run(self.ctx.clone(), listener))
        });
        let metrics = self.metrics.map(|listener| {
            tokio::spawn(crate::telemetry::metrics::serve(listener, self.ctx.clone()))
        });
        let app = crate::http::router(self.ctx.clone());
        // Without TCP_NODELAY a small write (a realtime frame, an answer)
        // can wait for the ACK of the one before, which the peer delays
        // (docs/performance.md, section 8).
        let listener = self.listener.tap_io(|stream| {
            if let Err(err) = stream.set_nodelay(true) {
                tracing::debug!(error = %err, "could not set TCP_NODELAY on a connection");
            }
        });
        let stopping = self.ctx.stopping.clone();
        crate::http::connections::serve(
            listener,
            app,
            self.ctx.config.limits.header_read_timeout,
            async move {
                shutdown.await;
                // Before requests in flight finish: sockets learn at once
                // to resume elsewhere, and the workers take nothing new.
                stopping.cancel();
            },
        )
        .await;
        // Requests have finished; now what they started.
        let drained = async {
            while !(mail.is_finished() && webhooks.is_finished() && self.ctx.hub.connections() == 0)
            {
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
        };
        if tokio::time::timeout(DRAIN_LIMIT, drained).await.is_err() {
            tracing::warn!("stopping without waiting longer for e-mail, webhooks or sockets");
        }
        mail.abort();
        webhooks.abort();
        if let Some(cluster) = &self.ctx.cluster {
            // At once, rather than when this node's silence runs out.
            cluster.leave().await;
        }
        housekeeping.abort();
        timers.abort();
        pump.abort();
        for task in cluster_tasks {
            task.abort();
        }
        credentials.abort();
        key_uses.abort();
        if let Some(inbound) = inbound {
            inbound.abort();
        }
        if let Some(metrics) = metrics {
            metrics.abort();
        }
        if let Err(err) = crate::service::api_keys::write_uses(&self.ctx).await {
            tracing::warn!(error = %err, "recording API key uses failed");
        }
        self.ctx.store.close().await;
        Ok(())
    }
}

/// How often the timers that act at a set time look for what is due.
const TIMERS_EVERY: Duration = Duration::from_secs(1);

/// What happens at a set time: snoozed conversations open again, and
/// scheduled messages go. Each due item is taken by one update or delete,
/// so every node may look.
async fn timers(ctx: Context) {
    let mut tick = tokio::time::interval(TIMERS_EVERY);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        match crate::service::conversations::wake_snoozed(&ctx).await {
            Ok(count) if count > 0 => tracing::debug!(count, "woke snoozed conversations"),
            Ok(_) => {}
            Err(err) => tracing::warn!(error = %err, "waking snoozed conversations failed"),
        }
        match crate::service::scheduled::send_due(&ctx).await {
            Ok(count) if count > 0 => tracing::debug!(count, "sent scheduled messages"),
            Ok(_) => {}
            Err(err) => tracing::warn!(error = %err, "sending scheduled messages failed"),
        }
    }
}

/// How often housekeeping runs, on whichever node holds its lease.
const HOUSEKEEPING_EVERY: Duration = Duration::from_secs(600);

/// Periodic clean-up: expired sessions, old events, ended sign-in windows,
/// messages past the workspace's retention, and files that were never sent
/// or are no longer used. With several
/// nodes, one does it: the one holding the lease, which lapses a minute
/// after the node stops renewing it.
async fn housekeeping(ctx: Context) {
    let node = uuid::Uuid::new_v4().to_string();
    let mut tick = tokio::time::interval(HOUSEKEEPING_EVERY);
    loop {
        tick.tick().await;
        match holds_housekeeping_lease(&ctx, &node).await {
            Ok(true) => {}
            Ok(false) => continue,
            Err(err) => {
                tracing::warn!(error = %err, "could not take the housekeeping lease");
                continue;
            }
        }
        match ctx.throttle.forget_old().await {
            Ok(count) if count > 0 => tracing::debug!(count, "forgot old sign-in counts"),
            Ok(_) => {}
            Err(err) => tracing::warn!(error = %err, "sign-in count clean-up failed"),
        }
        match ctx.upload_rate.forget_old().await {
            Ok(count) if count > 0 => tracing::debug!(count, "forgot old upload counts"),
            Ok(_) => {}
            Err(err) => tracing::warn!(error = %err, "upload count clean-up failed"),
        }
        match crate::service::sessions::remove_expired(&ctx).await {
            Ok(count) if count > 0 => tracing::info!(count, "removed expired sessions"),
            Ok(_) => {}
            Err(err) => tracing::warn!(error = %err, "session clean-up failed"),
        }
        match crate::service::events::forget_old(&ctx).await {
            Ok(count) if count > 0 => tracing::info!(count, "forgot old realtime events"),
            Ok(_) => {}
            Err(err) => tracing::warn!(error = %err, "event clean-up failed"),
        }
        match crate::service::webhooks::forget_old_deliveries(&ctx).await {
            Ok(count) if count > 0 => tracing::info!(count, "forgot old webhook deliveries"),
            Ok(_) => {}
            Err(err) => tracing::warn!(error = %err, "webhook delivery clean-up failed"),
        }
        match crate::service::retention::apply(&ctx, crate::storage::now_ms()).await {
            Ok(count) if count > 0 => tracing::info!(count, "deleted messages past retention"),
            Ok(_) => {}
            Err(err) => tracing::warn!(error = %err, "retention failed"),
        }
        match crate::service::attachments::collect_garbage(&ctx, crate::storage::now_ms()).await {
            Ok(count) if count > 0 => tracing::info!(count, "deleted unused files"),
            Ok(_) => {}
            Err(err) => tracing::warn!(error = %err, "file clean-up failed"),
        }
    }
}

async fn holds_housekeeping_lease(ctx: &Context, node: &str) -> crate::error::Result<bool> {
    let now = crate::storage::now_ms();
    let until = now + (HOUSEKEEPING_EVERY + Duration::from_secs(60)).as_millis() as i64;
    let mut tx = ctx.store.begin().await?;
    let held = crate::storage::leases::take(&mut tx, "housekeeping", node, now, until).await?;
    tx.commit().await?;
    Ok(held)
}

/// Completes on Ctrl-C or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = terminate => {},
    }
    tracing::info!("shutting down");
}
