"""The ledger's hot-path helpers write what Django's own rendering writes."""

from __future__ import annotations

import pytest
from django import forms
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from zhenggai.web.links import object_url
from zhenggai.web.widgets import FastCheckbox, FastSelect

labels = st.text(alphabet=st.sampled_from(list("问题<>&\"' ab1")), max_size=6)
values = st.one_of(st.integers(-3, 99), st.text(alphabet="ab<&\"'", max_size=3))
options = st.lists(st.tuples(values, labels), max_size=5)
choices = st.lists(
    st.one_of(st.tuples(values, labels), st.tuples(labels.filter(bool), options)), max_size=6
)
attrs = st.one_of(
    st.none(),
    st.fixed_dictionaries(
        {"id": st.just("id_x")},
        optional={
            "required": st.booleans(),
            "data-x": st.text(alphabet='a&"<', max_size=3),
            "disabled": st.booleans(),
        },
    ),
)


@given(choices=choices, value=st.one_of(st.none(), values), attrs=attrs)
def test_fast_select_writes_what_django_select_writes(choices, value, attrs):
    expected = forms.Select(choices=choices).render("field", value, attrs)
    assert FastSelect(choices=choices).render("field", value, attrs) == expected


def test_fast_select_marks_the_chosen_option_in_a_bound_form():
    class Form(forms.Form):
        pick = forms.TypedChoiceField(
            choices=[("", "全部"), (1, "一"), (2, "二")], coerce=int, widget=FastSelect
        )

    html = str(Form({"pick": "2"})["pick"])
    assert '<option value="2" selected>二</option>' in html
    assert '<option value="1">一</option>' in html
    assert 'id="id_pick"' in html


@pytest.mark.parametrize("name", ["web:measure.detail", "web:problem.detail", "web:ledger"])
@pytest.mark.parametrize("pk", [1, 9, 10, 987, 1234567])
def test_object_url_is_the_reversed_path(name, pk):
    assert object_url(name, pk) == reverse(name, args=[pk])


def test_object_url_follows_the_script_prefix():
    from django.urls import set_script_prefix

    set_script_prefix("/zg/")
    try:
        assert object_url("web:measure.detail", 7) == "/zg/measures/7/"
    finally:
        set_script_prefix("/")
    assert object_url("web:measure.detail", 7) == "/measures/7/"


@given(
    value=st.one_of(st.none(), st.booleans(), st.text(alphabet="on<&\"'", max_size=3)), attrs=attrs
)
def test_fast_checkbox_writes_what_django_checkbox_writes(value, attrs):
    expected = forms.CheckboxInput().render("field", value, attrs)
    assert FastCheckbox().render("field", value, attrs) == expected


#: The ledger template's loop over the filter bar before ``LedgerFilterForm.bar``.
FILTER_LOOP = """{% for field in form %}
    {% if field.name == "overdue" %}
      <div class="field field--check">
        {{ field }} <label for="{{ field.id_for_label }}">{{ field.label }}</label>
      </div>
    {% else %}
      <div class="field">
        <label for="{{ field.id_for_label }}">{{ field.label }}</label>
        {{ field }}
      </div>
    {% endif %}
  {% endfor %}"""


def _tokens(html: str) -> list[str]:
    return " ".join(html.split()).replace("> <", "><").split("><")


@pytest.mark.django_db
@pytest.mark.parametrize("tab", ["ledger", "problems", "responsibility"])
@pytest.mark.parametrize(
    "query",
    [{}, {"status": "closed", "overdue": "on", "sort": "light"}, {"category": "x", "leader": "9"}],
)
def test_the_filter_bar_is_what_the_template_loop_wrote(world, tab, query):
    from django.template import engines

    from zhenggai.web.filters import LedgerFilterForm

    inspection = world.a.inspection
    form = LedgerFilterForm({**query, "tab": tab}, inspection=inspection, tab=tab)
    form.values()
    loop = engines["django"].from_string(FILTER_LOOP).render({"form": form})
    assert _tokens(form.bar()) == _tokens(loop)
    assert ("checked" in form.bar()) == ("overdue" in query)
