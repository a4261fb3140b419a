//! The service layer: every use case of Parlor, called by the REST handlers
//! (and later the web app's server functions). Each write runs in one
//! transaction, so a refused or failed request leaves nothing half-done.
//! Text messages share theirs with others sent at the same moment
//! (`crate::batching::writer`), and a refusal still touches only its own
//! message. What every message must obey, whichever way it is written, is
//! in `sending`.

pub mod account;
pub mod api_keys;
pub mod attachments;
pub mod audit;
pub mod channels;
pub mod client_activity;
pub mod clients;
pub mod companies;
pub mod conversations;
pub mod directory;
pub mod email_preferences;
pub mod email_replies;
pub mod events;
pub mod export;
pub mod file_text;
pub mod history;
pub mod internal_users;
pub mod mentions;
pub mod messages;
pub mod notifications;
pub mod paging;
pub mod passwords;
pub mod reactions;
pub mod readiness;
pub mod retention;
pub mod saved_replies;
pub mod scheduled;
pub mod screens;
pub mod search;
pub mod sending;
pub mod sessions;
pub mod template_values;
pub mod thumbnails;
pub mod views;
pub mod webhooks;
pub mod workspace;

use std::sync::Arc;

use crate::auth::throttle::LoginThrottle;
use crate::blobs::BlobStore;
use crate::config::Config;
use crate::error::Result;
use crate::realtime::Hub;
use crate::storage::{Store, Tx};

/// What every use case needs: the database, the file store, the
/// configuration, and the realtime hub that hears about committed events.
///
/// One `Arc`: a request clones its context at every router and middleware
/// it passes (axum's state), and cloning each service's own handle there
/// was a quarter of the CPU of a request that did nothing else
/// (docs/performance.md, section 18).
#[derive(Clone)]
pub struct Context(Arc<Services>);

impl std::ops::Deref for Context {
    type Target = Services;

    fn deref(&self) -> &Services {
        &self.0
    }
}

pub struct Services {
    pub store: Store,
    pub blobs: BlobStore,
    pub config: Arc<Config>,
    pub throttle: LoginThrottle,
    pub hub: Arc<Hub>,
    /// Wakes the mail worker after a commit that may have queued e-mail.
    pub mail_wakeup: Arc<tokio::sync::Notify>,
    /// Where text messages queue to be written, many per transaction.
    pub message_writer: crate::batching::writer::MessageWriter,
    /// Where requests' API keys queue to be looked up, many per query.
    pub api_keys: crate::batching::lookup::BatchedLookup<String, sessions::KeyHolder>,
    /// Uses of API keys waiting to be written.
    pub key_usage: api_keys::KeyUsage,
    /// Where requests' session cookies queue to be looked up, many per query.
    pub sessions:
        crate::batching::lookup::BatchedLookup<String, (crate::auth::Actor, sessions::SessionInfo)>,
    /// Uploaded files being decoded at once (for a thumbnail, or for the
    /// text search finds them by); the others wait for a permit.
    pub file_pool: Arc<tokio::sync::Semaphore>,
    /// Exports being written (`export::AT_ONCE` at most).
    pub exports: Arc<tokio::sync::Semaphore>,
    /// Uploads per person per minute.
    pub upload_rate: attachments::UploadRate,
    /// The HTTP client of webhook deliveries.
    pub webhook_sender: crate::webhooks::sender::Sender,
    /// The other nodes, when several serve the workspace over NATS.
    pub cluster: Option<Arc<crate::cluster::Cluster>>,
    /// Cancelled when the server starts to stop: sockets are told to resume
    /// elsewhere, workers finish what they claimed and take nothing new.
    pub stopping: tokio_util::sync::CancellationToken,
}

impl Context {
    /// The services for `config`, with `cluster` (the other nodes over
    /// NATS) when there are any.
    pub fn new(
        store: Store,
        config: Config,
        cluster: Option<Arc<crate::cluster::Cluster>>,
    ) -> anyhow::Result<Context> {
        let hub = Hub::new(
            config.realtime_queue,
            crate::realtime::hub::Caps {
                per_user: config.limits.sockets_per_person,
                total: config.limits.sockets_total,
            },
        );
        let blobs = BlobStore::open(&config.files.store)?;
        let mail_wakeup = Arc::new(tokio::sync::Notify::new());
        let message_writer = crate::batching::writer::MessageWriter::start(
            store.clone(),
            hub.clone(),
            config.public_url.clone(),
        );
        let api_keys = sessions::api_key_lookup(store.clone());
        let sessions = sessions::session_lookup(store.clone());
        let throttle = LoginThrottle::new(store.clone(), config.sign_in.throttle);
        let file_pool = Arc::new(tokio::sync::Semaphore::new(config.limits.thumbnail_workers));
        let upload_rate =
            attachments::UploadRate::new(store.clone(), config.limits.uploads_per_minute);
        let webhook_sender = crate::webhooks::sender::Sender::new(&config.webhooks)?;
        Ok(Context(Arc::new(Services {
            store,
            blobs,
            config: Arc::new(config),
            throttle,
            hub,
            mail_wakeup,
            message_writer,
            api_keys,
            key_usage: api_keys::KeyUsage::default(),
            sessions,
            file_pool,
            exports: Arc::new(tokio::sync::Semaphore::new(export::AT_ONCE)),
            upload_rate,
            webhook_sender,
            cluster,
            stopping: tokio_util::sync::CancellationToken::new(),
        })))
    }

    /// Commits a transaction and wakes the realtime pump for its events.
    pub async fn commit(&self, tx: Tx) -> Result<()> {
        tx.commit().await?;
        self.hub.notify();
        self.mail_wakeup.notify_one();
        Ok(())
    }
}

pub use paging::{Page, PageRequest};
