"""Example models the project makes itself (no downloads)."""
