"""Message text from Jinja2 templates (services/messaging/templates/): an HTML email part (autoescaped: a customer
may be called `<script>`), a plain text part for email and Google Chat, and a short text for SMS."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from settings import get_settings

TEMPLATES = Path(__file__).with_name('templates')
MAX_SUBJECT = 200
MAX_SHORT = 320  # two SMS segments


@dataclass(frozen=True, slots=True)
class Message:
    """One message in every form a channel needs; the outbox keeps the one its channel uses."""

    subject: str
    text: str
    html: str
    short: str


@dataclass(frozen=True, slots=True)
class Attachment:
    """A file an email carries (the monthly report's PDF)."""

    filename: str
    content_type: str  # e.g. 'application/pdf'
    content: bytes


def render(template: str, **context: Any) -> Message:
    """`<template>.subject.txt`, `.txt`, `.html` and `.sms.txt` rendered with the same context (plus `app_url`)."""
    context = {'app_url': get_settings().public_url, **context}
    part = functools.partial(_render, context=context)
    return Message(
        subject=' '.join(part(f'{template}.subject.txt').split())[:MAX_SUBJECT],
        text=part(f'{template}.txt').strip() + '\n',
        html=part(f'{template}.html'),
        short=' '.join(part(f'{template}.sms.txt').split())[:MAX_SHORT],
    )


def _render(name: str, *, context: dict[str, Any]) -> str:
    return _environment().get_template(name).render(**context)


@functools.cache
def _environment() -> Environment:
    return Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(['html']),
        undefined=StrictUndefined,  # a missing value is a bug to see in tests, not an empty gap in a message
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
