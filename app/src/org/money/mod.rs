//! Money in the organisation currency: the currency itself, the exchange rates admins keep
//! (each applying from a date, in the organisation's time zone), and the conversion every
//! money figure goes through. An amount with no rate in force on its date is never added:
//! figures count such amounts apart, per currency.
pub mod api;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod queries;
#[cfg(feature = "ssr")]
pub mod rate;
#[cfg(feature = "ssr")]
pub mod sums;
#[cfg(feature = "ssr")]
pub mod table;

use serde::{Deserialize, Serialize};

/// The currency figures are kept in until an admin picks one.
pub const DEFAULT_CURRENCY: &str = "USD";

/// One rate: one unit of `currency` buys `rate` units of the organisation currency from the
/// day `from` (YYYY-MM-DD, organisation time) until the currency's next rate.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ExchangeRate {
    pub currency: String,
    pub from: String,
    /// A decimal as text ("1.0825"), never a float.
    pub rate: String,
}

/// The organisation currency and every rate to it, by currency then date.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct RateTable {
    pub currency: String,
    pub rates: Vec<ExchangeRate>,
    /// Currencies amounts were recorded in that have no rate at all yet.
    pub missing: Vec<String>,
}

/// Amounts a money figure could not add: how many, in which currency, and where they are.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Unconverted {
    pub currency: String,
    pub amounts: i64,
    /// The records holding those amounts.
    pub href: String,
}

impl Unconverted {
    /// "plus 3 amounts in EUR without a rate".
    pub fn text(&self) -> String {
        let s = if self.amounts == 1 { "" } else { "s" };
        format!(
            "plus {} amount{s} in {} without a rate",
            self.amounts, self.currency
        )
    }
}
