//! The client's address, for sign-in limits and the audit log: the
//! connecting peer, or, when that peer is a reverse proxy named by
//! `--trusted-proxy`, the right-most address in `X-Forwarded-For` that is
//! not one of the trusted proxies. Hops left of that one were written by
//! the client and prove nothing.

use std::convert::Infallible;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::header::USER_AGENT;
use axum::http::request::Parts;
use axum::http::HeaderMap;
use ipnet::IpNet;

use crate::service::audit::{Place, Via};
use crate::service::Context;

/// The address a request comes from, as sign-in limits count it.
pub struct ClientAddress(pub IpAddr);

impl FromRequestParts<Context> for ClientAddress {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, ctx: &Context) -> Result<Self, Infallible> {
        Ok(ClientAddress(client_address(parts, ctx)))
    }
}

/// Where a REST request comes from, as the audit log records it.
impl FromRequestParts<Context> for Place {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, ctx: &Context) -> Result<Self, Infallible> {
        Ok(request_place(parts, ctx, Via::Api))
    }
}

/// The client's address and user agent, and the door (`via`) they used.
pub fn request_place(parts: &Parts, ctx: &Context, via: Via) -> Place {
    let agent = parts
        .headers
        .get(USER_AGENT)
        .and_then(|value| value.to_str().ok());
    Place::request(via, client_address(parts, ctx), agent)
}

pub fn client_address(parts: &Parts, ctx: &Context) -> IpAddr {
    let peer = parts
        .extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED), |info| info.0.ip());
    behind_proxies(peer, &parts.headers, &ctx.config.sign_in.trusted_proxies)
}

fn behind_proxies(peer: IpAddr, headers: &HeaderMap, trusted: &[IpNet]) -> IpAddr {
    let is_trusted = |address: &IpAddr| {
        let address = address.to_canonical();
        trusted.iter().any(|net| net.contains(&address))
    };
    if !is_trusted(&peer) {
        return peer;
    }
    // Several headers count as one list, in order.
    let hops: Vec<&str> = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .collect();
    let mut client = peer;
    for hop in hops.iter().rev() {
        let Some(address) = parse_hop(hop) else {
            // A hop no proxy of ours wrote: the last trusted one stands.
            break;
        };
        client = address;
        if !is_trusted(&address) {
            break;
        }
    }
    client
}

/// An address as proxies write it: bare, or with a port (`[v6]:port`).
fn parse_hop(hop: &str) -> Option<IpAddr> {
    let hop = hop.trim();
    hop.parse::<IpAddr>()
        .or_else(|_| hop.parse::<SocketAddr>().map(|socket| socket.ip()))
        .ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn from(peer: &str, forwarded: &[&str], trusted: &[&str]) -> String {
        let mut headers = HeaderMap::new();
        for value in forwarded {
            headers.append("x-forwarded-for", value.parse().unwrap());
        }
        let trusted: Vec<IpNet> = trusted.iter().map(|net| net.parse().unwrap()).collect();
        behind_proxies(peer.parse().unwrap(), &headers, &trusted).to_string()
    }

    #[test]
    fn the_right_most_untrusted_hop_is_the_client() {
        let proxies = ["10.0.0.0/8"];
        for (peer, forwarded, client, why) in [
            (
                "203.0.113.9",
                &["198.51.100.1"][..],
                "203.0.113.9",
                "an untrusted peer's header is ignored",
            ),
            (
                "10.0.0.2",
                &["198.51.100.1"],
                "198.51.100.1",
                "a trusted proxy names the client",
            ),
            (
                "10.0.0.2",
                &["6.6.6.6, 198.51.100.1"],
                "198.51.100.1",
                "hops the client wrote are skipped",
            ),
            (
                "10.0.0.2",
                &["6.6.6.6, 198.51.100.1, 10.0.0.7"],
                "198.51.100.1",
                "chains of trusted proxies are walked",
            ),
            (
                "10.0.0.2",
                &["6.6.6.6", "198.51.100.1"],
                "198.51.100.1",
                "repeated headers are one list",
            ),
            ("10.0.0.2", &[], "10.0.0.2", "no header: the proxy itself"),
            (
                "10.0.0.2",
                &["10.0.0.3"],
                "10.0.0.3",
                "all trusted: the left-most",
            ),
            (
                "10.0.0.2",
                &["198.51.100.1, garbage"],
                "10.0.0.2",
                "garbage stops the walk",
            ),
            (
                "10.0.0.2",
                &["[2001:db8::1]:4711"],
                "2001:db8::1",
                "addresses with ports",
            ),
            (
                "::ffff:10.0.0.2",
                &["198.51.100.1"],
                "198.51.100.1",
                "a mapped IPv4 proxy is trusted",
            ),
        ] {
            assert_eq!(from(peer, forwarded, &proxies), client, "{why}");
        }
    }
}
