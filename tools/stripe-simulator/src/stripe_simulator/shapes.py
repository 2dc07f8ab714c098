"""Builders of Stripe objects, field for field in the shape of Stripe's fixtures (fixtures3.json).

Fields the simulator has no use for keep Stripe's default for a plain test-mode card payment
(mostly null); a test compares every object against the fixture's key set and JSON types.
"""

from __future__ import annotations

import secrets
import string
import time
from typing import Any

from stripe_simulator.cards import TestCard

_ALPHABET = string.ascii_letters + string.digits
JsonObject = dict[str, Any]


def new_id(prefix: str, length: int = 24) -> str:
    return f"{prefix}_{''.join(secrets.choice(_ALPHABET) for _ in range(length))}"


def now() -> int:
    return int(time.time())


def current_year() -> int:
    return time.gmtime().tm_year


def three_d_secure() -> JsonObject:
    """`payment_method_details.card.three_d_secure` after a passed challenge."""
    return {
        "authentication_flow": "challenge",
        "electronic_commerce_indicator": "05",
        "exemption_indicator": None,
        "result": "authenticated",
        "result_reason": None,
        "transaction_id": secrets.token_hex(16),
        "version": "2.2.0",
    }


def _address() -> JsonObject:
    return {
        "city": None,
        "country": None,
        "line1": None,
        "line2": None,
        "postal_code": None,
        "state": None,
    }


def billing_details(raw: JsonObject | None = None) -> JsonObject:
    raw = raw or {}
    address = _address()
    address.update({k: v for k, v in (raw.get("address") or {}).items() if k in address})
    return {
        "address": address,
        "email": raw.get("email"),
        "name": raw.get("name"),
        "phone": raw.get("phone"),
        "tax_id": None,
    }


def customer(params: JsonObject) -> JsonObject:
    invoice_settings = params.get("invoice_settings") or {}
    return {
        "address": None,
        "balance": 0,
        "created": now(),
        "currency": None,
        "default_source": None,
        "delinquent": False,
        "description": params.get("description"),
        "discount": None,
        "email": params.get("email"),
        "id": new_id("cus", 14),
        "invoice_prefix": secrets.token_hex(4).upper()[:7],
        "invoice_settings": {
            "custom_fields": None,
            "default_payment_method": invoice_settings.get("default_payment_method"),
            "footer": None,
            "rendering_options": None,
        },
        "livemode": False,
        "metadata": dict(params.get("metadata") or {}),
        "name": params.get("name"),
        "next_invoice_sequence": 1,
        "object": "customer",
        "phone": params.get("phone"),
        "preferred_locales": [],
        "shipping": None,
        "tax_exempt": "none",
        "test_clock": None,
    }


def card_details(card: TestCard, exp_month: int, exp_year: int) -> JsonObject:
    return {
        "brand": card.brand,
        "checks": {
            "address_line1_check": None,
            "address_postal_code_check": None,
            "cvc_check": "pass",
        },
        "country": card.country,
        "display_brand": card.brand,
        "exp_month": exp_month,
        "exp_year": exp_year,
        "fingerprint": card.fingerprint,
        "funding": card.funding,
        "generated_from": None,
        "last4": card.last4,
        "networks": {"available": [card.brand], "preferred": None},
        "three_d_secure_usage": {"supported": True},
        "wallet": None,
        "regulated_status": "unregulated",
    }


def payment_method(
    card: TestCard,
    *,
    exp_month: int,
    exp_year: int,
    billing: JsonObject | None,
    metadata: JsonObject | None,
) -> JsonObject:
    return {
        "allow_redisplay": "unspecified",
        "billing_details": billing_details(billing),
        "card": card_details(card, exp_month, exp_year),
        "created": now(),
        "customer": None,
        "id": new_id("pm"),
        "livemode": False,
        "metadata": dict(metadata or {}),
        "object": "payment_method",
        "type": "card",
        "customer_account": None,
    }


def payment_intent(params: JsonObject) -> JsonObject:
    intent_id = new_id("pi")
    automatic = params.get("automatic_payment_methods")
    return {
        "amount": params["amount"],
        "amount_capturable": 0,
        "amount_details": {"tip": {}},
        "amount_received": 0,
        "application": None,
        "application_fee_amount": None,
        "automatic_payment_methods": (
            {"enabled": automatic.get("enabled") in ("true", True)}
            if isinstance(automatic, dict)
            else None
        ),
        "canceled_at": None,
        "cancellation_reason": None,
        "capture_method": "automatic",
        "client_secret": f"{intent_id}_secret_{new_id('', 25)[1:]}",
        "confirmation_method": "automatic",
        "created": now(),
        "currency": params["currency"],
        "customer": params.get("customer"),
        "description": params.get("description"),
        "id": intent_id,
        "last_payment_error": None,
        "latest_charge": None,
        "livemode": False,
        "metadata": dict(params.get("metadata") or {}),
        "next_action": None,
        "object": "payment_intent",
        "on_behalf_of": None,
        "payment_method": None,
        "payment_method_configuration_details": None,
        "payment_method_options": {
            "card": {
                "installments": None,
                "mandate_options": None,
                "network": None,
                "request_three_d_secure": "automatic",
            }
        },
        "payment_method_types": list(params.get("payment_method_types") or ["card"]),
        "processing": None,
        "receipt_email": params.get("receipt_email"),
        "review": None,
        "setup_future_usage": params.get("setup_future_usage") or None,
        "shipping": None,
        "statement_descriptor": None,
        "statement_descriptor_suffix": None,
        "status": "requires_payment_method",
        "transfer_data": None,
        "transfer_group": None,
        "source": None,
        "excluded_payment_method_types": None,
        "customer_account": None,
        "managed_payments": None,
    }


def setup_intent(params: JsonObject) -> JsonObject:
    intent_id = new_id("seti")
    automatic = params.get("automatic_payment_methods")
    return {
        "application": None,
        "automatic_payment_methods": (
            {"enabled": automatic.get("enabled") in ("true", True)}
            if isinstance(automatic, dict)
            else None
        ),
        "cancellation_reason": None,
        "client_secret": f"{intent_id}_secret_{new_id('', 32)[1:]}",
        "created": now(),
        "customer": params.get("customer"),
        "description": params.get("description"),
        "flow_directions": None,
        "id": intent_id,
        "last_setup_error": None,
        "latest_attempt": None,
        "livemode": False,
        "mandate": None,
        "metadata": dict(params.get("metadata") or {}),
        "next_action": None,
        "object": "setup_intent",
        "on_behalf_of": None,
        "payment_method": None,
        "payment_method_configuration_details": None,
        "payment_method_options": {
            "card": {
                "mandate_options": None,
                "network": None,
                "request_three_d_secure": "automatic",
            }
        },
        "payment_method_types": list(params.get("payment_method_types") or ["card"]),
        "single_use_mandate": None,
        "status": "requires_payment_method",
        "usage": params.get("usage") or "off_session",
        "excluded_payment_method_types": None,
    }


def charge(
    intent: JsonObject,
    method: JsonObject,
    *,
    balance_transaction: str | None,
    failure: tuple[str, str, str] | None,
) -> JsonObject:
    """A charge for an intent; `failure` = (failure_code, decline_code, message) when declined."""
    charge_id = new_id("ch")
    card = method["card"]
    paid = failure is None
    return {
        "amount": intent["amount"],
        "amount_captured": intent["amount"] if paid else 0,
        "amount_refunded": 0,
        "application": None,
        "application_fee": None,
        "application_fee_amount": None,
        "balance_transaction": balance_transaction,
        "billing_details": method["billing_details"],
        "calculated_statement_descriptor": "LOOSELINE",
        "captured": paid,
        "created": now(),
        "currency": intent["currency"],
        "customer": intent["customer"],
        "description": intent["description"],
        "disputed": False,
        "failure_balance_transaction": None,
        "failure_code": failure[0] if failure else None,
        "failure_message": failure[2] if failure else None,
        "fraud_details": {},
        "id": charge_id,
        "livemode": False,
        "metadata": dict(intent["metadata"]),
        "object": "charge",
        "on_behalf_of": None,
        "outcome": {
            "advice_code": None,
            "network_advice_code": None,
            "network_decline_code": None,
            "network_status": "approved_by_network" if paid else "declined_by_network",
            "reason": failure[1] if failure else None,
            "seller_message": "Payment complete." if paid else "The bank declined the payment.",
            "type": "authorized" if paid else "issuer_declined",
        },
        "paid": paid,
        "payment_intent": intent["id"],
        "payment_method": method["id"],
        "payment_method_details": {
            "card": {
                "amount_authorized": intent["amount"] if paid else None,
                "brand": card["brand"],
                "checks": card["checks"],
                "country": card["country"],
                "exp_month": card["exp_month"],
                "exp_year": card["exp_year"],
                "extended_authorization": {"status": "disabled"},
                "fingerprint": card["fingerprint"],
                "funding": card["funding"],
                "incremental_authorization": {"status": "unavailable"},
                "installments": None,
                "last4": card["last4"],
                "mandate": None,
                "multicapture": {"status": "unavailable"},
                "network": card["brand"],
                "network_token": {"used": False},
                "overcapture": {
                    "maximum_amount_capturable": intent["amount"],
                    "status": "unavailable",
                },
                "three_d_secure": None,
                "wallet": None,
                "authorization_code": secrets.token_hex(3) if paid else None,
                "regulated_status": "unregulated",
                "network_transaction_id": secrets.token_hex(8) if paid else None,
                "transaction_link_id": None,
            },
            "type": "card",
        },
        "receipt_email": intent["receipt_email"],
        "receipt_number": None,
        "receipt_url": f"https://pay.stripe.com/receipts/payment/{charge_id}",
        "refunded": False,
        "refunds": {
            "data": [],
            "has_more": False,
            "object": "list",
            "url": f"/v1/charges/{charge_id}/refunds",
        },
        "review": None,
        "shipping": None,
        "source_transfer": None,
        "statement_descriptor": None,
        "statement_descriptor_suffix": None,
        "status": "succeeded" if paid else "failed",
        "transfer_data": None,
        "transfer_group": None,
        "source": None,
    }


def balance_transaction(
    *, amount: int, currency: str, source: str, kind: str, description: str | None
) -> JsonObject:
    # Stripe's US card pricing (2.9 % + 30¢) so `fee`/`net` look real; refunds carry no fee.
    fee = round(amount * 0.029) + 30 if kind == "charge" else 0
    return {
        "amount": amount,
        "available_on": now() + 2 * 86400,
        "created": now(),
        "currency": currency,
        "description": description,
        "exchange_rate": None,
        "fee": fee,
        "fee_details": (
            [
                {
                    "amount": fee,
                    "application": None,
                    "currency": currency,
                    "description": "Stripe processing fees",
                    "type": "stripe_fee",
                }
            ]
            if fee
            else []
        ),
        "id": new_id("txn"),
        "net": amount - fee,
        "object": "balance_transaction",
        "reporting_category": kind,
        "source": source,
        "status": "pending",
        "type": kind,
        "balance_type": "payments",
    }


def refund(
    charged: JsonObject, amount: int, *, reason: str | None, metadata: JsonObject | None
) -> JsonObject:
    return {
        "amount": amount,
        "balance_transaction": None,
        "charge": charged["id"],
        "created": now(),
        "currency": charged["currency"],
        "destination_details": {
            "card": {"type": "refund"},
            "type": "card",
        },
        "id": new_id("re"),
        "metadata": dict(metadata or {}),
        "object": "refund",
        "payment_intent": charged["payment_intent"],
        "reason": reason,
        "receipt_number": None,
        "source_transfer_reversal": None,
        "status": "succeeded",
        "transfer_reversal": None,
        "customer": charged["customer"],
        "customer_account": None,
        "payment_method": charged["payment_method"],
    }


def dispute(charged: JsonObject, *, amount: int, reason: str) -> JsonObject:
    card = charged["payment_method_details"]["card"]
    evidence_fields = [
        "access_activity_log",
        "billing_address",
        "cancellation_policy",
        "cancellation_policy_disclosure",
        "cancellation_rebuttal",
        "customer_communication",
        "customer_email_address",
        "customer_name",
        "customer_purchase_ip",
        "customer_signature",
        "duplicate_charge_documentation",
        "duplicate_charge_explanation",
        "duplicate_charge_id",
        "product_description",
        "receipt",
        "refund_policy",
        "refund_policy_disclosure",
        "refund_refusal_explanation",
        "service_date",
        "service_documentation",
        "shipping_address",
        "shipping_carrier",
        "shipping_date",
        "shipping_documentation",
        "shipping_tracking_number",
        "uncategorized_file",
        "uncategorized_text",
    ]
    evidence: JsonObject = dict.fromkeys(evidence_fields)
    evidence["enhanced_evidence"] = {}
    return {
        "amount": amount,
        "balance_transactions": [],
        "charge": charged["id"],
        "created": now(),
        "currency": charged["currency"],
        "evidence": evidence,
        "evidence_details": {
            "due_by": now() + 7 * 86400,
            "has_evidence": False,
            "past_due": False,
            "submission_count": 0,
            "enhanced_eligibility": {},
        },
        "id": new_id("dp"),
        "is_charge_refundable": False,
        "livemode": False,
        "metadata": {},
        "object": "dispute",
        "payment_intent": charged["payment_intent"],
        "payment_method_details": {
            "card": {
                "brand": card["brand"],
                "case_type": "chargeback",
                "network_reason_code": "10.4" if reason == "fraudulent" else "13.1",
                "network": card["network"],
            },
            "type": "card",
        },
        "reason": reason,
        "status": "needs_response",
        "enhanced_eligibility_types": [],
    }


def checkout_session(
    params: JsonObject, *, amount_total: int, currency: str, base_url: str
) -> JsonObject:
    session_id = new_id("cs_test", 58)
    return {
        "after_expiration": None,
        "allow_promotion_codes": None,
        "amount_subtotal": amount_total,
        "amount_total": amount_total,
        "automatic_tax": {"enabled": False, "liability": None, "status": None, "provider": None},
        "billing_address_collection": None,
        "cancel_url": params.get("cancel_url"),
        "client_reference_id": params.get("client_reference_id"),
        "client_secret": None,
        "consent": None,
        "consent_collection": None,
        "created": now(),
        "currency": currency,
        "custom_fields": [],
        "custom_text": {
            "after_submit": None,
            "shipping_address": None,
            "submit": None,
            "terms_of_service_acceptance": None,
        },
        "customer": params.get("customer"),
        "customer_creation": None if params.get("customer") else "if_required",
        "customer_details": None,
        "customer_email": params.get("customer_email"),
        "expires_at": now() + 86400,
        "id": session_id,
        "invoice": None,
        "invoice_creation": None,
        "livemode": False,
        "locale": None,
        "metadata": dict(params.get("metadata") or {}),
        "mode": "payment",
        "object": "checkout.session",
        "payment_intent": None,
        "payment_link": None,
        "payment_method_collection": "if_required",
        "payment_method_configuration_details": None,
        "payment_method_options": {},
        "payment_method_types": list(params.get("payment_method_types") or ["card"]),
        "payment_status": "unpaid",
        "phone_number_collection": {"enabled": False},
        "recovered_from": None,
        "saved_payment_method_options": None,
        "setup_intent": None,
        "shipping_address_collection": None,
        "shipping_cost": None,
        "shipping_options": [],
        "status": "open",
        "submit_type": None,
        "subscription": None,
        "success_url": params.get("success_url"),
        "total_details": {"amount_discount": 0, "amount_shipping": 0, "amount_tax": 0},
        "ui_mode": "hosted",
        "url": f"{base_url}/checkout/{session_id}",
        "adaptive_pricing": {"enabled": False},
        "discounts": [],
        "collected_information": None,
        "permissions": None,
        "wallet_options": None,
        "origin_context": None,
        "currency_conversion": None,
        "customer_account": None,
        "integration_identifier": None,
        "managed_payments": None,
    }


def event(
    kind: str,
    data_object: JsonObject,
    *,
    api_version: str,
    request_id: str | None,
    idempotency_key: str | None,
    pending_webhooks: int,
) -> JsonObject:
    return {
        "api_version": api_version,
        "created": now(),
        "data": {"object": data_object},
        "id": new_id("evt"),
        "livemode": False,
        "object": "event",
        "pending_webhooks": pending_webhooks,
        "request": {"id": request_id, "idempotency_key": idempotency_key},
        "type": kind,
    }
