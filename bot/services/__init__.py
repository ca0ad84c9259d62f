"""Application services: what handlers and jobs call. They own transactions, not Telegram."""
