"""Finding stations in an instance's copy of the catalog (shared/catalog.py,
catalog.py): the nearest to a position, and those along a route, with the
filters a rider sets. Every station's state is worked out at ``now``, once."""
from services.stations import rules, views


def matches(station, filters):
    if "kind" in filters and station["kind"] != filters["kind"]:
        return False
    return set(filters.get("amenities", ())) <= set(station["amenities"])


def acceptable(catalog, found, filters, now):
    """(measure, station, status) of the stations ``found`` ((measure, key)
    pairs, in order) that pass the filters; ``found`` is read only as far as
    needed."""
    for measure, key in found:
        station = catalog.get(key)
        if not matches(station, filters):
            continue
        status = views.status_of(station, now)
        if filters.get("open_now") and not rules.is_open(status):
            continue
        yield measure, station, status


def nearest(catalog, position, query, now):
    """(the page's [(distance_m, station, status)], whether there are more)."""
    ranked = catalog.index.nearby.ranked(*position, radius_m=query.get("radius_m"))
    skip, wanted = (query["page"] - 1) * query["per_page"], query["per_page"]
    page = []
    for n, found in enumerate(acceptable(catalog, ranked, query, now)):
        if n >= skip + wanted:
            return page, True
        if n >= skip:
            page.append(found)
    return page, False


def along(catalog, route, within_m, filters, now):
    """[(along_m, off_m, station, status)] in the order the route passes them."""
    passed = (((along_m, off_m), key)
              for along_m, off_m, key in catalog.index.nearby.along_route(route, within_m))
    return [measures + (station, status) for measures, station, status in
            acceptable(catalog, passed, filters, now)]
