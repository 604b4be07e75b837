"""Reading one YAML file into plain data that remembers where every key and value stands.

The loader is built on PyYAML's event stream (the C parser when it is there) rather than on
its constructor, so that it can:

- keep the line and column of every key and value (``Document.locate``);
- report duplicate keys with both lines, where PyYAML keeps the last one silently;
- reject anchors and aliases (cheap "billion laughs" expansions, and no use in a register);
- read scalars the YAML 1.2 way: ``2020-09-15`` stays the string it looks like (dates are
  checked by the schema's ``format: date``), ``no``/``yes``/``on``/``off`` stay strings, and
  only ``true``/``false`` are booleans.
"""

from __future__ import annotations

import functools
import re
import zlib
from collections.abc import Callable, Generator
from dataclasses import dataclass, field
from pathlib import Path
from sys import intern
from typing import Any

import yaml

from generator.errors import LoadError
from generator.lint.rules import Arg, Diagnostic, Text, phrase, pieces
from generator.load.files import read_bytes

try:  # the C parser is several times faster; fall back to the pure-Python one
    _Loader: type = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - depends on how PyYAML was built
    _Loader = yaml.SafeLoader

MAX_BYTES = 1024 * 1024
"""Largest YAML file read, in bytes (1 MiB): a register sheet is a few kilobytes."""

MAX_DEPTH = 64
"""Deepest nesting of mappings and sequences accepted."""

MAX_ENTRIES = 1000
"""Most keys of one mapping, or items of one list: a sheet lists tens of data categories, an
organisation a few hundred parties; 100,000 keys is an attack on the validator, not a register."""

MAX_NODES = 50_000
"""Most keys, items and values in one file."""

MAX_TEXT = 10_000
"""Longest text of one value, in characters: a purpose or a description is a few lines; every
output must hold it (an XLSX cell holds 32,767 characters, a list of values shares one cell)."""

Path_ = tuple[Any, ...]

_NULL = {"", "~", "null", "Null", "NULL"}
_TRUE = {"true", "True", "TRUE"}
_FALSE = {"false", "False", "FALSE"}
_INT = re.compile(r"^[-+]?[0-9]+$")
MAX_INT_DIGITS = 4_000
"""Longest integer read as an ``int`` (Python refuses more than 4,300 digits by default): the
register's loader reads a longer one as infinite, ``ropa import`` of JSON refuses it."""
_FLOAT = re.compile(r"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$")
_INF = {".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF"}
_NINF = {"-.inf", "-.Inf", "-.INF"}
_NAN = {".nan", ".NaN", ".NAN"}

_TAG = "tag:yaml.org,2002:"

_SHARED: dict[tuple[int, int], tuple[int, int]] = {}
"""One ``(line, column)`` tuple for each position, shared by every document read: the same few
thousand positions recur in every file of a register, and a register of 10,000 sheets holds
about two million of them."""
MAX_SHARED = 100_000
MAX_SHARED_TEXT = 40
"""Texts up to this length (keys, codes, dates, short names) are shared too (``sys.intern``)."""


@dataclass
class Document:
    """The data of one YAML file, with the position of every value and key (1-based), or
    with how to read them when first asked (``again``: ``ropa export``'s read)."""

    path: Path
    display: str
    data: Any
    values: dict[Path_, tuple[int, int]] = field(default_factory=dict)
    keys: dict[Path_, tuple[int, int]] = field(default_factory=dict)
    problems: list[Diagnostic] = field(default_factory=list)
    partial: bool = False
    """A stand-in holding only what the checks across files read (``generator.load.facts``)."""
    size: int | None = None
    """The bytes of its file (``register._read``), None when not known. No text in ``data`` is
    longer: YAML's escapes and foldings only shorten a scalar, and aliases are refused."""
    again: Callable[[], bytes] | None = field(default=None, compare=False, repr=False)
    """For a document read without its positions (``parse_bytes(..., again=...)``): how to read
    its bytes again when a position not read yet is asked (``locate``: for a diagnostic); None
    once every position is known."""
    crc: int = field(default=0, compare=False, repr=False)
    """The CRC-32 of those bytes when they were read: read again, they must be the same."""
    partly: bool = field(default=False, compare=False, repr=False)
    """Whether its positions have been read again as far as one of them (``_place``)."""

    def locate(self, path: Path_, *, key: bool = False) -> tuple[int, int]:
        """Line and column of the value at ``path`` (of its key with ``key=True``).

        Falls back on the nearest enclosing node that exists, so a missing key is reported
        where its parent stands. For a document read without its positions, its file is read
        again, as far as the position asked (``_place``).
        """
        path = tuple(path)
        if self.again is not None:
            self._place(path, key)
        while True:
            table = self.keys if key else self.values
            if path in table:
                return table[path]
            if key and path in self.values:
                return self.values[path]
            if not path:
                return (1, 1)
            path = path[:-1]
            key = True

    def _place(self, path: Path_, key: bool) -> None:
        """The positions of a document read without them, from its file read again: the first
        time as far as that of ``path`` (of its key with ``key=True``): a warning on the tenth
        line of a sheet reads ten lines; the second time to its end, so that no file is read
        more than twice. Only if its bytes are those read: else it changed since, and the
        positions it does not know are those of the nearest enclosing node it knows, from the
        first read if there was one (the file as its data was read), else line 1."""
        values, keys = self.values, self.keys
        if path in values or (key and path in keys):
            return
        again, self.again = self.again, None
        if again is None:
            return
        try:
            raw = again()
        except (LoadError, OSError):
            return
        if zlib.crc32(raw) != self.crc:
            return
        until = None if self.partly else (path, key)
        if not _positions(_text(raw), values, keys, until):
            self.again, self.partly = again, True  # stopped at ``path``: the rest is still to read

    def forget_positions(self) -> None:
        """Let go of the position of every key and value, for a caller that needs the data only
        once every check has passed; ``locate`` then answers line 1, column 1."""
        self.values.clear()
        self.keys.clear()
        self.again = None

    def diagnostic(self, path: Path_, rule: str, /, *, key: bool = False, **args: Arg) -> Diagnostic:
        """The problem ``rule`` at the value at ``path`` (at its key with ``key=True``), its
        message filled with ``args``; severity and message come from the rule table."""
        line, column = self.locate(path, key=key)
        return Diagnostic.of(rule, self.display, line, column, **args)


_WORDS: dict[str, Any] = {**dict.fromkeys(_NULL), **dict.fromkeys(_TRUE, True), **dict.fromkeys(_FALSE, False)}
"""The plain scalars that are not text: null, true, false."""
_NUMBER_START = frozenset("+-.0123456789")
"""How every plain scalar that reads as a number (or inf, nan) begins."""


def _scalar(event: yaml.ScalarEvent, line: int, column: int) -> Any:
    value = event.value
    tag = event.tag
    if tag in (None, "!"):
        if event.style or not event.implicit[0]:
            return value  # quoted, or a block scalar: always a string
        if value in _WORDS:
            return _WORDS[value]
        if value[0] not in _NUMBER_START:
            return value
        if _INT.match(value):
            # past Python's 4,300 digits an int() raises (a guard against quadratic conversion):
            # a number that size is read as what it is for any register field, infinite
            return int(value) if len(value) <= MAX_INT_DIGITS else float(value)
        if _FLOAT.match(value):
            return float(value)
        if value in _INF:
            return float("inf")
        if value in _NINF:
            return float("-inf")
        if value in _NAN:
            return float("nan")
        return value
    if tag == _TAG + "str":
        return value
    try:
        if tag == _TAG + "int":
            return int(value) if len(value) <= MAX_INT_DIGITS else float(value)
        if tag == _TAG + "float":
            return float(value)
    except ValueError:
        raise LoadError("yaml-tag", line, column,
                        problem=phrase("tag-bad-value", value=repr(value), type=tag[len(_TAG):])) from None
    if tag == _TAG + "bool" and value in _TRUE | _FALSE:
        return value in _TRUE
    if tag == _TAG + "null" and value in _NULL:
        return None
    raise LoadError("yaml-tag", line, column, problem=phrase("tag-unsupported", tag=str(tag)))


def _pos(mark: Any) -> tuple[int, int]:
    return (mark.line + 1, mark.column + 1)


def parse(text: str, path: Path, display: str) -> Document:
    """Build a ``Document`` from YAML text. Raises ``LoadError`` for what cannot be read.

    One loop over the parser's events, the work of each written out in it: a register of 1,000
    sheets is 200,000 events, and a function call or a test less for each is a tenth of the
    time of a whole ``ropa validate``."""
    doc = Document(path=path, display=display, data=None)
    values, keys = doc.values, doc.keys
    # Each frame: [container, its path, is a list, pending key (mappings), pending key's path];
    # ``frame`` is the innermost one, None at the top level.
    stack: list[list[Any]] = []
    frame: list[Any] | None = None
    root: Any = None
    documents = 0
    nodes = 0
    have_root = False
    loader = _Loader(text)
    get_event = loader.get_event
    shared = _SHARED.get
    try:
        while True:
            event = get_event()
            kind = type(event)
            if kind is _Scalar or kind is _MapStart or kind is _SeqStart:
                if event.anchor is not None:
                    raise LoadError("yaml-alias", *_pos(event.start_mark),
                                    problem=phrase("anchor", name=str(event.anchor)))
                nodes += 1
                if nodes > MAX_NODES or (frame is not None and len(frame[0]) >= MAX_ENTRIES):
                    _check_size(stack, nodes, event)
                mark = event.start_mark
                start = (mark.line + 1, mark.column + 1)
                start = shared(start) or (start if len(_SHARED) >= MAX_SHARED else _SHARED.setdefault(start, start))
                if kind is _Scalar:
                    source = event.value
                    if len(source) > MAX_TEXT:
                        raise LoadError("text-too-long", *start, length=len(source), limit=MAX_TEXT)
                    if event.tag is None and (event.style or not event.implicit[0]
                                              or (source not in _WORDS and source[0] not in _NUMBER_START)):
                        value: Any = source  # text, the common case (``_scalar`` would say the same)
                    else:
                        value = _scalar(event, *start)
                    if type(value) is str and len(value) <= MAX_SHARED_TEXT:
                        value = intern(value)  # keys and codes recur in every file
                    if frame is None:
                        root, have_root = value, True
                        values[()] = start
                    elif frame[2]:
                        container = frame[0]
                        vpath: Path_ = (*frame[1], len(container))
                        container.append(value)
                        values[vpath] = start
                    elif frame[3] is _NO_KEY:
                        # a key is text: a plain scalar key keeps the spelling it has in the file
                        # (``08`` stays "08", ``true`` stays "true"), as the user will look for it
                        key = value if type(value) is str else source
                        kpath = (*frame[1], key)
                        if key in frame[0]:
                            first = keys[kpath]
                            raise LoadError("yaml-duplicate-key", *start, name=key,
                                            first_line=first[0], first_column=first[1])
                        frame[3], frame[4] = key, kpath
                        keys[kpath] = start
                    else:
                        frame[0][frame[3]] = value
                        values[frame[4]] = start
                        frame[3] = _NO_KEY
                    continue
                if event.tag not in (None, "!", _TAG + "map", _TAG + "seq"):
                    raise LoadError("yaml-tag", *start, problem=phrase("tag-unsupported", tag=str(event.tag)))
                if len(stack) >= MAX_DEPTH:
                    raise LoadError("yaml-too-deep", *start, limit=MAX_DEPTH)
                is_list = kind is _SeqStart
                new: Any = [] if is_list else {}
                cpath: Path_
                if frame is None:
                    root, have_root = new, True
                    cpath = ()
                    values[cpath] = start
                elif frame[2]:
                    cpath = (*frame[1], len(frame[0]))
                    frame[0].append(new)
                    values[cpath] = start
                elif frame[3] is _NO_KEY:
                    raise LoadError("yaml-complex-key", *start)
                else:
                    cpath = frame[4]  # the key's path, one tuple for both tables
                    frame[0][frame[3]] = new
                    values[cpath] = start
                    frame[3] = _NO_KEY
                frame = [new, cpath, is_list, _NO_KEY, None]
                stack.append(frame)
            elif kind is _MapEnd or kind is _SeqEnd:
                stack.pop()
                frame = stack[-1] if stack else None
            elif kind is yaml.DocumentStartEvent:
                documents += 1
                if documents > 1:
                    raise LoadError("yaml-multiple-documents", *_pos(event.start_mark))
            elif kind is yaml.AliasEvent:
                raise LoadError("yaml-alias", *_pos(event.start_mark),
                                problem=phrase("alias", name=str(event.anchor)))
            elif kind is yaml.StreamEndEvent or event is None:
                break
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, column = _pos(mark) if mark is not None else (0, 0)
        raise LoadError("yaml-syntax", line, column, problem=_syntax_problem(exc, text),
                        hint=_colon_hint(exc, text) or _indentation_hint(exc, text)) from None
    except yaml.YAMLError as exc:  # reader errors (control characters) and the like
        line, column = _reader_position(exc, text)
        raise LoadError("yaml-syntax", line, column, problem=_one_line(exc), hint="") from None
    finally:
        loader.dispose()
    if not have_root or root is None:
        raise LoadError("file-empty", 1, 1)
    doc.data = root
    return doc


_Scalar, _MapStart, _SeqStart = yaml.ScalarEvent, yaml.MappingStartEvent, yaml.SequenceStartEvent
_MapEnd, _SeqEnd = yaml.MappingEndEvent, yaml.SequenceEndEvent
_DocStart, _StreamEnd = yaml.DocumentStartEvent, yaml.StreamEndEvent


class _Unusual(Exception):
    """What ``_data_only`` leaves to ``parse``: anything but plain data within the limits."""


def _data_only(text: str) -> Any:
    """The data of a YAML text as ``parse`` reads it, without a position: for the common file
    (plain mappings, lists and untagged scalars within every limit, no duplicate key), in
    about two thirds of ``parse``'s time (the parser's events are most of the rest). Anything
    else (an error to report, a tag, an anchor, a limit reached) raises ``_Unusual``, and
    ``parse`` reads the file again, with its positions, to say what it says of it."""
    stack: list[list[Any]] = []  # each frame: [container, is a list, pending key (mappings)]
    frame: Any = None  # the innermost frame, None at the top level
    root: Any = _NO_KEY
    documents = 0
    nodes = 0
    loader = _Loader(text)
    get_event = loader.get_event
    try:
        while True:
            event = get_event()
            kind = type(event)
            is_key = frame is not None and not frame[1] and frame[2] is _NO_KEY
            if kind is _Scalar:
                nodes += 1
                source = event.value
                if (event.anchor is not None or event.tag is not None or nodes > MAX_NODES
                        or len(source) > MAX_TEXT):
                    raise _Unusual
                if event.style or not event.implicit[0] or (source not in _WORDS and source[0] not in _NUMBER_START):
                    value: Any = source
                else:
                    value = _scalar(event, 0, 0)
                if type(value) is str and len(value) <= MAX_SHARED_TEXT:
                    value = intern(value)
                if is_key:
                    key = value if type(value) is str else source
                    if key in frame[0] or len(frame[0]) >= MAX_ENTRIES:
                        raise _Unusual
                    frame[2] = key
                    continue
            elif kind is _MapStart or kind is _SeqStart:
                nodes += 1
                if (event.anchor is not None or event.tag is not None or nodes > MAX_NODES
                        or len(stack) >= MAX_DEPTH or is_key):  # (a key that is a mapping or a list)
                    raise _Unusual
                value = [] if kind is _SeqStart else {}
            else:
                if kind is _MapEnd or kind is _SeqEnd:
                    stack.pop()
                    frame = stack[-1] if stack else None
                elif kind is _DocStart:
                    documents += 1
                    if documents > 1:
                        raise _Unusual
                elif kind is _StreamEnd or event is None:
                    break
                elif kind is yaml.AliasEvent:
                    raise _Unusual
                continue
            if frame is None:  # the value, in its place
                root = value
            elif frame[1]:
                if len(frame[0]) >= MAX_ENTRIES:
                    raise _Unusual
                frame[0].append(value)
            else:
                frame[0][frame[2]] = value
                frame[2] = _NO_KEY
            if kind is not _Scalar:
                frame = [value, kind is _SeqStart, _NO_KEY]
                stack.append(frame)
    except yaml.YAMLError:
        raise _Unusual from None
    finally:
        loader.dispose()
    if root is _NO_KEY or root is None:
        raise _Unusual
    return root


def _positions(text: str, values: dict[Path_, tuple[int, int]], keys: dict[Path_, tuple[int, int]],
               until: tuple[Path_, bool] | None = None) -> bool:
    """Put into ``values`` and ``keys`` the positions ``parse`` records, for a text that
    ``_data_only`` has read (plain data within the limits, no duplicate key: nothing to check
    on the way), and say whether it read them all: it stops at the position ``until`` (a
    path, and whether its key is asked) once it is known. A key is the scalar as written
    (what ``parse`` keeps of a key)."""
    stack: list[list[Any]] = []  # each frame: [path, is a list, items so far, pending key's path]
    path, key = until if until is not None else (None, False)
    events = _events(text)
    try:
        for event in events:
            kind = type(event)
            if kind is _Scalar or kind is _MapStart or kind is _SeqStart:
                start = _pos(event.start_mark)
                if not stack:
                    where: Path_ = ()
                else:
                    frame = stack[-1]
                    if frame[1]:
                        where = (*frame[0], frame[2])
                        frame[2] += 1
                    elif frame[3] is None:  # a key (``_data_only`` has seen it is a scalar)
                        kpath = frame[3] = (*frame[0], event.value)
                        keys[kpath] = start
                        if key and kpath == path:
                            return False
                        continue
                    else:
                        where, frame[3] = frame[3], None
                values[where] = start
                if where == path:
                    return False
                if kind is not _Scalar:
                    stack.append([where, kind is _SeqStart, 0, None])
            elif kind is _MapEnd or kind is _SeqEnd:
                stack.pop()
    except yaml.YAMLError:  # not for the bytes ``_data_only`` read; the positions found are kept
        pass
    finally:
        events.close()
    return True


def _events(text: str) -> Generator[Any, None, None]:
    """The parser's events of ``text``; the parser is let go of at the end, or when the
    generator is closed."""
    loader = _Loader(text)
    try:
        while (event := loader.get_event()) is not None:
            yield event
    finally:
        loader.dispose()


def _check_size(stack: list[list[Any]], nodes: int, event: yaml.Event) -> None:
    """The limits of one file, enforced while it is read, before any work is spent on it."""
    if nodes > MAX_NODES:
        raise LoadError("too-many-entries", *_pos(event.start_mark), what=phrase("entries-file", limit=MAX_NODES))
    if not stack:
        return
    container, pending_key = stack[-1][0], stack[-1][3]
    if isinstance(container, list) and len(container) >= MAX_ENTRIES:
        raise LoadError("too-many-entries", *_pos(event.start_mark), what=phrase("entries-list", limit=MAX_ENTRIES))
    if isinstance(container, dict) and pending_key is _NO_KEY and len(container) >= MAX_ENTRIES:
        raise LoadError("too-many-entries", *_pos(event.start_mark), what=phrase("entries-mapping", limit=MAX_ENTRIES))


class _NoKey:
    def __repr__(self) -> str:  # pragma: no cover - debugging aid
        return "<no key>"


_NO_KEY = _NoKey()


def _parser_words(text: str) -> Arg:
    """PyYAML's words (``while scanning a quoted scalar``, ``found unexpected end of stream``)
    in the reader's language when ``labels/lint.yaml`` translates them, else as they are."""
    return _parser_table().get(text, text)


@functools.cache
def _parser_table() -> dict[str, Text]:
    """PyYAML's English phrases → both languages (``yaml-parser`` in ``labels/lint.yaml``)."""
    table = pieces().get("yaml-parser") or {}
    return {entry["en"]: Text(fr=entry["fr"], en=entry["en"]) for entry in table.values()}


def _cannot_start(exc: yaml.MarkedYAMLError, text: str) -> str | None:
    """The character no token can start with where the scanner stopped (« found character that
    cannot start any token »: a tab before a key or a value, an ``@`` or a backquote, which YAML
    reserves, at the start of a plain text); None for another problem."""
    mark = exc.problem_mark
    if mark is None or not (exc.problem or "").endswith("that cannot start any token"):
        return None
    lines = text.splitlines()
    if not 0 <= mark.line < len(lines) or not 0 <= mark.column < len(lines[mark.line]):
        return None
    return lines[mark.line][mark.column]


def _syntax_problem(exc: yaml.MarkedYAMLError, text: str) -> Arg:
    """The parser's problem, saying where its context began when that is elsewhere: an unclosed
    quote is found at the end of the file, but the user needs the line where it was opened."""
    char = _cannot_start(exc, text)
    if char is not None:  # the problem is that character, wherever the token began
        return phrase("yaml-tab-token") if char == "\t" else phrase("yaml-reserved-start", char=char)
    problem = _parser_words(exc.problem or "")
    context = exc.context or ""
    mark, problem_mark = exc.context_mark, exc.problem_mark
    if context and mark is not None and (problem_mark is None or mark.line != problem_mark.line):
        line, column = _pos(mark)
        return phrase("yaml-context", context=_parser_words(context), line=line, column=column, problem=problem)
    if context:
        return phrase("yaml-context-here", context=_parser_words(context), problem=problem)
    return problem


_KEY_VALUE = re.compile(r"^(?P<key>\s*(?:-\s+)?[^\s#'\"-][^:#]*?):(?P<space>[ \t]+)(?P<value>\S.*?)\s*$")


def _colon_hint(exc: yaml.MarkedYAMLError, text: str) -> Arg:
    """A « : » inside an unquoted text (``description: deux critères : données``) makes YAML
    read a second key: say to put the value in quotes, and show the line fixed."""
    mark = exc.problem_mark
    if mark is None or "mapping values are not allowed" not in (exc.problem or ""):
        return ""
    lines = text.splitlines()
    if not 0 <= mark.line < len(lines):
        return ""
    m = _KEY_VALUE.match(lines[mark.line])
    if m is None or mark.column <= m.end("key") or m["value"][0] in "\"'[{|>&*!%@`":
        return ""  # the line's own key, or a value that is not plain text
    value = m["value"].replace("\\", "\\\\").replace('"', '\\"')
    return phrase("hint-quote-colon", fixed=f'{m["key"].strip()}:{m["space"]}"{value}"')


_OWN_KEY = re.compile(r"^\s*(?:-\s+)?(?P<key>[^\s#'\"-][^:#]*?):(?:\s|$)")


def _indentation_hint(exc: yaml.MarkedYAMLError, text: str) -> Arg:
    """What an indentation mistake looks like to the parser: a key indented further than the
    line above stops on its own colon (« mapping values are not allowed here »: the line
    continues the text above); a line inside a list aligned with neither its dashes nor an
    entry's keys, or a key at the dashes (« did not find expected '-' indicator »); a line
    aligned with no level's keys (« did not find expected key », stopped at the line's start).
    Stopped inside a line after a quoted value instead, it is the quote that closed early."""
    mark, problem = exc.problem_mark, exc.problem or ""
    lines = text.splitlines()
    if mark is None or not 0 <= mark.line < len(lines):
        return ""
    # the parser stopped at the start of a line: its indentation, not a quote inside it (« 'l'école' »)
    at_start = not lines[mark.line][:mark.column].strip()
    if "did not find expected '-' indicator" in problem and at_start:
        opened = exc.context_mark
        among = opened is not None and opened.column == mark.column
        return phrase("hint-key-among-entries" if among else "hint-misaligned-entry")
    if "did not find expected key" in problem and "block mapping" in (exc.context or ""):
        if at_start:
            return phrase("hint-misaligned-key")
        value = _KEY_VALUE.match(lines[mark.line])
        if value is not None and value["value"][:1] in "'\"" and mark.column > value.start("value"):
            # « b: 'l'école' », « b: "le "Petit Prince"" »: the quote closed early
            return phrase("hint-quote-inside" if value["value"][0] == "'" else "hint-quote-inside-double")
    if "mapping values are not allowed" in problem:
        own = _OWN_KEY.match(lines[mark.line])
        if own is not None and mark.column == own.end("key"):
            return phrase("hint-over-indented", key=own["key"].strip())
    return ""


def _one_line(exc: BaseException) -> str:
    """The error's first line: PyYAML's next lines name its internal stream ("<unicode string>",
    position 8), which means nothing to the user; the position is reported apart."""
    return " ".join(str(exc).strip().split("\n", 1)[0].split())


def _reader_position(exc: yaml.YAMLError, text: str) -> tuple[int, int]:
    position = getattr(exc, "position", None)
    if isinstance(position, int):
        before = text[:position]
        return before.count("\n") + 1, position - (before.rfind("\n") + 1) + 1
    return (0, 0)


def load(path: Path, display: str, *, root: Path | None = None, max_bytes: int = MAX_BYTES) -> Document:
    """Read and parse one file of the repository ``root`` (default: the file's folder). Raises
    ``LoadError`` with a clear message for what cannot be read (``generator.load.files``)."""
    return parse_bytes(read_bytes(path, root if root is not None else path.parent, max_bytes), path, display)


def parse_bytes(raw: bytes, path: Path, display: str, *, again: Callable[[], bytes] | None = None) -> Document:
    """Decode and parse the bytes of one file (``load`` without the reading).

    With ``again``, a function that reads the same bytes again, the positions of the keys and
    values are not kept (``_data_only``: about two thirds of ``parse``'s time, a third less
    memory): the file is read again for them, as far as the one asked, when one is asked for
    (``Document.locate``), for a diagnostic. A file that cannot be read this way (any problem,
    a tag...) is read with its positions at once."""
    text = _text(raw)
    if again is not None:
        try:
            return Document(path=path, display=display, data=_data_only(text), again=again, crc=zlib.crc32(raw))
        except _Unusual:
            pass
    return parse(text, path, display)


def data_of(raw: bytes, path: Path, display: str) -> Any:
    """The data of one file's bytes, as ``parse_bytes`` reads them, for a caller that never
    asks where a value is (``ropa diff``). Raises ``LoadError`` as ``parse_bytes`` does."""
    text = _text(raw)
    try:
        return _data_only(text)
    except _Unusual:
        return parse(text, path, display).data


def _text(raw: bytes) -> str:
    """The text of a file's bytes: UTF-8 (after a byte-order mark), without a NUL character."""
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        before = raw[: exc.start]
        line = before.count(b"\n") + 1
        column = exc.start - (before.rfind(b"\n") + 1) + 1
        raise LoadError("file-encoding", line, column,
                        problem=phrase("encoding-byte", byte=f"0x{raw[exc.start]:02x}")) from None
    if "\x00" in text:
        head = text[: text.index("\x00")]
        raise LoadError("file-encoding", head.count("\n") + 1, len(head) - (head.rfind("\n") + 1) + 1,
                        problem=phrase("encoding-nul"))
    return text
