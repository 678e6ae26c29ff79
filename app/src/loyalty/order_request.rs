//! An order as another system sends it to `POST /api/v1/orders` or a CSV import: the request
//! type the API documents and reads, and the check that turns it into an order.
use super::orders::OrderIn;
use crate::common::batch::{moment, money, read_checked, required, text, MoneyIn};
use serde::Deserialize;
use serde_json::Value;

/// One order; re-sending the same `external_id` changes nothing.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct OrderItem {
    #[schema(
        required = true,
        nullable = false,
        min_length = 1,
        max_length = 120,
        pattern = r"\S",
        example = "o-778"
    )]
    pub external_id: Option<String>,
    /// The customer's external reference or email (the customer must exist).
    #[schema(
        required = true,
        nullable = false,
        min_length = 1,
        max_length = 200,
        pattern = r"\S",
        example = "c-1001"
    )]
    pub customer: Option<String>,
    #[schema(required = true, nullable = false)]
    pub amount: Option<MoneyIn>,
    /// When it was placed: RFC 3339, at most a day ahead of the server's clock.
    #[schema(required = true, nullable = false, format = DateTime, example = "2026-10-02T15:30:00Z")]
    pub placed_at: Option<String>,
}

impl OrderItem {
    fn check(self, now: i64, errors: &mut Vec<(String, String)>) -> Option<OrderIn> {
        let external_id = text(self.external_id, "external_id", 120, true, errors);
        let customer = text(self.customer, "customer", 200, true, errors);
        let amount = money(self.amount, "amount", true, errors);
        let placed_at = required(self.placed_at, "placed_at", errors)
            .and_then(|t| moment(&t, "placed_at", now, errors));
        Some(OrderIn {
            external_id: external_id?,
            customer: customer?,
            amount: amount?,
            placed_at: placed_at?,
        })
    }
}

/// One order of a batch; every problem as (field, message).
pub fn parse(item: &Value, now: i64) -> Result<OrderIn, Vec<(String, String)>> {
    read_checked(item, |read: OrderItem, errors| read.check(now, errors))
}
