"""Card deposits through Stripe, by job: ``start`` (a new card, a saved card, Checkout),
``settle`` (what Stripe reports; ``credit``, the one credit path), ``recheck`` (asking Stripe
again: a polled status, the reconciliation job), ``disputes`` (refunds and chargebacks), with
the audit and failure announcement they share in ``shared``.

Exactly once, whatever the order of request, webhook and re-check:

- every deposit is a ``card_deposit`` row keyed by our ``operation_id``, which also travels in the
  PaymentIntent's / Checkout Session's metadata and keys the Stripe idempotency key;
- whoever settles (webhook, re-check, the saved-card request itself) first locks that row; a
  webhook that comes before the request's transaction committed inserts the row by its metadata
  ``ON CONFLICT DO NOTHING``, which waits for the request's uncommitted row, then locks it;
- the credit is ``settle.credit`` (transfer ``(deposit, operation_id)`` unique), with Stripe's
  amount and currency — never the client's.

Every function works in the caller's ``WalletUnitOfWork`` (the route's, or the job's), the SQL in
``adapters/deposits.py``. A Stripe call may happen while the deposit's own row is locked (the
row written before the call commits with what the call returned), but never while the user's
balance rows are: the ledger locks them only after the last call (see ``settle._credit``).
"""
