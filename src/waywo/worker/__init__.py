"""Celery: the app, and thin tasks that call the services."""
