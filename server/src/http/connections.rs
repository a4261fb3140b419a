//! Accepting connections and serving HTTP/1.1 on them, with a time limit on
//! each request's headers.
//!
//! This is what `axum::serve` does, plus one thing it leaves out: it gives
//! hyper no timer, so hyper's limit on how long a request's headers may take
//! to arrive never applies. A client could then open a connection and send
//! its headers a byte at a time, or nothing at all, and hold the connection
//! and a task for as long as it liked (slowloris). Here the headers of every
//! request, the first and each one after on a kept-alive connection, must
//! have arrived within `Limits::header_read_timeout` of the server starting
//! to wait for them, or the connection is closed. A WebSocket is past its
//! headers once upgraded, so the limit never ends one.
//!
//! HTTP/1.1 only, as browsers speak it without TLS (a proxy in front ends
//! TLS). hyper-util's `auto` builder, which `axum::serve` uses and which
//! would also take HTTP/2 with prior knowledge, first reads the bytes that
//! tell the two apart with no time limit, which would leave a client that
//! connects and says nothing holding its connection.

use std::convert::Infallible;
use std::future::Future;
use std::net::SocketAddr;
use std::pin::pin;
use std::time::Duration;

use axum::extract::connect_info::IntoMakeServiceWithConnectInfo;
use axum::serve::Listener;
use axum::Router;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use tokio::sync::watch;
use tower::{Service, ServiceExt};

/// Serves `app` on `listener` until `shutdown` completes; then accepts no
/// more connections, lets requests in flight finish and returns once every
/// connection has closed (or 30 s have passed). Upgraded connections (WebSockets) are not waited
/// for: their tasks end with the process.
pub async fn serve<L>(
    mut listener: L,
    app: Router,
    header_read_timeout: Duration,
    shutdown: impl Future<Output = ()> + Send + 'static,
) where
    L: Listener<Addr = SocketAddr>,
{
    let mut http = http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(header_read_timeout);
    let mut make_service = app.into_make_service_with_connect_info::<SocketAddr>();
    // Every connection holds a receiver; a change asks it to finish, and the
    // sender sees the last one dropped when the last connection closes.
    let (stopping, _) = watch::channel(false);
    let mut shutdown = pin!(shutdown);
    loop {
        let (io, remote) = tokio::select! {
            accepted = listener.accept() => accepted,
            () = &mut shutdown => break,
        };
        let service = connection_service(&mut make_service, remote).await;
        let connection = http
            .serve_connection(TokioIo::new(io), TowerToHyperService::new(service))
            .with_upgrades();
        let mut stop = stopping.subscribe();
        tokio::spawn(async move {
            let mut connection = pin!(connection);
            let ended = tokio::select! {
                ended = connection.as_mut() => ended,
                _ = stop.changed() => {
                    connection.as_mut().graceful_shutdown();
                    connection.as_mut().await
                }
            };
            if let Err(err) = ended {
                // Headers too slow, a client gone mid-request, bytes that
                // are not HTTP: the client's doing, not the server's.
                tracing::debug!(client = %remote, error = %err, "connection ended with an error");
            }
            drop(stop);
        });
    }
    drop(listener);
    stopping.send_replace(true);
    if tokio::time::timeout(GRACE, stopping.closed())
        .await
        .is_err()
    {
        tracing::warn!("stopping without waiting longer for requests still in flight");
    }
}

/// How long requests in flight may take to finish once the server stops.
const GRACE: Duration = Duration::from_secs(30);

/// The app as served to one connection: its requests carry the peer's
/// address (`ConnectInfo`, read by `auth::address::ClientAddress`).
async fn connection_service(
    make_service: &mut IntoMakeServiceWithConnectInfo<Router, SocketAddr>,
    remote: SocketAddr,
) -> <IntoMakeServiceWithConnectInfo<Router, SocketAddr> as Service<SocketAddr>>::Response {
    let ready = ServiceExt::<SocketAddr>::ready(make_service)
        .await
        .unwrap_or_else(|never: Infallible| match never {});
    Service::<SocketAddr>::call(ready, remote)
        .await
        .unwrap_or_else(|never: Infallible| match never {})
}
