"""Before the server forks its workers: load what every worker would load on its first
requests, then freeze the heap.

Without it each worker compiles every template, builds the URL reverse tables and
reads the translation catalogues on its first requests, and Python's collector keeps
re-scanning those long-lived objects: on the province benchmark a full collection in a
worker took 50–110 ms (a slow request every few hundred), against 5–15 ms once the
loaded objects are frozen (docs/benchmarks.md, finding 14). Frozen objects are never
scanned again and their memory pages stay shared between the forked workers.

Nothing here touches the database: a connection opened before the fork would be shared
by the workers.
"""

from __future__ import annotations

import gc
import logging
from pathlib import Path

from django.conf import settings
from django.template import TemplateSyntaxError, engines
from django.urls import get_resolver
from django.utils import translation

logger = logging.getLogger(__name__)

TEMPLATE_SUFFIXES = {".html", ".txt", ".xml"}


def template_names() -> list[str]:
    """Every template the Django engine can find, by the name it is loaded with."""
    names: set[str] = set()
    for engine in engines.all():
        for directory in engine.template_dirs:
            root = Path(directory)
            if not root.is_dir():
                continue
            for path in root.rglob("*"):
                if path.suffix in TEMPLATE_SUFFIXES and path.is_file():
                    names.add(path.relative_to(root).as_posix())
    return sorted(names)


def warm_up() -> int:
    """Compile every template into the cached loader, build the URL tables of every
    language and read the translation catalogues. Returns the number of templates."""
    compiled = 0
    engine = engines["django"]
    for name in template_names():
        try:
            engine.get_template(name)
        except TemplateSyntaxError:  # a fragment not meant to stand alone: left to load late
            logger.debug("template %s not compiled ahead", name)
            continue
        compiled += 1
    resolver = get_resolver()
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            translation.gettext("整改")
            resolver.reverse_dict  # noqa: B018 — builds the language's reverse table
    return compiled


def prepare_for_fork() -> int:
    """Warm up, collect, freeze: call in the server's parent process before it forks."""
    compiled = warm_up()
    gc.collect()
    gc.freeze()
    return compiled
