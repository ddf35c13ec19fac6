"""The embedded database server as a process a test may pause, kill and
restart on the same data (scripts/embedded_mongo.py starts it)."""
import os
import signal

from scripts import embedded_mongo


class RestartableDatabase:
    def __init__(self, path):
        self.path, self.port = str(path), embedded_mongo.free_port()
        self.process = None

    @property
    def uri(self):
        return embedded_mongo.uri_for(self.port)

    def start(self):
        self.process = embedded_mongo.start(self.path, self.port)

    def signal(self, sig):
        os.killpg(self.process.pid, sig)

    def kill(self):
        self.signal(signal.SIGKILL)
        self.process.wait(timeout=30)

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=30)
