//! Enums stored and sent as short lowercase words, each with a label people read: one macro so
//! every domain's statuses and kinds parse, print and label the same way. A stored word that no
//! longer parses is an error naming its row ([`stored`]), never quietly read as some default.

macro_rules! labelled_enum {
    ($(#[$meta:meta])* $name:ident { $($variant:ident => $text:literal, $label:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
        #[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
        #[serde(rename_all = "lowercase")]
        pub enum $name { $(#[serde(rename = $text)] $variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn parse(input: &str) -> Option<Self> {
                match input.trim() { $($text => Some(Self::$variant),)+ _ => None }
            }
            pub fn as_str(self) -> &'static str {
                match self { $(Self::$variant => $text),+ }
            }
            pub fn label(self) -> &'static str {
                match self { $(Self::$variant => $label),+ }
            }

            /// The value stored in row `id` of `table`; one that does not parse is an error.
            #[cfg(feature = "ssr")]
            pub fn decode(
                value: &str,
                table: &str,
                id: i64,
            ) -> Result<Self, $crate::error::AppError> {
                $crate::common::labels::stored(Self::parse(value), stringify!($name), value, table, id)
            }

            /// [`Self::decode`] for a column that may be NULL.
            #[cfg(feature = "ssr")]
            pub fn decode_optional(
                value: Option<&str>,
                table: &str,
                id: i64,
            ) -> Result<Option<Self>, $crate::error::AppError> {
                value.map(|v| Self::decode(v, table, id)).transpose()
            }
        }
    };
}

pub(crate) use labelled_enum;

/// A value read from row `id` of `table`, as `parsed` from the stored text `value`: `None` (the
/// text is not a `what` this build knows) is an internal error naming the row, logged where it
/// happens. Also for stored enums that are not [`labelled_enum`]s.
#[cfg(feature = "ssr")]
pub fn stored<T>(
    parsed: Option<T>,
    what: &str,
    value: &str,
    table: &str,
    id: i64,
) -> Result<T, crate::error::AppError> {
    parsed.ok_or_else(|| {
        crate::error::AppError::internal(
            "reading a stored value",
            format!("{table} row {id} holds '{value}', which is not a {what}"),
        )
    })
}

#[cfg(all(test, feature = "ssr"))]
mod tests {
    use crate::error::AppError;

    labelled_enum!(Colour { Red => "red", "Red", Blue => "blue", "Blue" });

    #[test]
    fn stored_values_decode_to_their_variant() {
        for colour in Colour::ALL {
            assert_eq!(
                Colour::decode(colour.as_str(), "paints", 3).unwrap(),
                *colour
            );
        }
        assert_eq!(Colour::Blue.label(), "Blue");
        assert_eq!(Colour::decode_optional(None, "paints", 3).unwrap(), None);
    }

    #[test]
    fn a_stored_value_that_does_not_parse_is_an_internal_error() {
        assert!(matches!(
            Colour::decode("green", "paints", 3),
            Err(AppError::Internal { .. })
        ));
        assert!(matches!(
            Colour::decode_optional(Some(""), "paints", 3),
            Err(AppError::Internal { .. })
        ));
    }
}
