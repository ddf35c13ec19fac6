"""Document ids: one rule for every service."""
import uuid


def new_id():
    """A random id as 32 hex characters: no coordination between processes,
    and nothing in it a caller could guess or read meaning into."""
    return uuid.uuid4().hex
