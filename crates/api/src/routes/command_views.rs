//! Schema-only responses of commands: the OpenAPI statement of how `mgc_commands::Command`
//! serializes (the handlers return it; these only describe it, so they must follow it field by
//! field: an `Option` serializes as `null`, so it is required and nullable).

#![allow(dead_code)]

use serde::Deserialize;
use utoipa::ToSchema;

/// Where a command is in its life (`mgc_commands::CommandState`).
#[derive(Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum CommandStateName {
    /// Accepted, not yet handed to the device's platform.
    Pending,
    /// Handed to the platform.
    Sent,
    /// The device received it.
    Delivered,
    /// The device carried it out.
    Succeeded,
    /// Refused or failed.
    Failed,
    /// No final answer before the deadline.
    TimedOut,
    /// The deadline passed before it could be sent.
    Expired,
    /// Cancelled by an operator while pending.
    Cancelled,
}

/// How a command's method is delivered (`RpcOptions`).
#[derive(Deserialize, ToSchema)]
pub struct RpcOptionsView {
    /// One-way RPC (no reply expected).
    oneway: bool,
    /// May run while another command of the device is in flight.
    parallel: bool,
    /// Persistent RPC: the platform queues it and reports its states later.
    persistent: bool,
    /// A device that is not connected is waited for until the deadline.
    queue_until_online: bool,
}

/// Who or what caused a command (`mgc_contracts::CommandOrigin`), by `kind`.
#[derive(Deserialize, ToSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum CommandOriginView {
    /// An operator or third party through the API.
    Api {
        /// Subject of the principal (user or API key id).
        subject: String,
    },
    /// A strategy execution.
    Strategy {
        /// The strategy.
        #[schema(format = Uuid)]
        strategy_id: String,
        /// Its version when it decided.
        strategy_version: i64,
        /// The execution that decided.
        #[schema(format = Uuid)]
        execution_id: String,
    },
}

/// One state change (`Transition`).
#[derive(Deserialize, ToSchema)]
pub struct TransitionView {
    /// State before (null for the creation).
    #[schema(required = true)]
    from: Option<CommandStateName>,
    /// State after.
    to: CommandStateName,
    /// When.
    #[schema(format = DateTime)]
    at: String,
    /// Why, in words.
    reason: String,
}

/// A command to a device (`mgc_commands::Command`).
#[derive(Deserialize, ToSchema)]
pub struct CommandView {
    /// Id.
    #[schema(format = Uuid)]
    id: String,
    /// Target device.
    #[schema(format = Uuid)]
    device_id: String,
    /// Station of the device.
    #[schema(format = Uuid)]
    station_id: String,
    /// RPC method.
    method: String,
    /// RPC parameters (`{}` when none were given): whatever the method takes.
    #[schema(value_type = Object)]
    params: String,
    /// Seconds the command may take from issue.
    timeout_s: u32,
    /// Delivery options of the method.
    options: RpcOptionsView,
    /// Protocol of the device when issued.
    protocol: String,
    /// Device id on the platform.
    target: String,
    /// Current state.
    state: CommandStateName,
    /// What caused it.
    origin: CommandOriginView,
    /// Client's idempotency key.
    #[schema(required = true)]
    idempotency_key: Option<String>,
    /// When it was issued.
    #[schema(format = DateTime)]
    created_at: String,
    /// When it must have finished.
    #[schema(format = DateTime)]
    deadline: String,
    /// Last change.
    #[schema(format = DateTime)]
    updated_at: String,
    /// Send attempts that failed for a retryable reason.
    attempts: u32,
    /// Earliest time of the next send attempt.
    #[schema(format = DateTime)]
    next_attempt_at: String,
    /// The last retryable error.
    #[schema(required = true)]
    last_error: Option<String>,
    /// Platform id of a persistent RPC.
    #[schema(required = true)]
    rpc_id: Option<String>,
    /// The device's reply, any JSON value (null when none).
    #[schema(value_type = AnyJsonValue, inline)]
    response: String,
    /// Reason of the last transition.
    reason: String,
    /// Every state change, oldest first.
    transitions: Vec<TransitionView>,
}

/// Any JSON value, null included: what a device or platform sent, kept as it is.
pub struct AnyJsonValue;

impl utoipa::PartialSchema for AnyJsonValue {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        use utoipa::openapi::schema::{ObjectBuilder, SchemaType, Type};
        let all = [Type::Object, Type::Array, Type::String, Type::Number, Type::Boolean, Type::Null];
        ObjectBuilder::new()
            .schema_type(SchemaType::from_iter(all))
            .description(Some("any JSON value, as the device sent it"))
            .into()
    }
}

impl ToSchema for AnyJsonValue {}

/// One page of commands.
#[derive(Deserialize, ToSchema)]
pub struct CommandPage {
    /// Commands, newest first.
    items: Vec<CommandView>,
    /// Cursor of the next page (null on the last).
    #[schema(required = true)]
    next_cursor: Option<String>,
}
