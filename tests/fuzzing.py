"""How many examples a property test draws: its own count in `make test`, many more under `make fuzz`."""

from __future__ import annotations

from hypothesis import settings

FUZZ_FACTOR = 50  # make fuzz: fifty times each test's own count, drawn at random


def examples(count: int) -> int:
    """`count` under the derandomized 'ci' profile; FUZZ_FACTOR times more under 'fuzz'."""
    return count * FUZZ_FACTOR if settings.get_current_profile_name() == 'fuzz' else count
