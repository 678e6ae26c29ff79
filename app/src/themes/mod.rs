//! Themes: what customers are talking about, found in the text of feedback comments, what
//! customers said on follow-ups and incident descriptions, on this machine and without a model
//! download. Comments are reduced to folded words and key phrases (`text`, with the service
//! `lexicon`) and grouped by the phrases they share (`grouping`); every membership names the
//! words that put a comment in its theme.
pub mod grouping;
pub mod lexicon;
pub mod text;

#[cfg(test)]
mod quality;
