"""stations' settings: none of its own beyond shared/config.py's (its
catalog's refresh is shared/catalog.py's)."""


def service_config():
    return {}
