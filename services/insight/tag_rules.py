"""The tag rules staff read and edit, as data: one ``tag_rules`` document per
tag (a part of InsightStore). The default rules (tags.DEFAULT_RULES) are
written once, when the first process of a new system starts; a rule staff
deleted later stays deleted."""
from datetime import timedelta

from pymongo import ASCENDING
from pymongo.errors import DuplicateKeyError

from services.insight import exceptions
from services.insight.schemas import MAX_RULES
from services.insight.tags import DEFAULT_RULES
from shared.clock import utcnow

SEEDED = "tag_rules_seeded"


def seed_default_rules(db):
    """Idempotent, also with several processes starting at once: each
    default is an upsert that writes only a rule that is not there, and the
    mark that says it was done is set after all of them."""
    if db.meta.find_one({"_id": SEEDED}):
        return
    now = utcnow()  # at start-up, not in an entrypoint
    for order, rule in enumerate(DEFAULT_RULES):  # listed in this order (created_at)
        try:
            db.tag_rules.update_one({"_id": rule["tag"]}, {"$setOnInsert": dict(
                rule, updated_at=now, updated_by=None,
                created_at=now + timedelta(milliseconds=order))}, upsert=True)
        except DuplicateKeyError:
            pass  # another process's upsert of the same rule won
    db.meta.update_one({"_id": SEEDED}, {"$setOnInsert": {"at": now}}, upsert=True)


def create_rule_indexes(db):
    db.tag_rules.create_index([("created_at", ASCENDING)])
    db.segments.create_index([("filters.tags", ASCENDING)])


class TagRulesMixin:
    def tag_rules(self):
        """Every rule, oldest first (the defaults, then staff's)."""
        return list(self.db.tag_rules.find().sort([("created_at", 1), ("_id", 1)]))

    def rules_by_tag(self):
        return {rule["tag"]: rule for rule in self.tag_rules()}

    def put_rule(self, tag, fields, by, now):
        if (self.db.tag_rules.count_documents({"_id": {"$ne": tag}}) >= MAX_RULES):
            raise exceptions.too_many_rules(MAX_RULES)
        document = dict(fields, tag=tag, updated_at=now, updated_by=by)
        self.db.tag_rules.update_one({"_id": tag}, {"$set": document,
                                                    "$setOnInsert": {"created_at": now}},
                                     upsert=True)
        return document

    def delete_rule(self, tag):
        """Refused while a saved segment names the tag (it would change what
        the segment means)."""
        using = [segment["name"] for segment in
                 self.db.segments.find({"filters.tags": tag}, {"name": 1})]
        if using:
            raise exceptions.tag_in_use(using)
        if self.db.tag_rules.delete_one({"_id": tag}).deleted_count == 0:
            raise exceptions.tag_not_found(tag)
