"""Schemathesis hooks for a sandbox Shebao gateway (loaded with SCHEMATHESIS_HOOKS=hooks).

- Signs every request to an operation whose security names `device_signature`, over the exact
  bytes sent (a requests auth sees the prepared request), per docs/protocol.md.
- Enrolls a device, confirms fictional people through captchas (the sandbox answer route),
  pays one order on the sandbox cashier and issues its certificate, assesses a month and leaves
  a declaration without an order to void, so that identity-bound operations have real tokens
  and ids; each case carries the token of the person its operation can succeed for (张晓梅, not
  insured, for the registration). Registers an account for the payer, logs in (a
  `Session-Token` for the account operations), and confirms the payer on a second, spare
  device: the device a realised revocation revokes (never the hook's own, which signs
  everything). A realised logout ends a session of its own, never the shared one; a device's
  self-revocation (`POST /v1/devices/current/revocation`) is always signed by a device enrolled
  for it. With the
  session, issues a 完税证明 over the paid order: a realised 完税查询 lists it, a realised 证明补打
  selects that order alone again (a reprint, 200, which supersedes nothing).
- Turns some generated cases into valid ones ("realises" them: real ids, a fresh idempotency
  key, a valid body), every case until its operation has answered a 2xx and a share after
  that, and leaves the rest as generated to fuzz validation and refusals. The sandbox has one
  payable per person and the setup declares them all, so a realised declaration or payment
  order is a retry of the setup's request with its idempotency key, which the protocol
  answers with the stored 201.
- Records every status per operation in $SHEBAO_SCHEMATHESIS_SUMMARY for summary.py.

Needs SHEBAO_GATEWAY (the gateway's origin, e.g. http://127.0.0.1:8080).
"""

from __future__ import annotations

import json
import os
import random
import threading
import time
import uuid
from collections import defaultdict
from urllib.parse import urlsplit

import requests
import schemathesis
from nacl.signing import SigningKey

import protocol

ORIGIN = os.environ["SHEBAO_GATEWAY"].rstrip("/")
SUMMARY_PATH = os.environ.get("SHEBAO_SCHEMATHESIS_SUMMARY")
# Fictional people of the sandbox seed (valid check digits, no real person).
MA_XIAOYAN = ("马小燕", "640104199003150022")
WANG_JIANGUO = ("王建国", "64020219850720001X")
MA_FUHAI = ("马福海", "64030319781108003X")
ZHANG_XIAOMEI = ("张晓梅", "640104199003150049")  # in the population register, not insured
# Holds a 港澳台居民居住证 (residence permit), not a resident ID card.
CHEN_JIAXIN = ("陈嘉欣", "810000199203050027", "residence_permit_hmt")
TEST_CARD = "6222020000000000000"
PHONE = "13800001234"
PASSWORD = "Shebao-2025"
# Operations whose realised case can succeed only once (the sandbox has one payable per
# person); after their first 2xx they are left as generated.
CONSUMING = {
    "POST /v1/declarations",
    "POST /v1/payment-orders",
    "POST /sandbox/{channel}/cashier/{attempt_id}",
    "POST /v1/payment-orders/{order_id}/void",
    "POST /v1/registrations",
    "POST /v1/assessments",
    "POST /v1/declarations/{declaration_id}/void",
}

_lock = threading.RLock()
statuses: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))


class Signer(requests.auth.AuthBase):
    """Adds `Authorization` over the prepared request: method, Host, target, body bytes."""

    def __init__(self, key: SigningKey, kid: str) -> None:
        self.key = key
        self.kid = kid

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        body = request.body or b""
        if isinstance(body, str):
            body = body.encode("utf-8")
        request.headers["Authorization"] = protocol.authorization(
            self.key,
            self.kid,
            request.method or "GET",
            urlsplit(request.url).netloc,
            request.path_url,
            body,
            request.headers.get("Idempotency-Key"),
        )
        return request


class World:
    """A device, confirmed people and real resources on the gateway."""

    def __init__(self) -> None:
        self.http = requests.Session()
        # (method, target) → (idempotency key, body, token) of the last idempotent call.
        self.sent: dict[tuple[str, str], tuple[str, object, str | None]] = {}
        self.key = SigningKey.generate()
        enrolled = self.http.post(
            f"{ORIGIN}/v1/devices", json={"public_key": protocol.public_key(self.key)}
        )
        enrolled.raise_for_status()
        self.signer = Signer(self.key, enrolled.json()["device_id"])
        spare_key = SigningKey.generate()
        enrolled = self.http.post(
            f"{ORIGIN}/v1/devices", json={"public_key": protocol.public_key(spare_key)}
        )
        enrolled.raise_for_status()
        self.spare_device = enrolled.json()["device_id"]
        self.spare_signer = Signer(spare_key, self.spare_device)
        signed = json.loads(self.http.get(f"{ORIGIN}/openapi.json").text)
        self.signed = {
            (method.upper(), path)
            for path, item in signed["paths"].items()
            for method, operation in item.items()
            if any("device_signature" in requirement for requirement in operation.get("security", []))
        }
        # 马小燕: one order paid on the cashier, its certificate issued.
        self.payer = self.confirm(MA_XIAOYAN)
        declaration = self.declare(self.payer, self.payable_ids(self.payer))
        self.paid_declaration = declaration["id"]
        self.paid_order = self.order(self.payer, declaration["id"])
        attempt = self.attempt(self.payer, self.paid_order)
        self.pay(attempt["id"])
        paid = self.call("GET", f"/v1/payment-orders/{self.paid_order}?wait=15", token=self.payer)
        assert paid.json()["status"] == "paid", paid.text
        issued = self.call(
            "POST", "/v1/certificates", {"order_id": self.paid_order}, token=self.payer, idempotent=True
        )
        assert issued.status_code == 201, issued.text
        self.certificate = issued.json()["number"]
        # The payer's account and session; the spare device is one of the payer's devices.
        registered = self.call(
            "POST", "/v1/accounts", {"phone": PHONE, "password": PASSWORD}, token=self.payer, idempotent=True
        )
        assert registered.status_code == 201, registered.text
        self.session = self.login()
        # Her 完税证明 over the paid order, issued in the session.
        issued = self.call(
            "POST", "/v1/tax-certificates", {"order_ids": [self.paid_order]}, idempotent=True, session=self.session
        )
        assert issued.status_code == 201, issued.text
        self.tax_certificate = issued.json()["number"]
        self.confirm(MA_XIAOYAN, auth=self.spare_signer)
        # 王建国: a declared, unpaid order with a pending attempt (the cashier page shows it).
        self.person = self.confirm(WANG_JIANGUO)
        declaration = self.declare(self.person, self.payable_ids(self.person))
        self.open_order = self.order(self.person, declaration["id"])
        self.pending_attempt = self.attempt(self.person, self.open_order)["id"]
        # 马福海: an attempt left for the cashier's POST to pay.
        self.other = self.confirm(MA_FUHAI)
        declaration = self.declare(self.other, self.payable_ids(self.other))
        self.attempt_to_pay = self.attempt(self.other, self.order(self.other, declaration["id"]))["id"]
        # 张晓梅: confirmed, not insured, for the registration.
        self.unregistered = self.confirm(ZHANG_XIAOMEI)
        # 马小燕's March and April, assessed; April (still in transmission at first) for the
        # assessment query.
        march = self.call("POST", "/v1/assessments", assessment("2025-03"), self.payer, True)
        assert march.status_code == 201, march.text
        assessed = self.call("POST", "/v1/assessments", assessment("2025-04"), self.payer, True)
        assert assessed.status_code == 201, assessed.text
        self.assessment = assessed.json()["id"]
        # 陈嘉欣: an order with an attempt on Alipay, for ticket void (票证作废).
        self.voider = self.confirm(CHEN_JIAXIN)
        declaration = self.declare(self.voider, self.payable_ids(self.voider))
        self.order_to_void = self.order(self.voider, declaration["id"])
        self.attempt(self.voider, self.order_to_void, "alipay")
        # 马小燕's March once transmitted, declared without a payment order: for the
        # declaration void (申报作废).
        self.voidable = self.declare(self.payer, [self.transmitted(self.payer, "2025-03")])["id"]

    def call(self, method, target, body=None, token=None, idempotent=False, auth=None, session=None):
        """A signed call (by the hook's device unless `auth` says otherwise); an idempotent
        one is remembered (key and body) for `replay`."""
        headers = {}
        if session:
            headers["Session-Token"] = session
        data = None
        if body is not None:
            data = json.dumps(body).encode("utf-8")
            headers["Content-Type"] = "application/json"
        if token:
            headers["Identity-Token"] = token
        if idempotent:
            headers["Idempotency-Key"] = str(uuid.uuid4())
            self.sent[(method, target)] = (headers["Idempotency-Key"], body, token)
        return self.http.request(method, ORIGIN + target, data=data, headers=headers, auth=auth or self.signer)

    def disposable_signer(self) -> Signer:
        """A freshly enrolled device of its own: what a device's self-revocation revokes (never
        the hook's device, which signs everything else)."""
        key = SigningKey.generate()
        enrolled = self.http.post(f"{ORIGIN}/v1/devices", json={"public_key": protocol.public_key(key)})
        enrolled.raise_for_status()
        return Signer(key, enrolled.json()["device_id"])

    def login_body(self) -> dict:
        return {"id_type": "resident_id_card", "id_number": MA_XIAOYAN[1], "password": PASSWORD}

    def login(self) -> str:
        """A new session of the payer's account on the hook's device."""
        created = self.call("POST", "/v1/sessions", self.login_body())
        assert created.status_code == 201, created.text
        return created.json()["session_token"]

    def captcha(self, auth=None) -> tuple[str, str]:
        created = self.call("POST", "/v1/captchas", {"purpose": "identity"}, auth=auth)
        assert created.status_code == 201, created.text
        captcha_id = created.json()["captcha_id"]
        answer = self.http.get(f"{ORIGIN}/sandbox/captchas/{captcha_id}/answer").json()["answer"]
        return captcha_id, answer

    def confirmation(self, person, auth=None) -> dict:
        captcha_id, answer = self.captcha(auth)
        return {
            "name": person[0],
            "id_type": person[2] if len(person) > 2 else "resident_id_card",
            "id_number": person[1],
            "captcha_id": captcha_id,
            "captcha_answer": answer,
        }

    def confirm(self, person, auth=None) -> str:
        confirmed = self.call("POST", "/v1/identity/confirmations", self.confirmation(person, auth), auth=auth)
        assert confirmed.status_code == 200, confirmed.text
        return confirmed.json()["identity_token"]

    def payable_ids(self, token) -> list[str]:
        return [item["id"] for item in self.call("GET", "/v1/payables", token=token).json()["items"]]

    def transmitted(self, token, month) -> str:
        """The id of the person's payable of `month`, once its transmission has ended."""
        for _ in range(60):
            answer = self.call("GET", "/v1/payables", token=token)
            if answer.status_code == 200:
                for item in answer.json()["items"]:
                    if item["period_start"] == month:
                        return item["id"]
            time.sleep(0.5)
        raise AssertionError(f"{month} never became payable")

    def declare(self, token, payable_ids) -> dict:
        declared = self.call("POST", "/v1/declarations", {"payable_ids": payable_ids}, token, True)
        assert declared.status_code == 201, declared.text
        return declared.json()

    def order(self, token, declaration_id) -> str:
        created = self.call("POST", "/v1/payment-orders", {"declaration_id": declaration_id}, token, True)
        assert created.status_code == 201, created.text
        return created.json()["id"]

    def attempt(self, token, order_id, channel="unionpay") -> dict:
        target = f"/v1/payment-orders/{order_id}/attempts"
        created = self.call("POST", target, {"channel": channel}, token, True)
        assert created.status_code in (200, 201), created.text
        return created.json()

    def pay(self, attempt_id) -> None:
        paid = self.http.post(
            f"{ORIGIN}/sandbox/unionpay/cashier/{attempt_id}",
            data={"source": "bank_card", "card_number": TEST_CARD},
        )
        assert paid.status_code == 200, paid.text

    def replay(self, case, method: str, target: str) -> None:
        """The case repeats an earlier request with its idempotency key: the protocol answers
        the stored response again (the same body serialises to the same bytes)."""
        key, body, token = self.sent[(method, target)]
        case.body = body
        case.headers = {**(case.headers or {}), "Idempotency-Key": key, "Identity-Token": token}


# A realised case's Session-Token: operation → the session it uses (the shared one unless
# noted), set by `realise`.
SESSION_OPERATIONS = {
    "DELETE /v1/sessions/current",
    "GET /v1/account/devices",
    "POST /v1/account/devices/{device_id}/revocation",
    "GET /v1/tax-payments",
    "POST /v1/tax-certificates",
    "GET /v1/tax-certificates/{number}",
}
# Realised cases that repeat a setup request under its idempotency key.
REPLAYED = {"POST /v1/declarations", "POST /v1/payment-orders", "POST /v1/accounts"}
def assessment(start_month: str) -> dict:
    """A monthly pension assessment at the lowest grade."""
    return {"items": ["pension"], "grade": "0.60", "period_type": "monthly", "start_month": start_month}


_world: World | None = None


def world() -> World:
    global _world
    with _lock:
        if _world is None:
            _world = World()
        return _world


def label(case) -> str:
    return f"{case.operation.method.upper()} {case.operation.path}"


def answered_2xx(operation: str) -> bool:
    return any(status.startswith("2") for status in statuses[operation])


def realise(case, operation: str, w: World) -> None:
    """Makes the case one the gateway should accept."""
    params = case.path_parameters if case.path_parameters is not None else {}
    if operation == "POST /v1/devices":
        case.body = {"public_key": protocol.public_key(SigningKey.generate())}
    elif operation == "POST /v1/captchas":
        case.body = {"purpose": "identity"}
    elif operation == "POST /v1/identity/confirmations":
        case.body = w.confirmation(MA_XIAOYAN)
    elif operation == "GET /sandbox/captchas/{captcha_id}/answer":
        created = w.call("POST", "/v1/captchas", {"purpose": "identity"})
        params["captcha_id"] = created.json()["captcha_id"]
    elif operation == "GET /v1/declarations":
        case.query = {"status": random.choice(["declared", "paid", "voided"])}
    elif operation == "GET /v1/declarations/{declaration_id}":
        params["declaration_id"] = w.paid_declaration
    elif operation == "POST /v1/declarations":
        # Every payable is declared by now: a retry of a declaration that succeeded.
        w.replay(case, "POST", "/v1/declarations")
    elif operation == "POST /v1/payment-orders":
        w.replay(case, "POST", "/v1/payment-orders")
    elif operation == "GET /v1/payment-orders/{order_id}":
        params["order_id"] = w.paid_order
        case.query = {"wait": random.randint(0, 2)}
    elif operation == "POST /v1/payment-orders/{order_id}/attempts":
        params["order_id"] = w.open_order
        case.body = {"channel": "unionpay"}
    elif operation == "POST /v1/certificates":
        case.body = {"order_id": w.paid_order}
    elif operation == "GET /v1/certificates/{number}":
        params["number"] = w.certificate
    elif operation == "POST /v1/payment-orders/{order_id}/void":
        params["order_id"] = w.order_to_void
        case.body = None
    elif operation == "GET /sandbox/{channel}/cashier/{attempt_id}":
        params["channel"] = "unionpay"
        params["attempt_id"] = w.pending_attempt
    elif operation == "POST /v1/accounts":
        # The payer registered in the setup: a retry of that registration.
        w.replay(case, "POST", "/v1/accounts")
    elif operation == "POST /v1/sessions":
        case.body = w.login_body()
    elif operation == "DELETE /v1/sessions/current":
        # Its own session: logging out the shared one would refuse every later case.
        case.headers = {**(case.headers or {}), "Session-Token": w.login()}
    elif operation in SESSION_OPERATIONS:
        case.headers = {**(case.headers or {}), "Session-Token": w.session}
        if operation == "POST /v1/account/devices/{device_id}/revocation":
            # The spare device (revoked again answers it again), never the hook's own.
            params["device_id"] = w.spare_device
        elif operation == "GET /v1/tax-payments":
            case.query = random.choice(
                [{}, {"year": random.choice([2025, 2026])}, {"from": "2025-01-01", "to": "2026-12-31"}]
            )
        elif operation == "POST /v1/tax-certificates":
            # The setup's selection again: a reprint of the same certificate.
            case.body = {"order_ids": [w.paid_order]}
        elif operation == "GET /v1/tax-certificates/{number}":
            params["number"] = w.tax_certificate
    elif operation == "POST /sandbox/{channel}/cashier/{attempt_id}":
        params["channel"] = "unionpay"
        params["attempt_id"] = w.attempt_to_pay
        case.body = {"source": "bank_card", "card_number": TEST_CARD}
    elif operation == "POST /v1/registrations":
        case.body = {}
    elif operation == "POST /v1/assessments":
        case.body = assessment("2025-05")
    elif operation == "GET /v1/assessments/{assessment_id}":
        params["assessment_id"] = w.assessment
    elif operation == "POST /v1/declarations/{declaration_id}/void":
        params["declaration_id"] = w.voidable
        case.body = {"reason": "申报有误"}
    if params:
        case.path_parameters = params


@schemathesis.hook
def before_call(context, case, kwargs):
    w = world()
    operation = label(case)
    with _lock:
        first = not answered_2xx(operation)
        realised = first or (operation not in CONSUMING and random.random() < 0.4)
        if realised:
            realise(case, operation, w)
    headers = dict(case.headers or {})
    replayed = realised and operation in REPLAYED
    if not replayed and (realised or random.random() < 0.5):
        headers["Idempotency-Key"] = str(uuid.uuid4())
    if (case.operation.method.upper(), case.operation.path) in w.signed:
        # Mostly the token of the person whose resources the case names.
        if not replayed and (realised or random.random() < 0.8):
            payer_owned = operation.startswith(("GET /v1/declarations/", "GET /v1/payment-orders/")) or operation in (
                "POST /v1/certificates",
                "GET /v1/certificates/{number}",
            )
            headers["Identity-Token"] = w.payer if payer_owned else w.person
            # The person each of these operations can succeed for.
            owner = {
                "POST /v1/registrations": w.unregistered,
                "POST /v1/assessments": w.payer,
                "GET /v1/assessments/{assessment_id}": w.payer,
                "GET /v1/insured-info": w.payer,
                "POST /v1/declarations/{declaration_id}/void": w.payer,
                "POST /v1/payment-orders/{order_id}/void": w.voider,
            }.get(operation)
            if owner:
                headers["Identity-Token"] = owner
        # Generated device lists mostly carry the shared session. Never a generated logout or
        # revocation: schemathesis may reuse ids from earlier answers (the device list names
        # the hook's own device), and either would refuse every later case.
        if (
            not realised
            and operation
            in ("GET /v1/account/devices", "GET /v1/tax-payments", "POST /v1/tax-certificates", "GET /v1/tax-certificates/{number}")
            and random.random() < 0.8
        ):
            headers["Session-Token"] = w.session
        # A few go out unsigned (or with whatever was generated) to exercise the refusals.
        if realised or random.random() < 0.9:
            # A self-revocation, realised or generated, revokes a throwaway device.
            kwargs["auth"] = w.disposable_signer() if operation == "POST /v1/devices/current/revocation" else w.signer
    case.headers = headers
    # Long polls are capped so the run stays short.
    if case.query and "wait" in case.query:
        try:
            if int(case.query["wait"]) > 2:
                case.query["wait"] = 2
        except (TypeError, ValueError):
            pass


def _write_summary() -> None:
    if SUMMARY_PATH:
        with open(SUMMARY_PATH, "w", encoding="utf-8") as out:
            json.dump({op: dict(counts) for op, counts in statuses.items()}, out, indent=1, sort_keys=True)


@schemathesis.hook
def after_call(context, case, response):
    with _lock:
        statuses[label(case)][str(response.status_code)] += 1
        # Rewritten after each call: small, and complete however the run ends.
        _write_summary()
