//! What the rules need, pulled out of fetched bytes: text, dates,
//! disclosures, attributions, legal-document rows, feed and sitemap items.
//!
//! Every function here is pure (bytes in, facts out) so it can be tested on
//! real pages and fuzzed; none may panic on any input.
//!
//! Files:
//! - `facts.rs`: the facts the rules read ([`PageFacts`], [`Item`], …).
//! - `analyze.rs`: one HTML page start to end ([`analyze_html`]).
//! - `walk.rs`: the one DOM walk every extractor works from (the masthead
//!   reads the page during it).
//! - `urls.rs`: links made absolute.
//! - `listing.rs`: dates next to the items of a listing.
//! - `article.rs`: an article's own date.
//! - `lines.rs`, `text.rs`, `dates/`: lines of visible text, folding, and
//!   dates in Vietnamese text.
//! - `disclosures.rs` (with `contacts.rs` for telephone numbers and e-mail),
//!   `attribution.rs`, `documents.rs`: the identity
//!   items, "Nguồn: …" lines, and legal-document rows.
//! - `feeds.rs`: RSS/Atom feeds and sitemaps; `nesting.rs`: the depth bound;
//!   `charrefs.rs`: named character references made numeric for the parser.
//! - the extractors for the Decree 147/2024 rules:
//!   `masthead/` (site name, service type at the top), `article_end.rs`
//!   (link to the source article), `comments.rs` (comment boxes),
//!   `renewal.rs` (licence renewal); `dom.rs` is their shared node walk
//!   and class/id reading.

pub mod attribution;
pub mod contacts;
pub mod dates;
pub mod disclosures;
pub mod documents;
pub mod feeds;
pub mod nesting;
pub mod text;

mod analyze;
mod article;
mod article_end;
mod charrefs;
mod comments;
mod dom;
mod facts;
mod lines;
mod listing;
mod masthead;
mod renewal;
mod urls;
mod walk;

pub use analyze::{analyze_html, analyze_html_bounded};
pub use facts::{ArticleEnd, Comments, LicenseRenewal, Masthead, Placement, ServiceTypeMark};
pub use facts::{Attribution, DateSource, Disclosures, Found, Item, LegalDocument, License, Link, PageFacts};
