//! Enums stored and sent as short lowercase words, each with a label people read: one macro so
//! every domain's statuses and kinds parse, print and label the same way. A stored word that no
//! longer parses is an error naming its row ([`stored`]), never quietly read as some default.

macro_rules! labelled_enum {
    ($(#[doc = $doc:literal])* $name:ident { $($variant:ident => $text:literal, $label:literal),+ $(,)? }) => {
        $(#[doc = $doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
        pub enum $name { $(#[serde(rename = $text)] $variant),+ }

        // By hand: the derive does not see renames that arrive through a macro, and would
        // document the variant names instead of the words sent.
        #[cfg(feature = "ssr")]
        impl utoipa::PartialSchema for $name {
            fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
                let doc: &[&str] = &[$($doc),*];
                utoipa::openapi::schema::ObjectBuilder::new()
                    .schema_type(utoipa::openapi::schema::Type::String)
                    .enum_values(Some([$($text),+]))
                    .description(Some(doc.join("\n").trim().to_owned()).filter(|d| !d.is_empty()))
                    .into()
            }
        }
        #[cfg(feature = "ssr")]
        impl utoipa::ToSchema for $name {}

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

    labelled_enum!(Colour { Red => "red", "Red", Blue => "blue", "Blue", DarkRed => "dark_red", "Dark red" });

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

    #[test]
    fn the_api_schema_lists_the_words_sent() {
        let schema = serde_json::to_value(<Colour as utoipa::PartialSchema>::schema()).unwrap();
        let listed: Vec<&str> = schema["enum"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap())
            .collect();
        let sent: Vec<String> = Colour::ALL
            .iter()
            .map(|c| {
                serde_json::to_value(c)
                    .unwrap()
                    .as_str()
                    .unwrap()
                    .to_owned()
            })
            .collect();
        assert_eq!(listed, sent);
        assert_eq!(listed, ["red", "blue", "dark_red"]);
    }
}
