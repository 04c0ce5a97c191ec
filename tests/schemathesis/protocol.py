"""Shebao protocol v1 request signing, written from docs/protocol.md alone.

`python -m protocol` (or `python protocol.py`) checks it against the vectors of
docs/protocol.md and exits non-zero if any differs.
"""

from __future__ import annotations

import base64
import hashlib
import os
import sys
import time

from nacl.signing import SigningKey

SUITE = "SHEBAO1-ED25519"


def b64(data: bytes) -> str:
    """base64url without padding."""
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def new_nonce() -> str:
    """16 random bytes, base64url: 22 characters."""
    return b64(os.urandom(16))


def string_to_sign(
    method: str,
    host: str,
    target: str,
    ts: int,
    nonce: str,
    idempotency_key: str | None,
    body: bytes,
) -> bytes:
    """The eight lines of docs/protocol.md, each ending in a newline."""
    lines = [
        SUITE,
        method.upper(),
        host.lower(),
        target,
        str(ts),
        nonce,
        idempotency_key or "",
        hashlib.sha256(body).hexdigest(),
    ]
    return "".join(line + "\n" for line in lines).encode("utf-8")


def authorization(
    key: SigningKey,
    kid: str,
    method: str,
    host: str,
    target: str,
    body: bytes,
    idempotency_key: str | None = None,
    ts: int | None = None,
    nonce: str | None = None,
) -> str:
    """The `Authorization` header value for one request."""
    ts = int(time.time()) if ts is None else ts
    nonce = new_nonce() if nonce is None else nonce
    message = string_to_sign(method, host, target, ts, nonce, idempotency_key, body)
    sig = b64(key.sign(message).signature)
    return f"{SUITE} kid={kid},ts={ts},nonce={nonce},sig={sig}"


def public_key(key: SigningKey) -> str:
    return b64(bytes(key.verify_key))


# The vectors of docs/protocol.md.
VECTOR_SECRET = "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60"
VECTOR_PUBLIC = "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"
VECTORS = [
    # method, host, target, ts, nonce, idempotency key, body, signature
    (
        "POST",
        "127.0.0.1:8080",
        "/v1/declarations",
        1767225600,
        "AAECAwQFBgcICQoLDA0ODw",
        "3f1c6c2e-5a7b-4c8e-9d0f-1a2b3c4d5e6f",
        b'{"payable_ids":["pay_01"]}',
        "fev7r6gecnRmc0CFgU0WFmi27THtOqNE04uev7vpKdh0VlRlmO4XpnaF7FwOBKjXZ2FLTALqTh1PAN0oXBxSCw",
    ),
    (
        "GET",
        "gw.example.cn",
        "/v1/payment-orders/ord_7?wait=25",
        1767225601,
        "EBESExQVFhcYGRobHB0eHw",
        None,
        b"",
        "ts5PFwy1hcdOZJAOvbQh9zcq-nNV-dGYOXKw7XH7JjdIh4zA7FSAn5P2WV9eourhFtLq6_NEf3zldH3pGWYyBA",
    ),
]


def self_check() -> list[str]:
    """What differs from the vectors; empty when the signer is right."""
    problems = []
    key = SigningKey(bytes.fromhex(VECTOR_SECRET))
    if public_key(key) != VECTOR_PUBLIC:
        problems.append(f"public key {public_key(key)} != {VECTOR_PUBLIC}")
    for method, host, target, ts, nonce, idem, body, expected in VECTORS:
        header = authorization(key, "dev_01", method, host, target, body, idem, ts, nonce)
        sig = header.rsplit("sig=", 1)[1]
        if sig != expected:
            problems.append(f"{method} {target}: signature {sig} != {expected}")
    return problems


if __name__ == "__main__":
    failures = self_check()
    for failure in failures:
        print("protocol vector mismatch:", failure, file=sys.stderr)
    print(f"{len(VECTORS) + 1 - len(failures)} passed, {len(failures)} failed")
    sys.exit(1 if failures else 0)
