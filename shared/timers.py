"""A nameko timer whose interval is a setting, read when the container is
set up rather than when the module is imported (DESIGN.md 3.3): nameko's own
``@timer(interval=...)`` is bound at import time, so a test or an operator
could not make a sweep run more often without editing code. The setting's
default is shared/config.py's, like every other's."""
from nameko.timer import Timer


class ConfiguredTimer(Timer):
    def __init__(self, setting, **kwargs):
        super().__init__(interval=None, **kwargs)
        self.setting = setting

    def setup(self):
        self.interval = float(self.container.config[self.setting])
        super().setup()


every = ConfiguredTimer.decorator
