"""LOOSELINE notifications: email and Telegram messages about money, bets and limits."""
