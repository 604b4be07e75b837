"""One activity sheet, built from the values a spreadsheet gives (each with its cell): codes
through ``mapping``, what cannot be mapped kept verbatim behind the placeholder, a comment
wherever a value was guessed. Shared by the workbook and CSV readers."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Any

from generator import shapes, vocab
from generator.importer import Entry, FieldPath, Where, mapping, message, placeholder
from generator.importer.json_source import contract as contract_of
from generator.importer.people import Ids, Parties, text
from generator.render import i18n


@dataclass(frozen=True)
class Value:
    """A value read from the source and where it stands."""

    value: Any
    where: Where


Rows = list[dict[str, Value]]


@functools.cache
def not_stated() -> frozenset[str]:
    return frozenset(mapping.fold(i18n.t("export.workbook.not_stated", lang)) for lang in ("fr", "en"))


@functools.cache
def _marks(key: str) -> tuple[str, ...]:
    return tuple(i18n.t(key, lang) for lang in ("fr", "en"))


def _split_at(cell: str, marks: tuple[str, ...]) -> tuple[str | None, str | None]:
    """A cell where ``ropa export`` wrote a second value on a line of its own after its label
    (« note\nJustification de la durée : why ») → (what comes before, the value); (the cell,
    None) when no line starts with one of ``marks``."""
    lines = cell.split("\n")
    for i, line in enumerate(lines):
        for mark in marks:
            if line.startswith(mark):
                return text("\n".join(lines[:i])), text("\n".join([line[len(mark):], *lines[i + 1:]]))
    return text(cell), None


def _set(data: dict[str, Any], path: FieldPath, value: Any) -> None:
    node: Any = data
    for key in path[:-1]:
        node = node.setdefault(key, {}) if isinstance(key, str) else node[key]
    node[path[-1]] = value


class ActivityBuilder:
    def __init__(self, where: Where, lang: str, parties: Parties) -> None:
        self.where = where
        self.lang = lang
        self.parties = parties
        self.data: dict[str, Any] = {}
        self.comments: dict[FieldPath, str] = {}
        self.footer: list[str] = []

    # --- primitives ---

    def put(self, path: FieldPath, value: Any) -> None:
        _set(self.data, path, value)

    def guess(self, path: FieldPath, key: str, **values: Any) -> None:
        self.comments[path] = message(f"comment.{key}", self.lang, **values)

    def todo(self, path: FieldPath, source: Value | None, key: str = "unmapped", *, keep: bool = False) -> str:
        """Write the placeholder at ``path`` (with the source's words), and say where they came from."""
        verbatim = text(source.value) if source is not None else None
        value = placeholder(verbatim, self.lang)
        if not keep:
            self.put(path, value)
        if source is not None:
            self.guess(path, key, where=source.where.text(self.lang))
        return value

    def coded(self, path: FieldPath, vocabulary: str, source: Value | None, *, required: bool = True) -> None:
        choices = ", ".join(vocab.vocabularies().get(vocabulary, {}))
        if source is None or text(source.value) is None:
            if required:
                self.todo(path, None)
                self.guess(path, "choose", choices=choices)
            return
        found = mapping.match(vocabulary, source.value)
        if found is None:
            self.todo(path, source)
            self.guess(path, "unmapped_code", where=source.where.text(self.lang), choices=choices)
            return
        self.put(path, found.code)
        if found.guessed:
            self.guess(path, "guessed", text=text(source.value), where=source.where.text(self.lang))

    def text_field(self, path: FieldPath, source: Value | None, *, required: bool = False) -> None:
        value = text(source.value) if source is not None else None
        if value is None:
            if required:
                self.todo(path, None)
            return
        self.put(path, value)

    # --- fields ---

    def identity(self, name: Value | None, ref: Value | None) -> None:
        self.text_field(("ref",), ref, required=True)
        self.text_field(("name",), name, required=True)

    def date(self, key: str, source: Value | None, *, required: bool = True) -> None:
        if source is None or text(source.value) is None:
            if required:
                self.put((key,), shapes.today().isoformat())
                self.guess((key,), "guessed_date")
            return
        iso = mapping.date(source.value)
        if iso is None:
            self.todo((key,), source)
        else:
            self.put((key,), iso)

    def date_at(self, path: FieldPath, source: Value) -> None:
        iso = mapping.date(source.value)
        if iso is None:
            self.todo(path, source)
        else:
            self.put(path, iso)

    def duration_field(self, key: str, source: Value | None) -> None:
        if source is None:
            return
        iso, rest = mapping.duration(text(source.value))
        if iso is None or rest.strip():
            self.todo((key,), source)
        else:
            self.put((key,), iso)

    def purposes(self, main: Value | None, subs: list[Value]) -> None:
        self.text_field(("purposes", "main"), main, required=True)
        self.put(("purposes", "sub"), [str(text(v.value)) for v in subs if text(v.value)])

    def operations(self, source: Value | None) -> None:
        if source is None or text(source.value) is None:
            self.put(("processing_operations",), [placeholder(None, self.lang)])
            return
        codes, unknown, guessed = mapping.match_list("processing_operation", source.value)
        values: list[str] = codes + [placeholder(u, self.lang) for u in unknown]
        self.put(("processing_operations",), values)
        if unknown or guessed:
            self.guess(("processing_operations",), "unmapped" if unknown else "guessed_list",
                       where=source.where.text(self.lang))

    def legal_basis(self, fields: dict[str, Value], *, required: bool) -> None:
        basis = fields.get("basis")
        if basis is not None and mapping.fold(basis.value) in not_stated():
            basis = None  # ropa export writes « Non renseigné » for a processor record
        others = {k: v for k, v in fields.items() if k != "basis"}
        if basis is None and not others and not required:
            return
        self.coded(("legal_basis", "basis"), "legal_basis", basis)
        for key in ("details", "balancing_test", "outside_public_tasks", "special_category_details",
                    "criminal_data_authorisation", "special_category_law", "nir_framework"):
            self.text_field(("legal_basis", key), fields.get(key))
        if fields.get("special_category_condition"):
            self.coded(("legal_basis", "special_category_condition"), "special_category_condition",
                       fields["special_category_condition"])

    def basis_per_purpose(self, rows: Rows | None, *, listed_only: bool) -> None:
        """The purposes given their own legal basis. ``listed_only``: every row is one (the
        CSV); else (the workbook's table, which gives every purpose its basis) a row is one when
        its basis is not the activity's or it has details."""
        own = (self.data.get("legal_basis") or {}).get("basis")
        out: list[dict[str, Any]] = []
        for row in rows or []:
            purpose, basis = row.get("purpose"), row.get("basis")
            details = text(row["details"].value) if row.get("details") else None
            balancing = text(row["balancing_test"].value) if row.get("balancing_test") else None
            outside = text(row["outside_public_tasks"].value) if row.get("outside_public_tasks") else None
            if details and outside is None:  # the workbook's last line, after the balancing test's
                details, outside = _split_at(details, i18n.labelled("export.fields.outside_public_tasks"))
            if details and balancing is None:
                details, balancing = _split_at(details, i18n.labelled("export.fields.balancing_test"))
            found = mapping.match("legal_basis", basis.value) if basis is not None else None
            if not listed_only and not details and not balancing and not outside and (found is None or found.code == own):
                continue
            path: FieldPath = ("legal_basis", "purposes", len(out))
            out.append({})
            self.put(("legal_basis", "purposes"), out)
            self.text_field((*path, "purpose"), purpose, required=True)
            self.coded((*path, "basis"), "legal_basis", basis)
            if details:
                self.put((*path, "details"), details)
            if balancing:
                self.put((*path, "balancing_test"), balancing)
            if outside:
                self.put((*path, "outside_public_tasks"), outside)

    def processor_terms(self, procs: list[str], terms: dict[str, tuple[str | None, Value | None, Value | None]],
                        contracts: dict[str, Any]) -> None:
        """``processors``: each party id, or ``{party, contract, authorisation}`` when the file
        gives the entry a contract that is not its party's (``contracts``) or an authorisation.
        ``terms``: by party id, (contract text, authorisation type, authorisation reference)."""
        out: list[Any] = []
        for ident in procs:
            contract, kind, reference = terms.get(ident, (None, None, None))
            entry: dict[str, Any] = {"party": ident}
            if contract and contract_of(contract) != contract_of(contracts.get(ident)):
                entry["contract"] = contract_of(contract)
            if kind is not None or reference is not None:
                n = len(out)
                entry["authorisation"] = {}
                out.append(entry)
                self.put(("processors",), out)
                self.coded(("processors", n, "authorisation", "type"), "subprocessor_authorisation", kind)
                self.text_field(("processors", n, "authorisation", "reference"), reference, required=True)
                continue
            out.append(entry if len(entry) > 1 else ident)
        if out:
            self.put(("processors",), out)

    def cnil_items(self, fields: dict[str, Value]) -> None:
        """The CNIL model's optional items: information, rights, source, automated decisions and
        access decisions (« Oui — details » in the workbook; two columns in the CSV), the scale
        (in the words of ``i18n.format_scale``), joint-controller arrangement."""
        for key in ("information", "rights_exercise", "data_source", "joint_controller_arrangement"):
            self.text_field((key,), fields.get(key))
        for key in ("automated_decisions", "access_decision"):
            self._yes_and_details(key, fields)
        said = fields.get("scale")
        if said is not None:
            scale = mapping.scale_words(text(said.value))
            if scale is None:
                self.todo(("scale", "details"), said)
            else:
                self.put(("scale",), scale)

    def _yes_and_details(self, key: str, fields: dict[str, Value]) -> None:
        """``{exists, details}`` from « Oui — details » (or a yes/no and a details column)."""
        decided = fields.get(key)
        if decided is None:
            return
        said = str(text(decided.value) or "")
        details = text(fields[f"{key}_details"].value) if fields.get(f"{key}_details") else None
        head, sep, rest = said.partition(" — ")
        flag = mapping.yes_no(head)
        if flag is None:
            self.todo((key, "exists"), decided)
            return
        self.put((key, "exists"), flag)
        if sep and details is None:
            details = text(rest)
        if details:
            self.put((key, "details"), details)

    def data_subjects(self, rows: Rows | None) -> None:
        out: list[dict[str, Any]] = []
        self.put(("data_subjects",), out)
        for i, row in enumerate(rows or []):
            entry: dict[str, Any] = {}
            out.append(entry)
            self.coded(("data_subjects", i, "category"), "data_subject", row.get("category"))
            description, details = row.get("description"), row.get("details")
            if description is None or description is row.get("category"):
                # the CNIL model has no category column: its « Description » names the category
                # (« Salariés », « Autres (préciser) ») and its « Précisions » describe the people
                description, details = (details, None) if details is not None else (row.get("category"), None)
            self.text_field(("data_subjects", i, "description"), description, required=True)
            self.text_field(("data_subjects", i, "details"), details)
        if not out:
            out.append({"category": placeholder(None, self.lang), "description": placeholder(None, self.lang)})

    def categories(self, section: str, vocabulary: str, rows: Rows | None) -> None:
        out: list[dict[str, Any]] = []
        self.put((section,), out)
        for i, row in enumerate(rows or []):
            out.append({})
            path: FieldPath = (section, i)
            self.coded((*path, "category"), vocabulary, row.get("category"))
            self.text_field((*path, "description"), row.get("description") or row.get("category"), required=True)
            items = text(row["items"].value) if row.get("items") else None
            if items:
                self.put((*path, "items"), [p.strip() for p in items.split(", ") if p.strip()])
            self.retention(path, row)

    def retention(self, path: FieldPath, row: dict[str, Value]) -> None:
        rpath: FieldPath = (*path, "retention")
        self.put(rpath, {})
        source = row.get("retention")
        iso_cell = row.get("retention_iso")
        iso, _ = mapping.duration(text(iso_cell.value) if iso_cell else None)
        starts_cell = row.get("retention_starts")
        exact = mapping.retention_words(text(source.value) if source else None, iso,
                                        text(starts_cell.value) if starts_cell else None)
        if exact is not None:
            # ropa export's own words: each part is read back as it was written
            for key in ("duration", "starts", "until", "end_action", "archive_duration"):
                if key in exact:
                    self.put((*rpath, key), exact[key])
            if "end_action" not in exact:
                self.coded((*rpath, "end_action"), "retention_end", row.get("retention_end"))
            self.retention_note(rpath, row)
            return
        parsed = mapping.retention(text(source.value) if source else None)
        duration = iso or parsed.duration
        starts = row.get("retention_starts")
        if parsed.until and not duration and not (starts is not None and text(starts.value)):
            # « jusqu'au désabonnement »: a period with no fixed term, ended by that event
            self.put((*rpath, "until"), parsed.until)
        else:
            if duration:
                self.put((*rpath, "duration"), duration)
            else:
                self.todo((*rpath, "duration"), source or iso_cell)
            if starts is not None and text(starts.value):
                self.put((*rpath, "starts"), text(starts.value))
            elif parsed.starts:
                self.put((*rpath, "starts"), parsed.starts)
            else:
                self.todo((*rpath, "starts"), None)
        end = row.get("retention_end")
        if end is not None and text(end.value):
            self.coded((*rpath, "end_action"), "retention_end", end)
        elif parsed.end_action:
            self.put((*rpath, "end_action"), parsed.end_action)
            if parsed.end_guessed and source is not None:
                self.guess((*rpath, "end_action"), "guessed", text=text(source.value),
                           where=source.where.text(self.lang))
        else:
            self.coded((*rpath, "end_action"), "retention_end", None)
        rest = parsed.rest if parsed.rest and duration and not iso_cell else None
        if rest:
            self.guess((*rpath, "note"), "kept_rest", where=source.where.text(self.lang) if source else "")
        self.retention_note(rpath, row, rest)

    def retention_note(self, rpath: FieldPath, row: dict[str, Value], rest: str | None = None) -> None:
        """The note, and the justification of the period: its own column (the CSV), or the
        note's last lines after « Justification de la durée : » (the workbook's one cell)."""
        note = text(row["retention_note"].value) if row.get("retention_note") else None
        justification = text(row["retention_justification"].value) if row.get("retention_justification") else None
        if note and justification is None:
            note, justification = _split_at(str(row["retention_note"].value),
                                            _marks("site.sheet.retention_justification"))
        note = "; ".join(p for p in (note, rest) if p) or None
        if note:
            self.put((*rpath, "note"), note)
        if justification:
            self.put((*rpath, "justification"), justification)

    def recipients(self, rows: Rows | None) -> None:
        out: list[dict[str, Any]] = []
        for i, row in enumerate(rows or []):
            out.append({})
            self.put(("recipients",), out)
            self.coded(("recipients", i, "type"), "recipient_type", row.get("type"))
            name, details = row.get("name"), row.get("details")
            if name is None and details is not None:
                name, details = details, None
                self.guess(("recipients", i, "name"), "guessed_name", where=name.where.text(self.lang))
            self.text_field(("recipients", i, "name"), name, required=True)
            party = self.parties.find(text(name.value) if name else None)
            if party is not None:
                self.put(("recipients", i, "party"), party)
            self.text_field(("recipients", i, "details"), details)
        if out:
            self.put(("recipients",), out)

    def transfers(self, rows: Rows | None) -> None:
        out: list[dict[str, Any]] = []
        self.put(("transfers",), out)
        for i, row in enumerate(rows or []):
            out.append({})
            recipient = row.get("recipient")
            party = self.parties.find(text(recipient.value) if recipient else None)
            if party is not None:
                self.put(("transfers", i, "recipient"), party)
            else:
                self.text_field(("transfers", i, "recipient"), recipient, required=True)
            country, body = row.get("country"), row.get("international_organisation")
            code = mapping.country(text(country.value)) if country else None
            named = body or country
            organisation = mapping.organisation(text(named.value)) if named is not None else None
            if code:
                self.put(("transfers", i, "country"), code)
            elif organisation:
                self.put(("transfers", i, "international_organisation"), organisation)
            elif body is not None:
                self.text_field(("transfers", i, "international_organisation"), body)
            else:
                self.todo(("transfers", i, "country"), country)
            safeguard = row.get("safeguard")
            extras: dict[str, Value] = {}
            if safeguard is not None:
                said, _, rest = str(safeguard.value).partition(" — ")
                extras = {k: Value(v, safeguard.where) for k, v in mapping.safeguard_terms(rest).items()}
                safeguard = Value(said, safeguard.where)
            self.coded(("transfers", i, "safeguard"), "safeguard", safeguard, required=False)
            coverage = row.get("coverage") or extras.get("coverage")
            if coverage is not None:
                self.text_field(("transfers", i, "adequacy_coverage", "reference"), coverage)
                self.text_field(("transfers", i, "adequacy_coverage", "url"), extras.get("coverage_url"))
                if "coverage_checked" in extras:
                    self.date_at(("transfers", i, "adequacy_coverage", "checked"), extras["coverage_checked"])
            self.coded(("transfers", i, "derogation"), "art49_derogation", row.get("derogation") or extras.get("derogation"),
                       required=False)
            informed = row.get("authority_informed") or extras.get("authority_informed")
            if informed is not None:
                flag = mapping.yes_no(informed.value)
                if flag or str(informed.value).strip().lower() == "true":
                    self.put(("transfers", i, "authority_informed"), True)
                else:
                    self.date_at(("transfers", i, "authority_informed"), informed)
            self.text_field(("transfers", i, "authority_authorisation"),
                            row.get("authority_authorisation") or extras.get("authority_authorisation"))
            self.text_field(("transfers", i, "outside_public_powers"),
                            row.get("outside_public_powers") or extras.get("outside_public_powers"))
            documentation = row.get("documentation")
            link = row.get("link")
            if documentation is None and link is not None and str(text(link.value) or "").startswith(("https://", "http://")):
                documentation = link  # an address typed in the « Lien » column (the export writes « Ouvrir »)
            self.text_field(("transfers", i, "documentation"), documentation)
            self.text_field(("transfers", i, "details"), row.get("details"))

    def security(self, rows: Rows | None) -> None:
        out: list[dict[str, Any]] = []
        self.put(("security_measures",), out)
        for i, row in enumerate(rows or []):
            out.append({})
            self.coded(("security_measures", i, "type"), "security_measure", row.get("type"))
            self.text_field(("security_measures", i, "details"), row.get("details"), required=True)
        # none given: kept empty, not « à compléter »: Art. 30(1)(g) and 30(2)(d) ask for the
        # measures "where possible", and ropa validate warns (security-measures-missing)

    def process(self, source: Value) -> None:
        value = text(source.value)
        if value and re.fullmatch(r"[a-z0-9][a-z0-9-]*", value):
            self.put(("process",), value)

    def dpia(self, fields: dict[str, Value]) -> None:
        """The DPIA block; none when every cell of it says « Non renseigné » (what ``ropa export``
        writes for a sheet without one: it comes back without one)."""
        fields = {k: v for k, v in fields.items() if mapping.fold(str(text(v.value) or "")) not in not_stated()}
        if not fields:
            return
        self.coded(("dpia", "status"), "dpia_status", fields.get("status"))
        criteria = fields.get("criteria")
        if criteria is not None:
            if mapping.is_none(criteria.value):
                self.put(("dpia", "criteria"), [])
            else:
                codes, unknown, _ = mapping.match_list("dpia_criterion", criteria.value)
                self.put(("dpia", "criteria"), codes + [placeholder(u, self.lang) for u in unknown])
        for key, vocabulary in (("cnil_list", "cnil_dpia_required"), ("exemption", "cnil_dpia_exempt")):
            self.coded(("dpia", key), vocabulary, fields.get(key), required=False)
        for key in ("reference", "justification"):
            self.text_field(("dpia", key), fields.get(key))
        if fields.get("date"):
            iso = mapping.date(fields["date"].value)
            if iso:
                self.put(("dpia", "date"), iso)
            else:
                self.todo(("dpia", "date"), fields["date"])

    def finish(self, ids: Ids, wanted: str | None = None) -> Entry:
        name = self.data.get("name") or self.data.get("ref") or "activite"
        ident = ids.new(str(name), wanted)
        self.data = {"id": ident, **self.data}
        entry = Entry("activity", self.data, self.where, self.comments)
        entry.footer = self.footer
        return entry
