"""The navigation table (generator/data/nav.yaml) turned into MkDocs' nav."""

from __future__ import annotations

from generator.site import nav

TABLE = [
    {"page": "index.md", "title": "site.nav.home"},
    {"section": "site.nav.register", "pages": ["registre.md"]},
    {"section": "site.nav.sheets", "pages": ["activites/*.md"]},
    {"section": "site.nav.guide", "pages": ["absent.md"]},
]


def test_pages_go_to_their_section_in_generation_order() -> None:
    paths = ["registre.md", "activites/b.md", "index.md", "activites/a.md", "other.md"]
    assert nav.build(paths, "fr", TABLE) == [
        {"Accueil": "index.md"},
        {"Registre": ["registre.md"]},
        {"Fiches de registre": ["activites/b.md", "activites/a.md"]},
        "other.md",
    ]


def test_sections_are_labelled_in_the_site_language() -> None:
    assert nav.build(["index.md", "registre.md"], "en", TABLE) == [{"Home": "index.md"}, {"Register": ["registre.md"]}]


def test_the_shipped_table_places_every_page_of_the_site() -> None:
    paths = ["index.md", "organisation.md", "registre.md", "inventaire.md", "destinataires.md",
             "activites/x.md", "contribuer.md"]
    built = nav.build(paths, "fr")
    assert built[0] == {"Accueil": "index.md"}
    assert all(not isinstance(item, str) for item in built), built


def test_the_navigation_does_not_grow_with_the_register() -> None:
    """Sheets and process pages are reached from the register's pages, not from the navigation:
    its size is the same at 10 and at 10,000 activities."""
    def pages(n: int) -> list[str]:
        return ["index.md", "registre.md", "processus/index.md", *(f"activites/a{i}.md" for i in range(n)),
                *(f"processus/p{i}.md" for i in range(n // 10)), "contribuer.md"]

    small, large = nav.build(pages(10), "fr"), nav.build(pages(10_000), "fr")
    assert small == large
    assert "activites/a0.md" not in repr(large) and "processus/index.md" in repr(large)
