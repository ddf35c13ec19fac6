"""A segment's filters as one MongoDB filter of profiles. Pure: no I/O; the
rules and the time are arguments. Tags are their rules' filters
(tags.rule_query), so a segment's size counted by the database is exactly the
workers whose own tags (tags.tags_of) include every tag it names."""
from services.insight import exceptions
from services.insight.tags import rule_query

MATCHED_AS_IS = ("district", "occupation", "platform")


def segment_query(filters, rules_by_tag, now):
    """Every filter given must hold; none given: every profile. A tag no
    rule defines: tag_not_found."""
    query = {field: filters[field] for field in MATCHED_AS_IS if filters.get(field)}
    if filters.get("member") is not None:
        query["member"] = True if filters["member"] else {"$ne": True}
    conditions = []
    for tag in filters.get("tags") or ():
        if tag not in rules_by_tag:
            raise exceptions.tag_not_found(tag)
        conditions.append(rule_query(rules_by_tag[tag], now))
    if conditions:
        query["$and"] = conditions
    return query


def audience_query(filters, rules_by_tag, now):
    """Who a push reaches: the segment, less those who opted out."""
    return dict(segment_query(filters, rules_by_tag, now),
                personalised_pushes={"$ne": False})


def stored_filters(filters):
    """The filters as kept with a segment or push: only those given."""
    return {field: value for field, value in filters.items()
            if value is not None and value != []}
