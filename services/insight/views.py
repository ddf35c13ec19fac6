"""What callers see: tag rules with their labels, a picture (the facts, the
tags each with the conditions and the fact values they rest on, who
looked), segments, pushes, notifications, the overview."""
from services.insight.schemas import FACTS, OPS
from services.insight.tags import fact_value, tags_of


def condition(item):
    return {"fact": item["fact"], "fact_label": FACTS[item["fact"]][1], "op": item["op"],
            "op_label": OPS[item["op"]][1], "value": item["value"]}


def tag_rule(rule):
    return {"tag": rule["tag"], "label": rule["label"], "description": rule["description"],
            "conditions": [condition(item) for item in rule["conditions"]],
            "updated_at": rule["updated_at"], "updated_by": rule.get("updated_by")}


def tag_rules(rules):
    return {"items": [tag_rule(rule) for rule in rules],
            "facts": {name: label for name, (_, label) in FACTS.items()},
            "ops": {name: label for name, (_, label) in OPS.items()}}


def grounded_tag(rule, profile, now):
    """A tag that holds, each condition beside the value it holds on."""
    conditions = [dict(condition(item), actual=shown(fact_value(profile, item["fact"])))
                  for item in rule["conditions"]]
    return {"tag": rule["tag"], "label": rule["label"], "description": rule["description"],
            "conditions": conditions}


def shown(value):
    return value.isoformat() if hasattr(value, "isoformat") else value


def access(entry, names):
    return dict(entry, staff_name=names.get(entry["staff_id"]))


def picture(profile, rules, looks, names, now, with_name):
    """A worker's picture; their name only on staff's reasoned view."""
    return {
        "worker_id": profile["_id"], "name": profile.get("name") if with_name else None,
        "district": profile.get("district"), "occupation": profile.get("occupation"),
        "platform": profile.get("platform"), "member": bool(profile.get("member")),
        "personalised_pushes": profile.get("personalised_pushes") is not False,
        "facts": [{"fact": fact, "label": label, "value": shown(fact_value(profile, fact))}
                  for fact, (_, label) in FACTS.items()],
        "visits_by_hour": profile.get("visits_by_hour") or {},
        "tags": [grounded_tag(rule, profile, now) for rule in tags_of(profile, rules, now)],
        "looked_at": [access(entry, names) for entry in looks]}


def segment(document, size):
    return dict(document, segment_id=document["_id"], size=size)


def push(document):
    return dict(document, push_id=document["_id"])


def notification(document):
    return dict(document, notification_id=document["_id"])


def counted(pairs):
    return [{"value": value, "count": count} for value, count in pairs]


def overview(totals, by, tag_counts):
    return dict(totals, by_district=counted(by["district"]),
                by_occupation=counted(by["occupation"]), by_platform=counted(by["platform"]),
                by_tag=[{"tag": rule["tag"], "label": rule["label"], "count": count}
                        for rule, count in tag_counts])
