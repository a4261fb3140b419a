//! Client sockets to `/v1/realtime`, many of them.
//!
//! One host can open only about 28,000 connections to one address and port
//! (the ephemeral port range); beyond that the harness connects from other
//! loopback source addresses (127.0.0.2, 127.0.0.3, …), binding before
//! connecting.

use std::net::{Ipv4Addr, SocketAddr};

use anyhow::Context;
use parlor::auth::tokens::RealtimeToken;
use serde::Deserialize;
use tokio::net::{TcpSocket, TcpStream};
use tokio_tungstenite::WebSocketStream;

use crate::server::Server;

pub type Socket = WebSocketStream<TcpStream>;

/// Sockets per loopback source address, well under the ephemeral range.
const PER_SOURCE: usize = 20_000;

/// Opens the `n`th socket of a run, signed in as the client `client_id`.
pub async fn connect(server: &Server, client_id: &str, n: usize) -> anyhow::Result<Socket> {
    let token = RealtimeToken {
        user_type: "client".into(),
        user_id: client_id.to_string(),
        expires_at_ms: i64::MAX,
    }
    .token(&server.secret);
    let source = Ipv4Addr::new(127, 0, 0, 1 + (n / PER_SOURCE) as u8);
    let socket = TcpSocket::new_v4()?;
    socket.bind(SocketAddr::new(source.into(), 0))?;
    let stream = socket
        .connect(SocketAddr::new(Ipv4Addr::LOCALHOST.into(), server.port()))
        .await
        .with_context(|| format!("connecting from {source}"))?;
    stream.set_nodelay(true)?;
    let url = format!("ws://127.0.0.1:{}/v1/realtime?token={token}", server.port());
    let (socket, _) = tokio_tungstenite::client_async(url, stream).await?;
    Ok(socket)
}

/// The parts of a server frame the harness looks at.
#[derive(Deserialize)]
pub struct Frame<'a> {
    #[serde(rename = "type", borrow)]
    pub kind: &'a str,
    #[serde(default, borrow)]
    pub data: Option<FrameData<'a>>,
}

#[derive(Deserialize)]
pub struct FrameData<'a> {
    #[serde(default, borrow)]
    pub id: Option<&'a str>,
}
