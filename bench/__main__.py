"""``python -m bench``: the platform under load beside the machine's floor (``make bench``)."""

from bench.platform import main

main()
