"""Where a webhook may be sent: an http(s) URL (https in production) whose host resolves only to public addresses,
never loopback, private, link-local, reserved or multicast ones, unless the operator allowed that network
(`webhook_allowed_networks`). The check runs when an admin registers a URL and again before every send, on the
addresses the send then connects to (a name that resolved to a public address yesterday may not today)."""

from __future__ import annotations

import socket
from dataclasses import dataclass
from ipaddress import IPv4Address, IPv6Address, ip_address
from urllib.parse import SplitResult, urlsplit

from services.core.errors import ValidationError
from settings import Settings

MAX_URL = 500
DEFAULT_PORTS = {'http': 80, 'https': 443}


@dataclass(frozen=True, slots=True)
class Target:
    """A checked URL: what to connect to (`address`, resolved and allowed) and what to ask for there."""

    scheme: str
    host: str
    port: int
    path: str  # with its query
    address: str


def checked_url(url: object, settings: Settings) -> str:
    """The URL as it will be stored, if its form is one a webhook may have (it is not resolved here)."""
    if not isinstance(url, str) or not url.strip():
        raise ValidationError('Enter the URL that receives the events.', field='url')
    url = url.strip()
    if len(url) > MAX_URL:
        raise ValidationError(f'A URL has at most {MAX_URL} characters.', field='url')
    parts = _split(url)
    if settings.is_production and parts.scheme != 'https':
        raise ValidationError('Use an https:// URL: events carry names and phone numbers.', field='url')
    if parts.scheme not in DEFAULT_PORTS:
        raise ValidationError('Use an https:// (or http://) URL.', field='url')
    if not parts.hostname:
        raise ValidationError('The URL needs a host name, like https://hooks.example.com/events.', field='url')
    if parts.username or parts.password:
        raise ValidationError('Put no user name or password in the URL: the signature proves who sent it.', field='url')
    return url


def resolve(url: str, settings: Settings) -> Target:
    """Resolve the URL's host and refuse it unless every address it names may be sent to."""
    parts = _split(checked_url(url, settings))
    port = parts.port or DEFAULT_PORTS[parts.scheme]
    try:
        found = socket.getaddrinfo(parts.hostname, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError):
        raise ValidationError(f'{parts.hostname} cannot be found (DNS).', field='url') from None
    addresses = sorted({ip_address(info[4][0].split('%')[0]) for info in found}, key=lambda a: (a.version, a))
    if not addresses:
        raise ValidationError(f'{parts.hostname} cannot be found (DNS).', field='url')
    for address in addresses:
        if not may_send_to(address, settings):
            named = parts.hostname if parts.hostname.strip('[]') == str(address) else f'{parts.hostname} ({address})'
            raise ValidationError(
                f'{named} is a {kind_of(address)} address: webhooks go to public addresses only.', field='url'
            )
    path = (parts.path or '/') + (f'?{parts.query}' if parts.query else '')
    return Target(parts.scheme, parts.hostname, port, path, str(addresses[0]))


def may_send_to(address: IPv4Address | IPv6Address, settings: Settings) -> bool:
    if any(address in network for network in settings.webhook_networks):
        return True
    mapped = getattr(address, 'ipv4_mapped', None)  # ::ffff:127.0.0.1 is 127.0.0.1
    if mapped is not None:
        return may_send_to(mapped, settings)
    return address.is_global and not address.is_multicast


def kind_of(address: IPv4Address | IPv6Address) -> str:
    """The word for why an address is refused."""
    address = getattr(address, 'ipv4_mapped', None) or address
    for word, test in (
        ('unspecified', address.is_unspecified),
        ('loopback', address.is_loopback),
        ('link-local', address.is_link_local),
        ('multicast', address.is_multicast),
        ('private', address.is_private),
        ('reserved', address.is_reserved),
    ):
        if test:
            return word
    return 'non-public'


def _split(url: str) -> SplitResult:
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 (raises on a port that is not a number or out of range)
    except ValueError:
        raise ValidationError('That is not a URL a webhook can be sent to.', field='url') from None
    return parts
