"""``ropa new activity``: the sheet it writes, what validate says of it, and once filled in."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import Runner

from generator.cli import main
from generator.lint.review_rules import placeholders
from generator.lint.runner import load_register

MARK = "À COMPLÉTER"

# What an author writes in place of each placeholder: by (enclosing top-level key, key).
FILL = {
    ("ref", "ref"): "RT-99",
    ("name", "name"): "Gestion des candidatures",
    ("description", "description"): "Réception et examen des candidatures reçues.",
    ("controller", "controller"): "artemis",
    ("joint_controllers", "-"): "artemis-partenaire",
    ("purposes", "main"): "Recrutement",
    ("processing_operations", "-"): "collection",
    ("legal_basis", "basis"): "contract",
    ("legal_basis", "details"): "Mesures précontractuelles prises à la demande du candidat.",
    ("data_subjects", "category"): "candidates",
    ("data_subjects", "description"): "Candidats à un emploi",
    ("data_categories", "category"): "professional_life",
    ("data_categories", "description"): "CV, lettre de motivation",
    ("data_categories", "duration"): "P2Y",
    ("data_categories", "starts"): "le dernier contact avec le candidat",
    ("data_categories", "end_action"): "deletion",
    ("recipients", "type"): "internal_service",
    ("recipients", "name"): "Service des ressources humaines",
    ("recipients", "details"): "Examen des candidatures.",
    ("security_measures", "type"): "access_control",
    ("security_measures", "details"): "Accès réservé au service RH.",
}


def fill(text: str) -> str:
    """Replace every placeholder as an author would, using the key it stands for."""
    out = []
    section = ""
    for line in text.splitlines(keepends=True):
        top = re.match(r"^([a-z_]+):", line)
        if top:
            section = top.group(1)
        if MARK in line and not line.lstrip().startswith("#"):
            key = re.match(r"^\s*(?:- )?([a-z_]+):", line)
            name = key.group(1) if key else "-"
            line = line.replace(MARK, FILL[(section, name)])
        out.append(line)
    return "".join(out)


def new(root: Path, *args: str) -> int:
    """``ropa new activity`` in CentreCall's register: French, its language (``--lang`` would
    write the sheet's comments, and say its messages, in another)."""
    return main(["new", "activity", *args, "--root", str(root)])


@pytest.mark.parametrize("role", ["controller", "processor"])
def test_new_sheet_names_its_placeholders_then_validates(
    centrecall: Path, role: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("ROPA_TODAY", "2026-11-02")
    assert new(centrecall, "gestion-candidatures", "--role", role) == 0
    assert "remplacez ses" in capsys.readouterr().err
    sheet = centrecall / "register/activities/gestion-candidatures.yaml"
    text = sheet.read_text(encoding="utf-8")
    assert text.startswith("# yaml-language-server: $schema=../../schema/activity.schema.json\n")
    assert f"role: {role}\n" in text and "created: 2026-11-02\n" in text and "updated: 2026-11-02\n" in text
    assert (
        "# Base légale (art. 6.1), l'une de :" in text
        if role == "controller"
        else "controller: " + MARK in text
    )
    if role == "processor":
        assert "(parties connues : artemis)" in text  # the organisation's controllers are listed
    lines = [i for i, line in enumerate(text.splitlines(), 1) if MARK in line and not line.startswith("#")]

    reg = load_register(centrecall)
    placeholder_lines = sorted(d.line for d in reg.diagnostics if d.rule == "placeholder")
    assert placeholder_lines == lines  # every placeholder is reported, on its own line
    assert all(d.file.endswith("gestion-candidatures.yaml") for d in reg.diagnostics)
    assert not reg.ok

    sheet.write_text(fill(text), encoding="utf-8")
    reg = load_register(centrecall)
    assert [d.text() for d in reg.diagnostics] == []


def test_joint_controller_sheet(centrecall: Path) -> None:
    org = centrecall / "register/organization.yaml"
    org.write_text(
        org.read_text(encoding="utf-8")
        + (
            "  - id: artemis-partenaire\n    name: Partenaire\n    kind: joint_controller\n"
            "    address: {street: 1 rue A, postal_code: '75001', city: Paris, country: FR}\n"
        ),
        encoding="utf-8",
    )
    assert new(centrecall, "campagne-commune", "--role", "joint_controller") == 0
    sheet = centrecall / "register/activities/campagne-commune.yaml"
    text = sheet.read_text(encoding="utf-8")
    assert "(parties connues : artemis-partenaire)" in text
    sheet.write_text(fill(text).replace("RT-99", "RT-98"), encoding="utf-8")
    assert [d.text() for d in load_register(centrecall).diagnostics] == []


def test_placeholder_rule_covers_every_file_and_language(centrecall: Path) -> None:
    org = centrecall / "register/organization.yaml"
    org.write_text(
        org.read_text(encoding="utf-8").replace("name: CentreCall", "name: TO BE COMPLETED (nom)"),
        encoding="utf-8",
    )
    found = [d for d in load_register(centrecall).diagnostics if d.rule == "placeholder"]
    assert [(d.file.endswith("organization.yaml"), d.line, d.severity) for d in found] == [(True, 4, "error")]
    assert "name: “TO BE COMPLETED” is still here" in found[0].message("en")
    assert set(placeholders()) == {"À COMPLÉTER", "TO BE COMPLETED"}


def test_placeholder_found_whatever_surrounds_it(centrecall: Path) -> None:
    """The rule looks at the data, not at the file's text: a mark written with escapes, folded
    over two lines or beside a quote, a backslash, a tab is found; one in a key only is not."""
    sheet = centrecall / "register/activities/enregistrement-qualite.yaml"
    text = sheet.read_text(encoding="utf-8")
    name = r'name: "\u00C0 COMPL\u00C9TER \"nom\" \\ \t"'
    text = re.sub(r"^name: .*$", lambda _: name, text, count=1, flags=re.M)
    text = re.sub(r"^description: >-$", lambda _: "description: >-\n  TO BE\n  COMPLETED\nx-old-description: >-",
                  text, count=1, flags=re.M)
    sheet.write_text(text + "x-notes:\n  À COMPLÉTER: rien\n", encoding="utf-8")
    found = [(d.rule, d.line, dict(d.args).get("mark")) for d in load_register(centrecall).diagnostics
             if d.file.endswith("enregistrement-qualite.yaml") and d.rule in ("placeholder", "schema-unknown-key")]
    assert sorted(found, key=lambda f: f[1]) == [
        ("placeholder", 5, "À COMPLÉTER"), ("placeholder", 10, "TO BE COMPLETED"),
        ("schema-unknown-key", 13, None), ("schema-unknown-key", 98, None)]



def test_placeholder_prefilter_sees_every_text() -> None:
    """The quick look at a sheet (its data written out by marshal) finds a mark in a text written
    once in full, in one seen again (written as a reference), deep in lists; none elsewhere."""
    from generator.lint.review_rules import _may_hold

    marks = tuple(m.encode("utf-8") for m in placeholders())
    text = "Préciser : À COMPLÉTER"
    assert _may_hold({"a": [text], "b": [[{"c": text}]]}, marks)
    assert _may_hold({"a": "x", "b": [1, 2.5, None, True, {"c": ["TO BE COMPLETED (nom)"]}]}, marks)
    assert not _may_hold({"a": "À COMPLETER", "b": ["TO BE", "COMPLETED"], "c": [1, None]}, marks)

@pytest.mark.parametrize(
    "ident, message",
    [
        ("fidelisation-artemis", "activity 'fidelisation-artemis' already exists: "),
        ("Gestion_RH", "'Gestion_RH' is not a valid activity id"),
        ("-rh", "is not a valid activity id"),
    ],
)
def test_refuses_existing_or_invalid_ids(centrecall: Path, ropa: Runner, ident: str, message: str) -> None:
    before = sorted(p.name for p in (centrecall / "register/activities").iterdir())
    proc = ropa("new", "activity", "--role", "controller", "--root", centrecall, "--lang", "en", "--", ident)
    assert proc.returncode == 2, proc.stderr
    assert message in proc.stderr and "Traceback" not in proc.stderr
    assert sorted(p.name for p in (centrecall / "register/activities").iterdir()) == before


def test_refuses_an_id_another_file_already_uses(
    centrecall: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    activities = centrecall / "register/activities"
    (activities / "fidelisation-artemis.yaml").rename(activities / "ancien-nom.yaml")
    with pytest.raises(SystemExit) as exc:
        new(centrecall, "fidelisation-artemis", "--role", "processor", "--lang", "en")
    assert exc.value.code == 2
    assert "already exists: " in capsys.readouterr().err
    assert not (activities / "fidelisation-artemis.yaml").exists()


def test_refuses_a_folder_that_is_not_a_register(tmp_path: Path, ropa: Runner) -> None:
    proc = ropa("new", "activity", "x", "--role", "controller", "--root", tmp_path, "--lang", "en")
    assert proc.returncode == 2
    assert "is not a register repository (no register/organization.yaml)" in proc.stderr
    assert not (tmp_path / "register").exists()


def _keys(text: str) -> set[str]:
    """Every key the sheet writes, active or commented out (``# key:``)."""
    return set(re.findall(r"(?m)^[ #]*(?:- )?([a-z_]+):(?: |$)", text))


def _schema_keys(node: object) -> set[str]:
    out: set[str] = set()
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "properties" and isinstance(value, dict):
                out |= set(value)
            out |= _schema_keys(value)
    elif isinstance(node, list):
        for value in node:
            out |= _schema_keys(value)
    return out


@pytest.mark.parametrize("role", ["controller", "processor", "joint_controller"])
def test_new_sheet_has_every_key_of_a_complete_sheet(centrecall: Path, role: str) -> None:
    from generator.resources import load_schema

    assert new(centrecall, "complete", "--role", role) == 0
    text = (centrecall / "register/activities/complete.yaml").read_text(encoding="utf-8")
    wanted = _schema_keys(load_schema("activity")["properties"]) | set(load_schema("activity")["properties"])
    by_role = {"controller": {"controller", "joint_controllers", "processing_operations"},
               "processor": {"joint_controllers", "legal_basis", "basis", "balancing_test", "outside_public_tasks",
                             "special_category_condition", "special_category_details",
                             "criminal_data_authorisation", "special_category_law", "nir_framework",
                             "purpose"},  # legal_basis.purposes[].purpose
               "joint_controller": {"controller", "processing_operations"}}
    wanted -= by_role[role]
    missing = wanted - _keys(text)
    assert not missing, f"ropa new leaves out {sorted(missing)}"
    for optional in ("dpia", "processors", "process", "items", "note", "notes", "review_interval"):
        assert re.search(rf"(?m)^\s*# (?:- )?{optional}:", text), optional


def test_uncommented_optional_keys_make_a_complete_sheet(centrecall: Path) -> None:
    """An author who uncomments and fills the optional keys gets a sheet the dashboard counts
    complete (100 %), and it validates."""
    from generator.model.review import completeness

    assert new(centrecall, "complete", "--role", "controller") == 0
    sheet = centrecall / "register/activities/complete.yaml"
    text = fill(sheet.read_text(encoding="utf-8"))
    values = {
        "process": "fidelisation", "note": "Durée fixée par la CNIL.", "processors": None,
        "items": None, "dpia": None, "status": "not_required", "criteria": "[]", "date": "2026-11-02",
        "justification": "Aucun critère rempli.", "reference": None, "cnil_list": None,
        "exemption": None, "notes": None, "review_interval": "P1Y", "party": None,
    }
    out = []
    for line in text.splitlines(keepends=True):
        match = re.match(r"^(\s*)# ([a-z_]+):", line)
        if match and match.group(2) in values and (values[match.group(2)] is not None or match.group(2) in ("dpia",)):
            value = values[match.group(2)]
            line = f"{match.group(1)}{match.group(2)}:{' ' + value if value else ''}\n"
        elif re.match(r"^(\s*)#   (status|criteria|date|justification):", line):
            indent, key = re.match(r"^(\s*)#   ([a-z_]+):", line).groups()  # type: ignore[union-attr]
            line = f"{indent}  {key}: {values[key]}\n"
        out.append(line)
    filled = "".join(out).replace("sub: []", "sub:\n    - Présélection des candidats")
    filled = filled.replace("    # items:\n    #   - nom de la donnée\n", "    items:\n      - nom\n")
    sheet.write_text(filled, encoding="utf-8")
    reg = load_register(centrecall)
    assert [d.text() for d in reg.diagnostics if "complete.yaml" in d.file] == []
    data = next(d.data for d in reg.activities if d.data.get("id") == "complete")
    assert completeness(data).missing == ()


PROCESS_FILL = {
    "name": "Recrutement",
    "description": "Réception et examen des candidatures.",
    "source": "Entretien avec le service RH.",
    "nature": "conversational",
    "timing": "À réception",
}


def test_new_process_validates_once_filled(centrecall: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["new", "process", "recrutement", "--root", str(centrecall)]) == 0
    assert "remplacez ses 10 «\u00a0À COMPLÉTER\u00a0»" in capsys.readouterr().err
    path = centrecall / "processes/recrutement.yaml"
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# yaml-language-server: $schema=../schema/process.schema.json\n")
    reg = load_register(centrecall)
    flagged = [d for d in reg.diagnostics if d.rule == "placeholder"]
    assert len(flagged) == 10 and all(d.file.endswith("recrutement.yaml") for d in flagged)
    lines = []
    for line in text.splitlines(keepends=True):
        key = re.match(r"^\s*(?:- )?([a-z_]+): À COMPLÉTER$", line.rstrip("\n"))
        if key:
            value = PROCESS_FILL.get(key.group(1)) or ("Service RH" if key.group(1) == "name" else "Précisions.")
            line = line.replace(MARK, value)
        lines.append(line)
    path.write_text("".join(lines), encoding="utf-8")
    reg = load_register(centrecall)
    # valid; what is left is to link it from the sheet it describes (`process: recrutement`)
    assert [d.rule for d in reg.diagnostics] == ["process-not-linked"]


def test_new_process_refuses_an_existing_id_and_a_role(centrecall: Path, ropa: Runner) -> None:
    proc = ropa("new", "process", "fidelisation", "--root", centrecall, "--lang", "en")
    assert proc.returncode == 2 and "process 'fidelisation' already exists" in proc.stderr
    proc = ropa("new", "process", "autre", "--role", "controller", "--root", centrecall, "--lang", "en")
    assert proc.returncode == 2 and "--role is for an activity sheet" in proc.stderr
    proc = ropa("new", "activity", "autre", "--root", centrecall, "--lang", "en")
    assert proc.returncode == 2 and "needs --role" in proc.stderr


def test_messages_in_the_register_language(centrecall: Path, ropa: Runner) -> None:
    """Without --lang, ``ropa new`` speaks the register's language (French for CentreCall), with
    French spacing, and its error line too; every message exists in both languages."""
    done = ropa("new", "activity", "recrutement", "--role", "controller", "--root", centrecall)
    assert done.returncode == 0
    assert "recrutement.yaml créé\u00a0: remplacez ses 18 «\u00a0À COMPLÉTER\u00a0», puis lancez ropa validate" in done.stderr
    refused = ropa("new", "activity", "recrutement", "--role", "controller", "--root", centrecall)
    assert refused.returncode == 2
    assert "ropa\u00a0: erreur\u00a0: l'activité «\u00a0recrutement\u00a0» existe déjà" in refused.stderr
    assert "utilisation\u00a0:" in refused.stderr and "Traceback" not in refused.stderr


def test_an_id_with_control_characters_is_shown_escaped(centrecall: Path, ropa: Runner) -> None:
    """The refused id comes back in the message with its ESC shown as ``\\x1b``, not sent to the
    terminal (it could recolour or rewrite the screen)."""
    done = ropa("new", "activity", "a\x1b[31mrouge", "--role", "controller", "--root", centrecall, "--lang", "en")
    assert done.returncode == 2
    assert "'a\\x1b[31mrouge' is not a valid activity id" in done.stderr and "\x1b" not in done.stderr


def test_a_placeholder_is_reported_once(centrecall: Path) -> None:
    """A value still holding « À COMPLÉTER » is one problem, reported once (rule
    ``placeholder``): the other complaints about that same value (not in its list, not an email
    nor an id, no party of that name, the same ref as another new sheet) would only double the
    count the author has to work down."""
    assert new(centrecall, "sheet-a", "--role", "processor") == 0
    assert new(centrecall, "sheet-b", "--role", "joint_controller") == 0
    assert main(["new", "process", "proc-a", "--root", str(centrecall)]) == 0
    org = centrecall / "register/organization.yaml"
    org.write_text(org.read_text(encoding="utf-8").replace("email: contact@centrecall.example", f"email: {MARK}", 1),
                   encoding="utf-8")
    diags = load_register(centrecall).diagnostics
    marked = {(d.file, d.line, d.column) for d in diags if d.rule == "placeholder"}
    assert len(marked) > 20
    echoes = [d.text() for d in diags if d.rule != "placeholder" and (d.file, d.line, d.column) in marked]
    assert echoes == []
    # what is wrong elsewhere is still reported
    assert any(d.rule == "process-not-linked" for d in diags)


def test_new_process_has_every_key_of_a_process(centrecall: Path) -> None:
    """Each part of the template (actors, events, results, operations) writes every key its
    schema knows, active or commented: an event's and a result's ``actor`` (its lane in the
    diagram) included, without which an external actor with no operation is ``actor-unused``.
    The operations' natures are listed with their French labels, as the sheet's lists are."""
    from generator.resources import load_schema

    assert main(["new", "process", "complet", "--root", str(centrecall)]) == 0
    text = (centrecall / "processes/complet.yaml").read_text(encoding="utf-8")
    defs = load_schema("process")["$defs"]
    sections = dict(re.findall(r"(?ms)^(actors|events|results|operations):\n(.*?)(?=^[a-z_]+:|\Z)", text))
    parts = {"actors": ["actor"], "events": ["event"], "results": ["result"],
             "operations": ["operation", "emission", "data_use"]}
    for section, names in parts.items():
        wanted = set().union(*(defs[name]["properties"] for name in names))
        missing = wanted - _keys(sections[section])
        assert not missing, f"ropa new process leaves out {section}: {sorted(missing)}"
    assert "#   manual : Manuelle\n" in text and "#   automatic : Automatique\n" in text


@pytest.mark.parametrize("role", ["controller", "processor"])
def test_new_sheet_points_at_nothing_the_author_s_repository_lacks(centrecall: Path, role: str) -> None:
    """The author's repository (``ropa init``) has register/, processes/ and schema/, not ropa's
    source: the comments name no ``generator/...`` file, and give the international
    organisations' ids themselves."""
    from generator import vocab

    assert new(centrecall, "autonome", "--role", role) == 0
    text = (centrecall / "register/activities/autonome.yaml").read_text(encoding="utf-8")
    assert "generator/" not in text
    listed = re.sub(r"(?m)^#\s+", " ", text)
    assert all(f" {ident}," in listed or f" {ident}\n" in listed for ident in vocab.international_organisations())
