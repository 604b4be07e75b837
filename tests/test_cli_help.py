"""The command line's help in French and English: chosen by --lang, else by the site's language."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest
from conftest import REPO, Runner

from generator.cli import COMMANDS, build_parser, help_language


def _helps(lang: str) -> dict[str, str]:
    """Every help and description text of every command, by command and option."""
    out: dict[str, str] = {}
    parser = build_parser(lang)
    out["ropa"] = parser.description or ""
    (sub,) = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    for name, command in sub.choices.items():
        out[name] = command.description or ""
        for action in command._actions:
            out[f"{name} {'/'.join(action.option_strings) or action.dest}"] = action.help or ""
    for choice in sub._choices_actions:
        out[f"{choice.dest} (summary)"] = choice.help or ""
    return out


def test_every_help_text_exists_in_both_languages() -> None:
    fr, en = _helps("fr"), _helps("en")
    assert fr.keys() == en.keys() and len(fr) > 40
    same = [key for key in fr if fr[key] == en[key]]
    assert same == [], f"not translated: {same}"
    assert set(COMMANDS) <= {key.split(" ")[0] for key in fr}


@pytest.mark.parametrize("command", ["", *COMMANDS])
def test_help_follows_lang(ropa: Runner, tmp_path: Path, command: str) -> None:
    args = [command] if command else []
    french = ropa(*args, "--help", cwd=tmp_path)
    english = ropa(*args, "--help", "--lang", "en", cwd=tmp_path)
    assert french.returncode == english.returncode == 0, french.stderr + english.stderr
    assert french.stdout.startswith("utilisation\u00a0: ropa") or french.stdout.startswith("utilisation : ropa")
    assert "afficher cette aide et quitter" in french.stdout and "show this help" not in french.stdout
    assert english.stdout.startswith("usage: ropa") and "show this help message and exit" in english.stdout


def test_help_follows_the_sites_language(ropa: Runner, tmp_path: Path) -> None:
    (tmp_path / "mkdocs.yml").write_text(
        (REPO / "mkdocs.yml").read_text(encoding="utf-8").replace("language: fr", "language: en"), encoding="utf-8"
    )
    assert help_language(["validate", "--root", str(tmp_path)]) == "en"
    assert help_language(["validate", f"--root={tmp_path}", "--lang", "fr"]) == "fr"
    proc = ropa("validate", "--help", "--root", tmp_path, cwd=REPO)
    assert "Check every file of the register" in proc.stdout
    proc = ropa("validate", "--help", cwd=tmp_path)  # the current folder's mkdocs.yml
    assert "Check every file" in proc.stdout
    assert "Vérifie chaque fichier" in ropa("validate", "--help", cwd=REPO).stdout


def test_french_help_keeps_punctuation_with_its_word(ropa: Runner, tmp_path: Path) -> None:
    out = ropa("--help", cwd=tmp_path).stdout
    assert not any(line.lstrip().startswith((":", ";", "»")) for line in out.splitlines()), out


def _messages(node: object, prefix: str = "") -> dict[str, dict[str, str]]:
    """Every message of ``labels/messages.yaml`` by its dotted key."""
    assert isinstance(node, dict)
    if set(node) == {"fr", "en"}:
        return {prefix: node}
    out: dict[str, dict[str, str]] = {}
    for key, child in node.items():
        out.update(_messages(child, f"{prefix}.{key}" if prefix else key))
    return out


def test_every_message_of_the_commands_exists_in_both_languages() -> None:
    """What the commands print besides diagnostics (``RopaError.of``, ``i18n.message``): each key
    the code uses is in ``labels/messages.yaml``, in French and English, with the same blanks."""
    import re
    import string

    from generator.render import i18n

    messages = _messages(i18n.labels()["messages"])
    for key, text in messages.items():
        fields = [{f for _, f, _, _ in string.Formatter().parse(text[lang]) if f} for lang in ("fr", "en")]
        assert fields[0] == fields[1], key
        assert text["fr"] != text["en"], f"not translated: {key}"
    code = "\n".join(p.read_text(encoding="utf-8") for p in (REPO / "generator").rglob("*.py"))
    used = set(re.findall(r"""(?:Error\.of|i18n\.message)\(\s*["']([a-z_.]+)["']""", code))
    assert len(used) > 20 and used <= set(messages), sorted(used - set(messages))


@pytest.mark.parametrize(("lang", "says"), [
    ("fr", ["ropa validate\u00a0: erreur\u00a0: argument --format\u00a0: choix invalide\u00a0: 'xml'",
            "ropa\u00a0: erreur\u00a0: arguments non reconnus\u00a0: --bogus",
            "ropa new\u00a0: erreur\u00a0: arguments obligatoires manquants\u00a0: kind, ID"]),
    ("en", ["ropa validate: error: argument --format: invalid choice: 'xml'",
            "ropa: error: unrecognized arguments: --bogus",
            "ropa new: error: the following arguments are required: kind, ID"]),
])
def test_argparse_own_errors_speak_the_language(ropa: Runner, tmp_path: Path, lang: str, says: list[str]) -> None:
    """What argparse itself says (a wrong choice, an unknown option, a missing argument) is in the
    help's language too: a French register's user reads French from the first mistake on."""
    (tmp_path / "mkdocs.yml").write_text(f"theme:\n  name: material\n  language: {lang}\n", encoding="utf-8")
    runs = [ropa("validate", "--format", "xml", cwd=tmp_path), ropa("validate", "--bogus", cwd=tmp_path),
            ropa("new", cwd=tmp_path)]
    for done, expected in zip(runs, says, strict=True):
        assert done.returncode == 2 and expected in done.stderr, done.stderr
