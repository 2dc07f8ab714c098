"""Tables, repositories and the two outside channels (SMTP, the Telegram Bot API)."""
