"""The client side of a fault run (tests/e2e/test_fault_run.py): requests
retried the way the README tells an app to ("Deadlines: 503 or 504"), every
answer counted, and a thread that SIGKILLs supervised processes.

A request is retried, with the same Idempotency-Key where the route takes
one, while it has no definitive answer: 503 (not processed), 504 (outcome
unknown), no connection or no answer at all (the gateway itself was
killed), and 409 BUSY / LEDGER_BUSY (nothing written, "try again"). Anything
else is the answer. Statuses the caller did not expect are failures of the
run, 5xx other than 503/504 first of all.

Once the load is over (``patience_ends``), a request that was only ever told
"nothing was done" (503, BUSY, no connection) stops there: it did nothing,
which the checks afterwards hold it to. (A BUSY can last a minute: the
database aborts the open transaction of a killed process only when its
lifetime ends.) One that may have been done (504, or sent and not answered)
is retried to its answer.
"""
import os
import random
import signal
import threading
import time
from collections import Counter

import requests
from urllib3.exceptions import ConnectTimeoutError, NewConnectionError

NOT_ANSWERED = (503, 504)
RETRIED_CODES = ("BUSY", "LEDGER_BUSY")
# No connection to the gateway (killed, not back yet): nothing was sent.
# Sent but no answer (killed meanwhile): it may have been done, like a 504.
NOT_SENT, NO_ANSWER = "not sent", "no answer"
MAYBE_DONE = (504, NO_ANSWER)
FIRST_PAUSE_SECONDS, LONGEST_PAUSE_SECONDS = 0.3, 2.0
REQUEST_TIMEOUT_SECONDS = 20


class Tally:
    """What the run did and saw, from every thread."""

    def __init__(self):
        self.lock = threading.Lock()
        self.operations = Counter()
        self.answers = Counter()
        self.retried = 0  # requests answered only after more than one try
        self.nothing_done = 0  # requests left after the load, told "nothing was done"
        self.failures = []

    def operation(self, kind):
        with self.lock:
            self.operations[kind] += 1

    def answer(self, what):
        with self.lock:
            self.answers[str(what)] += 1

    def answered_after(self, tries):
        if tries > 1:
            with self.lock:
                self.retried += 1

    def left_undone(self):
        with self.lock:
            self.nothing_done += 1

    def fail(self, what):
        with self.lock:
            self.failures.append(what)


def never_sent(error):
    """The connection was never made (refused, or not in time)."""
    reason = getattr(error.args[0], "reason", None) if error.args else None
    return isinstance(reason, (NewConnectionError, ConnectTimeoutError))


def error_code(response):
    try:
        return response.json().get("error")
    except ValueError:
        return None


class Answer:
    """The definitive answer to one request, and how many tries it took."""

    def __init__(self, response, tries):
        self.response, self.tries = response, tries
        self.status = response.status_code
        self.code = error_code(response) if self.status >= 400 else None

    def json(self):
        return self.response.json()


class Client:
    """One requests.Session per thread, paths relative to the gateway."""

    def __init__(self, url, tally, retry_seconds, patience_ends):
        self.url, self.tally, self.retry_seconds = url, tally, retry_seconds
        self.patience_ends = patience_ends  # monotonic time: see the top
        self.local = threading.local()

    def session(self):
        if not hasattr(self.local, "session"):
            self.local.session = requests.Session()
        return self.local.session

    def request(self, method, path, accept, **kwargs):
        """The Answer, retried until definitive; None when nothing was done
        and the load is over, or (a failure noted) when it is not one of
        ``accept`` ({status: error codes, or None for any body}) or there
        was none within retry_seconds."""
        deadline = time.monotonic() + self.retry_seconds
        pause, tries, last, maybe_done = FIRST_PAUSE_SECONDS, 0, None, False
        while True:
            tries += 1
            response = self._send(method, path, kwargs)
            if isinstance(response, requests.Response) and not self._retried(response):
                self.tally.answered_after(tries)
                return self._checked(Answer(response, tries), method, path, accept)
            last = getattr(response, "status_code", response)  # or why there was none
            maybe_done = maybe_done or last in MAYBE_DONE
            if not maybe_done and time.monotonic() > self.patience_ends:
                self.tally.left_undone()
                return None
            if time.monotonic() + pause > deadline:
                self.tally.fail("{} {}: no definitive answer in {} s ({} tries, last {})".format(
                    method, path, self.retry_seconds, tries, last))
                return None
            time.sleep(pause)
            pause = min(pause * 2, LONGEST_PAUSE_SECONDS)

    def _send(self, method, path, kwargs):
        """The response, or NOT_SENT / NO_ANSWER."""
        try:
            response = self.session().request(method, self.url + path,
                                              timeout=REQUEST_TIMEOUT_SECONDS, **kwargs)
        except requests.RequestException as error:
            self.local.session = requests.Session()
            why = NOT_SENT if never_sent(error) else NO_ANSWER
            self.tally.answer(why)
            return why
        retried_code = response.status_code == 409 and error_code(response) in RETRIED_CODES
        self.tally.answer("409 " + error_code(response) if retried_code
                          else response.status_code)
        return response

    @staticmethod
    def _retried(response):
        return response.status_code in NOT_ANSWERED or (
            response.status_code == 409 and error_code(response) in RETRIED_CODES)

    def _checked(self, answer, method, path, accept):
        codes = accept.get(answer.status, ())
        if answer.status in accept and (codes is None or answer.code in codes):
            return answer
        self.tally.fail("{} {} answered {} {}".format(
            method, path, answer.status, answer.response.text[:300]))
        return None


class Killer(threading.Thread):
    """SIGKILLs one of ``names``, chosen at random among those supervisord
    says are RUNNING, every ``interval`` seconds (a range), until stopped.
    ``kills`` lists (name, pid) in order."""

    def __init__(self, run, names, interval, seed):
        super().__init__(name="killer", daemon=True)
        self.run_, self.names, self.interval = run, names, interval
        self.random = random.Random(seed)
        self.stopped = threading.Event()
        self.kills = []
        self.error = None

    def run(self):
        try:
            while not self.stopped.wait(self.random.uniform(*self.interval)):
                self.kill_one()
        except Exception as error:  # reported by the test, not lost in a thread
            self.error = error

    def kill_one(self):
        running = self.run_.running()
        candidates = sorted(name for name in self.names if name in running)
        if not candidates:
            return  # every one is still starting after an earlier kill
        name = self.random.choice(candidates)
        os.kill(running[name], signal.SIGKILL)
        self.kills.append((name, running[name]))

    def stop(self):
        self.stopped.set()
        self.join(timeout=30)

    def by_name(self):
        return Counter(name for name, _ in self.kills)
