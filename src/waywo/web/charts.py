"""Charts drawn on the server as SVG geometry: bars per month, bars per hashtag."""

from dataclasses import dataclass

CHART_HEIGHT = 160
BAR_GAP = 2


@dataclass(frozen=True)
class Bar:
    """One bar: its label, its value, and where it is drawn."""

    label: str
    value: int
    x: float
    width: float
    height: float

    @property
    def y(self) -> float:
        """Return the top of the bar, with the baseline at the chart's bottom."""
        return CHART_HEIGHT - self.height


def bars(values: list[tuple[str, int]], width: float) -> list[Bar]:
    """Lay out one bar per value across ``width``, scaled to the largest."""
    if not values:
        return []
    peak = max(value for _, value in values) or 1
    slot = width / len(values)
    return [
        Bar(label, value, index * slot, max(slot - BAR_GAP, 1.0),
            CHART_HEIGHT * value / peak)
        for index, (label, value) in enumerate(values)
    ]  # fmt: skip
