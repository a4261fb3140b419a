//! Request extractors whose failures answer in Parlor's error shape.

use axum::extract::rejection::{JsonRejection, PathRejection};
use axum::extract::{FromRequest, FromRequestParts};
use axum::http::request::Parts;
use axum::http::StatusCode;
use serde::de::DeserializeOwned;

use crate::error::Error;

/// JSON body; malformed, mistyped or oversized bodies become 400/413/422.
#[derive(FromRequest)]
#[from_request(via(axum::Json), rejection(Error))]
pub struct Json<T>(pub T);

/// Query parameters, where an empty value counts as not given: the official
/// SDK sends every filter it knows, the unset ones as `name=`.
pub struct Query<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for Query<T> {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Error> {
        let raw = parts.uri.query().unwrap_or_default();
        if form_urlencoded::parse(raw.as_bytes()).any(|(_, value)| value.contains('\0')) {
            return Err(nul_refused());
        }
        let given = form_urlencoded::parse(raw.as_bytes()).filter(|(_, value)| !value.is_empty());
        let query = form_urlencoded::Serializer::new(String::new())
            .extend_pairs(given)
            .finish();
        serde_urlencoded::from_str(&query)
            .map(Query)
            .map_err(|e| Error::BadRequest(format!("Failed to deserialize query string: {e}")))
    }
}

/// Path parameters (ids, tokens).
pub struct Path<T>(pub T);

impl<T: DeserializeOwned + Send, S: Send + Sync> FromRequestParts<S> for Path<T> {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Error> {
        let axum::extract::Path(value) =
            axum::extract::Path::<T>::from_request_parts(parts, state).await?;
        if parts.uri.path().to_ascii_lowercase().contains("%00") {
            return Err(nul_refused());
        }
        Ok(Path(value))
    }
}

/// No id, token or filter holds NUL; PostgreSQL could not even compare one.
fn nul_refused() -> Error {
    Error::BadRequest("the URL must not contain NUL characters (%00)".into())
}

impl From<JsonRejection> for Error {
    fn from(rejection: JsonRejection) -> Self {
        match rejection.status() {
            StatusCode::PAYLOAD_TOO_LARGE => {
                Error::PayloadTooLarge("the request body is too large".into())
            }
            StatusCode::UNPROCESSABLE_ENTITY => Error::Unprocessable(rejection.body_text()),
            _ => Error::BadRequest(rejection.body_text()),
        }
    }
}

impl From<PathRejection> for Error {
    fn from(rejection: PathRejection) -> Self {
        Error::BadRequest(rejection.body_text())
    }
}

impl<T: serde::Serialize> axum::response::IntoResponse for Json<T> {
    fn into_response(self) -> axum::response::Response {
        axum::Json(self.0).into_response()
    }
}
