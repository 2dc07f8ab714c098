"""LOOSELINE wallet service: double-entry ledger, holds, deposits, withdrawals."""
