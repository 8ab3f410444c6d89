//! Signed session tokens: HS256 only, `exp`, `iat`, `iss` and `aud` required, a few seconds of
//! leeway (ASVS 5.0 V9.1.1, V9.1.2, V9.2.1, V9.2.3; jsonwebtoken pitfalls in
//! shared/engineering/SECURITY-AND-TOOLING.md A.2). A token is only half of a session: the `sid`
//! must also name a live session row (see `session.rs`).

use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};

pub const ISSUER: &str = "pathway";
pub const AUDIENCE: &str = "pathway-web";
pub const LEEWAY_SECONDS: u64 = 5;

/// What a token is for (ASVS V9.2.2: a token for one purpose is refused for another).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TokenKind {
    Browser,
    Api,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Claims {
    pub sub: String,
    pub sid: String,
    pub typ: TokenKind,
    pub iat: i64,
    pub exp: i64,
    pub iss: String,
    pub aud: String,
}

pub fn encode(secret: &str, claims: &Claims) -> anyhow::Result<String> {
    jsonwebtoken::encode(
        &Header::new(Algorithm::HS256),
        claims,
        &EncodingKey::from_secret(secret.as_bytes()),
    )
    .map_err(|e| anyhow::anyhow!("token signing failed: {e}"))
}

/// Verifies the signature, algorithm, expiry, issuer, audience and purpose. Any failure is `None`.
/// Expiry and issue time are checked against `now`, the service's clock, not the system's: the
/// session row's times follow the same clock, so the two always agree.
pub fn decode(
    secret: &str,
    token: &str,
    expected: TokenKind,
    now: chrono::DateTime<chrono::Utc>,
) -> Option<Claims> {
    let mut v = Validation::new(Algorithm::HS256);
    v.leeway = LEEWAY_SECONDS;
    // Checked below against the service clock (jsonwebtoken would read the system clock).
    v.validate_exp = false;
    v.validate_nbf = false;
    v.set_issuer(&[ISSUER]);
    v.set_audience(&[AUDIENCE]);
    v.set_required_spec_claims(&["exp", "iat", "iss", "aud", "sub"]);
    let data =
        jsonwebtoken::decode::<Claims>(token, &DecodingKey::from_secret(secret.as_bytes()), &v)
            .ok()?;
    let now = now.timestamp();
    let leeway = LEEWAY_SECONDS as i64;
    let fresh = data.claims.exp > now - leeway && data.claims.iat <= now + leeway;
    (fresh && data.claims.typ == expected).then_some(data.claims)
}
