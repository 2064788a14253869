"""The dashboard's charts as ECharts options (plain dicts, so tests can read what a chart shows).

ECharts' `aria` option describes each chart to screen readers from its data; colours stay readable in dark mode
because the text colour follows the viewer's mode."""

from __future__ import annotations

import functools
import json
from datetime import date
from typing import Any

from nicegui import ui

from components.theme import PRIMARY


def bar_chart(
    title: str, labels: list[str], values: list[int], *, dark: bool, horizontal: bool = False, marker: str
) -> ui.echart:
    return (
        ui.echart(bar_options(title, labels, values, dark=dark, horizontal=horizontal))
        .classes('w-full h-72')
        .mark(marker)
    )


def bar_options(title: str, labels: list[str], values: list[int], *, dark: bool, horizontal: bool) -> dict[str, Any]:
    # tuples: NiceGUI wraps every list in the options in an observable of its own (memory on every open page)
    category = {'type': 'category', 'data': tuple(labels), 'axisLabel': {'interval': 0 if horizontal else 'auto'}}
    value = {'type': 'value', 'minInterval': 1}
    return {
        **_common(title, dark),
        'tooltip': {'trigger': 'axis'},
        'grid': {'left': 8, 'right': 40, 'top': 48, 'bottom': 8, 'containLabel': True},  # room for '1,000,000'
        'xAxis': value if horizontal else category,
        'yAxis': {**category, 'inverse': True} if horizontal else value,
        'series': [{'type': 'bar', 'name': title, 'data': tuple(values), 'itemStyle': {'color': PRIMARY}}],
    }


def recolour(chart: ui.echart, *, dark: bool) -> None:
    """Give a drawn chart the text colours of the other mode (ECharts draws text on a canvas: CSS cannot)."""
    common = _common(chart.options['title']['text'], dark)
    chart.options['title'] = common['title']
    chart.options['textStyle'] = common['textStyle']
    chart.update()


def day_labels(days: list[date]) -> list[str]:
    return [day.strftime('%d %b') for day in days]


def _common(title: str, dark: bool) -> dict[str, Any]:
    text = '#e0e0e0' if dark else '#212121'
    return {
        'title': {'text': title, 'left': 'left', 'textStyle': {'fontSize': 15, 'color': text}},
        'textStyle': {'color': text},
        'backgroundColor': 'transparent',
        'aria': {'enabled': True},
        'animation': False,
    }


def show_bars(changes: list[tuple[ui.echart, list[str], list[int]]]) -> None:
    """Put new labels and values on drawn bar charts in place (their colours, titles and sizes stay). Only those
    travel, as ECharts' own partial `setOption`, all the page's charts in one short script (hundreds of dashboards
    may be watching: assigning to the options would send each chart's whole options, a message per chart). The
    options kept here follow without being sent (plain dict assignment skips NiceGUI's change tracking), so a later
    full draw shows the same."""
    calls = []
    for chart, shown_labels, shown_values in changes:
        axis = 'yAxis' if chart.options['yAxis'].get('type') == 'category' else 'xAxis'
        labels, values = tuple(shown_labels), tuple(shown_values)  # copies: the figures may be shared
        dict.__setitem__(chart.options[axis], 'data', labels)
        dict.__setitem__(chart.options['series'][0], 'data', values)
        calls.append(f'runMethod({chart.id}, "run_chart_method", {_partial(axis, labels, values)});')
    if calls:
        ui.run_javascript(''.join(calls))


@functools.lru_cache(maxsize=16)  # the same for every page watching: written once per change
def _partial(axis: str, labels: tuple[str, ...], values: tuple[int, ...]) -> str:
    return json.dumps(['setOption', {axis: {'data': labels}, 'series': [{'data': values}]}])
