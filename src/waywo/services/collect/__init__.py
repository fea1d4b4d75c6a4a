"""Collecting "What are you working on?" threads from Hacker News into SQLite."""
