//! Operator operations of the charging context as the OCPP requests that carry them.

use crate::enums::UpdateType;
use crate::mapping::enum_tables::authorization_status;
use crate::messages::local_list::{AuthorizationData, SendLocalListRequest};
use crate::messages::types::IdTagInfo;
use mgc_charging::LocalAuthorizationList;

/// SendLocalList.req replacing the charge point's whole list with the tenant's list at its
/// current version (every tag with its stored status, expiry and parent).
pub fn full_local_list(list: &LocalAuthorizationList) -> SendLocalListRequest {
    SendLocalListRequest {
        list_version: list.version,
        local_authorization_list: list
            .tags()
            .map(|t| AuthorizationData {
                id_tag: t.token.as_str().to_owned(),
                id_tag_info: Some(IdTagInfo {
                    expiry_date: t.expires_at,
                    parent_id_tag: t.parent.as_ref().map(|p| p.as_str().to_owned()),
                    status: authorization_status(t.status),
                }),
            })
            .collect(),
        update_type: UpdateType::Full,
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::messages::OcppPayload;
    use mgc_charging::{AuthorizationStatus, IdTag, IdToken};
    use mgc_kernel::TenantId;

    #[test]
    fn given_a_list_of_two_tags_when_sent_in_full_then_the_request_validates_and_carries_both_with_the_version() {
        let tag = |t: &str, status| IdTag {
            token: IdToken::parse(t).unwrap(),
            status,
            expires_at: None,
            parent: Some(IdToken::parse("FLEET").unwrap()),
        };
        let list = LocalAuthorizationList::from_parts(
            TenantId::parse("acme").unwrap(),
            7,
            [tag("AA", AuthorizationStatus::Accepted), tag("BB", AuthorizationStatus::Blocked)],
        );
        let payload = full_local_list(&list).to_payload();
        let back = SendLocalListRequest::from_payload(&payload).unwrap();
        assert_eq!(back.list_version, 7);
        assert_eq!(back.update_type, UpdateType::Full);
        let statuses: Vec<_> =
            back.local_authorization_list.iter().map(|d| d.id_tag_info.as_ref().unwrap().status).collect();
        assert_eq!(statuses, [crate::enums::AuthorizationStatus::Accepted, crate::enums::AuthorizationStatus::Blocked]);
        assert_eq!(payload["localAuthorizationList"][0]["idTagInfo"]["parentIdTag"], "FLEET");
    }
}
