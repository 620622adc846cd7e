"""Outbox sender, status puller and pack puller; the transport sits behind a small interface."""
