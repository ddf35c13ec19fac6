"""Running calls at the same moment, for the concurrency tests."""
import threading

from shared.errors import Conflict, InvalidInput, NotFound


def run_together(calls):
    """Run each call in its own thread, all at once; returns their outcomes
    in order (the answer, or the code of a Conflict, InvalidInput or NotFound)."""
    outcomes = [None] * len(calls)

    def run(index, call):
        try:
            outcomes[index] = call()
        except (Conflict, InvalidInput, NotFound) as error:
            outcomes[index] = error.code
    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes
