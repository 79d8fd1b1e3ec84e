//! Local authorization list management: SendLocalList and GetLocalListVersion.

use super::types::{IdTagInfo, ID_TAG_INFO};
use super::{action, empty_payload, status_response, OcppPayload};
use crate::enums::{UpdateStatus, UpdateType};
use crate::schema::{ci, opt, req, Field, Ty, INT};
use serde::{Deserialize, Serialize};

/// One entry of a local list update.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AuthorizationData {
    /// Tag (CiString20).
    pub id_tag: String,
    /// Its authorization (none: remove it, in a differential update).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id_tag_info: Option<IdTagInfo>,
}

const AUTHORIZATION_DATA: &[Field] = &[req("idTag", ci(20)), opt("idTagInfo", Ty::Object(ID_TAG_INFO))];

/// SendLocalList.req.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SendLocalListRequest {
    /// Version after the update.
    pub list_version: i32,
    /// Entries.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub local_authorization_list: Vec<AuthorizationData>,
    /// Full or differential.
    pub update_type: UpdateType,
}

impl OcppPayload for SendLocalListRequest {
    const SCHEMA: &'static [Field] = &[
        req("listVersion", INT),
        opt("localAuthorizationList", Ty::Array { items: &Ty::Object(AUTHORIZATION_DATA), min_items: 0 }),
        req("updateType", Ty::Enum(UpdateType::NAMES)),
    ];
}

status_response!(
    /// SendLocalList.conf.
    SendLocalListResponse,
    UpdateStatus
);
action!(SendLocalListRequest, "SendLocalList", SendLocalListResponse);

empty_payload!(
    /// GetLocalListVersion.req.
    GetLocalListVersionRequest
);

/// GetLocalListVersion.conf.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GetLocalListVersionResponse {
    /// Version (-1: no list support, 0: empty).
    pub list_version: i32,
}

impl OcppPayload for GetLocalListVersionResponse {
    const SCHEMA: &'static [Field] = &[req("listVersion", INT)];
}

action!(GetLocalListVersionRequest, "GetLocalListVersion", GetLocalListVersionResponse);
