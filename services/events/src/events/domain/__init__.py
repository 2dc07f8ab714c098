"""Pure events rules: no I/O, no framework imports (checked by a test)."""
