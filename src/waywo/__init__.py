"""waywo: a searchable index of Hacker News' "What are you working on?" threads."""

__version__ = "0.1.0"
