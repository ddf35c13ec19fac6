"""Finding stations in an instance's copy of the catalog (catalog.py): the
nearest to a position, and those along a route, with the filters a rider
sets. Every station's state is worked out at ``now``, once."""
from services.stations import rules, views


def matches(station, filters):
    if "kind" in filters and station["kind"] != filters["kind"]:
        return False
    return set(filters.get("amenities", ())) <= set(station["amenities"])


def acceptable(catalog, keys, filters, now):
    """(key, station, status) of the stations among ``keys`` that pass the
    filters, in the order given; ``keys`` are read only as far as needed."""
    for key in keys:
        station = catalog.get(key)
        if not matches(station, filters):
            continue
        status = views.status_of(station, now)
        if filters.get("open_now") and not rules.is_open(status):
            continue
        yield key, station, status


def nearest(catalog, position, query, now):
    """(the page's [(distance_m, station, status)], whether there are more)."""
    distances = {}

    def ranked_keys():
        for distance, key in catalog.index.ranked(*position, radius_m=query.get("radius_m")):
            distances[key] = distance
            yield key
    skip, wanted = (query["page"] - 1) * query["per_page"], query["per_page"]
    page = []
    for n, (key, station, status) in enumerate(acceptable(catalog, ranked_keys(), query, now)):
        if n >= skip + wanted:
            return page, True
        if n >= skip:
            page.append((distances[key], station, status))
    return page, False


def along(catalog, route, within_m, filters, now):
    """[(along_m, off_m, station, status)] in the order the route passes them."""
    passed = catalog.index.along_route(route, within_m)
    where = {key: (along_m, off_m) for along_m, off_m, key in passed}
    return [where[key] + (station, status) for key, station, status in
            acceptable(catalog, [key for _, _, key in passed], filters, now)]
