"""LOOSELINE events service: sports catalogue, markets, odds, results."""
