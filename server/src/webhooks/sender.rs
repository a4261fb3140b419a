//! One delivery over HTTP: a signed POST to the webhook's address, never to
//! a private one unless the operator allowed it, redirects not followed.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Instant;

use hmac::{Hmac, Mac};
use reqwest::dns::{Name, Resolve, Resolving};
use sha2::Sha256;

use crate::config::WebhookConfig;
use crate::domain::webhook::is_public;

/// The most of a receiver's answer that is kept, in characters.
pub const EXCERPT_CHARS: usize = 500;

/// What came of one attempt.
#[derive(Debug, Clone)]
pub struct Attempt {
    pub status_code: Option<u16>,
    pub duration_ms: i64,
    pub error: Option<String>,
    pub response_excerpt: Option<String>,
}

impl Attempt {
    pub fn succeeded(&self) -> bool {
        self.error.is_none()
            && self
                .status_code
                .is_some_and(|code| (200..300).contains(&code))
    }
}

/// The HTTP client every delivery of this server goes through.
#[derive(Clone)]
pub struct Sender {
    client: reqwest::Client,
    allow_private: bool,
}

impl Sender {
    pub fn new(config: &WebhookConfig) -> anyhow::Result<Sender> {
        let mut builder = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(config.timeout)
            .connect_timeout(config.timeout)
            // A proxy from the environment would resolve names we never see.
            .no_proxy()
            .user_agent(concat!("Parlor-Webhooks/", env!("CARGO_PKG_VERSION")));
        if !config.allow_private_targets {
            builder = builder.dns_resolver(Arc::new(PublicOnly));
        }
        Ok(Sender {
            client: builder.build()?,
            allow_private: config.allow_private_targets,
        })
    }

    /// Posts `body` to `url`, signed with `secret`. Never fails: what went
    /// wrong is in the attempt.
    pub async fn post(&self, url: &str, body: Vec<u8>, secret: &str, event_id: &str) -> Attempt {
        let started = Instant::now();
        let result = self.send(url, body, secret, event_id).await;
        let duration_ms = started.elapsed().as_millis() as i64;
        match result {
            Ok((status, excerpt)) => Attempt {
                status_code: Some(status),
                duration_ms,
                error: (!(200..300).contains(&status))
                    .then(|| format!("the receiver answered {status}")),
                response_excerpt: excerpt,
            },
            Err(err) => Attempt {
                status_code: None,
                duration_ms,
                error: Some(err),
                response_excerpt: None,
            },
        }
    }

    async fn send(
        &self,
        url: &str,
        body: Vec<u8>,
        secret: &str,
        event_id: &str,
    ) -> Result<(u16, Option<String>), String> {
        let target = reqwest::Url::parse(url).map_err(|err| format!("unusable address: {err}"))?;
        // An address written as an IP is never looked up, so the resolver
        // cannot refuse it: it is checked here.
        if !self.allow_private {
            let literal = match target.host() {
                Some(url::Host::Ipv4(ip)) => Some(std::net::IpAddr::V4(ip)),
                Some(url::Host::Ipv6(ip)) => Some(std::net::IpAddr::V6(ip)),
                _ => None,
            };
            if literal.is_some_and(|ip| !is_public(ip)) {
                return Err(PRIVATE.to_string());
            }
        }
        let response = self
            .client
            .post(target)
            .header("content-type", "application/json")
            .header("x-copilot-signature", signature(secret, &body))
            .header("x-parlor-event-id", event_id)
            .body(body)
            .send()
            .await
            .map_err(describe)?;
        let status = response.status().as_u16();
        Ok((status, excerpt(response).await))
    }
}

const PRIVATE: &str = "refused: the address is private, loopback or link-local \
                       (start Parlor with --allow-private-webhook-targets to allow it)";

/// The hex HMAC-SHA256 of the raw body with the signing secret, as Assembly
/// signs its deliveries.
pub fn signature(secret: &str, body: &[u8]) -> String {
    let mut mac =
        Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC takes a key of any length");
    mac.update(body);
    mac.finalize()
        .into_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The start of the answer's body, read no further than needed.
async fn excerpt(mut response: reqwest::Response) -> Option<String> {
    let mut bytes: Vec<u8> = Vec::new();
    // Four bytes per character at most.
    while bytes.len() < EXCERPT_CHARS * 4 {
        match response.chunk().await {
            Ok(Some(chunk)) => bytes.extend_from_slice(&chunk),
            _ => break,
        }
    }
    let text: String = String::from_utf8_lossy(&bytes)
        .chars()
        .take(EXCERPT_CHARS)
        .collect();
    let text = text.trim().to_string();
    (!text.is_empty()).then_some(text)
}

/// Names the failure the way an admin reading the deliveries needs it.
fn describe(err: reqwest::Error) -> String {
    let mut message = if err.is_timeout() {
        "timed out".to_string()
    } else if err.is_connect() {
        "could not connect".to_string()
    } else {
        "the request failed".to_string()
    };
    let mut source = std::error::Error::source(&err);
    while let Some(cause) = source {
        message.push_str(": ");
        message.push_str(&cause.to_string());
        source = cause.source();
    }
    message
}

/// Resolves names as the system does, keeping only public addresses: a name
/// that leads only to private ones is refused at connection time, whatever
/// it resolved to when the webhook was saved.
struct PublicOnly;

impl Resolve for PublicOnly {
    fn resolve(&self, name: Name) -> Resolving {
        Box::pin(async move {
            let found: Vec<SocketAddr> =
                tokio::net::lookup_host((name.as_str(), 0)).await?.collect();
            let public: Vec<SocketAddr> = found
                .into_iter()
                .filter(|addr| is_public(addr.ip()))
                .collect();
            if public.is_empty() {
                return Err(PRIVATE.into());
            }
            Ok(Box::new(public.into_iter()) as Box<dyn Iterator<Item = SocketAddr> + Send>)
        })
    }
}

/// Whether `host` resolves to public addresses only, for checking an
/// address when it is saved.
pub async fn resolves_publicly(host: &str, port: u16) -> Result<(), String> {
    let found: Vec<SocketAddr> = tokio::net::lookup_host((host, port))
        .await
        .map_err(|err| format!("url: {host:?} could not be resolved ({err})"))?
        .collect();
    if found.is_empty() {
        return Err(format!("url: {host:?} has no address"));
    }
    if found.iter().any(|addr| !is_public(addr.ip())) {
        return Err(format!(
            "url: {host:?} leads to a private, loopback or link-local address; webhooks reach \
             only public addresses unless Parlor runs with --allow-private-webhook-targets"
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_signature_is_the_hex_hmac_sha256_of_the_body() {
        // RFC 4231, test case 2.
        assert_eq!(
            signature("Jefe", b"what do ya want for nothing?"),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }
}
