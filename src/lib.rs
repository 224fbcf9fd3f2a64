//! sitewarden: watches the websites registered in a Vietnamese province and
//! reports which break the rules on electronic information.
//!
//! The flow goes one way: [`registry`] (with [`config`] and [`calendar`],
//! loaded together as [`settings`]) → [`scheduler`] → [`crawler`] →
//! [`extract`] → [`rules`] → [`store`] → [`findings`] and [`report`].
//! [`engine`] is the hub of one pass (crawl, extract, rules, store for one
//! site at a time) that `check`, `demo` and the daemon all run; [`commands`]
//! is the command line's edge, where errors become exit codes. [`model`]
//! holds the types every stage shares, [`events`] and [`metrics`] what the
//! daemon logs and counts, [`fixtures`] the loopback fixture sites.

pub mod calendar;
pub mod commands;
pub mod config;
pub mod crawler;
pub mod engine;
pub mod events;
pub mod extract;
pub mod findings;
pub mod fixtures;
pub mod memory;
pub mod metrics;
pub mod model;
pub mod progress;
pub mod registry;
pub mod report;
pub mod rules;
pub mod scheduler;
pub mod settings;
pub mod store;
