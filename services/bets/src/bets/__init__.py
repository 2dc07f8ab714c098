"""LOOSELINE bets service: singles, coupons, the stake saga, settlement."""
