"""What the phone tour finds, counted by rule: above all the targets too small for a finger (under 44 x 44 CSS px; a
link inside a sentence, under 24 px tall). A benchmark, not a test: it runs tests/browser/test_phone.py's tour in a
checkout of the app and counts what the test wrote to screenshots/phone-findings.txt (the test fails while anything
is found; the counts are what this is for).

    SE_OFFLINE=true .venv/bin/python bench/tap_targets.py                        # this tree
    SE_OFFLINE=true .venv/bin/python bench/tap_targets.py --root /tmp/before     # another checkout, with the test
                                                         # files (tests/browser/tour.py, test_phone.py, phone_audit.js)
    .venv/bin/python bench/tap_targets.py --count screenshots/phone-findings.txt # only count a file already written

"Seen" counts an element on every page visit that shows it (the header's buttons once a page); "distinct" counts
each element of each page once (by its address, kind, words and size, not its role or position).
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TEST = 'tests/browser/test_phone.py::test_every_page_of_every_role_fits_a_phone'
RULES = ('action failed', 'document overflow', 'hidden sideways', 'small target', 'no autocomplete')
FINDING = re.compile(rf'^(?P<role>\S+) (?P<url>\S+): (?P<rule>{"|".join(RULES)}): (?P<what>.*)$')


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--root', type=Path, default=ROOT, help='the checkout whose tour to run')
    parser.add_argument('--count', type=Path, help='count this findings file instead of running the tour')
    args = parser.parse_args()
    findings = args.count or run_the_tour(args.root)
    print(summary(findings.read_text().splitlines()))


def run_the_tour(root: Path) -> Path:
    """Run the phone tour in `root` with this Python; the findings file it wrote."""
    findings = root / 'screenshots' / 'phone-findings.txt'
    findings.unlink(missing_ok=True)  # a file left from an earlier run would be counted as this one's
    command = [sys.executable, '-m', 'pytest', '-q', '-p', 'no:cacheprovider', TEST]
    ran = subprocess.run(command, cwd=root, capture_output=True, text=True, check=False)
    if not findings.exists():
        raise SystemExit(f'the tour did not finish:\n{ran.stdout[-4000:]}{ran.stderr[-2000:]}')
    return findings


def summary(lines: list[str]) -> str:
    parsed = [match.groupdict() for line in lines if (match := FINDING.match(line))]
    report = [f'{"rule":<20} {"seen":>6} {"distinct":>9}']
    for rule in RULES:
        found = [f for f in parsed if f['rule'] == rule]
        report.append(f'{rule:<20} {len(found):>6} {len(distinct(found)):>9}')
    small = Counter(without_position(f['what']) for f in parsed if f['rule'] == 'small target')
    report += ['', 'small targets, most seen first:'] + [f'{n:>4} x {what}' for what, n in small.most_common()]
    return '\n'.join(report)


def distinct(found: list[dict[str, str]]) -> set[tuple[str, str]]:
    return {(f['url'], without_position(f['what'])) for f in found}


def without_position(what: str) -> str:
    return re.sub(r' at \(-?\d+,-?\d+\)$', '', what)


if __name__ == '__main__':
    main()
