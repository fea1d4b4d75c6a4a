"""What waywo does, independent of how it is called (HTTP, CLI or worker)."""
