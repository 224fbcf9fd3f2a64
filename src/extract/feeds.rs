//! Placeholder until the extract branch lands.
use super::Item;

pub fn parse_feed(_bytes: &[u8], _base: &url::Url) -> Vec<Item> {
    Vec::new()
}

pub fn parse_sitemap(_bytes: &[u8], _base: &url::Url) -> (Vec<Item>, Vec<String>) {
    (Vec::new(), Vec::new())
}
