"""Haiyan county, where the benchmarks' catalogs lie and their searches come
from: random positions in its bounding box, in WGS-84 as a phone reports it."""

BOX = ((30.36, 30.68), (120.72, 121.08))  # south to north, west to east


def random_point(rng):
    """(lat, lng), WGS-84, anywhere in the box."""
    return round(rng.uniform(*BOX[0]), 6), round(rng.uniform(*BOX[1]), 6)
