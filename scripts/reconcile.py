"""`make reconcile [WORKER=<id>]`: recompute every points balance from the
ledger's entries and lots, and report any drift.

It reads the ledger's own database (``<MONGO_DB_PREFIX>ledger`` on
``MONGO_URI``, the settings the services use) at one point in time and runs
the same check as ``GET /api/v1/points/reconciliation``
(services/ledger/reports.py): each balance is the sum of its entries and of
its lots' unspent points, ``seq`` the entry count, nothing negative, and, for
one worker, each entry's ``balance_after`` the running sum. Exit status 0
when there is no drift, 1 when there is, 2 when the database cannot be read.
"""
import argparse
import json
import sys

from pymongo.errors import PyMongoError

from services.ledger import reports
from shared.config import setting
from shared.mongo import connect, database_name

SHOWN = 20  # mismatches printed in the text report; --json has all of them


def reconcile(worker_id=None):
    """The reconciliation report of the ledger database the settings name."""
    client = connect(setting("MONGO_URI"))
    try:
        db = client[database_name(setting("MONGO_DB_PREFIX"), "ledger")]
        return dict(reports.reconcile_at_one_time(db, worker_id), database=db.name)
    finally:
        client.close()


def text_report(report):
    lines = ["ledger database {database}: {accounts} accounts, {entries} entries".format(
        **report)]
    if report["ok"]:
        lines.append("no drift: every balance equals the sum of its entries and of its "
                     "lots, every seq its entry count, none negative")
        return "\n".join(lines)
    lines.append("DRIFT: {} mismatches".format(len(report["mismatches"])))
    for item in report["mismatches"][:SHOWN]:
        lines.append("  {worker_id}  {problem}: expected {expected}, found {found}".format(
            **item))
    if len(report["mismatches"]) > SHOWN:
        lines.append("  ... and {} more (--json lists all)".format(
            len(report["mismatches"]) - SHOWN))
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--worker-id", default="",
                        help="one account, also checked entry by entry")
    parser.add_argument("--json", action="store_true", help="the report as JSON")
    args = parser.parse_args(argv)
    try:
        report = reconcile(args.worker_id or None)
    except PyMongoError as error:
        print("cannot read the ledger database ({}): {}".format(
            setting("MONGO_URI"), error), file=sys.stderr)
        return 2
    print(json.dumps(report, ensure_ascii=False, indent=2) if args.json
          else text_report(report))
    return 0 if report["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
