"""Test-only services and helpers (not part of any deployed service)."""
