"""`achilles-coach demo`: the real bot against a local Bot API, with a chat page and a clock bar
on http://127.0.0.1:8080. No token, nothing reaches Telegram."""
