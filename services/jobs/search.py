"""Each jobs instance's index of the open postings, in memory, for the job
search (驿路共富): keywords, filters, and newest, nearest or best paid first.

Why in memory: the embedded database takes ~150 ms for a $near over 5,000
points (stations measured it and keeps its catalog in memory for the same
reason); a county's open postings are a few thousand small documents, change
a few times an hour and are read on every search. The caller adds a posting
when it opens or changes while open and removes it when it closes. Nothing
here reads a clock: a search is told ``now`` and leaves out postings whose
closing date has passed, before the sweep gets to close them.

How: a set of posting ids per term (the stored ``terms``, see terms.py) and
per filter value. A search intersects the sets it needs, smallest first, and
the total is the size of the result. Then the page: a few matches are sorted
outright; many are read in an order kept ready (newest first; best paid
first per pay unit; nearest first from NearbyIndex), skipping the others,
which fills a page soon because most entries match.

Pure, no I/O: nameko's green threads never switch inside a call here, so a
search never sees a half-made change. Not for sharing between OS threads."""
from bisect import bisect_left, bisect_right, insort
from collections import defaultdict
from datetime import datetime, timedelta, timezone
from itertools import islice
from operator import itemgetter

from services.jobs.schemas import OPEN
from services.jobs.terms import query_terms
from shared.coordinates import distance_m
from shared.nearby import NearbyIndex

# Filters that match a posting field's value exactly: (param, field path).
# occupations and skills are lists: a posting has a key for each code.
_FILTERS = (("district", ("place", "district")), ("occupation", ("occupations",)),
            ("skill", ("skills",)), ("shift", ("shift",)), ("pay_unit", ("pay", "unit")))

_NONE = frozenset()
_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


class JobIndex:
    """The open postings (MongoDB documents, ``terms`` included), by _id."""

    def __init__(self):
        self._postings = {}                 # _id -> posting
        self._ids = defaultdict(set)        # (filter, value) or ("q", term) -> {_id}
        self._newest = []                   # sorted _newest_key of every posting
        self._best_paid = defaultdict(list)  # pay unit -> sorted _pay_key
        self._closing = []                  # sorted (closes_at, _id)
        self._places = {}                   # _id -> (lat, lng), WGS-84
        self._nearby = NearbyIndex()

    def __len__(self):
        return len(self._postings)

    @staticmethod
    def lists(posting):
        """Whether a posting belongs here (shared/catalog.py asks): open ones."""
        return posting["status"] == OPEN

    def add(self, posting):
        """Adds an open posting, or replaces the one with its _id. The index
        keeps the dict: change a posting by adding a new one, never in place
        (its removal finds its entries by the values they were made from)."""
        posting_id = posting["_id"]
        self.remove(posting_id)
        self._postings[posting_id] = posting
        for key in _keys(posting):
            self._ids[key].add(posting_id)
        insort(self._newest, _newest_key(posting))
        insort(self._best_paid[posting["pay"]["unit"]], _pay_key(posting))
        insort(self._closing, (posting["closes_at"], posting_id))
        self._places[posting_id] = _position(posting)
        self._nearby.add(posting_id, *self._places[posting_id])

    def remove(self, posting_id):
        """Removes a posting; one that is not here is already removed."""
        posting = self._postings.pop(posting_id, None)
        if posting is None:
            return
        for key in _keys(posting):
            self._ids[key].discard(posting_id)
            if not self._ids[key]:
                del self._ids[key]
        _delete(self._newest, _newest_key(posting))
        _delete(self._best_paid[posting["pay"]["unit"]], _pay_key(posting))
        _delete(self._closing, (posting["closes_at"], posting_id))
        del self._places[posting_id]
        self._nearby.remove(posting_id)

    def search(self, params, now):
        """([(distance_m, posting)] on the page, how many match in all).

        ``params``, checked by the search schema: "page" (from 1),
        "per_page", and optionally "q"; "district", "occupation", "skill",
        "shift", "pay_unit" (equal to the posting's); "min_pay_fen" (pay.max_fen
        at least this; needs "pay_unit"); "position" ((lat, lng), WGS-84);
        "radius_m" (needs "position"); "sort": "newest" (the default: posted_at
        latest first), "distance" (needs "position"; nearest first) or "pay"
        (needs "pay_unit"; pay.max_fen, then pay.min_fen highest first, then
        newest). Ties go by _id. distance_m is None without a position.
        Postings whose closes_at is at or before ``now`` are left out."""
        matched = self._matched(params, now)
        distances = _Distances(params["position"], self._places) \
            if "position" in params else None
        if "radius_m" in params:
            matched = self._within(matched, distances, params["radius_m"])
        skip = (params["page"] - 1) * params["per_page"]
        page = islice(self._ordered(matched, params, distances), skip,
                      skip + params["per_page"])
        return [(None if distances is None else distances[posting_id],
                 self._postings[posting_id]) for posting_id in page], len(matched)

    def _matched(self, params, now):
        """The _ids of the postings that pass every filter but the radius."""
        sets = [self._ids.get(key, _NONE) for key in _wanted_keys(params)]
        if "min_pay_fen" in params:
            sets.append(self._paying_at_least(params["pay_unit"], params["min_pay_fen"]))
        if sets:
            sets.sort(key=len)
            matched = sets[0].intersection(*sets[1:])
        else:
            matched = set(self._postings)
        matched -= self._closed_by(now)  # in place: matched is a new set
        return matched

    def _paying_at_least(self, unit, min_fen):
        ranked = self._best_paid.get(unit, [])
        end = bisect_right(ranked, -min_fen, key=itemgetter(0))
        return {key[-1] for key in ranked[:end]}

    def _closed_by(self, now):
        # Few: the sweep closes them soon after their date.
        end = bisect_right(self._closing, now, key=itemgetter(0))
        return {posting_id for _, posting_id in self._closing[:end]}

    def _within(self, matched, distances, radius_m):
        """The _ids in ``matched`` within radius_m. A step of the
        nearest-first walk costs about two distances measured (timed), so
        the walk is taken if it ends within len(matched) / 2 steps (a small
        radius), else each match is measured."""
        steps = len(matched) // 2
        walked = list(islice(self._nearby.ranked(*distances.position, radius_m), steps + 1))
        if len(walked) <= steps:
            distances.update((posting_id, distance) for distance, posting_id in walked)
            return {posting_id for _, posting_id in walked if posting_id in matched}
        return {posting_id for posting_id in matched if distances[posting_id] <= radius_m}

    def _ordered(self, matched, params, distances):
        """The _ids in ``matched``, in the order asked for, lazily."""
        needed = params["page"] * params["per_page"]
        sort = params.get("sort", "newest")
        if sort == "distance":
            if _sort_nearest(matched, needed, len(self)):
                return iter(sorted(matched, key=lambda posting_id: (distances[posting_id],
                                                                    posting_id)))
            ranked = self._nearby.ranked(*distances.position, params.get("radius_m"), matched)
            return distances.noted(ranked)
        if sort == "pay":
            ranked, key = self._best_paid.get(params["pay_unit"], []), _pay_key
        else:
            ranked, key = self._newest, _newest_key
        if _few(matched, needed, len(ranked), _LIST_STEP):
            return iter(sorted(matched, key=lambda posting_id: key(self._postings[posting_id])))
        return (entry[-1] for entry in ranked if entry[-1] in matched)


class _Distances(dict):
    """Metres from ``position`` (WGS-84) by _id, each measured once."""

    def __init__(self, position, places):
        super().__init__()
        self.position, self._places = position, places

    def __missing__(self, posting_id):
        distance = self[posting_id] = distance_m(self.position, self._places[posting_id])
        return distance

    def noted(self, ranked):
        """The _ids of a nearest-first walk, keeping the distances it measured."""
        for distance, posting_id in ranked:
            self[posting_id] = distance
            yield posting_id


# What reading one entry of an order kept ready costs, counted in sort keys
# worked out (timed): a list entry and a set lookup (~0.05 us against a sort
# key's ~0.9 us).
_LIST_STEP = 0.05
# The nearest-first walk, in the same units: a posting not among the matches
# passed over (a set lookup), and one measured (a distance and heap work).
_PASSED, _MEASURED = 0.06, 2.0


def _few(matched, needed, ranked_count, step_cost):
    """Whether sorting ``matched`` costs less than reading an order kept
    ready, of ``ranked_count`` entries, until ``needed`` of them match: that
    read passes about needed * ranked_count / len(matched) entries."""
    return len(matched) * len(matched) <= needed * ranked_count * step_cost


def _sort_nearest(matched, needed, total):
    """Whether measuring every match and sorting them costs less than the
    nearest-first walk among them until ``needed`` are found: it passes about
    needed * total / len(matched) postings and measures the matches in the
    rings it reads, about twice as many as it needs."""
    walk = needed * total / max(len(matched), 1) * _PASSED + 2 * needed * _MEASURED
    return len(matched) * _MEASURED <= walk


def _wanted_keys(params):
    keys = [("q", term) for term in query_terms(params.get("q") or "")]
    return keys + [(param, params[param]) for param, _ in _FILTERS if param in params]


def _keys(posting):
    keys = [("q", term) for term in posting["terms"]]
    for param, path in _FILTERS:
        value = posting
        for field in path:
            value = value[field]
        keys += [(param, code) for code in value] if isinstance(value, list) \
            else [(param, value)]
    return keys


def _newest_key(posting):
    return -_microseconds(posting["posted_at"]), posting["_id"]


def _pay_key(posting):
    pay = posting["pay"]
    return (-pay["max_fen"], -pay["min_fen"]) + _newest_key(posting)


def _microseconds(moment):
    # Exact integers, unlike timestamp()'s floats, so equal times tie.
    return (moment - _EPOCH) // timedelta(microseconds=1)


def _position(posting):
    wgs84 = posting["place"]["positions"]["wgs84"]
    return wgs84["lat"], wgs84["lng"]


def _delete(ordered, entry):
    del ordered[bisect_left(ordered, entry)]
