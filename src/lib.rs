//! sitewarden: watches the websites registered in a Vietnamese province and
//! reports which break the rules on electronic information.
//!
//! The flow goes one way: [`registry`] → [`scheduler`] → [`crawler`] →
//! [`extract`] → [`rules`] → [`store`] → [`report`].

pub mod calendar;
pub mod commands;
pub mod config;
pub mod crawler;
pub mod engine;
pub mod events;
pub mod extract;
pub mod findings;
pub mod fixtures;
pub mod metrics;
pub mod model;
pub mod registry;
pub mod report;
pub mod rules;
pub mod scheduler;
pub mod settings;
pub mod store;
