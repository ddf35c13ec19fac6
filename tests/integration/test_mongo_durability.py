"""An acknowledged write survives the database server crashing: the client
every service uses (shared/mongo.py) waits for the journal. Without that, the
embedded server SIGKILLed right after a burst of writes loses the last of
them although it had acknowledged each one."""
import os
import signal

from scripts import embedded_mongo
from shared.mongo import connect

WRITES = 300


def test_every_acknowledged_write_survives_a_server_kill(tmp_path):
    port = embedded_mongo.free_port()
    server = embedded_mongo.start(str(tmp_path), port)
    client = connect(embedded_mongo.uri_for(port))
    try:
        for number in range(WRITES):
            client.durability.entries.insert_one({"_id": number})
    finally:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait(timeout=30)
        client.close()
    server = embedded_mongo.start(str(tmp_path), port)
    client = connect(embedded_mongo.uri_for(port))
    try:
        assert client.durability.entries.count_documents({}) == WRITES
    finally:
        client.close()
        server.terminate()
        server.wait(timeout=30)
