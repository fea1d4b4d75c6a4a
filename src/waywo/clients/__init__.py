"""Clients of the outside services: the LLM, the embedder and the reranker."""
