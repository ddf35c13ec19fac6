"""`make staff PHONE=... PASSWORD=... [NAME=...]`: create a union staff account.

Nobody can give themselves the staff role through the API; this command is
run by whoever operates the deployment. It writes through identity's own store
(the account and its `worker_registered` event in one transaction); the
running identity service's outbox relay publishes the event. An existing
account gets the staff role added and keeps its password.
"""
import argparse
import sys

from marshmallow import ValidationError
from pymongo.errors import ServerSelectionTimeoutError

from services.identity import passwords
from services.identity.schemas import RegisterRequest
from services.identity.storage import IdentityStore
from shared.clock import utcnow
from shared.config import setting
from shared.mongo import connect, database_name

DEFAULT_NAME = "工会工作人员"
STAFF_PROFILE = {"occupation": "other", "platform": "海盐县总工会", "district": "武原街道"}


def ensure_staff(phone, password, name=DEFAULT_NAME):
    """Returns (worker, created)."""
    fields = RegisterRequest().load(dict(STAFF_PROFILE, phone=phone, password=password,
                                         name=name or DEFAULT_NAME))
    client = connect(setting("MONGO_URI"))
    try:
        db = client[database_name(setting("MONGO_DB_PREFIX"), "identity")]
        IdentityStore.prepare(db)
        store = IdentityStore(db)
        password_hash = passwords.hash_password(fields.pop("password"))
        worker, _, created = store.ensure_staff(fields, password_hash, utcnow())
        return worker, created
    finally:
        client.close()


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--phone", required=True)
    parser.add_argument("--password", required=True)
    parser.add_argument("--name", default="")
    args = parser.parse_args(argv)
    try:
        worker, created = ensure_staff(args.phone, args.password, args.name)
    except ValidationError as err:
        sys.exit("refused: {}".format(err.normalized_messages()))
    except ServerSelectionTimeoutError:
        sys.exit("no database at MONGO_URI={}: start `make run` first (it runs the "
                 "embedded server) or point MONGO_URI at MongoDB".format(setting("MONGO_URI")))
    print("{} {} ({})".format("created staff account" if created else "staff role added to",
                                           worker["phone_masked"], worker["_id"]))


if __name__ == "__main__":
    main()
