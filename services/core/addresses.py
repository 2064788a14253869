"""Where a webhook may be sent: an http(s) URL (https in production) whose host resolves only to public addresses,
never loopback, private, link-local, reserved or multicast ones, unless the operator allowed that network
(`webhook_allowed_networks`). The check runs when an admin registers a URL and again before every send, on the
addresses the send then connects to (a name that resolved to a public address yesterday may not today)."""

from __future__ import annotations

import socket
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from ipaddress import IPv4Address, IPv6Address, ip_address, ip_network
from urllib.parse import SplitResult, urlsplit

from services.core.errors import ValidationError
from settings import Settings

MAX_URL = 500
# getaddrinfo has no timeout of its own: it runs here and is waited for at most delivery_timeout_seconds (a lookup
# still running after that ends on its own; the send or the registration has moved on)
_RESOLVER = ThreadPoolExecutor(max_workers=4, thread_name_prefix='webhook-dns')
DEFAULT_PORTS = {'http': 80, 'https': 443}
IPV4, LAST_32_BITS = 4, 0xFFFFFFFF
# IPv6 prefixes whose last 32 bits are an IPv4 address the packets go on to: IPv4-compatible (deprecated), SIIT, and
# NAT64's well-known and local-use prefixes (RFC 6052, RFC 8215)
CARRIES_IPV4 = tuple(ip_network(prefix) for prefix in ('::/96', '::ffff:0:0:0/96', '64:ff9b::/96', '64:ff9b:1::/48'))
PRINTABLE_ASCII = ('!', '~')  # what a URL is written with, once percent-encoded: no space, no control, no Unicode


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
    if not all(PRINTABLE_ASCII[0] <= character <= PRINTABLE_ASCII[1] for character in url):
        raise ValidationError(
            'Write the URL with its spaces and other characters percent-encoded (%20), as a browser sends it.',
            field='url',
        )
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
    lookup = _RESOLVER.submit(socket.getaddrinfo, parts.hostname, port, type=socket.SOCK_STREAM)
    try:
        found = lookup.result(timeout=settings.delivery_timeout_seconds)
    except TimeoutError:
        raise ValidationError(f'{parts.hostname} did not resolve in time (DNS).', field='url') from None
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
    inner = embedded_ipv4(address)
    if inner is not None:  # ::ffff:127.0.0.1 is 127.0.0.1; through NAT64 or 6to4, 64:ff9b::a00:1 reaches 10.0.0.1
        return may_send_to(inner, settings)
    return address.is_global and not address.is_multicast


def embedded_ipv4(address: IPv4Address | IPv6Address) -> IPv4Address | None:
    """The IPv4 address an IPv6 one carries (mapped, compatible, SIIT, NAT64, 6to4), which the packets then reach."""
    if address.version == IPV4 or address.is_loopback or address.is_unspecified:  # ::1 and :: are themselves
        return None
    if address.ipv4_mapped or address.sixtofour:
        return address.ipv4_mapped or address.sixtofour
    if any(address in network for network in CARRIES_IPV4):
        return IPv4Address(int(address) & LAST_32_BITS)
    return None


def kind_of(address: IPv4Address | IPv6Address) -> str:
    """The word for why an address is refused."""
    address = embedded_ipv4(address) or address
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
