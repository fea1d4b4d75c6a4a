"""Models that run in this process on the CPU, for a system with no AI service."""
