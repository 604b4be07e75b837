"""Accent folding of the search index (generator/site/search_fold.py)."""

from __future__ import annotations

from generator.site.search_fold import fold, fold_index, folded_words


def test_fold_removes_accents_and_splits_ligatures() -> None:
    assert fold("Fidélisation, cœur, Ærø, à") == "Fidelisation, coeur, AEro, a"


def test_only_words_that_change_are_added_once() -> None:
    assert folded_words("<p>Fidélisation de la <b>clientèle</b> ; fidélisation &amp; données</p>") == \
        "Fidelisation clientele fidelisation donnees"
    assert folded_words("<p>Artemis call centre</p>") == ""


def test_index_gets_folded_fields_with_the_boosts_of_title_and_text() -> None:
    index = {
        "config": {"fields": {"title": {"boost": 1000.0}, "text": {"boost": 1.0}}},
        "docs": [{"location": "a/", "title": "Fidélisation", "text": "<p>Sécurité</p>"},
                 {"location": "b/", "title": "Plain", "text": "plain"}],
    }
    folded = fold_index(index)
    assert folded["config"]["fields"]["title_folded"] == {"boost": 1000.0}
    assert folded["config"]["fields"]["text_folded"] == {"boost": 1.0}
    assert folded["docs"][0]["title_folded"] == "Fidelisation" and folded["docs"][0]["text_folded"] == "Securite"
    assert "title_folded" not in folded["docs"][1] and "text_folded" not in folded["docs"][1]
    assert fold_index(folded) == folded, "folding twice changes nothing"
