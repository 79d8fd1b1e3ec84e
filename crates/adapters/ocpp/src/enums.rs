//! The enumerations of the OCPP 1.6 JSON schemas, with their wire names.

/// Defines a `Copy` enum with its OCPP wire names: serde by those names, `as_str`, and `NAMES`
/// (the schema's enum list) so the validator and the type cannot disagree.
macro_rules! ocpp_enum {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident = $text:literal,)+ }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
        pub enum $name {
            $($(#[$vmeta])* #[serde(rename = $text)] $variant,)+
        }

        impl $name {
            /// The wire names, as the schema enumerates them.
            pub const NAMES: &'static [&'static str] = &[$($text),+];

            /// The wire name.
            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $text,)+
                }
            }
        }
    };
}

ocpp_enum!(
    /// IdTagInfo status.
    AuthorizationStatus {
        /// Allowed.
        Accepted = "Accepted",
        /// Blocked.
        Blocked = "Blocked",
        /// Expired.
        Expired = "Expired",
        /// Unknown.
        Invalid = "Invalid",
        /// Already in another transaction.
        ConcurrentTx = "ConcurrentTx",
    }
);

ocpp_enum!(
    /// BootNotification.conf status.
    RegistrationStatus {
        /// Accepted.
        Accepted = "Accepted",
        /// Pending.
        Pending = "Pending",
        /// Rejected.
        Rejected = "Rejected",
    }
);

ocpp_enum!(
    /// StatusNotification error code.
    ChargePointErrorCode {
        /// Locking failed.
        ConnectorLockFailure = "ConnectorLockFailure",
        /// Vehicle communication failed.
        EvCommunicationError = "EVCommunicationError",
        /// Ground fault.
        GroundFailure = "GroundFailure",
        /// Too hot.
        HighTemperature = "HighTemperature",
        /// Internal error.
        InternalError = "InternalError",
        /// Local list conflict.
        LocalListConflict = "LocalListConflict",
        /// No error.
        NoError = "NoError",
        /// Other error.
        OtherError = "OtherError",
        /// Over-current.
        OverCurrentFailure = "OverCurrentFailure",
        /// Meter failure.
        PowerMeterFailure = "PowerMeterFailure",
        /// Power switch failure.
        PowerSwitchFailure = "PowerSwitchFailure",
        /// Tag reader failure.
        ReaderFailure = "ReaderFailure",
        /// Reset failure.
        ResetFailure = "ResetFailure",
        /// Under-voltage.
        UnderVoltage = "UnderVoltage",
        /// Over-voltage.
        OverVoltage = "OverVoltage",
        /// Weak signal.
        WeakSignal = "WeakSignal",
    }
);

ocpp_enum!(
    /// StatusNotification status.
    ChargePointStatus {
        /// Available.
        Available = "Available",
        /// Preparing.
        Preparing = "Preparing",
        /// Charging.
        Charging = "Charging",
        /// Suspended by the charge point.
        SuspendedEvse = "SuspendedEVSE",
        /// Suspended by the vehicle.
        SuspendedEv = "SuspendedEV",
        /// Finishing.
        Finishing = "Finishing",
        /// Reserved.
        Reserved = "Reserved",
        /// Unavailable.
        Unavailable = "Unavailable",
        /// Faulted.
        Faulted = "Faulted",
    }
);

ocpp_enum!(
    /// StopTransaction reason.
    Reason {
        /// Emergency stop.
        EmergencyStop = "EmergencyStop",
        /// Vehicle disconnected.
        EvDisconnected = "EVDisconnected",
        /// Hard reset.
        HardReset = "HardReset",
        /// Local stop.
        Local = "Local",
        /// Other.
        Other = "Other",
        /// Power loss.
        PowerLoss = "PowerLoss",
        /// Reboot.
        Reboot = "Reboot",
        /// Remote stop.
        Remote = "Remote",
        /// Soft reset.
        SoftReset = "SoftReset",
        /// Unlock command.
        UnlockCommand = "UnlockCommand",
        /// Tag de-authorized.
        DeAuthorized = "DeAuthorized",
    }
);

ocpp_enum!(
    /// Sampled value context.
    ReadingContext {
        /// Interruption begins.
        InterruptionBegin = "Interruption.Begin",
        /// Interruption ends.
        InterruptionEnd = "Interruption.End",
        /// Clock-aligned sample.
        SampleClock = "Sample.Clock",
        /// Periodic sample.
        SamplePeriodic = "Sample.Periodic",
        /// Transaction begins.
        TransactionBegin = "Transaction.Begin",
        /// Transaction ends.
        TransactionEnd = "Transaction.End",
        /// Triggered.
        Trigger = "Trigger",
        /// Other.
        Other = "Other",
    }
);

ocpp_enum!(
    /// Sampled value format.
    ValueFormat {
        /// Plain decimal text.
        Raw = "Raw",
        /// Signed binary data (hex).
        SignedData = "SignedData",
    }
);

ocpp_enum!(
    /// Sampled value measurand.
    Measurand {
        /// Active energy exported, register.
        EnergyActiveExportRegister = "Energy.Active.Export.Register",
        /// Active energy imported, register (the default measurand).
        EnergyActiveImportRegister = "Energy.Active.Import.Register",
        /// Reactive energy exported, register.
        EnergyReactiveExportRegister = "Energy.Reactive.Export.Register",
        /// Reactive energy imported, register.
        EnergyReactiveImportRegister = "Energy.Reactive.Import.Register",
        /// Active energy exported in the interval.
        EnergyActiveExportInterval = "Energy.Active.Export.Interval",
        /// Active energy imported in the interval.
        EnergyActiveImportInterval = "Energy.Active.Import.Interval",
        /// Reactive energy exported in the interval.
        EnergyReactiveExportInterval = "Energy.Reactive.Export.Interval",
        /// Reactive energy imported in the interval.
        EnergyReactiveImportInterval = "Energy.Reactive.Import.Interval",
        /// Active power exported.
        PowerActiveExport = "Power.Active.Export",
        /// Active power imported.
        PowerActiveImport = "Power.Active.Import",
        /// Power offered to the vehicle.
        PowerOffered = "Power.Offered",
        /// Reactive power exported.
        PowerReactiveExport = "Power.Reactive.Export",
        /// Reactive power imported.
        PowerReactiveImport = "Power.Reactive.Import",
        /// Power factor.
        PowerFactor = "Power.Factor",
        /// Current imported.
        CurrentImport = "Current.Import",
        /// Current exported.
        CurrentExport = "Current.Export",
        /// Current offered.
        CurrentOffered = "Current.Offered",
        /// Voltage.
        Voltage = "Voltage",
        /// Frequency.
        Frequency = "Frequency",
        /// Temperature.
        Temperature = "Temperature",
        /// Vehicle state of charge.
        SoC = "SoC",
        /// Fan speed.
        Rpm = "RPM",
    }
);

ocpp_enum!(
    /// Sampled value phase.
    Phase {
        /// Phase 1.
        L1 = "L1",
        /// Phase 2.
        L2 = "L2",
        /// Phase 3.
        L3 = "L3",
        /// Neutral.
        N = "N",
        /// Phase 1 to neutral.
        L1N = "L1-N",
        /// Phase 2 to neutral.
        L2N = "L2-N",
        /// Phase 3 to neutral.
        L3N = "L3-N",
        /// Phase 1 to 2.
        L1L2 = "L1-L2",
        /// Phase 2 to 3.
        L2L3 = "L2-L3",
        /// Phase 3 to 1.
        L3L1 = "L3-L1",
    }
);

ocpp_enum!(
    /// Sampled value location.
    Location {
        /// Cable.
        Cable = "Cable",
        /// Vehicle.
        Ev = "EV",
        /// Grid side.
        Inlet = "Inlet",
        /// Vehicle side (the default).
        Outlet = "Outlet",
        /// Inside the charge point.
        Body = "Body",
    }
);

ocpp_enum!(
    /// Sampled value unit. `Celcius` is the 1.6 schema's own misspelling, accepted next to
    /// `Celsius`; `Hertz` (for Frequency) is accepted as later schema revisions do.
    UnitOfMeasure {
        /// Watt-hour.
        Wh = "Wh",
        /// Kilowatt-hour.
        KWh = "kWh",
        /// Var-hour.
        Varh = "varh",
        /// Kilovar-hour.
        Kvarh = "kvarh",
        /// Watt.
        W = "W",
        /// Kilowatt.
        KW = "kW",
        /// Volt-ampere.
        Va = "VA",
        /// Kilovolt-ampere.
        KVa = "kVA",
        /// Var.
        Var = "var",
        /// Kilovar.
        Kvar = "kvar",
        /// Ampere.
        A = "A",
        /// Volt.
        V = "V",
        /// Kelvin.
        K = "K",
        /// Celsius, as misspelt by the 1.6 schema.
        Celcius = "Celcius",
        /// Celsius.
        Celsius = "Celsius",
        /// Fahrenheit.
        Fahrenheit = "Fahrenheit",
        /// Percent.
        Percent = "Percent",
        /// Hertz.
        Hertz = "Hertz",
    }
);

ocpp_enum!(
    /// DataTransfer.conf status.
    DataTransferStatus {
        /// Accepted.
        Accepted = "Accepted",
        /// Rejected.
        Rejected = "Rejected",
        /// Unknown message id.
        UnknownMessageId = "UnknownMessageId",
        /// Unknown vendor id.
        UnknownVendorId = "UnknownVendorId",
    }
);

ocpp_enum!(
    /// DiagnosticsStatusNotification status.
    DiagnosticsStatus {
        /// Idle.
        Idle = "Idle",
        /// Uploaded.
        Uploaded = "Uploaded",
        /// Upload failed.
        UploadFailed = "UploadFailed",
        /// Uploading.
        Uploading = "Uploading",
    }
);

ocpp_enum!(
    /// FirmwareStatusNotification status.
    FirmwareStatus {
        /// Downloaded.
        Downloaded = "Downloaded",
        /// Download failed.
        DownloadFailed = "DownloadFailed",
        /// Downloading.
        Downloading = "Downloading",
        /// Idle.
        Idle = "Idle",
        /// Installation failed.
        InstallationFailed = "InstallationFailed",
        /// Installing.
        Installing = "Installing",
        /// Installed.
        Installed = "Installed",
    }
);

ocpp_enum!(
    /// ChangeAvailability type.
    AvailabilityType {
        /// Not available.
        Inoperative = "Inoperative",
        /// Available.
        Operative = "Operative",
    }
);

ocpp_enum!(
    /// ChangeAvailability.conf status.
    AvailabilityStatus {
        /// Accepted.
        Accepted = "Accepted",
        /// Rejected.
        Rejected = "Rejected",
        /// After the running transaction.
        Scheduled = "Scheduled",
    }
);

ocpp_enum!(
    /// ChangeConfiguration.conf status.
    ConfigurationStatus {
        /// Accepted.
        Accepted = "Accepted",
        /// Rejected.
        Rejected = "Rejected",
        /// Needs a reboot.
        RebootRequired = "RebootRequired",
        /// Key not supported.
        NotSupported = "NotSupported",
    }
);

ocpp_enum!(
    /// Accepted or rejected (ClearCache, RemoteStart/Stop, Reset, CancelReservation, GetCompositeSchedule).
    AcceptedRejected {
        /// Accepted.
        Accepted = "Accepted",
        /// Rejected.
        Rejected = "Rejected",
    }
);

ocpp_enum!(
    /// Charging profile purpose.
    ChargingProfilePurpose {
        /// Limit of the whole charge point.
        ChargePointMaxProfile = "ChargePointMaxProfile",
        /// Default for new transactions.
        TxDefaultProfile = "TxDefaultProfile",
        /// For one transaction.
        TxProfile = "TxProfile",
    }
);

ocpp_enum!(
    /// Charging profile kind.
    ChargingProfileKind {
        /// Fixed start.
        Absolute = "Absolute",
        /// Repeats.
        Recurring = "Recurring",
        /// Starts with the transaction.
        Relative = "Relative",
    }
);

ocpp_enum!(
    /// Recurrence of a recurring profile.
    RecurrencyKind {
        /// Daily.
        Daily = "Daily",
        /// Weekly.
        Weekly = "Weekly",
    }
);

ocpp_enum!(
    /// Unit of a charging schedule.
    ChargingRateUnit {
        /// Amperes.
        A = "A",
        /// Watts.
        W = "W",
    }
);

ocpp_enum!(
    /// ClearChargingProfile.conf status.
    ClearChargingProfileStatus {
        /// Cleared.
        Accepted = "Accepted",
        /// No matching profile.
        Unknown = "Unknown",
    }
);

ocpp_enum!(
    /// SetChargingProfile.conf status.
    ChargingProfileStatus {
        /// Accepted.
        Accepted = "Accepted",
        /// Rejected.
        Rejected = "Rejected",
        /// Not supported.
        NotSupported = "NotSupported",
    }
);

ocpp_enum!(
    /// ReserveNow.conf status.
    ReservationStatus {
        /// Reserved.
        Accepted = "Accepted",
        /// Connector faulted.
        Faulted = "Faulted",
        /// Connector occupied.
        Occupied = "Occupied",
        /// Rejected.
        Rejected = "Rejected",
        /// Connector unavailable.
        Unavailable = "Unavailable",
    }
);

ocpp_enum!(
    /// Reset type.
    ResetType {
        /// Hard reset.
        Hard = "Hard",
        /// Soft reset.
        Soft = "Soft",
    }
);

ocpp_enum!(
    /// SendLocalList update type.
    UpdateType {
        /// Changes only.
        Differential = "Differential",
        /// Whole list.
        Full = "Full",
    }
);

ocpp_enum!(
    /// SendLocalList.conf status.
    UpdateStatus {
        /// Applied.
        Accepted = "Accepted",
        /// Failed.
        Failed = "Failed",
        /// No local list.
        NotSupported = "NotSupported",
        /// Version mismatch.
        VersionMismatch = "VersionMismatch",
    }
);

ocpp_enum!(
    /// TriggerMessage requested message.
    MessageTrigger {
        /// BootNotification.
        BootNotification = "BootNotification",
        /// DiagnosticsStatusNotification.
        DiagnosticsStatusNotification = "DiagnosticsStatusNotification",
        /// FirmwareStatusNotification.
        FirmwareStatusNotification = "FirmwareStatusNotification",
        /// Heartbeat.
        Heartbeat = "Heartbeat",
        /// MeterValues.
        MeterValues = "MeterValues",
        /// StatusNotification.
        StatusNotification = "StatusNotification",
    }
);

ocpp_enum!(
    /// TriggerMessage.conf status.
    TriggerMessageStatus {
        /// Will be sent.
        Accepted = "Accepted",
        /// Rejected.
        Rejected = "Rejected",
        /// Not implemented.
        NotImplemented = "NotImplemented",
    }
);

ocpp_enum!(
    /// UnlockConnector.conf status.
    UnlockStatus {
        /// Unlocked.
        Unlocked = "Unlocked",
        /// Failed.
        UnlockFailed = "UnlockFailed",
        /// Not supported.
        NotSupported = "NotSupported",
    }
);
