//! The one error type of the server, and how each variant becomes an HTTP
//! answer. Internal causes are logged, never sent to the caller.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{0}")]
    BadRequest(String),
    #[error("authentication required")]
    Unauthorized,
    #[error("{0}")]
    InvalidCredentials(String),
    #[error("{0}")]
    Forbidden(String),
    #[error("{0} not found")]
    NotFound(&'static str),
    #[error("{0}")]
    Conflict(String),
    #[error("{0}")]
    PayloadTooLarge(String),
    #[error("{0}")]
    Unprocessable(String),
    #[error("the requested range is not within the file's {size} bytes")]
    RangeNotSatisfiable { size: u64 },
    #[error("too many attempts; try again in {retry_after_secs} seconds")]
    RateLimited { retry_after_secs: u64 },
    /// A bounded pool of work (password hashing) is full; nothing was done.
    #[error("the server is busy; try again in {retry_after_secs} seconds")]
    Busy { retry_after_secs: u64 },
    /// Storing this would exceed a person's or the workspace's file quota.
    #[error("{0}")]
    QuotaExceeded(String),
    /// More open connections than a person may hold.
    #[error("{0}")]
    TooManyConnections(String),
    /// The server holds as many connections as it may; try again later.
    #[error("{0}")]
    AtCapacity(String),
    /// The request body stopped arriving.
    #[error("{0}")]
    RequestTimeout(String),
    #[error("internal error")]
    Internal(#[from] anyhow::Error),
}

impl Error {
    pub fn invalid(message: impl Into<String>) -> Self {
        Error::Unprocessable(message.into())
    }

    pub fn forbidden(message: impl Into<String>) -> Self {
        Error::Forbidden(message.into())
    }

    pub fn status(&self) -> StatusCode {
        match self {
            Error::BadRequest(_) => StatusCode::BAD_REQUEST,
            Error::Unauthorized | Error::InvalidCredentials(_) => StatusCode::UNAUTHORIZED,
            Error::Forbidden(_) => StatusCode::FORBIDDEN,
            Error::NotFound(_) => StatusCode::NOT_FOUND,
            Error::Conflict(_) => StatusCode::CONFLICT,
            Error::PayloadTooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            Error::Unprocessable(_) => StatusCode::UNPROCESSABLE_ENTITY,
            Error::RangeNotSatisfiable { .. } => StatusCode::RANGE_NOT_SATISFIABLE,
            Error::RateLimited { .. } => StatusCode::TOO_MANY_REQUESTS,
            Error::Busy { .. } => StatusCode::SERVICE_UNAVAILABLE,
            Error::QuotaExceeded(_) => StatusCode::UNPROCESSABLE_ENTITY,
            Error::TooManyConnections(_) => StatusCode::TOO_MANY_REQUESTS,
            Error::AtCapacity(_) => StatusCode::SERVICE_UNAVAILABLE,
            Error::RequestTimeout(_) => StatusCode::REQUEST_TIMEOUT,
            Error::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The stable, machine-readable `code` of the error body.
    pub fn code(&self) -> &'static str {
        match self {
            Error::BadRequest(_) => "bad_request",
            Error::Unauthorized => "unauthorized",
            Error::InvalidCredentials(_) => "invalid_credentials",
            Error::Forbidden(_) => "forbidden",
            Error::NotFound(_) => "not_found",
            Error::Conflict(_) => "conflict",
            Error::PayloadTooLarge(_) => "payload_too_large",
            Error::Unprocessable(_) => "validation_error",
            Error::RangeNotSatisfiable { .. } => "range_not_satisfiable",
            Error::RateLimited { .. } => "rate_limited",
            Error::Busy { .. } => "busy",
            Error::QuotaExceeded(_) => "quota_exceeded",
            Error::TooManyConnections(_) => "too_many_connections",
            Error::AtCapacity(_) => "server_busy",
            Error::RequestTimeout(_) => "request_timeout",
            Error::Internal(_) => "internal_error",
        }
    }
}

impl From<sqlx::Error> for Error {
    fn from(err: sqlx::Error) -> Self {
        // Most conflicts are checked by the services with a precise message;
        // this catches the races those checks cannot see.
        if let Some(db) = err.as_database_error() {
            if db.is_unique_violation() {
                return Error::Conflict("a record with these values already exists".into());
            }
            if db.is_foreign_key_violation() {
                return Error::invalid("a referenced record does not exist");
            }
            // PostgreSQL cannot hold NUL in text. Stored text is checked by
            // the value types with a precise message; this catches the ids
            // and filters that only look records up.
            if matches!(db.code().as_deref(), Some("22021" | "22P05")) {
                return Error::BadRequest("text must not contain NUL characters (\\u0000)".into());
            }
        }
        Error::Internal(err.into())
    }
}

/// The JSON body of every error answer.
#[derive(Serialize, utoipa::ToSchema)]
pub struct ErrorBody {
    /// Stable machine-readable code, e.g. `not_found`.
    pub code: &'static str,
    /// Human-readable explanation.
    pub message: String,
}

impl Error {
    /// Logs an internal cause, which the answer itself never carries. Every
    /// door that answers with an error (REST, the web app's server
    /// functions) calls it.
    pub fn log_cause(&self) {
        if let Error::Internal(cause) = self {
            tracing::error!(error = ?cause, "request failed");
        }
    }
}

impl IntoResponse for Error {
    fn into_response(self) -> Response {
        self.log_cause();
        let body = ErrorBody {
            code: self.code(),
            message: self.to_string(),
        };
        let mut response = (self.status(), axum::Json(body)).into_response();
        if let Error::RateLimited { retry_after_secs } | Error::Busy { retry_after_secs } = self {
            if let Ok(value) = HeaderValue::from_str(&retry_after_secs.to_string()) {
                response.headers_mut().insert(header::RETRY_AFTER, value);
            }
        }
        if let Error::RangeNotSatisfiable { size } = self {
            if let Ok(value) = HeaderValue::from_str(&format!("bytes */{size}")) {
                response.headers_mut().insert(header::CONTENT_RANGE, value);
            }
        }
        response
    }
}
