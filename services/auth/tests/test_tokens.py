"""Access tokens as auth issues and checks them: claims, tampering, signing-key rotation."""

from __future__ import annotations

import base64
import hashlib
import json
import time
import uuid
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from auth.service_layer.signing import rotate_signing_key
from common.testing.tokens import forge_token


def _claims(token: str) -> dict[str, Any]:
    return jwt.decode(token, options={"verify_signature": False})


async def _session_status(api: Any, token: str) -> tuple[int, str | None]:
    response = await api.get("/session", headers={"Authorization": f"Bearer {token}"})
    code = response.json()["error"]["code"] if response.status_code != 200 else None
    return response.status_code, code


async def test_access_token_claims_and_jwks(api: Any) -> None:
    signed = await api.new_user()
    header = jwt.get_unverified_header(signed.access_token)
    claims = _claims(signed.access_token)
    assert header["alg"] == "EdDSA"
    assert claims["iss"] == "looseline-auth"
    assert claims["aud"] == "looseline"
    assert claims["sub"] == str(signed.user_id)
    assert claims["sid"] == str(signed.session_id)
    assert claims["role"] == "user"
    assert claims["exp"] - claims["iat"] == 900

    response = await api.get("/.well-known/jwks.json")
    assert response.status_code == 200
    keys = {k["kid"]: k for k in response.json()["keys"]}
    key = keys[header["kid"]]
    assert key["kty"] == "OKP"
    assert key["crv"] == "Ed25519"
    assert key["alg"] == "EdDSA"
    assert "d" not in key  # never the private part
    public = jwt.PyJWK(key)
    verified = jwt.decode(
        signed.access_token,
        public,
        algorithms=["EdDSA"],
        audience="looseline",
        issuer="looseline-auth",
    )
    assert verified["sid"] == str(signed.session_id)
    # The refresh token is opaque and stored only as a hash.
    assert signed.refresh_token.count(".") == 0
    digest = hashlib.sha256(signed.refresh_token.encode()).digest()
    stored = await api.sql(
        "SELECT token_hash FROM auth.refresh_token WHERE session_id = :s", s=signed.session_id
    )
    assert [bytes(r[0]) for r in stored] == [digest]


async def test_tampered_tokens_are_refused(api: Any) -> None:
    signed = await api.new_user()
    token = signed.access_token
    claims = _claims(token)
    kid = jwt.get_unverified_header(token)["kid"]
    jwks = (await api.get("/.well-known/jwks.json")).json()
    public_jwk = next(k for k in jwks["keys"] if k["kid"] == kid)

    # Payload edited (role → admin) with the signature kept.
    head, _, sig = token.split(".")
    forged_claims = {**claims, "role": "admin"}
    body = base64.urlsafe_b64encode(json.dumps(forged_claims).encode()).rstrip(b"=").decode()
    attempts = {
        "edited payload": f"{head}.{body}.{sig}",
        "alg none": forge_token(claims, alg="none", kid=kid),
        "HS256 with the public key": forge_token(
            claims, alg="HS256", kid=kid, secret=json.dumps(public_jwk).encode()
        ),
        "HS256 with the raw public key": forge_token(
            claims,
            alg="HS256",
            kid=kid,
            secret=base64.urlsafe_b64decode(public_jwk["x"] + "=="),
        ),
    }
    keys = api.services.keys
    now = int(time.time())
    attempts["wrong audience"] = await keys.sign({**claims, "aud": "someone-else"})
    attempts["wrong issuer"] = await keys.sign({**claims, "iss": "evil-auth"})
    attempts["expired"] = await keys.sign({**claims, "iat": now - 3600, "exp": now - 600})
    stranger = Ed25519PrivateKey.generate()
    attempts["unknown kid"] = jwt.encode(
        claims, stranger, algorithm="EdDSA", headers={"kid": "nope"}
    )
    attempts["right kid, other key"] = jwt.encode(
        claims, stranger, algorithm="EdDSA", headers={"kid": kid}
    )
    attempts["no sid"] = await keys.sign({k: v for k, v in claims.items() if k != "sid"})
    for name, forged in attempts.items():
        status, code = await _session_status(api, forged)
        assert (status, code) == (401, "auth.invalid_token"), name

    assert await _session_status(api, token) == (200, None)
    # A well-signed token for a session that does not exist.
    ghost = await keys.sign({**claims, "sid": str(uuid.uuid4())})
    assert (await _session_status(api, ghost))[0] == 401


async def test_key_rotation_keeps_old_tokens_valid_and_signs_new_ones_with_the_new_key(
    api: Any,
) -> None:
    signed = await api.new_user()
    old_kid = jwt.get_unverified_header(signed.access_token)["kid"]

    new_key = await rotate_signing_key(api.services)
    assert new_key.kid != old_kid

    jwks = (await api.get("/.well-known/jwks.json")).json()
    assert {old_kid, new_key.kid} <= {k["kid"] for k in jwks["keys"]}
    # Nobody is signed out: the old token still verifies until it expires.
    assert await _session_status(api, signed.access_token) == (200, None)
    # New tokens (sign-in and refresh) use the new key.
    again = await api.signed_in(signed.email)
    assert jwt.get_unverified_header(again.access_token)["kid"] == new_key.kid
    refreshed = await api.post("/refresh", {"refresh_token": signed.refresh_token})
    assert jwt.get_unverified_header(refreshed.json()["access_token"])["kid"] == new_key.kid
    assert await _session_status(api, refreshed.json()["access_token"]) == (200, None)

    # Once retired longer than a token lives, the old key is no longer published.
    await api.sql(
        "UPDATE auth.signing_key SET retired_at = now() - interval '2 hours' WHERE kid = :k",
        k=old_kid,
    )
    api.services.keys.invalidate()
    jwks = (await api.get("/.well-known/jwks.json")).json()
    assert old_kid not in {k["kid"] for k in jwks["keys"]}
    assert await _session_status(api, signed.access_token) == (401, "auth.invalid_token")
    active = await api.sql("SELECT count(*) FROM auth.signing_key WHERE retired_at IS NULL")
    assert active == [(1,)]


async def test_private_keys_are_encrypted_at_rest(api: Any) -> None:
    rows = await api.sql("SELECT kid, private_key FROM auth.signing_key")
    assert rows
    for kid, private_key in rows:
        assert bytes(private_key)[:1] == b"\x01"  # our AES-GCM envelope, not a DER key
        assert b"\x30\x2e\x02\x01" not in bytes(private_key)  # PKCS#8 Ed25519 DER prefix
        assert kid
