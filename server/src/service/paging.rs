//! `limit` + opaque `nextToken` paging. A token carries the position after the
//! last row served, so pages never skip or repeat rows.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde::Serialize;
use utoipa::ToSchema;

use crate::error::{Error, Result};

pub const DEFAULT_LIMIT: u32 = 100;
pub const MAX_LIMIT: u32 = 1000;

/// One page of a list.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Page<T> {
    pub data: Vec<T>,
    /// Pass back as `nextToken` for the next page; absent on the last page.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_token: Option<String>,
}

/// A validated page request for one kind of list.
#[derive(Debug, Clone, Copy)]
pub struct PageRequest {
    pub limit: u32,
    /// The position to continue from, if this is not the first page.
    pub position: Option<i64>,
    kind: &'static str,
}

impl PageRequest {
    /// `kind` names the list so a token from one list is refused by another.
    pub fn parse(kind: &'static str, limit: Option<i64>, next_token: Option<&str>) -> Result<Self> {
        let limit = match limit {
            None => DEFAULT_LIMIT,
            Some(n) if (1..=i64::from(MAX_LIMIT)).contains(&n) => n as u32,
            Some(n) => {
                return Err(Error::BadRequest(format!(
                    "limit must be between 1 and {MAX_LIMIT}, not {n}"
                )))
            }
        };
        let position =
            match next_token.filter(|t| !t.is_empty()) {
                None => None,
                Some(token) => Some(decode(kind, token).ok_or_else(|| {
                    Error::BadRequest("nextToken is not valid for this list".into())
                })?),
            };
        Ok(PageRequest {
            limit,
            position,
            kind,
        })
    }

    /// Ascending lists continue after the position.
    pub fn after(&self) -> i64 {
        self.position.unwrap_or(0)
    }

    /// Newest-first lists continue below the position.
    pub fn before(&self) -> i64 {
        self.position.unwrap_or(i64::MAX)
    }

    /// Splits rows read with `limit + 1` (the extra row only says more
    /// exist) into this page and the token for the next one.
    pub fn split<T>(
        &self,
        mut fetched: Vec<T>,
        seq: impl Fn(&T) -> i64,
    ) -> (Vec<T>, Option<String>) {
        let more = fetched.len() > self.limit as usize;
        fetched.truncate(self.limit as usize);
        let token = more
            .then(|| fetched.last().map(&seq))
            .flatten()
            .map(|seq| URL_SAFE_NO_PAD.encode(format!("{}:{seq}", self.kind)));
        (fetched, token)
    }
}

/// Every row of a paged list, for callers that need them all.
pub async fn every<T, F, Fut>(kind: &'static str, mut list: F) -> Result<Vec<T>>
where
    F: FnMut(PageRequest) -> Fut,
    Fut: std::future::Future<Output = Result<Page<T>>>,
{
    let mut all = Vec::new();
    let mut token: Option<String> = None;
    loop {
        let page = PageRequest::parse(kind, Some(MAX_LIMIT.into()), token.as_deref())?;
        let listed = list(page).await?;
        all.extend(listed.data);
        match listed.next_token {
            Some(next) => token = Some(next),
            None => return Ok(all),
        }
    }
}

fn decode(kind: &str, token: &str) -> Option<i64> {
    let raw = URL_SAFE_NO_PAD.decode(token).ok()?;
    let text = String::from_utf8(raw).ok()?;
    let (token_kind, seq) = text.split_once(':')?;
    (token_kind == kind).then(|| seq.parse().ok()).flatten()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_round_trip_and_belong_to_one_list() {
        let request = PageRequest::parse("clients", Some(2), None).unwrap();
        let (rows, token) = request.split(vec![7, 42, 99], |&seq| seq);
        assert_eq!(rows, vec![7, 42]);
        let token = token.unwrap();
        assert_eq!(
            PageRequest::parse("clients", None, Some(&token))
                .unwrap()
                .after(),
            42
        );
        assert!(PageRequest::parse("messages", None, Some(&token)).is_err());
        assert!(PageRequest::parse("clients", None, Some("garbage!")).is_err());
    }

    #[test]
    fn the_last_page_has_no_token() {
        let request = PageRequest::parse("clients", Some(2), None).unwrap();
        assert_eq!(request.split(vec![7, 42], |&seq| seq), (vec![7, 42], None));
    }

    #[test]
    fn limits_outside_the_range_are_refused() {
        for limit in [0, -1, i64::from(MAX_LIMIT) + 1] {
            assert!(
                PageRequest::parse("clients", Some(limit), None).is_err(),
                "limit {limit}"
            );
        }
    }
}
