"""Rewards workers spend points on (a part of LedgerStore).

A redemption takes one item from stock (``stock >= 1``) and the cost from the
balance (``balance >= cost``) in one transaction: either both happen or
neither. Its (worker, Idempotency-Key) is unique, so a repeated request
returns the first redemption instead of spending twice. Reversing its entry
(staff) refunds the points, cancels it and puts the item back in stock.
"""
from pymongo import ASCENDING, DESCENDING, ReturnDocument
from pymongo.errors import DuplicateKeyError

from services.ledger import exceptions
from services.ledger.posting import Books, points_event
from shared.ids import new_id
from shared.store import found, one_page


class RewardsMixin:
    # ---- rewards -----------------------------------------------------------

    def create_reward(self, fields, staff_id, now):
        reward = dict(fields, _id=new_id(), status="active", redeemed=0,
                      created_by=staff_id, created_at=now)
        self.db.rewards.insert_one(reward)
        return reward

    def update_reward(self, reward_id, changes, now):
        """Edit and restock in one conditional write: a write-off only
        matches while the stock covers it."""
        delta = changes.pop("add_stock", 0)
        criteria = {"_id": reward_id}
        if delta < 0:
            criteria["stock"] = {"$gte": -delta}
        update = {"$set": dict(changes, updated_at=now)}
        if delta:
            update["$inc"] = {"stock": delta}
        reward = self.db.rewards.find_one_and_update(criteria, update,
                                                     return_document=ReturnDocument.AFTER)
        if reward is not None:
            return reward
        existing = found(self.db.rewards.find_one({"_id": reward_id}), exceptions.reward_not_found)
        raise exceptions.stock_would_go_negative(existing["stock"])

    def my_redemptions(self, worker_id, page, per_page):
        """A worker's redemptions, newest first, and how many in all."""
        criteria = {"worker_id": worker_id}
        items = list(one_page(self.db.redemptions.find(criteria).sort([("at", DESCENDING)]),
                              page, per_page))
        return items, self.db.redemptions.count_documents(criteria)

    def list_rewards(self):
        return list(self.db.rewards.find({"status": "active"}).sort("created_at", ASCENDING))

    def redeem(self, worker_id, reward_id, key, now):
        """Take one item from stock and its cost from the balance, together.
        Returns (redemption, events); the same key returns the first one."""
        earlier = self._replay_redemption(worker_id, reward_id, key)
        if earlier is not None:
            return earlier, []

        def work(session):
            reward = self._take_stock(reward_id, session)
            redemption_id = new_id()
            books = Books(self.db, session, now)
            entry = books.post(worker_id, -reward["cost"], {
                "kind": "redemption", "reason_code": "redemption",
                "reason": "兑换「{}」".format(reward["name"]),
                "source": "redemption:" + redemption_id, "rule": None, "at": now,
                "actor": None})
            if entry is None:
                account = books.account(worker_id)
                raise exceptions.insufficient_points(account["balance"] if account else 0,
                                                     reward["cost"])
            redemption = {"_id": redemption_id, "worker_id": worker_id, "key": key,
                          "reward_id": reward_id, "reward_name": reward["name"],
                          "cost": reward["cost"], "entry_id": entry["_id"],
                          "balance_after": entry["balance_after"], "status": "redeemed",
                          "at": entry["at"]}
            self.db.redemptions.insert_one(redemption, session=session)
            return redemption, self.record_events([points_event("points_spent", entry)], session)
        try:
            return self.in_transaction(work)
        except DuplicateKeyError:  # a twin request with this key committed first
            return self._replayed(self._replay_redemption(worker_id, reward_id, key)), []

    def _replay_redemption(self, worker_id, reward_id, key):
        earlier = self.db.redemptions.find_one({"worker_id": worker_id, "key": key})
        if earlier is not None and earlier["reward_id"] != reward_id:
            raise exceptions.idempotency_key_reused()
        return earlier

    def _take_stock(self, reward_id, session):
        reward = self.db.rewards.find_one_and_update(
            {"_id": reward_id, "status": "active", "stock": {"$gte": 1}},
            {"$inc": {"stock": -1, "redeemed": 1}},
            return_document=ReturnDocument.AFTER, session=session)
        if reward is not None:
            return reward
        existing = found(self.db.rewards.find_one({"_id": reward_id}, session=session),
                         exceptions.reward_not_found)
        if existing["status"] != "active":
            raise exceptions.reward_unavailable()
        raise exceptions.out_of_stock()

    def _cancel_redemption(self, entry, staff_id, now, session):
        """A reversed redemption is cancelled and its item goes back in stock."""
        redemption = self.db.redemptions.find_one_and_update(
            {"entry_id": entry["_id"], "status": "redeemed"},
            {"$set": {"status": "cancelled", "cancelled_at": now,
                      "cancelled_by": staff_id}}, session=session)
        if redemption is not None:
            self.db.rewards.update_one({"_id": redemption["reward_id"]},
                                       {"$inc": {"stock": 1, "redeemed": -1}}, session=session)
