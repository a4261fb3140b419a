//! Parlor: a self-hostable messaging server for client portals.

#![recursion_limit = "256"]

pub mod auth;
pub mod authz;
pub mod batching;
pub mod blobs;
pub mod cli;
pub mod cluster;
pub mod config;
pub mod domain;
pub mod error;
pub mod http;
pub mod inbound;
pub mod mail;
pub mod private_files;
pub mod realtime;
pub mod retry;
pub mod service;
pub mod startup;
pub mod storage;
pub mod telemetry;
pub mod web;
pub mod webhooks;
