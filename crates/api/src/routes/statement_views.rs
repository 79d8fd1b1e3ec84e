//! Schema-only responses of statements: the OpenAPI statement of how `mgc_settlement::Statement`
//! and its content serialize (the handlers return those types; these only describe them, so they
//! must follow them field by field: an `Option` serializes as `null`, so it is required and nullable).

#![allow(dead_code)]

use crate::routes::settlement_views::{BandLineView, TariffRefView};
use serde::Deserialize;
use utoipa::ToSchema;

/// Lifecycle of a statement version (`mgc_settlement::StatementState`).
#[derive(Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum StatementStateName {
    /// Editable: generating again refreshes it.
    Draft,
    /// Final, with a content hash.
    Issued,
    /// Withdrawn with a reason.
    Void,
}

/// One settled day on a statement (`StatementDay`).
#[derive(Deserialize, ToSchema)]
pub struct StatementDayView {
    /// Local date.
    #[schema(format = Date)]
    date: String,
    /// Settlement.
    #[schema(format = Uuid)]
    settlement_id: String,
    /// Settlement version used.
    settlement_version: u32,
    /// Tariff version that priced it.
    tariff: TariffRefView,
    /// Import per band.
    import: Vec<BandLineView>,
    /// Export per band.
    export: Vec<BandLineView>,
    /// Import cost, minor units.
    import_cost_minor: i64,
    /// Export revenue, minor units.
    export_revenue_minor: i64,
    /// Net, minor units.
    net_minor: i64,
}

/// One adjustment of an earlier frozen day carried on a statement (`StatementAdjustment`).
#[derive(Deserialize, ToSchema)]
pub struct StatementAdjustmentView {
    /// Adjustment.
    #[schema(format = Uuid)]
    adjustment_id: String,
    /// Local date adjusted.
    #[schema(format = Date)]
    date: String,
    /// Why.
    reason: String,
    /// Import cost change, minor units.
    import_cost_minor: i64,
    /// Export revenue change, minor units.
    export_revenue_minor: i64,
    /// Net change, minor units.
    net_minor: i64,
}

/// Totals of one band over the month (`BandTotal`).
#[derive(Deserialize, ToSchema)]
pub struct BandTotalView {
    /// Band name.
    band: String,
    /// Imported energy, Wh.
    import_wh: i64,
    /// Import cost, minor units.
    import_cost_minor: i64,
    /// Exported energy, Wh.
    export_wh: i64,
    /// Export revenue, minor units.
    export_revenue_minor: i64,
}

/// Totals of a statement: days plus adjustments (`StatementTotals`).
#[derive(Deserialize, ToSchema)]
pub struct StatementTotalsView {
    /// Imported energy of the days, Wh.
    import_wh: i64,
    /// Exported energy of the days, Wh.
    export_wh: i64,
    /// Import cost of the days and adjustments.
    import_cost_minor: i64,
    /// Export revenue of the days and adjustments.
    export_revenue_minor: i64,
    /// Net of the adjustments alone.
    adjustments_net_minor: i64,
    /// Amount due: import cost − export revenue.
    net_minor: i64,
}

/// Everything a statement says; the content hash covers exactly this (`StatementContent`).
#[derive(Deserialize, ToSchema)]
pub struct StatementContentView {
    /// Station.
    #[schema(format = Uuid)]
    station_id: String,
    /// Local month `YYYY-MM`.
    #[schema(pattern = "^[0-9]{4}-(0[1-9]|1[0-2])$")]
    month: String,
    /// Statement version for this station and month.
    version: u32,
    /// ISO 4217 code of every amount.
    #[schema(pattern = "^[A-Z]{3}$")]
    currency: String,
    /// Settled days, by date.
    days: Vec<StatementDayView>,
    /// Days of the month with input but no price.
    #[schema(value_type = Vec<chrono::NaiveDate>)]
    unpriced_days: Vec<String>,
    /// Adjustments of frozen days.
    adjustments: Vec<StatementAdjustmentView>,
    /// Per-band totals of the days.
    bands: Vec<BandTotalView>,
    /// Totals.
    totals: StatementTotalsView,
}

/// One version of a monthly statement (`mgc_settlement::Statement`).
#[derive(Deserialize, ToSchema)]
pub struct StatementView {
    /// Id of this version.
    #[schema(format = Uuid)]
    id: String,
    /// Owning tenant.
    tenant: String,
    /// Station.
    #[schema(format = Uuid)]
    station_id: String,
    /// Local month `YYYY-MM`.
    #[schema(pattern = "^[0-9]{4}-(0[1-9]|1[0-2])$")]
    month: String,
    /// Version (1, then n+1 after a void).
    version: u32,
    /// Lifecycle state.
    state: StatementStateName,
    /// The content.
    content: StatementContentView,
    /// SHA-256 (hex) of the canonical content, set when issued.
    #[schema(required = true, pattern = "^[0-9a-f]{64}$")]
    content_hash: Option<String>,
    /// When this version was first generated.
    #[schema(format = DateTime)]
    created_at: String,
    /// When it was last regenerated or changed state.
    #[schema(format = DateTime)]
    updated_at: String,
    /// When it was issued.
    #[schema(format = DateTime, required = true)]
    issued_at: Option<String>,
    /// When it was voided.
    #[schema(format = DateTime, required = true)]
    voided_at: Option<String>,
    /// Why it was voided.
    #[schema(required = true)]
    void_reason: Option<String>,
}

/// The bytes of a downloaded file (CSV, XLSX, PDF).
pub struct FileBytes;

impl utoipa::PartialSchema for FileBytes {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        use utoipa::openapi::schema::{KnownFormat, ObjectBuilder, SchemaFormat, Type};
        ObjectBuilder::new()
            .schema_type(Type::String)
            .format(Some(SchemaFormat::KnownFormat(KnownFormat::Binary)))
            .description(Some("the file's bytes"))
            .into()
    }
}

impl ToSchema for FileBytes {}
