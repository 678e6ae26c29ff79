//! A customer as another system sends it to `POST /api/v1/customers` or a CSV import: the
//! request type the API documents and reads, and the check that turns it into a customer.
use super::bulk::CustomerIn;
use super::fields::CustomerFields;
use crate::common::batch::{read_checked, text};
use crate::error::{AppError, FieldError};
use serde::Deserialize;
use serde_json::Value;

/// One customer to create or update, matched on `external_ref`.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct CustomerItem {
    #[schema(
        required = true,
        nullable = false,
        min_length = 1,
        max_length = 100,
        pattern = r"\S",
        example = "c-1001"
    )]
    pub external_ref: Option<String>,
    #[schema(
        required = true,
        nullable = false,
        min_length = 1,
        max_length = 120,
        pattern = r"\S",
        example = "Dana Reyes"
    )]
    pub name: Option<String>,
    /// Blank for none.
    #[schema(
        max_length = 254,
        pattern = r"^$|^[^@\s]+@[^@\s]+$",
        example = "dana@example.com"
    )]
    pub email: Option<String>,
    #[schema(max_length = 40)]
    pub phone: Option<String>,
    #[schema(max_length = 40, example = "retail")]
    pub segment: Option<String>,
    /// The referral code of the customer who referred them; attributes a new customer.
    #[schema(max_length = 20)]
    pub referred_by_code: Option<String>,
}

impl CustomerItem {
    fn check(self, errors: &mut Vec<(String, String)>) -> Option<CustomerIn> {
        let external_ref = text(self.external_ref, "external_ref", 100, true, errors);
        let name = text(self.name, "name", 120, true, errors);
        let email = text(self.email, "email", 254, false, errors);
        let phone = text(self.phone, "phone", 40, false, errors);
        let segment = text(self.segment, "segment", 40, false, errors);
        let referred_by_code = text(self.referred_by_code, "referred_by_code", 20, false, errors);
        let (external_ref, name) = (external_ref?, name?);
        match CustomerFields::parse(
            &name,
            email.as_deref().unwrap_or(""),
            phone.as_deref().unwrap_or(""),
            &external_ref,
            segment.as_deref().unwrap_or(""),
        ) {
            Ok(fields) => Some(CustomerIn {
                fields,
                referred_by_code: referred_by_code.map(|c| c.to_uppercase()),
            }),
            Err(AppError::Validation { fields, .. }) => {
                errors.extend(
                    fields
                        .into_iter()
                        .map(|FieldError { field, message }| (field, message)),
                );
                None
            }
            Err(e) => {
                errors.push(("item".into(), e.to_string()));
                None
            }
        }
    }
}

/// One customer of a batch; every problem as (field, message).
pub fn parse(item: &Value) -> Result<CustomerIn, Vec<(String, String)>> {
    read_checked(item, |read: CustomerItem, errors| read.check(errors))
}
