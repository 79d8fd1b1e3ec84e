//! Signatures: our webhook HMAC (`sha256=HMAC(secret, timestamp + "." + body)`) and the
//! DingTalk robot signature.

use base64::Engine;
use hmac::{Hmac, Mac};
use sha2::Sha256;

type HmacSha256 = Hmac<Sha256>;

fn mac(secret: &[u8], parts: &[&[u8]]) -> Vec<u8> {
    // HMAC accepts keys of any length, so this never fails.
    let mut m = match HmacSha256::new_from_slice(secret) {
        Ok(m) => m,
        Err(_) => return Vec::new(),
    };
    parts.iter().for_each(|p| m.update(p));
    m.finalize().into_bytes().to_vec()
}

/// `X-Mgc-Signature` value: `sha256=` + hex HMAC-SHA256 of `timestamp + "." + body`.
pub fn webhook_signature(secret: &str, timestamp: &str, body: &[u8]) -> String {
    format!("sha256={}", hex::encode(mac(secret.as_bytes(), &[timestamp.as_bytes(), b".", body])))
}

/// Receiver-side check of a webhook signature (constant-time compare).
pub fn verify_webhook_signature(secret: &str, timestamp: &str, body: &[u8], signature: &str) -> bool {
    let Some(hex_sig) = signature.strip_prefix("sha256=") else { return false };
    let Ok(given) = hex::decode(hex_sig) else { return false };
    let Ok(mut m) = HmacSha256::new_from_slice(secret.as_bytes()) else { return false };
    m.update(timestamp.as_bytes());
    m.update(b".");
    m.update(body);
    m.verify_slice(&given).is_ok()
}

/// DingTalk: URL-encoded base64 HMAC-SHA256 of `timestamp_ms + "\n" + secret`, keyed by secret.
pub fn dingtalk_sign(secret: &str, timestamp_ms: i64) -> String {
    let text = format!("{timestamp_ms}\n{secret}");
    let b64 = base64::engine::general_purpose::STANDARD.encode(mac(secret.as_bytes(), &[text.as_bytes()]));
    b64.replace('+', "%2B").replace('/', "%2F").replace('=', "%3D")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn given_signed_body_when_verified_with_same_secret_then_ok_and_tampering_fails() {
        let sig = webhook_signature("s3cret-s3cret-s3cret", "1700000000", b"{\"a\":1}");
        assert!(sig.starts_with("sha256=") && sig.len() == 7 + 64);
        assert!(verify_webhook_signature("s3cret-s3cret-s3cret", "1700000000", b"{\"a\":1}", &sig));
        assert!(!verify_webhook_signature("s3cret-s3cret-s3cret", "1700000001", b"{\"a\":1}", &sig));
        assert!(!verify_webhook_signature("other-secret-other", "1700000000", b"{\"a\":1}", &sig));
        assert!(!verify_webhook_signature("s3cret-s3cret-s3cret", "1700000000", b"{\"a\":2}", &sig));
    }

    #[test]
    fn the_worked_example_of_docs_third_party_md_holds() {
        let body = br#"{"id":"0193a1b2-0000-7000-8000-000000000001","event":"ping"}"#;
        let sig = webhook_signature("platform-secret-0123456789", "1765108800", body);
        assert_eq!(sig, "sha256=6b350d99e342fc473e2188fc3214b063b002b0e82312d0601d57e51a8342791b");
        let doc = include_str!("../../../docs/third-party.md");
        assert!(doc.contains(&sig[7..]), "docs/third-party.md shows this signature");
    }

    #[test]
    fn given_dingtalk_secret_then_signature_is_url_safe() {
        let s = dingtalk_sign("SECabc", 1_700_000_000_000);
        assert!(!s.contains('+') && !s.contains('/') && !s.contains('='));
    }
}
