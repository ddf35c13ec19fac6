"""An acknowledged write survives the database server crashing: the client
every service uses (shared/mongo.py) waits for the journal. Without that, the
embedded server SIGKILLed right after a burst of writes loses the last of
them although it had acknowledged each one."""
from shared.mongo import connect
from tests.support.database import RestartableDatabase

WRITES = 300


def test_every_acknowledged_write_survives_a_server_kill(tmp_path):
    database = RestartableDatabase(tmp_path)
    database.start()
    client = connect(database.uri)
    try:
        for number in range(WRITES):
            client.durability.entries.insert_one({"_id": number})
    finally:
        database.kill()
        client.close()
    database.start()
    client = connect(database.uri)
    try:
        assert client.durability.entries.count_documents({}) == WRITES
    finally:
        client.close()
        database.stop()
