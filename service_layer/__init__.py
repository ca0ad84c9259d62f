"""The service layer: the application's use cases, below both adapters.

Onboarding, sessions, check-ins, gate tests, records, settings and the programme state live
here, with the runtime (database, clock, configuration), the per-user locks and the reminder
planner. It imports `rehab` (the pure domain) and `storage` (the database) and nothing of the
adapters: `bot/` (Telegram) and `scheduler/` (reminders) sit on top of it and reach it, never
each other's internals. docs/architecture.md draws the map.
"""
