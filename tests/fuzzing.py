"""How many examples a property test draws (its own count in `make test`, many more under `make fuzz`), and what
arbitrary input looks like: ids that only look like ids, and junk of every type a page, a form or a caller could
pass."""

from __future__ import annotations

from datetime import UTC

from hypothesis import settings
from hypothesis import strategies as st

FUZZ_FACTOR = 50  # make fuzz: fifty times each test's own count, drawn at random

# Text that `str.isdigit` takes but `int` refuses or misreads, signs and spaces, and numbers past every column.
CRAFTED_IDS = ['²', '①', '\u0663', '\uff11', ' 1', '+1', '-1', '1.0', '0x1', '1\n', '99999999999999999999999']
EXTREME_INTS = [0, -1, 2**31 - 1, 2**31, 2**63 - 1, 2**63, 2**64, 10**30, -(2**63) - 1]
ODD_IDS = st.one_of(st.sampled_from(CRAFTED_IDS), st.sampled_from(EXTREME_INTS))
JUNK = st.one_of(
    st.none(),
    st.booleans(),
    st.text(max_size=40),  # NUL and every other control character included
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.lists(st.integers(min_value=-3, max_value=3), max_size=2),
    st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
    st.binary(max_size=8),
    st.dates(),
    st.datetimes(),
    st.datetimes(timezones=st.just(UTC)),
)


def examples(count: int) -> int:
    """`count` under the derandomized 'ci' profile; FUZZ_FACTOR times more under 'fuzz'."""
    return count * FUZZ_FACTOR if settings.get_current_profile_name() == 'fuzz' else count
