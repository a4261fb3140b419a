//! Client sockets to `/v1/realtime`, many of them.
//!
//! One host can open only about 28,000 connections to one address and port
//! (the ephemeral port range); beyond that the harness connects from other
//! loopback source addresses (127.0.0.2, 127.0.0.3, …), binding before
//! connecting. The bind leaves the port to `connect` (`IP_BIND_ADDRESS_NO_PORT`):
//! a bind that picks the port itself must find one no other socket holds,
//! which took the kernel longer the fuller the range was, and made the
//! harness, not the server, the slow part of connecting 19,000 sockets.

use std::net::{Ipv4Addr, SocketAddr};

use anyhow::Context;
use parlor::auth::tokens::RealtimeToken;
use parlor::domain::UserType;
use serde::Deserialize;
use tokio::net::{TcpSocket, TcpStream};
use tokio_tungstenite::tungstenite::protocol::WebSocketConfig;
use tokio_tungstenite::WebSocketStream;

use crate::server::Server;

pub type Socket = WebSocketStream<TcpStream>;

/// Bytes each socket reads at a time: a few frames.
const READ_BUFFER: usize = 8 * 1024;

/// Sockets per loopback source address, well under the ephemeral range.
const PER_SOURCE: usize = 20_000;

/// The stored digest of the session the seed gives each client and staff member (sockets
/// keep checking that the session they were opened with still holds).
pub fn session_digest(client_id: &str) -> String {
    format!("bench-session-{client_id}")
}

/// Opens the `n`th socket of a run, signed in as `user_id` with the
/// session the seed gave them.
pub async fn connect(
    server: &Server,
    user_type: UserType,
    user_id: &str,
    n: usize,
) -> anyhow::Result<Socket> {
    let token = RealtimeToken {
        user_type,
        user_id: user_id.to_string(),
        expires_at_ms: i64::MAX,
        credential: parlor::auth::StoredCredential {
            kind: parlor::auth::Credential::Session,
            digest: session_digest(user_id),
        },
    }
    .token(&server.secret);
    let source = Ipv4Addr::new(127, 0, 0, 1 + (n / PER_SOURCE) as u8);
    let socket = TcpSocket::new_v4()?;
    port_chosen_at_connect(&socket)?;
    socket.bind(SocketAddr::new(source.into(), 0))?;
    let stream = socket
        .connect(SocketAddr::new(Ipv4Addr::LOCALHOST.into(), server.port()))
        .await
        .with_context(|| format!("connecting from {source}"))?;
    stream.set_nodelay(true)?;
    let url = format!("ws://127.0.0.1:{}/v1/realtime?token={token}", server.port());
    // tungstenite zero-fills its whole read buffer before every read (128
    // KiB by default): with thousands of sockets reading a few frames each,
    // that memset was the harness's largest cost, on the cores the server
    // is measured on.
    let config = WebSocketConfig::default().read_buffer_size(READ_BUFFER);
    let (socket, _) =
        tokio_tungstenite::client_async_with_config(url, stream, Some(config)).await?;
    Ok(socket)
}

fn port_chosen_at_connect(socket: &TcpSocket) -> std::io::Result<()> {
    use std::os::fd::AsRawFd;
    let on: libc::c_int = 1;
    // SAFETY: a valid socket descriptor, and a pointer to a c_int of the
    // length given, as setsockopt expects.
    let result = unsafe {
        libc::setsockopt(
            socket.as_raw_fd(),
            libc::IPPROTO_IP,
            libc::IP_BIND_ADDRESS_NO_PORT,
            (&on as *const libc::c_int).cast(),
            std::mem::size_of::<libc::c_int>() as libc::socklen_t,
        )
    };
    if result == 0 {
        Ok(())
    } else {
        Err(std::io::Error::last_os_error())
    }
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
