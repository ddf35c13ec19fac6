"""Hongyi's common package: what every service and the gateway share.

Nothing here does I/O at import time; clients are built by dependency
providers in ``setup()`` and closed in ``stop()``.
"""
