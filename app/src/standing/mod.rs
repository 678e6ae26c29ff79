//! A customer's standing: the loyalty score (0–100) and segment stored on the customer record,
//! recomputed from what the customer did and said whenever that changes. It sits below every
//! domain that changes those facts (customers, orders, incidents, feedback, referrals, posts),
//! so each can recompute in its own transaction.
#[cfg(feature = "ssr")]
pub mod recompute;
pub mod score;

use crate::common::labels::labelled_enum;

labelled_enum!(
    /// Where a customer stands, from the score and what they said and did.
    Segment {
        Advocate => "advocate", "Advocate",
        Loyal => "loyal", "Loyal",
        Passive => "passive", "Passive / at risk",
        Detractor => "detractor", "Detractor",
        Churned => "churned", "Churned",
    }
);
