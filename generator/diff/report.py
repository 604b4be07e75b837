"""``ropa diff``'s two reports: plain text for a terminal (control characters shown escaped, so
a value cannot clear or recolour the screen) and Markdown for a pull-request comment."""

from __future__ import annotations

from generator.diff.compare import DocumentChange
from generator.render import i18n
from generator.render.escape import gfm, terminal


def _heading(change: DocumentChange, lang: str) -> str:
    status = i18n.t(f"review.diff.status.{change.status}", lang)
    return f"{change.title} ({status})"


def _paths(change: DocumentChange, lang: str) -> str:
    if change.renamed:
        return i18n.t("review.diff.renamed", lang).format(old=change.old_path, new=change.new_path)
    return str(change.new_path or change.old_path)


def _value(text: str | None, lang: str) -> str:
    return i18n.t("review.diff.empty", lang) if text is None or text == "" else text


def _cell(text: str | None, lang: str) -> str:
    """A table cell: the value escaped, « — » when absent, « (vide) » when empty."""
    if text is None:
        return "—"
    return gfm(text, "cell") if text else f"*{gfm(i18n.t('review.diff.empty', lang), 'cell')}*"


def header(base: str, head: str | None, lang: str) -> str:
    head_words = head if head is not None else i18n.t("review.diff.worktree", lang)
    return f"{i18n.t('review.diff.title', lang)} {i18n.t('review.diff.between', lang).format(base=base, head=head_words)}"


def format_text(
    changes: list[DocumentChange],
    problems: list[str],
    base: str,
    head: str | None,
    lang: str = i18n.DEFAULT_LANG,
) -> str:
    lines = [terminal(header(base, head, lang))]
    if not changes:
        lines.append(i18n.t("review.diff.no_changes", lang))
    for change in changes:
        lines.append("")
        sep = i18n.colon(lang)
        lines.append(terminal(f"{_heading(change, lang)}{sep}{_paths(change, lang)}"))
        for fc in change.changes:
            field = terminal(fc.field)
            if fc.old is None:
                lines.append(f"  + {field}{sep}{terminal(_value(fc.new, lang))}")
            elif fc.new is None:
                lines.append(f"  - {field}{sep}{terminal(_value(fc.old, lang))}")
            else:
                lines.append(f"  ~ {field}{sep}{terminal(_value(fc.old, lang))} → {terminal(_value(fc.new, lang))}")
    lines.extend(f"! {terminal(p)}" for p in problems)
    return "\n".join(lines) + "\n"


def format_markdown(
    changes: list[DocumentChange],
    problems: list[str],
    base: str,
    head: str | None,
    lang: str = i18n.DEFAULT_LANG,
) -> str:
    """A pull-request comment: a heading per file and a table of its fields. Each text is escaped
    for where it stands (``escape.gfm``) and no more, so the comment reads well as plain text
    too (CI logs, artifacts)."""
    out = [f"## {gfm(header(base, head, lang), 'heading')}", ""]
    if not changes:
        out += [gfm(i18n.t("review.diff.no_changes", lang)), ""]
    else:
        out += [gfm(i18n.fill(i18n.t("review.diff.count", lang), lang, {"n": len(changes)})), ""]
    for change in changes:
        out += [f"### {gfm(_heading(change, lang), 'heading')}", "", gfm(_paths(change, lang)), ""]
        if not change.changes:
            continue
        cols = (
            i18n.t("review.diff.field", lang),
            i18n.t("review.diff.before", lang),
            i18n.t("review.diff.after", lang),
        )
        out.append("| " + " | ".join(gfm(c, "cell") for c in cols) + " |")
        out.append("| --- | --- | --- |")
        for fc in change.changes:
            out.append(f"| {gfm(fc.field, 'cell')} | {_cell(fc.old, lang)} | {_cell(fc.new, lang)} |")
        out.append("")
    for p in problems:
        out += [f"> {gfm(p)}", ""]
    return "\n".join(out).rstrip("\n") + "\n"
