"""Employers for the jobs tests: credit codes no other test registers."""
import random
import uuid

from shared.credit_codes import CREDIT_CODE_ALPHABET, credit_check_character


def a_credit_code():
    """A well-formed code (Haiyan's division, a random body, its check character)."""
    rng = random.Random(uuid.uuid4().int)
    first17 = "91330424" + "".join(rng.choice(CREDIT_CODE_ALPHABET) for _ in range(9))
    return first17 + credit_check_character(first17)
