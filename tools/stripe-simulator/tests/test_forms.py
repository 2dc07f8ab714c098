"""Stripe's form encoding, decoded."""

from __future__ import annotations

from stripe_simulator.forms import decode_form


def test_nested_keys_indexed_and_appended_arrays() -> None:
    raw = (
        "amount=100&metadata[user]=7&card[number]=4242&expand[]=a&expand[]=b.c"
        "&line_items[0][price_data][product_data][name]=Deposit&line_items[0][quantity]=1"
        "&payment_method_types[0]=card&metadata[note]="
    )

    assert decode_form(raw) == {
        "amount": "100",
        "metadata": {"user": "7", "note": ""},
        "card": {"number": "4242"},
        "expand": ["a", "b.c"],
        "line_items": [{"price_data": {"product_data": {"name": "Deposit"}}, "quantity": "1"}],
        "payment_method_types": ["card"],
    }


def test_percent_encoding_and_empty_input() -> None:
    assert decode_form("") == {}
    assert decode_form("description=a%20b%26c&metadata%5Bk%5D=v") == {
        "description": "a b&c",
        "metadata": {"k": "v"},
    }
