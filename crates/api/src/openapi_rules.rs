//! Cross-field rules of request bodies that JSON Schema can state, added to their generated
//! schemas so that the document says what the handlers check.

use utoipa::openapi::schema::{AllOfBuilder, ObjectBuilder, OneOfBuilder, Schema, Type};
use utoipa::openapi::{Components, RefOr};

/// `StartBody`: `full` takes any limit (it is ignored); `time`, `energy` and `power` need a
/// limit of at least 1.
pub fn charge_modes(components: &mut Components) {
    let Some(body) = components.schemas.remove("StartBody") else { return };
    let mode = |values: &[&'static str]| {
        ObjectBuilder::new().schema_type(Type::String).enum_values(Some(values.iter().copied()))
    };
    let full = ObjectBuilder::new().property("mode", mode(&["full"]));
    let limited = ObjectBuilder::new()
        .property("mode", mode(&["time", "energy", "power"]))
        .property("limit", ObjectBuilder::new().schema_type(Type::Integer).minimum(Some(1)))
        .required("limit");
    let rule = OneOfBuilder::new().item(full).item(limited);
    let description = match &body {
        RefOr::T(Schema::Object(o)) => o.description.clone(),
        _ => None,
    };
    let combined = AllOfBuilder::new().item(body).item(rule).description(description).build();
    components.schemas.insert("StartBody".to_owned(), RefOr::T(Schema::AllOf(combined)));
}

/// `ProfileBody.profile`: the OCPP 1.6 `ChargingProfile` as the OCPP adapter checks it.
pub fn charging_profile(components: &mut Components) {
    use mgc_adapter_ocpp::messages::smart_charging::CHARGING_PROFILE;
    if let Some(RefOr::T(Schema::Object(body))) = components.schemas.get_mut("ProfileBody") {
        let profile = crate::ocpp_schema::object(CHARGING_PROFILE)
            .description(Some(
                "the OCPP 1.6 ChargingProfile (chargingProfileId, stackLevel, purpose, kind, chargingSchedule …)",
            ))
            .build();
        body.properties.insert("profile".to_owned(), RefOr::T(Schema::Object(profile)));
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use crate::openapi::ApiDoc;
    use utoipa::OpenApi;

    #[test]
    fn given_the_document_then_start_body_requires_a_limit_for_limited_modes() {
        let doc = serde_json::to_value(ApiDoc::openapi()).unwrap();
        let start = &doc["components"]["schemas"]["StartBody"];
        let branches = start["allOf"][1]["oneOf"].as_array().unwrap();
        assert_eq!(branches[1]["required"], serde_json::json!(["limit"]), "{start}");
        assert_eq!(start["allOf"][0]["properties"]["order_no"]["maxLength"], 64, "{start}");
    }
}
