"""volunteering's settings, from environment variables (shared/config.py)."""
from dataclasses import dataclass

from shared.config import certificate_signing_key, setting


def service_config():
    return {
        "CERTIFICATE_SIGNING_KEY": certificate_signing_key(),
        "PUBLIC_URL": setting("PUBLIC_URL"),
    }


@dataclass(frozen=True)
class VolunteeringSettings:
    signing_key: str
    # Where the public verification route is reached: the QR code's link.
    public_url: str

    @classmethod
    def from_config(cls, config):
        return cls(signing_key=config["CERTIFICATE_SIGNING_KEY"],
                   public_url=config["PUBLIC_URL"].rstrip("/"))
