//! Schema-only bodies of `/api/v1/tariffs`: the OpenAPI statement of what
//! `mgc_settlement::TariffSpec` accepts and what a stored `Tariff` looks like (the handlers use
//! those types; these only describe them, so they must follow them field by field). What JSON
//! Schema cannot say stays with the handler's 422 `invalid_tariff`: valid_to not before
//! valid_from, the periods of a day layout covering it exactly once, bands named by a period
//! having a price, seasons covering every month once, decimal places per currency.

#![allow(dead_code)]

use serde::Deserialize;
use std::collections::BTreeMap;
use utoipa::openapi::schema::{ObjectBuilder, Type};
use utoipa::openapi::{RefOr, Schema};
use utoipa::ToSchema;

/// A decimal price in major units per kWh, e.g. `"0.3920"` or `"-0.1"`.
const PRICE: &str = "^[-+]?[0-9]+(\\.[0-9]+)?$";

/// Body of `POST /api/v1/tariffs` and `PUT /api/v1/tariffs/{id}` (`TariffSpec`).
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TariffBody {
    /// Display name (1..=200 characters, not blank).
    #[schema(
        max_length = 200,
        pattern = "^[^\\u0000]*[^\\u0000\\t-\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000][^\\u0000]*$"
    )]
    name: String,
    /// ISO-4217 currency of every price (three capital letters, e.g. `CNY`).
    #[schema(pattern = "^[A-Z]{3}$")]
    currency: String,
    /// First local date the tariff may price.
    #[schema(value_type = String, format = Date)]
    valid_from: String,
    /// Last local date it may price (inclusive, not before valid_from); open-ended when absent.
    #[serde(default)]
    #[schema(value_type = Option<String>, format = Date)]
    valid_to: Option<String>,
    /// Dates priced with the `holiday` layout (or `weekend` when there is none).
    #[serde(default)]
    #[schema(value_type = Vec<LocalDate>)]
    holidays: Vec<String>,
    /// Prices of energy drawn from the grid.
    import: PriceScheduleBody,
    /// Prices of energy fed into the grid.
    export: PriceScheduleBody,
}

/// A price schedule: one fixed price, or time-of-use bands laid out by season and day type.
#[derive(Deserialize, ToSchema)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum PriceScheduleBody {
    /// One price for every slot (band `fixed`).
    Fixed {
        /// Decimal major units per kWh, e.g. `"0.3920"`.
        #[schema(pattern = "^[-+]?[0-9]+(\\.[0-9]+)?$")]
        price: String,
    },
    /// Time-of-use bands.
    TimeOfUse {
        /// Band name (1..=32 of `a-z`, `0-9`, `_`) → decimal price; 1..=255 bands.
        #[schema(value_type = BandPrices)]
        bands: BTreeMap<String, String>,
        /// Seasons covering every month exactly once.
        #[schema(min_items = 1)]
        seasons: Vec<SeasonBody>,
    },
}

/// States that the variants of [`PriceScheduleBody`] take no other field (serde's
/// `deny_unknown_fields` of the tagged enum; the derive says so only for structs).
pub fn close_schedule_variants(components: &mut utoipa::openapi::Components) {
    use utoipa::openapi::schema::AdditionalProperties;
    let Some(RefOr::T(Schema::OneOf(one_of))) = components.schemas.get_mut("PriceScheduleBody") else { return };
    for item in &mut one_of.items {
        if let RefOr::T(Schema::Object(variant)) = item {
            variant.additional_properties = Some(Box::new(AdditionalProperties::FreeForm(false)));
        }
    }
}

/// Band name → decimal major units per kWh.
pub struct BandPrices;

impl utoipa::PartialSchema for BandPrices {
    fn schema() -> RefOr<Schema> {
        let price = ObjectBuilder::new().schema_type(Type::String).pattern(Some(PRICE));
        let name = ObjectBuilder::new().schema_type(Type::String).pattern(Some("^[a-z0-9_]{1,32}$"));
        let map = ObjectBuilder::new()
            .schema_type(Type::Object)
            .description(Some("band name (1..=32 of a-z, 0-9, _) → decimal price; 1..=255 bands"))
            .additional_properties(Some(price))
            .property_names(Some(name))
            .min_properties(Some(1))
            .max_properties(Some(usize::from(u8::MAX)))
            .build();
        RefOr::T(Schema::Object(map))
    }
}

impl ToSchema for BandPrices {}

/// A local date `YYYY-MM-DD`.
pub struct LocalDate;

impl utoipa::PartialSchema for LocalDate {
    fn schema() -> RefOr<Schema> {
        use utoipa::openapi::schema::{KnownFormat, SchemaFormat};
        ObjectBuilder::new().schema_type(Type::String).format(Some(SchemaFormat::KnownFormat(KnownFormat::Date))).into()
    }
}

impl ToSchema for LocalDate {}

/// A range of months (inclusive, may wrap over the new year) with its day layouts.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SeasonBody {
    /// Name shown in messages.
    #[schema(pattern = "^[^\\u0000]*$")]
    name: String,
    /// First month (1-12).
    #[schema(minimum = 1, maximum = 12)]
    from_month: u32,
    /// Last month (1-12), inclusive.
    #[schema(minimum = 1, maximum = 12)]
    to_month: u32,
    /// Layouts per day type (each type once; weekdays and weekends both covered).
    days: Vec<DayVariantBody>,
}

/// Which days a layout applies to.
#[derive(Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DayTypeName {
    /// Every day without a more specific layout.
    All,
    /// Monday to Friday.
    Weekday,
    /// Saturday and Sunday (and holidays when there is no holiday layout).
    Weekend,
    /// Dates in the tariff's holiday list.
    Holiday,
}

/// Period layout for one kind of day.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DayVariantBody {
    /// Days this layout applies to.
    days: DayTypeName,
    /// Periods covering the whole day exactly once.
    periods: Vec<PeriodBody>,
}

/// One local time-of-day range priced at `band`; `to` before `from` wraps midnight.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PeriodBody {
    /// Start, `HH:MM` local time on the 15-minute grid.
    #[schema(pattern = "^([01][0-9]|2[0-3]):(00|15|30|45)$")]
    from: String,
    /// End (exclusive), `HH:MM` local time on the 15-minute grid or `24:00`.
    #[schema(pattern = "^(([01][0-9]|2[0-3]):(00|15|30|45)|24:00)$")]
    to: String,
    /// Band name (priced in `bands`).
    #[schema(pattern = "^[a-z0-9_]{1,32}$")]
    band: String,
}

/// A tariff version as stored: the definition with its id, version and times.
#[derive(ToSchema)]
pub struct TariffView {
    /// Id shared by all versions.
    #[schema(format = Uuid)]
    id: String,
    /// Owning tenant.
    tenant: String,
    /// Version: 1 when created, n+1 per update.
    #[schema(minimum = 1)]
    version: u32,
    /// Display name.
    name: String,
    /// ISO-4217 currency.
    currency: String,
    /// First local date priced.
    #[schema(value_type = String, format = Date)]
    valid_from: String,
    /// Last local date priced; absent when open-ended.
    #[schema(value_type = Option<String>, format = Date)]
    valid_to: Option<String>,
    /// Holiday dates.
    #[schema(value_type = Vec<LocalDate>)]
    holidays: Vec<String>,
    /// Import prices.
    import: PriceScheduleBody,
    /// Export prices.
    export: PriceScheduleBody,
    /// When version 1 was created.
    #[schema(value_type = String, format = DateTime)]
    created_at: String,
    /// When this version was written.
    #[schema(value_type = String, format = DateTime)]
    updated_at: String,
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use crate::openapi::ApiDoc;
    use utoipa::OpenApi;

    #[test]
    fn given_the_document_then_a_tariff_schedule_is_fixed_or_time_of_use_without_other_fields() {
        let doc = serde_json::to_value(ApiDoc::openapi()).unwrap();
        let schemas = &doc["components"]["schemas"];
        assert_eq!(schemas["TariffBody"]["additionalProperties"], false);
        let branches = schemas["PriceScheduleBody"]["oneOf"].as_array().unwrap();
        assert_eq!(branches.len(), 2, "{branches:?}");
        assert!(branches.iter().all(|b| b["additionalProperties"] == false), "{branches:?}");
        assert_eq!(schemas["BandPrices"]["propertyNames"]["pattern"], "^[a-z0-9_]{1,32}$");
    }
}
