"""insight's data. ``InsightStore`` is the one store service.py talks to;
each concern is its own module: profiles.py (each worker's picture),
tag_rules.py (the rules staff edit), pushes.py (saved segments, pushes and
the inboxes), access.py (staff's reasoned looks), and live.py (the live
demand counters, with their own rules in live_rules.py).

The convention of every verb: it never reads the clock (the entrypoint
passes ``now``). insight publishes no domain events: nothing of it goes to
other services or departments (its outbox stays empty)."""
from services.insight.access import AccessMixin, create_access_indexes
from services.insight.live import LiveStore, prepare_live
from services.insight.profiles import ProfilesMixin, create_profile_indexes
from services.insight.pushes import (NotificationsMixin, PushesMixin, SegmentsMixin,
                                     create_push_indexes)
from services.insight.tag_rules import TagRulesMixin, create_rule_indexes, seed_default_rules
from shared.store import BaseStore


class InsightStore(ProfilesMixin, TagRulesMixin, SegmentsMixin, PushesMixin,
                   NotificationsMixin, AccessMixin, LiveStore, BaseStore):
    @staticmethod
    def create_indexes(db):
        create_profile_indexes(db)
        create_rule_indexes(db)
        create_push_indexes(db)
        create_access_indexes(db)
        prepare_live(db)
        seed_default_rules(db)
