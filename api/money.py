"""Money in the API: whole paise with the currency, never a float (design.md: money is integer paise)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

CURRENCY = 'INR'


class Money(BaseModel):
    amount: int = Field(description='In paise: 79900 is ₹799.00', examples=[79900])
    currency: Literal['INR'] = CURRENCY


def paise(amount: int) -> Money:
    return Money(amount=amount)
