"""A form built again from a stored version's documents is the form its files make (`core.catalog.form_of_version`)."""

from __future__ import annotations

from core.catalog import form_of_version, version_translations
from core.forms import Catalog
from core.view.build import form_view


def test_every_sample_form_is_built_again_from_its_documents_alone(catalog: Catalog) -> None:
    assert catalog.forms
    for form in catalog.forms.values():
        again = form_of_version(form.id, form.documents, version_translations(form), catalog.agencies)
        assert (again.hash, again.meta, again.parts, again.part_versions) == (
            form.hash, form.meta, form.parts, form.part_versions)
        for lang in form.languages:
            assert form_view(again, lang) == form_view(form, lang), (form.id, lang)


def test_a_version_keeps_only_the_translations_of_its_own_texts(catalog: Catalog) -> None:
    form = catalog.forms["kantelu"]
    kept = version_translations(form)
    assert set(kept) == set(form.translations)
    for lang, catalog_of in kept.items():
        assert catalog_of and len(catalog_of) < len(form.translations[lang])
        assert form.title in catalog_of or lang == form.languages[0]
