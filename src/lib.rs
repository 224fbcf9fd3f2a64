//! sitewarden: watches the websites registered in a Vietnamese province and
//! reports which break the rules on electronic information.
//!
//! The flow goes one way: [`registry`] → [`scheduler`] → [`crawler`] →
//! [`extract`] → [`rules`] → [`store`] → [`report`].

pub mod config;
pub mod crawler;
pub mod extract;
pub mod model;
pub mod registry;
pub mod report;
pub mod rules;
pub mod store;
pub mod check;
pub mod events;
pub mod metrics;
pub mod fixtures;
pub mod commands;
pub mod scheduler;
