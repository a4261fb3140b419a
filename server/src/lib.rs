//! Parlor: a self-hostable messaging server for client portals.

pub mod auth;
pub mod authz;
pub mod cli;
pub mod config;
pub mod domain;
pub mod error;
pub mod storage;
pub mod service;
pub mod http;
pub mod startup;
pub mod telemetry;
