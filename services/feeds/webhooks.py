"""HTTPS delivery: where a webhook may point, and one signed POST.

A URL is refused unless it is https and every address its host resolves to
is public; WEBHOOK_ALLOWED_NETWORKS lets chosen networks in (tests: loopback,
where plain http is then allowed too). The check runs when the URL is given
and again before each POST, so a name that later resolves inward is caught.
Redirects are never followed: a 3xx is a failed attempt.

The signature is Standard Webhooks' (webhook-id, webhook-timestamp,
webhook-signature over "id.timestamp.body"), made with its library; the
body is the CloudEvent in structured mode (the event id is webhook-id).
"""
import base64
import ipaddress
import random
import secrets
import socket
from datetime import timedelta
from urllib.parse import urlsplit

import requests
from standardwebhooks.webhooks import Webhook

from shared.department_feed import CLOUDEVENTS_JSON

# Backoff between attempts: doubling from the first, at most the last.
FIRST_RETRY = timedelta(seconds=1)
LONGEST_RETRY = timedelta(minutes=10)


def addresses(host):
    try:
        infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    except (socket.gaierror, UnicodeError):
        return ()
    return tuple(ipaddress.ip_address(info[4][0].split("%")[0]) for info in infos)


def refusal(url, allowed_networks):
    """Why ``url`` may not be a webhook target, or None when it may."""
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises on a port that is not a number
    except ValueError:
        return "地址格式不正确"
    if parts.scheme not in ("https", "http") or not parts.hostname:
        return "须为 https:// 地址"
    if parts.username or parts.password:
        return "地址中不能含用户名或密码"
    found = addresses(parts.hostname)
    if not found:
        return "无法解析该主机名"
    if all(any(ip in net for net in allowed_networks) for ip in found):
        return None  # a network let in by configuration (http allowed there too)
    if not all(ip.is_global for ip in found):
        return "不能指向内网、本机或保留地址"
    if parts.scheme != "https":
        return "须为 https:// 地址"
    return None


def retry_delay(attempts):
    """The wait after the ``attempts``-th failure, with jitter so departments
    that failed together do not retry together."""
    delay = min(FIRST_RETRY * 2 ** (attempts - 1), LONGEST_RETRY)
    return delay * random.uniform(0.8, 1.0)


def post(url, secret, event_id, body, now, timeout, allowed_networks):
    """POST one delivery; None on a 2xx, else why it failed."""
    refused = refusal(url, allowed_networks)
    if refused:
        return refused
    try:
        answer = requests.post(url, data=body, headers=signed_headers(secret, event_id, body, now),
                               timeout=timeout, allow_redirects=False)
    except requests.RequestException as error:
        return type(error).__name__
    if 200 <= answer.status_code < 300:
        return None
    return "HTTP {}".format(answer.status_code)


def signed_headers(secret, event_id, body, now):
    """The headers of one POST: the CloudEvents content type and Standard
    Webhooks' three (the id, the time of sending, the signature of both and
    the body)."""
    return {"content-type": CLOUDEVENTS_JSON, "webhook-id": event_id,
            "webhook-timestamp": str(int(now.timestamp())),
            "webhook-signature": Webhook(secret).sign(event_id, now, body)}


def new_secret():
    """A Standard Webhooks secret: whsec_ and 32 random bytes in base64."""
    return "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()
