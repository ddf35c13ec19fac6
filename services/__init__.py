"""The system's services, one package each: ``services/<name>/`` with its
``service.py`` (SERVICE), ``config.py`` and the rest (README, "Adding a
service"). Whatever needs the list of services reads it here, so a new
package is found without being listed anywhere."""
import pkgutil


def names():
    """Every service's name, sorted: each sub-package of this one."""
    return sorted(info.name for info in pkgutil.iter_modules(__path__) if info.ispkg)
