"""The outbox: emails queued in the database with their cause, sent by ``flask outbox send``."""
