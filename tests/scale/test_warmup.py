"""Before forking workers the server loads templates, URL tables and catalogues, then
freezes the heap, without touching the database."""

from __future__ import annotations

import gc

import pytest
from django.template import engines
from django.template.loaders.cached import Loader as CachedLoader
from django.test import override_settings
from django.urls import get_resolver

from zhenggai.core.warmup import prepare_for_fork, template_names, warm_up

pytestmark = pytest.mark.django_db


def _cached_loader() -> CachedLoader:
    engines._engines = {}  # a fresh engine, so that the settings below apply
    [loader] = engines["django"].engine.template_loaders
    assert isinstance(loader, CachedLoader)
    return loader


def test_every_template_is_found_by_the_name_it_is_loaded_with() -> None:
    names = template_names()
    assert {"web/base.html", "web/ledger.html", "web/measure.html", "admin/base.html"} <= set(names)
    assert all(not name.startswith("/") for name in names)


@override_settings(DEBUG=False)
def test_warm_up_compiles_every_template_into_the_cache() -> None:
    try:
        loader = _cached_loader()
        assert loader.get_template_cache == {}
        compiled = warm_up()
        assert compiled == len(template_names())
        cached = {key.split("-", 1)[0] for key in loader.get_template_cache}
        assert {"web/ledger.html", "web/fragments/ledger_results.html"} <= cached
        # A page's first rendering now parses nothing.
        before = dict(loader.get_template_cache)
        engines["django"].get_template("web/ledger.html")
        assert loader.get_template_cache == before
    finally:
        engines._engines = {}


def test_url_tables_of_every_language_are_built() -> None:
    resolver = get_resolver()
    resolver._reverse_dict.clear()
    warm_up()
    assert {"zh-hans", "en"} <= set(resolver._reverse_dict)


def test_prepare_for_fork_freezes_the_heap_without_a_query(django_assert_num_queries) -> None:
    try:
        with django_assert_num_queries(0):
            prepare_for_fork()
        assert gc.get_freeze_count() > 10_000
    finally:
        gc.unfreeze()
