"""Extraction: an LLM turns each top-level comment into structured projects."""
