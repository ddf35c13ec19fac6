"""The demand report staff plan from: visits per station by hour of day and
weekday (China time), and the problems showing now."""
from services.stations import rules

HOURS, WEEKDAYS = range(24), range(1, 8)


def histogram(counts):
    """counts {(hour, weekday): visits} -> (24 by hour, 7 by weekday from Monday)."""
    by_hour = [sum(n for (hour, _), n in counts.items() if hour == h) for h in HOURS]
    by_weekday = [sum(n for (_, day), n in counts.items() if day == d) for d in WEEKDAYS]
    return by_hour, by_weekday


def station_demand(station, counts, now):
    by_hour, by_weekday = histogram(counts)
    return {"station_id": station["_id"], "name": station["name"],
            "district": station["district"], "kind": station["kind"],
            "visits": sum(by_hour), "by_hour": by_hour, "by_weekday": by_weekday,
            "open_problems": rules.showing_problems(station["reports"], now)}


def report(stations, counts, days, since, now):
    """Busiest stations first; every station is listed, a quiet one with 0."""
    rows = sorted((station_demand(s, counts.get(s["_id"], {}), now) for s in stations),
                  key=lambda row: (-row["visits"], row["name"]))
    return {"days": days, "since": since, "visits": sum(row["visits"] for row in rows),
            "by_hour": [sum(row["by_hour"][h] for row in rows) for h in HOURS],
            "by_weekday": [sum(row["by_weekday"][d - 1] for row in rows) for d in WEEKDAYS],
            "stations": rows}
