"""Version history in the admin: a revert follows the change form's rules, for every model with history."""

import pytest
from django.contrib import admin
from django.contrib.auth.models import Permission
from django.forms.models import model_to_dict
from django.urls import reverse
from simple_history.admin import SimpleHistoryAdmin
from simple_history.utils import get_history_manager_for_model

from releases.history_admin import HistoryAdmin
from releases.models import Category, Country, Release, ReleaseRevision
from tests import factories

pytestmark = pytest.mark.django_db

# Every admin with history, as registered (a new one is covered without editing this file).
HISTORY_MODELS = [model for model, model_admin in admin.site._registry.items() if isinstance(model_admin, SimpleHistoryAdmin)]


def make(model):
    """One row of `model` from its factory (a published release: an Editor may not change it)."""
    obj = getattr(factories, f"{model.__name__}Factory")()
    obj.save()  # a version to revert to, also for a row made before history was kept
    return obj


def hand_made_post(obj):
    """Every stored value, with each text field rewritten: what a hand-made POST would send."""
    data = {}
    for name, value in model_to_dict(obj).items():
        if value is None or hasattr(value, "name"):  # empty, or a file
            continue
        if isinstance(value, list):
            data[name] = [getattr(item, "pk", item) for item in value]
        elif isinstance(value, str) and value and not obj._meta.get_field(name).choices:
            data[name] = f"{value}-x"
        else:
            data[name] = value
    return data


def urls(obj):
    opts = obj._meta
    version = get_history_manager_for_model(obj).first()
    return [
        reverse(f"admin:{opts.app_label}_{opts.model_name}_history", args=[obj.pk]),
        reverse(f"admin:{opts.app_label}_{opts.model_name}_simple_history", args=[obj.pk, version.history_id]),
    ]


def test_history_models_are_found():
    assert {model.__name__ for model in HISTORY_MODELS} >= {"Release", "Official", "Category"}


@pytest.mark.parametrize("model", HISTORY_MODELS, ids=lambda model: model.__name__)
def test_every_history_admin_uses_the_guarded_base(model):
    assert isinstance(admin.site._registry[model], HistoryAdmin)


@pytest.mark.parametrize("model", HISTORY_MODELS, ids=lambda model: model.__name__)
def test_staff_who_may_only_view_cannot_change_anything_through_history(model, client):
    viewer = factories.make_user("viewer")
    viewer.user_permissions.set(Permission.objects.filter(codename__startswith="view_", content_type__app_label="releases"))
    obj = make(model)
    before = model_to_dict(obj)
    factories.login_verified(client, viewer)
    history, revert = urls(obj)
    assert client.get(revert).status_code == 200  # viewing a version stays allowed
    client.post(history, hand_made_post(obj))
    assert client.post(revert, hand_made_post(obj)).status_code == 403
    obj.refresh_from_db()
    assert model_to_dict(obj) == before


@pytest.mark.parametrize("model", HISTORY_MODELS, ids=lambda model: model.__name__)
def test_an_editors_revert_is_allowed_exactly_when_the_change_form_allows_it(model, client, editor, rf):
    obj = make(model)
    before = model_to_dict(obj)
    request = rf.get("/")
    request.user = editor
    may_change = admin.site._registry[model].has_change_permission(request, obj)
    factories.login_verified(client, editor)
    history, revert = urls(obj)
    client.post(history, hand_made_post(obj))
    response = client.post(revert, hand_made_post(obj))
    obj.refresh_from_db()
    if may_change and model is Release and obj.is_published():
        # An Editor's change to a live release, a revert included, waits for a Publisher.
        assert response.status_code == 302
        assert model_to_dict(obj) == before
        assert ReleaseRevision.objects.filter(release=obj, author=editor).exists()
    elif may_change:
        # Saved through the admin's own save_model, which records who did it.
        assert response.status_code == 302
        assert model_to_dict(obj) != before
        assert get_history_manager_for_model(obj).first().history_user == editor
    else:
        assert response.status_code == 403
        assert model_to_dict(obj) == before


def test_an_editor_cannot_rewrite_a_category_slug(client, editor):
    category = make(Category)
    factories.login_verified(client, editor)
    data = {"name_th": "แก้", "name_en": "Hacked", "slug": "hacked", "order": 0}
    assert client.post(urls(category)[1], data).status_code == 403
    category.refresh_from_db()
    assert category.slug == "press-release"



def posted_back(response):
    """The values a version's form shows, as the browser would post them."""
    form = response.context["adminform"].form
    data = {}
    for name, field in form.fields.items():
        value = form[name].value()
        if isinstance(value, (list, tuple)):
            data[name] = [str(item) for item in value]
        elif value is not None and not isinstance(value, bool):
            data[name] = field.widget.format_value(value)
    return data


def release_with_two_country_versions(**traits):
    """A release first about Myanmar, then (a later version) about Cambodia: (release, first version)."""
    release = factories.ReleaseFactory(**traits)
    release.countries.add(factories.CountryFactory())
    Release.objects.get(pk=release.pk).countries.set([factories.CountryFactory(code="KH", name_th="กัมพูชา", name_en="Cambodia")])
    return release, release.history.last()


def test_the_history_page_shows_who_changed_the_countries(client, editor):
    from tests.images.photos import change_url, form_data

    release = factories.ReleaseFactory(draft=True)
    myanmar = factories.CountryFactory()
    factories.login_verified(client, editor)
    data = form_data(client.get(change_url(release)))
    assert client.post(change_url(release), {**data, "countries": [str(myanmar.pk)]}).status_code == 302
    latest = release.history.first()
    assert release.history.count() == 2  # the save and its countries are one version
    assert latest.history_user == editor and [row.country_id for row in latest.countries.all()] == [myanmar.pk]
    page = client.get(urls(release)[0]).content.decode()
    assert "เมียนมา" in page and editor.username in page


def test_a_versions_form_shows_the_countries_of_that_version(client, editor):
    release, first = release_with_two_country_versions(draft=True)
    factories.login_verified(client, editor)
    response = client.get(reverse("admin:releases_release_simple_history", args=[release.pk, first.history_id]))
    assert posted_back(response)["countries"] == [str(Country.objects.get(code="MM").pk)]


def test_reverting_restores_the_countries_for_who_may_change_the_release(client, editor):
    release, first = release_with_two_country_versions(draft=True)
    factories.login_verified(client, editor)
    revert = reverse("admin:releases_release_simple_history", args=[release.pk, first.history_id])
    assert client.post(revert, posted_back(client.get(revert))).status_code == 302
    assert [country.code for country in release.countries.all()] == ["MM"]
    assert release.history.first().history_user == editor


def test_an_editors_revert_of_a_live_releases_countries_waits_for_a_publisher(client, editor):
    release, first = release_with_two_country_versions()
    factories.login_verified(client, editor)
    revert = reverse("admin:releases_release_simple_history", args=[release.pk, first.history_id])
    assert client.post(revert, posted_back(client.get(revert))).status_code == 302
    assert [country.code for country in release.countries.all()] == ["KH"]


def test_staff_who_may_only_view_cannot_revert_countries(client):
    viewer = factories.make_user("viewer")
    viewer.user_permissions.set(Permission.objects.filter(codename__startswith="view_", content_type__app_label="releases"))
    release, first = release_with_two_country_versions(draft=True)
    factories.login_verified(client, viewer)
    revert = reverse("admin:releases_release_simple_history", args=[release.pk, first.history_id])
    assert client.post(revert, posted_back(client.get(revert))).status_code == 403
    assert [country.code for country in release.countries.all()] == ["KH"]
