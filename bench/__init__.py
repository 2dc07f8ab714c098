"""``make bench``'s platform bench: the whole platform under load beside the machine's floor.

- ``floor_app``: a bare FastAPI + asyncpg app (``GET /hello``, ``POST /tx``) served exactly as
  the services are, the denominator of every ratio;
- ``loadgen``: the load generator, always run as a process of its own (``python -m
  bench.loadgen``), so the bench's own event loop never competes with the load it measures;
- ``seeding``: users, events, deposits and the book of open bets, set up before timing starts;
- ``platform``: the run itself (``python -m bench``), JSON and a markdown table;
- ``report``: the table, the machine and the plot.
"""
