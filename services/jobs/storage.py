"""jobs' data. ``JobsStore`` is the one store service.py talks to; each
concern is its own module:

- employers.py: companies, registered by an employer and verified by staff;
- postings.py: postings, their review, closing and taking down, and the
  reports workers file; the postings are the catalog each instance keeps a
  copy of for the search (shared/catalog.py, search.py);
- applications.py: applications and their history, the reply window, and
  the classes each worker attended (from courses' events).

The convention of every verb: it never reads the clock (the entrypoint passes
``now``); a write returns what it wrote and the events it caused, recorded in
the outbox in the same transaction.
"""
from services.jobs.applications import ApplicationsMixin, create_application_indexes
from services.jobs.employers import EmployersMixin, create_employer_indexes
from services.jobs.postings import PostingsMixin, create_posting_indexes
from shared.catalog import CatalogMixin
from shared.store import BaseStore


class JobsStore(EmployersMixin, PostingsMixin, ApplicationsMixin, CatalogMixin, BaseStore):
    CATALOG_COLLECTION = "postings"

    @staticmethod
    def create_indexes(db):
        create_employer_indexes(db)
        create_posting_indexes(db)
        create_application_indexes(db)
