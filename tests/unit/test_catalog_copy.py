"""The instance's copy of a catalog (shared/catalog.py) over a fake store:
what it lists, how it follows changes, how seldom it asks the database, and
that a fetch applied after a later one puts nothing older back."""
from types import SimpleNamespace

import pytest
from pymongo.errors import ConnectionFailure

from shared.catalog import Catalog, CatalogCopy
from shared.mongo import MongoStore

REFRESH_SECONDS = 10


class FakeStore:
    """The reads of CatalogMixin over documents kept in a dict; ``change``
    stamps the next number as the mixin's transaction does. ``asked`` is
    every read, in order."""

    def __init__(self):
        self.seq, self.rows, self.asked = 0, {}, []

    def change(self, key, **fields):
        self.seq += 1
        self.rows[key] = dict(fields, _id=key, seq=self.seq)

    def catalog_seq(self):
        self.asked.append("catalog_seq")
        return self.seq

    def changed_since(self, seq):
        self.asked.append(("changed_since", seq))
        return sorted((row for row in self.rows.values() if row["seq"] > seq),
                      key=lambda row: row["seq"])


class FakeIndex:
    """Lists the open documents; refuses what the copy promises never to
    do. ``done`` is every add and remove, in order."""

    def __init__(self):
        self.held, self.done = {}, []

    @staticmethod
    def lists(document):
        return document["open"]

    def add(self, document):
        assert document["_id"] not in self.held, "added twice"
        self.held[document["_id"]] = document
        self.done.append(("add", document["_id"]))

    def remove(self, document_id):
        del self.held[document_id]  # KeyError if not there, as NearbyIndex
        self.done.append(("remove", document_id))


class Clock:
    def __init__(self):
        self.now = 100.0

    def __call__(self):
        return self.now


@pytest.fixture
def store():
    return FakeStore()


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def copy(store, clock):
    return CatalogCopy(store, FakeIndex(), REFRESH_SECONDS, clock=clock)


def test_the_first_refresh_takes_in_the_listed_documents_only(store, copy):
    store.change("a", open=True, name="甲")
    store.change("b", open=False, name="乙")
    assert copy.refresh() is copy
    assert copy.documents == {"a": store.rows["a"]} and copy.index.held == copy.documents
    assert copy.get("a")["name"] == "甲" and copy.get("b") is None
    assert copy.seq == 2


def test_a_changed_document_takes_the_place_of_its_old_version(store, copy):
    store.change("a", open=True, name="甲")
    copy.refresh()
    store.change("a", open=True, name="甲二")
    copy.refresh(force=True)
    assert copy.get("a")["name"] == "甲二" and copy.index.held["a"]["name"] == "甲二"
    assert copy.index.done == [("add", "a"), ("remove", "a"), ("add", "a")]


def test_a_document_no_longer_listed_leaves_the_index_and_the_copy(store, copy):
    store.change("a", open=True)
    store.change("b", open=True)
    copy.refresh()
    store.change("a", open=False)
    copy.refresh(force=True)
    assert set(copy.index.held) == set(copy.documents) == {"b"}
    store.change("a", open=True)
    copy.refresh(force=True)
    assert set(copy.index.held) == {"a", "b"}


def test_a_closed_document_never_seen_open_is_not_removed(store, copy):
    store.change("a", open=True)
    copy.refresh()
    store.change("b", open=False)
    copy.refresh(force=True)  # FakeIndex.remove would raise for "b"
    assert set(copy.documents) == {"a"} and copy.seq == 2


def test_the_database_is_asked_at_most_every_refresh_seconds(store, copy, clock):
    store.change("a", open=True)
    copy.refresh()
    store.change("b", open=True)
    clock.now += REFRESH_SECONDS - 0.1
    copy.refresh()
    assert copy.get("b") is None and store.asked == ["catalog_seq", ("changed_since", 0)]
    clock.now += 0.1
    copy.refresh()
    assert copy.get("b") is not None
    assert store.asked[2:] == ["catalog_seq", ("changed_since", 1)]


def test_a_forced_refresh_asks_at_once(store, copy):
    copy.refresh()
    store.change("a", open=True)
    copy.refresh(force=True)
    assert copy.get("a") is not None


def test_an_unchanged_catalog_costs_one_read(store, copy, clock):
    store.change("a", open=True)
    copy.refresh()
    del store.asked[:]
    clock.now += REFRESH_SECONDS
    copy.refresh()
    assert store.asked == ["catalog_seq"]


def test_a_fetch_applied_after_a_later_one_puts_nothing_older_back(store, copy):
    store.change("a", open=True, name="旧")
    earlier = store.changed_since(0)  # a worker's fetch, not yet applied
    store.change("a", open=False, name="关")
    store.change("b", open=True)
    copy.refresh(force=True)  # another worker's, applied first
    copy.apply(earlier)
    assert copy.get("a") is None and set(copy.index.held) == {"b"} and copy.seq == 3


def test_a_fetch_overlapping_one_applied_before_takes_in_only_what_is_newer(store, copy):
    store.change("a", open=True)
    earlier = store.changed_since(0)
    store.change("b", open=True)
    later = store.changed_since(0)
    copy.apply(earlier)
    copy.apply(later)
    assert copy.index.done == [("add", "a"), ("add", "b")] and copy.seq == 2


def catalog_of(store, config):
    """A Catalog bound as nameko would, in a container whose MongoStore's
    database is ``store`` (its store class here just hands that back)."""
    mongo = MongoStore(lambda db: db)
    mongo.db = store
    catalog = Catalog(FakeIndex)
    catalog.container = SimpleNamespace(dependencies=[mongo], config=config)
    return catalog


def test_the_provider_builds_one_copy_and_refreshes_it_for_each_worker(store):
    catalog = catalog_of(store, {"CATALOG_REFRESH_SECONDS": 0})
    store.change("a", open=True)
    first = catalog.get_dependency(worker_ctx=None)
    assert isinstance(first.index, FakeIndex) and set(first.documents) == {"a"}
    store.change("b", open=True)
    second = catalog.get_dependency(worker_ctx=None)
    assert second.refresh_seconds == 0 and set(second.documents) == {"a", "b"}
    assert first.documents is second.documents  # one copy for the instance


def test_injecting_the_copy_reads_nothing_so_a_database_down_fails_only_the_call(store):
    catalog = catalog_of(store, {"CATALOG_REFRESH_SECONDS": 0})
    store.change("a", open=True)

    def down():
        raise ConnectionFailure("the database is restarting")
    store.catalog_seq = down
    injected = catalog.get_dependency(worker_ctx=None)  # nameko would kill the service
    with pytest.raises(ConnectionFailure):
        injected.get("a")
