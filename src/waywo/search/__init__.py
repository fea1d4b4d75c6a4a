"""Finding projects: the vector index, and later keyword and hybrid search."""
