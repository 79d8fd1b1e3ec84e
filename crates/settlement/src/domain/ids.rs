//! Identifiers of the settlement context.

mgc_kernel::define_id!(
    /// Identifies a tariff (all its versions).
    TariffId
);
mgc_kernel::define_id!(
    /// Identifies the daily settlement of one station and local day (all its versions).
    SettlementId
);
mgc_kernel::define_id!(
    /// Identifies an adjustment of a frozen day.
    AdjustmentId
);
mgc_kernel::define_id!(
    /// Identifies one version of a monthly statement.
    StatementId
);
