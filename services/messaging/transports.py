"""Sending one message: email over SMTP (none / STARTTLS / implicit TLS, a plain and an HTML part), a Google Chat
incoming webhook (JSON {"text": ...}) and an SMS gateway (JSON over HTTPS, fields and auth header from settings).

This is the delivery boundary: everything SMTP and HTTP can throw is caught here and turned into `Undelivered`,
which says whether trying again later may help (a timeout, a 5xx, a 4xx from SMTP) or not (a 5xx from SMTP, a 4xx
from HTTP), or `NotConfigured` when this site has not set the channel up."""

from __future__ import annotations

import contextlib
import json
import re
import smtplib
import ssl
import urllib.error
import urllib.request
from dataclasses import dataclass
from email.errors import HeaderParseError
from email.headerregistry import Address
from email.message import EmailMessage
from urllib.parse import urlsplit

from models.enums import NotificationChannel
from services.messaging.render import Attachment
from settings import Settings, get_settings

MAX_ERROR = 500
PERMANENT_SMTP = 500  # SMTP 5xx: the server will not take it; 4xx: try again later
# With every 5xx the other side may take it later; 401 and 403 are the site's key, not the message: fix it and wait.
RETRY_HTTP = frozenset({401, 403, 408, 429})
SERVER_ERROR = 500
CHAT_HOST = 'chat.googleapis.com'


@dataclass(frozen=True, slots=True)
class Outgoing:
    """What one delivery attempt sends (read from the outbox row while it is leased)."""

    id: int
    channel: NotificationChannel
    address: str
    subject: str
    text: str
    html: str | None
    key: str
    unsubscribe_url: str | None = None
    attachments: tuple[Attachment, ...] = ()
    secret: str = ''  # a webhook's: its endpoint's secret as it is now ('' while the endpoint is switched off)


class Undelivered(Exception):
    """The message did not go out; `transient` when trying again later may help."""

    def __init__(self, reason: str, *, transient: bool) -> None:
        super().__init__(reason[:MAX_ERROR])
        self.transient = transient


class NotConfigured(Exception):
    """This site has no setup for the channel (no SMTP host, no SMS gateway), or the recipient has no address."""


class Sender:
    """Sends a run's messages, one at a time, keeping one SMTP connection open across them (a message that fails
    drops it, so the next one starts on a fresh connection). Use it as a context manager."""

    def __init__(self) -> None:
        self.settings = get_settings()
        self._smtp: smtplib.SMTP | None = None

    def __enter__(self) -> Sender:
        return self

    def __exit__(self, *_: object) -> None:
        self._drop_smtp(quit_first=True)

    def send(self, message: Outgoing) -> None:
        """Send one message on its channel, or raise Undelivered / NotConfigured."""
        if not message.address:
            raise NotConfigured(f'The recipient has no {message.channel.value.replace("_", " ")} address.')
        if message.channel is NotificationChannel.EMAIL:
            self.send_email(message)
        elif message.channel is NotificationChannel.GOOGLE_CHAT:
            post_json(chat_url(message.address, self.settings), {'text': message.text}, settings=self.settings)
        elif message.channel is NotificationChannel.WEBHOOK:
            from services.messaging.webhook_transport import send_webhook  # noqa: PLC0415 (it imports this module)

            send_webhook(message, self.settings)
        else:
            send_sms(message, self.settings)

    def send_email(self, message: Outgoing) -> None:
        if not self.settings.smtp_host:
            raise NotConfigured('Email is not configured: set smtp_host (HSA_SMTP_HOST).')
        email = _email(message, self.settings)
        if self._smtp is not None:
            try:
                self._smtp.send_message(email, to_addrs=[message.address])
            except smtplib.SMTPServerDisconnected:  # it closed our idle connection: that says nothing of this message
                self._drop_smtp(quit_first=False)
            except (OSError, smtplib.SMTPException) as failure:
                self._drop_smtp(quit_first=False)
                raise _undelivered(failure, self.settings) from None
            else:
                return
        self._smtp = _smtp_or_undelivered(self.settings)
        try:
            self._smtp.send_message(email, to_addrs=[message.address])
        except (OSError, smtplib.SMTPException) as failure:
            self._drop_smtp(quit_first=False)
            raise _undelivered(failure, self.settings) from None

    def _drop_smtp(self, *, quit_first: bool) -> None:
        smtp, self._smtp = self._smtp, None
        if smtp is not None:
            with contextlib.suppress(OSError, smtplib.SMTPException):
                smtp.quit() if quit_first else smtp.close()


def _smtp_or_undelivered(settings: Settings) -> smtplib.SMTP:
    """A logged-in connection to the SMTP server, or Undelivered saying why not. Failing to connect or to log in
    says nothing about the message (a wrong password, a relay that is down): it is always tried again later."""
    try:
        smtp = _smtp(settings)
        if settings.smtp_user:
            smtp.login(settings.smtp_user, settings.smtp_password)
    except (OSError, smtplib.SMTPException) as failure:
        reason = _undelivered(failure, settings)
        raise Undelivered(f'cannot reach or sign in to the mail server: {reason}', transient=True) from None
    return smtp


def _undelivered(failure: BaseException, settings: Settings) -> Undelivered:
    """What SMTP threw, as an outcome: a 4xx or a network failure may pass later, a 5xx will not."""
    if isinstance(failure, smtplib.SMTPResponseException):
        transient = failure.smtp_code < PERMANENT_SMTP
        return Undelivered(f'SMTP {failure.smtp_code}: {_text(failure.smtp_error)}', transient=transient)
    if isinstance(failure, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _ in failure.recipients.values()]
        transient = all(code < PERMANENT_SMTP for code in codes)
        return Undelivered(f'SMTP refused the recipient: {failure.recipients}', transient=transient)
    if isinstance(failure, smtplib.SMTPNotSupportedError):  # e.g. an address that needs SMTPUTF8: it will not pass
        return Undelivered(f'SMTP: {failure}', transient=False)
    return Undelivered(f'SMTP {settings.smtp_host}:{settings.smtp_port}: {failure!r}', transient=True)


def send_sms(message: Outgoing, settings: Settings) -> None:
    if not settings.sms_gateway_url:
        raise NotConfigured('SMS is not configured: set sms_gateway_url (HSA_SMS_GATEWAY_URL).')
    headers = {}
    if settings.sms_auth_header:
        name, _, value = settings.sms_auth_header.partition(':')
        headers[name.strip()] = value.strip()
    body = {settings.sms_to_field: message.address, settings.sms_text_field: message.text}
    post_json(settings.sms_gateway_url, body, settings=settings, headers=headers)


def chat_url(webhook_url: str, settings: Settings) -> str:
    """The user's webhook (always on https://chat.googleapis.com/) posted through `chat_base_url`, which is that
    same address unless the operator routes it through a proxy (or a test points it at a local server)."""
    parts = urlsplit(webhook_url)
    if parts.netloc != CHAT_HOST:
        raise Undelivered('The Google Chat webhook URL is not on chat.googleapis.com.', transient=False)
    query = f'?{parts.query}' if parts.query else ''
    return f'{settings.chat_base_url.rstrip("/")}{parts.path}{query}'


def post_json(url: str, body: dict[str, str], *, settings: Settings, headers: dict[str, str] | None = None) -> None:
    """POST `body` as JSON; a 2xx answer is delivered; 408, 429 and 5xx may pass later, other answers will not."""
    request = urllib.request.Request(
        url,
        data=json.dumps(body).encode(),
        headers={'Content-Type': 'application/json; charset=UTF-8', **(headers or {})},
        method='POST',
    )
    try:
        with urllib.request.urlopen(request, timeout=settings.delivery_timeout_seconds) as answer:
            answer.read(1024)
    except urllib.error.HTTPError as refusal:
        transient = refusal.code in RETRY_HTTP or refusal.code >= SERVER_ERROR
        raise Undelivered(
            f'HTTP {refusal.code} from {_host(url)}: {_text(refusal.read(300))}', transient=transient
        ) from None
    except OSError as failure:  # refused, reset, DNS, timeout (socket.timeout is an OSError)
        raise Undelivered(f'{_host(url)}: {failure!r}', transient=True) from None
    except ValueError:  # a malformed URL in settings: its text may carry a key, so it is not repeated
        raise Undelivered(f'{_host(url)}: the URL is not one that can be posted to', transient=False) from None


def _smtp(settings: Settings) -> smtplib.SMTP:
    timeout = settings.delivery_timeout_seconds
    if settings.smtp_security == 'tls':
        return smtplib.SMTP_SSL(settings.smtp_host, settings.smtp_port, timeout=timeout, context=_tls(settings))
    smtp = smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=timeout)
    if settings.smtp_security == 'starttls':
        smtp.starttls(context=_tls(settings))
    return smtp


def _email(message: Outgoing, settings: Settings) -> EmailMessage:
    email = EmailMessage()
    email['From'] = settings.smtp_from
    email['To'] = _recipient(message.address)
    email['Subject'] = message.subject
    # The same key gives the same Message-ID, so a message sent twice (the at-least-once window) threads as one.
    email['Message-ID'] = f'<{re.sub(r"[^A-Za-z0-9.-]", ".", message.key)}@household-services.invalid>'
    if message.unsubscribe_url:  # RFC 8058: mail clients offer "Unsubscribe", one POST, no sign-in
        email['List-Unsubscribe'] = f'<{message.unsubscribe_url}>'
        email['List-Unsubscribe-Post'] = 'List-Unsubscribe=One-Click'
    email.set_content(message.text)
    if message.html:
        email.add_alternative(message.html, subtype='html')
    for attachment in message.attachments:
        maintype, _, subtype = attachment.content_type.partition('/')
        email.add_attachment(attachment.content, maintype=maintype, subtype=subtype, filename=attachment.filename)
    return email


def _recipient(address: str) -> Address:
    """The one mailbox an address names. Text that would parse as several (a comma, angle brackets) is refused:
    the message goes to the account's own address or nowhere."""
    try:
        recipient = Address(addr_spec=address)
    except (ValueError, IndexError, HeaderParseError) as problem:  # e.g. a non-ASCII local part needs SMTPUTF8
        raise Undelivered(f'{address!r} cannot be sent to as one mailbox: {problem}', transient=False) from None
    if recipient.addr_spec != address:
        raise Undelivered(f'{address!r} cannot be sent to as one mailbox', transient=False)
    return recipient


def _tls(settings: Settings) -> ssl.SSLContext:
    """Certificates are always checked: against `smtp_ca_file` when set (a private CA), else the system's CAs."""
    return ssl.create_default_context(cafile=settings.smtp_ca_file or None)


def _host(url: str) -> str:
    """Where a URL points, without any user or password in it (an error shown to admins must not carry them)."""
    parts = urlsplit(url)
    return f'{parts.hostname}:{parts.port}' if parts.port else parts.hostname or 'the configured URL'


def _text(raw: bytes | str) -> str:
    return (raw.decode('utf-8', 'replace') if isinstance(raw, bytes) else raw).strip()
