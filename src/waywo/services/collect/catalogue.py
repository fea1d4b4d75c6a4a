"""Which threads exist: the ones we know of, and how a user names one."""

import calendar
import re
from dataclasses import dataclass
from datetime import UTC, datetime

from waywo.errors import InvalidInputError

TITLE_PATTERN = re.compile(r"^Ask HN: What are you working on\??", re.IGNORECASE)
MONTHS = {name.lower(): number for number, name in enumerate(calendar.month_name)}
MONTH_IN_TITLE = re.compile(
    r"\((" + "|".join(name for name in MONTHS if name) + r")\s+(\d{4})\)",
    re.IGNORECASE,
)
ITEM_URL = re.compile(r"^https?://news\.ycombinator\.com/item\?(?:.*&)?id=(\d+)")


@dataclass(frozen=True)
class KnownThread:
    """A monthly thread whose HN id is known."""

    year: int
    month: int
    item_id: int


# The monthly threads by david927, from shared/data/hn/waywo_thread_ids.tsv
# (status "primary"). Newer months are found by discovery; no code change needed.
KNOWN_THREADS = tuple(
    KnownThread(year, month, item_id)
    for year, month, item_id in (
        (2022, 3, 30516198), (2022, 4, 30883352), (2022, 5, 31236618),
        (2022, 7, 31949485), (2022, 8, 32309210), (2022, 9, 32681062),
        (2022, 11, 33424045), (2022, 12, 33820336), (2023, 2, 34613562),
        (2023, 3, 34990814), (2023, 7, 36575659), (2023, 8, 36957782),
        (2023, 9, 37353702), (2023, 11, 38099264), (2023, 12, 38491720),
        (2024, 1, 38848030), (2024, 2, 39221855), (2024, 4, 39899192),
        (2024, 5, 40237053), (2024, 6, 40616305), (2024, 7, 40846582),
        (2024, 8, 41342017), (2024, 9, 41690087), (2024, 10, 41966114),
        (2025, 2, 43154065), (2025, 3, 43527452), (2025, 4, 43815523),
        (2025, 5, 44090387), (2025, 6, 44416093), (2025, 7, 44702833),
        (2025, 8, 45027862), (2025, 9, 45376210), (2025, 10, 45561428),
        (2025, 11, 45869146), (2025, 12, 46264491), (2026, 1, 46577242),
        (2026, 2, 46937696), (2026, 3, 47303111), (2026, 4, 47741527),
        (2026, 5, 48085993), (2026, 6, 48528779), (2026, 7, 48884984),
        (2026, 8, 49233423), (2026, 9, 49686380),
    )
)  # fmt: skip


def parse_thread_reference(reference: str | int) -> int:
    """Return the HN item id of ``12345`` or ``https://news.ycombinator.com/item?id=12345``."""
    text = str(reference).strip()
    if text.isdigit() and int(text) > 0:
        return int(text)
    match = ITEM_URL.match(text)
    if match:
        return int(match.group(1))
    raise InvalidInputError(
        f"Not an HN item id or URL: {text!r} "
        "(expected 12345 or https://news.ycombinator.com/item?id=12345)"
    )


def is_waywo_title(title: str) -> bool:
    """Tell whether a story title is a "What are you working on?" thread."""
    return bool(TITLE_PATTERN.match(title.strip()))


def names_its_month(title: str) -> bool:
    """Tell whether a title says its month, as the monthly threads' titles do."""
    return MONTH_IN_TITLE.search(title) is not None


def thread_month(title: str | None, posted_at: int) -> tuple[int, int]:
    """Return the (year, month) a thread is about: its title's, else its post date's."""
    match = MONTH_IN_TITLE.search(title or "")
    if match:
        return int(match.group(2)), MONTHS[match.group(1).lower()]
    posted = datetime.fromtimestamp(posted_at, UTC)
    return posted.year, posted.month
