//! Refusals of the subscription use cases, each with a stable machine-readable code.

use crate::subscriptions::domain::SubscriptionId;
use mgc_kernel::RepoError;

/// Why a subscription request was refused.
#[derive(Debug, thiserror::Error)]
pub enum SubscriptionError {
    /// A field is not valid (the message names it).
    #[error("{0}")]
    Invalid(String),
    /// No subscription of this id for the tenant.
    #[error("subscription {0} not found")]
    NotFound(SubscriptionId),
    /// The subscription is disabled: nothing is sent to it.
    #[error("subscription {0} is disabled")]
    Disabled(SubscriptionId),
    /// Storage failed.
    #[error(transparent)]
    Repo(#[from] RepoError),
}

impl SubscriptionError {
    /// Stable machine-readable code.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Invalid(_) => "invalid_subscription",
            Self::NotFound(_) => "subscription_not_found",
            Self::Disabled(_) => "subscription_disabled",
            Self::Repo(_) => "storage_error",
        }
    }
}
