//! RS256 verification with a public key, and the algorithm-confusion attack it must refuse.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use chrono::{DateTime, Utc};
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use mgc_iam::{AuthError, Claims, JwtVerifier, Role};

const PRIVATE: &str = include_str!("fixtures/rs256-test-private.pem");
const PUBLIC: &str = include_str!("fixtures/rs256-test-public.pem");

fn now() -> DateTime<Utc> {
    DateTime::from_timestamp(1_800_000_000, 0).unwrap()
}

fn claims() -> Claims {
    Claims {
        sub: "idp-user".into(),
        tenant_id: Some("grid-co".into()),
        role: "viewer".into(),
        station_ids: Some(vec!["01a20f0f-d148-75f2-97eb-11904624c1b6".into()]),
        exp: Some(now().timestamp() + 300),
        iat: Some(now().timestamp()),
        nbf: None,
    }
}

fn rs256(c: &Claims) -> String {
    jsonwebtoken::encode(&Header::new(Algorithm::RS256), c, &EncodingKey::from_rsa_pem(PRIVATE.as_bytes()).unwrap())
        .unwrap()
}

#[test]
fn given_token_signed_by_identity_provider_when_verified_with_public_key_then_principal() {
    let verifier = JwtVerifier::rs256_pem(PUBLIC.as_bytes()).unwrap();
    let p = verifier.verify(&rs256(&claims()), now()).unwrap();
    assert_eq!(p.tenant.as_str(), "grid-co");
    assert_eq!(p.role, Role::Viewer);
    assert_eq!(p.station_ids.as_ref().map(Vec::len), Some(1));
}

#[test]
fn given_hs256_token_signed_with_the_public_key_when_rs256_expected_then_wrong_algorithm() {
    // The classic confusion attack: use the (public) RSA key as an HMAC secret.
    let forged =
        jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims(), &EncodingKey::from_secret(PUBLIC.as_bytes()))
            .unwrap();
    let verifier = JwtVerifier::rs256_pem(PUBLIC.as_bytes()).unwrap();
    assert!(matches!(verifier.verify(&forged, now()), Err(AuthError::WrongAlgorithm(_))));
}

#[test]
fn given_tampered_or_expired_rs256_token_then_rejected() {
    let verifier = JwtVerifier::rs256_pem(PUBLIC.as_bytes()).unwrap();
    let token = rs256(&claims());
    let mut parts: Vec<String> = token.split('.').map(str::to_owned).collect();
    let admin = Claims { role: "admin".into(), ..claims() };
    parts[1] = rs256(&admin).split('.').nth(1).unwrap().to_owned();
    assert_eq!(verifier.verify(&parts.join("."), now()).unwrap_err(), AuthError::BadSignature);
    let expired = Claims { exp: Some(now().timestamp() - 10), ..claims() };
    assert_eq!(verifier.verify(&rs256(&expired), now()).unwrap_err(), AuthError::Expired);
    assert_eq!(verifier.clone().with_leeway(30).verify(&rs256(&expired), now()).unwrap().role, Role::Viewer);
}

#[test]
fn given_garbage_pem_then_clear_error() {
    assert!(JwtVerifier::rs256_pem(b"not a key").unwrap_err().contains("RSA public key"));
}
