"""Rich text values of the Management API: a strict validator and the normaliser that produces stored HTML.

The hosted API accepts a small, fixed HTML subset and rejects everything else with a message that names the
construct and its `(line, column)`; it never repairs input. A lenient HTML parser (browsers, lxml,
`html.parser`) silently closes, reorders or drops markup and accepts single-quoted or unquoted attributes, so
this module scans the text itself (standard library only) and parses the subset by recursive descent:

    document   := ws* (block ws*)*
    block      := p | h1..h6 | ul | ol | figure | table | object      (table and object only at the top level)
    p, hN      := <p> inline* </p>
    ul, ol     := <ul> ws* (li ws*)* </ul>                             (a list directly in a list is an error)
    li         := <li> inline* [ul | ol] ws* </li>
    table      := <table> ws* <tbody> ws* (<tr> ws* (<td> cell </td> ws*)* </tr> ws*)* </tbody> ws* </table>
    cell       := blocks (no table, no object) | inline* (one implicit paragraph)
    figure     := <figure data-asset-…> ws* [<img src data-asset-…>] ws* </figure>
    object     := <object type="application/kenticocloud" data-type="item|component" data-…> ws* </object>
    inline     := text | <br> | <strong|em|sub|sup|code> inline* </…> | <a …> inline* </a>   (no nested links)

Positions are 1-based; a line ends at `\\n`, `\\r` takes no column, and a column counts code points, as the
hosted scanner does. Problems in attribute values (link kinds, ids, duplicates, sub inside sup) are collected
and parsing goes on; a structural problem (unexpected tag or text, missing closing tag, broken markup) stops
parsing, because nothing after it can be trusted. `parse` reports everything found up to that point.

`ParsedRichText.render` produces the value as the hosted API stores and returns it: blocks separated by a
newline, lists indented two spaces per level, tables one row per line, figures in their canonical
`<figure><img src="#"></figure>` form, whitespace collapsed and trimmed per line, relative-looking URLs given an
`http://` prefix, every reference spelled by id, empty blocks as `<br/>`. Rendering the rendered value again
yields the same text.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from html.entities import html5 as html5_entities

from headwater.kontent.references import Reference, validate_external_id
from headwater.platform import ids

EMPTY_VALUE = "<p><br/></p>"
MAX_LENGTH = 100_000
MAX_DEPTH = 64
MAX_PROBLEMS = 100

_TEXT_BLOCKS = frozenset({"p", "h1", "h2", "h3", "h4", "h5", "h6"})
_LISTS = frozenset({"ul", "ol"})
_STYLES = frozenset({"strong", "em", "sub", "sup", "code"})
_EXCLUSIVE = {"sub": "sup", "sup": "sub"}
# An opening tag of one of these switches a table cell from implicit-paragraph mode to block mode.
_CELL_BLOCK_TAGS = _TEXT_BLOCKS | _LISTS | {"li", "figure", "object", "table"}
_HTML_WS = " \t\n\r\f"
_WS_RUN = re.compile(r"[ \t\n\r\f]+")
_TAG_NAME = re.compile(r"[A-Za-z0-9]+")
_ATTR_NAME = re.compile(r"[^\s\x00-\x1f\x7f-\x9f\"'>/=]+")
_URL_WITH_SCHEME = re.compile(r"^(([A-Z]+://.+)|\?|#|/)", re.IGNORECASE | re.DOTALL)
_UNSAFE_SCHEMES = ("javascript:", "data:", "vbscript:")
_INVISIBLE = re.compile(r"[\s\x00-\x1f\x7f-\x9f]+")
_ATTR_REFERENCE = re.compile(r"&(?:#[0-9]+;?|#[xX][0-9A-Fa-f]+;?|[A-Za-z][A-Za-z0-9]*;)")

_ITEM_LINK_ATTRS = ("data-item-id", "data-item-external-id", "data-item-codename")
_ASSET_ATTRS = ("data-asset-id", "data-asset-external-id", "data-asset-codename")
_LINK_TYPE_ATTRS = (
    "href",
    *_ITEM_LINK_ATTRS,
    *_ASSET_ATTRS,
    "data-email-address",
    "data-phone-number",
)
_OBJECT_ITEM_ATTRS = ("data-id", "data-external-id", "data-codename")
_URL_LINK_EXTRAS = frozenset({"data-new-window", "title"})
_URL_LINK_TOLERATED = frozenset({"target", "rel"})

# The hosted validator's messages; the link, figure and object ones name the codename and phone forms the API
# accepted after the messages were first written.
MSG_SUPPORTED = "Expected an opening tag of one of the supported elements, but got {got}."
MSG_CLOSING = "Expected a closing tag of the {element} element, but got {got}."
MSG_OPENING = "Expected an opening tag of the {element} element, but got {got}."
MSG_OPENING_END = "Expected the end of the opening tag of the {element} element, but got {got}."
MSG_NESTED_LIST = "Nested list must be placed inside a list item in strict mode."
MSG_EXCLUSIVE = "The tag <{tag}> is mutually exclusive with the parent tag <{parent}>."
MSG_DUPLICATE = "Expected unique element attributes, but got a duplicated '{name}' attribute."
MSG_END_OF_FRAGMENT = "Unexpected end of HTML fragment"
MSG_TOO_DEEP = f"The rich text is nested too deeply; elements can be nested at most {MAX_DEPTH} levels deep."
MSG_TOO_LONG = "The rich text value is too long: it has {length} characters, but at most {limit} are allowed."
MSG_LINK_TARGET = (
    "The A element must have a 'href' attribute, a 'data-email-address' attribute, a 'data-phone-number' "
    "attribute or a data attribute that identifies the link target ('data-item-id', 'data-item-external-id', "
    "'data-item-codename', 'data-asset-id', 'data-asset-external-id' or 'data-asset-codename')."
)
MSG_LINK_MIXED = (
    "The A element must contain only one of the following HTML attributes: "
    + ",".join(_LINK_TYPE_ATTRS)
    + ". These attributes define the link type and the link type cannot be mixed."
)
MSG_URL_LINK = (
    "The A element that represents a URL link must have the 'href' attribute and, optionally, may have the "
    "'data-new-window' and 'title' attributes."
)
MSG_URL_EMPTY = "The 'href' attribute of an A element that represents a URL link must have a value."
MSG_NEW_WINDOW = (
    "The 'data-new-window' attribute of an A element that represents a URL link must have a value 'true' or 'false'."
)
MSG_ITEM_LINK = (
    "The A element that represents a content item link must have only a 'data-item-id', a "
    "'data-item-external-id' or a 'data-item-codename' attribute."
)
MSG_ITEM_LINK_VALUE = (
    "The A element that represents a content item link must have a 'data-item-id', a 'data-item-external-id' "
    "or a 'data-item-codename' attribute with a value that identifies a content item."
)
MSG_ASSET_LINK = (
    "The A element that represents an asset link must have only a 'data-asset-id', a 'data-asset-external-id' "
    "or a 'data-asset-codename' attribute."
)
MSG_ASSET_LINK_VALUE = (
    "The A element that represents an asset link must have a 'data-asset-id', a 'data-asset-external-id' or a "
    "'data-asset-codename' attribute with a value that identifies an asset."
)
MSG_EMAIL_LINK = (
    "The A element that represents an e-mail link must have only a 'data-email-address' attribute and an "
    "optional 'data-email-subject' attribute."
)
MSG_EMAIL_EMPTY = "The 'data-email-address' attribute of an A element that represents an e-mail link must have a value."
MSG_PHONE_LINK = "The A element that represents a phone link must have only a 'data-phone-number' attribute."
MSG_PHONE_EMPTY = "The 'data-phone-number' attribute of an A element that represents a phone link must have a value."
MSG_OBJECT = (
    "The OBJECT element must have a 'type' attribute with a value 'application/kenticocloud', a 'data-type' "
    "attribute and a data attribute."
)
MSG_OBJECT_DATA_TYPE = "The OBJECT element must have a 'data-type' attribute with a value 'item' or 'component'."
MSG_OBJECT_ITEM = (
    "The OBJECT element must have a data attribute that identifies a content item ('data-id', "
    "'data-external-id' or 'data-codename')."
)
MSG_OBJECT_COMPONENT = "The OBJECT element must have a 'data-id' attribute that identifies a content component."
MSG_COMPONENT_TWICE = (
    "A component with 'id={id}' is referenced multiple times. Remove the duplicity so that the component is "
    "referenced only once."
)
MSG_FIGURE = (
    "The FIGURE element must have only a data attribute that identifies an asset ('data-asset-id', "
    "'data-asset-external-id' or 'data-asset-codename')."
)
MSG_IMG = (
    "The IMG element must have a data attribute that identifies an asset ('data-asset-id', "
    "'data-asset-external-id' or 'data-asset-codename')."
)
MSG_IMG_MISMATCH = (
    "The value of the '{name}' attribute of the IMG element does not correspond to the value from the FIGURE element."
)
MSG_EXTERNAL_ID = "The '{name}' attribute does not hold a valid external id: {problem}"


@dataclass(frozen=True, slots=True)
class RichTextProblem:
    """One reason a rich text value is refused, with the 1-based line and column it points at.

    `message` carries no position; `text()` adds it as the hosted API prints it: as a ` (line, column)` suffix,
    or, for scanner messages (`insert_at` set), as ` at (line, column)` right after the offending character.
    """

    message: str
    line: int
    position: int
    insert_at: int | None = None

    def text(self) -> str:
        where = f"({self.line}, {self.position})"
        if self.insert_at is None:
            return f"{self.message} {where}"
        return f"{self.message[: self.insert_at]} at {where}{self.message[self.insert_at :]}"


class InvalidRichText(Exception):
    """The value is not rich text the API accepts; `problems` lists every reason found, in document order."""

    def __init__(self, problems: list[RichTextProblem]) -> None:
        super().__init__("; ".join(problem.text() for problem in problems))
        self.problems = problems


# -- the tree --------------------------------------------------------------------------------------------------


class _Text:
    __slots__ = ("value",)

    def __init__(self, value: str) -> None:
        self.value = value


class _Break:
    __slots__ = ()


class _Style:
    __slots__ = ("children", "tag")

    def __init__(self, tag: str, children: list[_Inline]) -> None:
        self.tag = tag
        self.children = children


class _Link:
    """`kind` is url | item | asset | email | phone; `ref` is set for item and asset links."""

    __slots__ = ("children", "kind", "ref", "values")

    def __init__(self, kind: str, values: tuple[str, ...], ref: Reference | None, children: list[_Inline]) -> None:
        self.kind = kind
        self.values = values
        self.ref = ref
        self.children = children


_Inline = _Text | _Break | _Style | _Link


class _TextBlock:
    __slots__ = ("children", "tag")

    def __init__(self, tag: str, children: list[_Inline]) -> None:
        self.tag = tag
        self.children = children


class _ListItem:
    __slots__ = ("children", "nested")

    def __init__(self, children: list[_Inline], nested: _ListBlock | None) -> None:
        self.children = children
        self.nested = nested


class _ListBlock:
    __slots__ = ("items", "tag")

    def __init__(self, tag: str, items: list[_ListItem]) -> None:
        self.tag = tag
        self.items = items


class _Table:
    __slots__ = ("rows",)

    def __init__(self, rows: list[list[list[_Block]]]) -> None:
        self.rows = rows


class _Figure:
    __slots__ = ("ref",)

    def __init__(self, ref: Reference | None) -> None:
        self.ref = ref


class _Object:
    """An item object (`ref`) or a component object (`component_id`)."""

    __slots__ = ("component_id", "ref")

    def __init__(self, ref: Reference | None, component_id: str | None) -> None:
        self.ref = ref
        self.component_id = component_id


_Block = _TextBlock | _ListBlock | _Table | _Figure | _Object


@dataclass
class ParsedRichText:
    """A valid rich text value: its references in document order (duplicates kept) and its canonical form."""

    item_refs: list[Reference] = field(default_factory=list)
    asset_refs: list[Reference] = field(default_factory=list)
    component_ids: list[str] = field(default_factory=list)
    _blocks: list[_Block] = field(default_factory=list, repr=False)

    @property
    def is_empty(self) -> bool:
        """Whether the value holds nothing a reader would see: no blocks, or one paragraph of whitespace/breaks."""
        if not self._blocks:
            return True
        if len(self._blocks) > 1:
            return False
        block = self._blocks[0]
        return (
            isinstance(block, _TextBlock)
            and block.tag == "p"
            and all(isinstance(node, _Break) or (isinstance(node, _Text) and not node.value) for node in block.children)
        )

    def render(
        self, item_ids: Mapping[Reference, str] | None = None, asset_ids: Mapping[Reference, str] | None = None
    ) -> str:
        """The HTML as the hosted API returns it, every item and asset reference spelled by its id.

        `item_ids`/`asset_ids` map the references of `item_refs`/`asset_refs` to ids; a reference by id needs no
        entry. Component objects keep their `data-id`.
        """
        if not self._blocks:
            return EMPTY_VALUE
        writer = _Writer(item_ids or {}, asset_ids or {})
        return "\n".join(writer.block(block) for block in self._blocks)


def parse(value: str | None) -> ParsedRichText:
    """Validate `value` and build its tree; raises `InvalidRichText` listing every problem found.

    None, an empty string and whitespace alone are the empty value. The length limit counts the value as sent,
    in UTF-16 code units (the unit of the hosted platform's strings and of JavaScript clients).
    """
    if value is None:
        return ParsedRichText()
    length = utf16_length(value)
    if length > MAX_LENGTH:
        raise InvalidRichText([RichTextProblem(MSG_TOO_LONG.format(length=length, limit=MAX_LENGTH), 1, 1)])
    parser = _Parser(value)
    try:
        tokens = _scan(value)
        parser.run(tokens)
    except _Fatal as fatal:
        parser.problems.append(fatal.problem)
    if parser.problems:
        raise InvalidRichText(parser.problems)
    return ParsedRichText(parser.item_refs, parser.asset_refs, parser.component_ids, parser.blocks)


def utf16_length(value: str) -> int:
    """Lengths as the hosted platform counts them (UTF-16 code units, like JavaScript's `length`)."""
    return len(value.encode("utf-16-le", "surrogatepass")) // 2


# -- scanning --------------------------------------------------------------------------------------------------

_TEXT, _START, _END = 0, 1, 2


class _Attr:
    __slots__ = ("name", "offset", "value")

    def __init__(self, name: str, value: str, offset: int) -> None:
        self.name = name
        self.value = value
        self.offset = offset


class _Token:
    """A text run (`text` raw, entities still encoded), an opening tag or a closing tag; `offset` is where it starts."""

    __slots__ = ("attrs", "kind", "name", "offset", "self_closing", "text")

    def __init__(
        self,
        kind: int,
        offset: int,
        name: str = "",
        text: str = "",
        attrs: list[_Attr] | None = None,
        self_closing: bool = False,
    ) -> None:
        self.kind = kind
        self.offset = offset
        self.name = name
        self.text = text
        self.attrs = attrs or []
        self.self_closing = self_closing


class _Fatal(Exception):
    def __init__(self, problem: RichTextProblem) -> None:
        super().__init__(problem.message)
        self.problem = problem


class _Positions:
    """Offsets to the hosted API's (line, column): `\\n` starts a line, `\\r` takes no column."""

    def __init__(self, source: str) -> None:
        self.source = source

    def at(self, offset: int) -> tuple[int, int]:
        source = self.source
        line = source.count("\n", 0, offset) + 1
        start = source.rfind("\n", 0, offset) + 1
        return line, offset - start - source.count("\r", start, offset) + 1

    def problem(self, message: str, offset: int, insert_at: int | None = None) -> RichTextProblem:
        line, column = self.at(offset)
        return RichTextProblem(message, line, column, insert_at)


def _scan(source: str) -> list[_Token]:
    """Split `source` into text runs and tags, refusing markup the hosted scanner refuses."""
    positions = _Positions(source)
    tokens: list[_Token] = []
    n = len(source)
    i = 0

    def end_of_fragment() -> _Fatal:
        return _Fatal(positions.problem(MSG_END_OF_FRAGMENT, n))

    def unexpected(at: int, expected: str | None) -> _Fatal:
        head = f'Unexpected character "{source[at]}"'
        return _Fatal(positions.problem(f"{head}. {expected}" if expected else f"{head}.", at, len(head)))

    def skip_space(at: int) -> int:
        while at < n and source[at].isspace():
            at += 1
        return at

    while i < n:
        lt = source.find("<", i)
        if lt == -1:
            tokens.append(_Token(_TEXT, i, text=source[i:]))
            break
        if lt > i:
            tokens.append(_Token(_TEXT, i, text=source[i:lt]))
        i = lt + 1
        if i >= n:
            raise end_of_fragment()
        if source[i] == "/":
            i += 1
            if i >= n:
                raise end_of_fragment()
            name = _TAG_NAME.match(source, i)
            if name is None:
                raise unexpected(i, "Element name was expected.")
            i = skip_space(name.end())
            if i >= n:
                raise end_of_fragment()
            if source[i] != ">":
                raise unexpected(i, '">" character was expected.')
            tokens.append(_Token(_END, lt, name=name.group().lower()))
            i += 1
            continue
        name = _TAG_NAME.match(source, i)
        if name is None:
            raise unexpected(i, "Element name was expected.")
        i = name.end()
        if i < n and not (source[i].isspace() or source[i] in "/>"):
            raise unexpected(i, '">" character was expected.')
        attrs: list[_Attr] = []
        self_closing = False
        while True:
            i = skip_space(i)
            if i >= n:
                raise end_of_fragment()
            ch = source[i]
            if ch == ">":
                i += 1
                break
            if ch == "/":
                i += 1
                if i >= n:
                    raise end_of_fragment()
                if source[i] != ">":
                    raise unexpected(i, '">" character was expected.')
                i += 1
                self_closing = True
                break
            attr_name = _ATTR_NAME.match(source, i)
            if attr_name is None:
                raise unexpected(i, 'Attribute name or ">" character was expected.')
            attr_at, i = i, attr_name.end()
            if i < n and not (source[i].isspace() or source[i] in "=>/"):
                raise unexpected(i, None)
            i = skip_space(i)
            value = ""
            if i < n and source[i] == "=":
                i = skip_space(i + 1)
                if i >= n:
                    raise end_of_fragment()
                if source[i] != '"':
                    raise unexpected(i, 'Attribute value enclosed in double quotes (") was expected.')
                close = source.find('"', i + 1)
                if close == -1:
                    raise end_of_fragment()
                value = _unescape_attribute(source[i + 1 : close])
                i = close + 1
            attrs.append(_Attr(attr_name.group().lower(), value, attr_at))
        tokens.append(_Token(_START, lt, name=name.group().lower(), attrs=attrs, self_closing=self_closing))
    return tokens


def _unescape_attribute(value: str) -> str:
    """Decode character references in an attribute value; a named one needs its `;` here.

    `html.unescape` also decodes legacy names without a semicolon (`&copy` → ©), which would corrupt URLs such as
    `?a=1&copy=2`; HTML itself leaves those alone in attribute values.
    """
    if "&" not in value:
        return value
    return _ATTR_REFERENCE.sub(_decode_attribute_reference, value)


def _decode_attribute_reference(match: re.Match[str]) -> str:
    reference = match.group()
    if reference[1] == "#":
        return html.unescape(reference)
    return html5_entities.get(reference[1:], reference)


# -- parsing ---------------------------------------------------------------------------------------------------


def _is_ws(text: str) -> bool:
    return not text.strip(_HTML_WS)


class _Parser:
    def __init__(self, source: str) -> None:
        self.positions = _Positions(source)
        self.end = len(source)
        self.tokens: list[_Token] = []
        self.index = 0
        self.problems: list[RichTextProblem] = []
        self.item_refs: list[Reference] = []
        self.asset_refs: list[Reference] = []
        self.component_ids: list[str] = []
        self.blocks: list[_Block] = []

    # token plumbing

    def peek(self) -> _Token | None:
        return self.tokens[self.index] if self.index < len(self.tokens) else None

    def take(self) -> _Token:
        token = self.tokens[self.index]
        self.index += 1
        return token

    def is_start(self, names: frozenset[str] | set[str]) -> bool:
        token = self.peek()
        return token is not None and token.kind == _START and token.name in names

    def skip_ws(self) -> None:
        token = self.peek()
        while token is not None and token.kind == _TEXT and _is_ws(token.text):
            self.index += 1
            token = self.peek()

    def describe(self, token: _Token | None) -> str:
        if token is None:
            return "the end of the rich text value"
        if token.kind == _TEXT:
            text = token.text if len(token.text) <= 60 else token.text[:60] + "…"
            return f"a text {text}"
        if token.kind == _END:
            return f"a closing tag {token.name}"
        return f"an opening tag {token.name}"

    def offset(self, token: _Token | None) -> int:
        return self.end if token is None else token.offset

    def fatal(self, message: str, offset: int) -> _Fatal:
        return _Fatal(self.positions.problem(message, offset))

    def problem(self, message: str, offset: int) -> None:
        self.problems.append(self.positions.problem(message, offset))
        if len(self.problems) >= MAX_PROBLEMS:
            raise self.fatal(self.problems.pop().message, offset)

    def expect_close(self, name: str) -> None:
        token = self.peek()
        if token is not None and token.kind == _END and token.name == name:
            self.index += 1
            return
        raise self.fatal(MSG_CLOSING.format(element=name.upper(), got=self.describe(token)), self.offset(token))

    def open_plain(self, token: _Token) -> None:
        """Accept an opening tag that takes no attributes; a self-closing form leaves the element unclosed."""
        if token.self_closing:
            raise self.fatal(
                MSG_OPENING_END.format(element=token.name.upper(), got=f"the end of the self-closing tag {token.name}"),
                token.offset,
            )
        if token.attrs:
            self.problem(
                MSG_OPENING_END.format(element=token.name.upper(), got="an attribute name"), token.attrs[0].offset
            )

    def attributes(self, token: _Token) -> dict[str, _Attr]:
        attrs: dict[str, _Attr] = {}
        for attr in token.attrs:
            if attr.name in attrs:
                self.problem(MSG_DUPLICATE.format(name=attr.name), attr.offset)
                continue
            attrs[attr.name] = attr
        return attrs

    def check_depth(self, depth: int, token: _Token) -> None:
        if depth > MAX_DEPTH:
            raise self.fatal(MSG_TOO_DEEP, token.offset)

    # blocks

    def run(self, tokens: list[_Token]) -> None:
        self.tokens = tokens
        while True:
            self.skip_ws()
            if self.peek() is None:
                return
            self.blocks.append(self.block(top=True, depth=1))

    def block(self, *, top: bool, depth: int) -> _Block:
        token = self.peek()
        if token is not None and token.kind == _START:
            name = token.name
            if name in _TEXT_BLOCKS:
                return self.text_block(depth)
            if name in _LISTS:
                return self.list_block(depth)
            if name == "figure":
                return self.figure()
            if top and name == "table":
                return self.table(depth)
            if top and name == "object":
                return self.object()
        raise self.fatal(MSG_SUPPORTED.format(got=self.describe(token)), self.offset(token))

    def text_block(self, depth: int) -> _TextBlock:
        token = self.take()
        self.open_plain(token)
        children = self.inline(depth + 1, (), in_link=False)
        self.expect_close(token.name)
        _normalize_line(children)
        return _TextBlock(token.name, children)

    def list_block(self, depth: int) -> _ListBlock:
        token = self.take()
        self.check_depth(depth, token)
        self.open_plain(token)
        items: list[_ListItem] = []
        while True:
            self.skip_ws()
            if self.is_start({"li"}):
                items.append(self.list_item(depth + 1))
                continue
            nested = self.peek()
            if nested is not None and self.is_start(_LISTS):
                raise self.fatal(MSG_NESTED_LIST, nested.offset)
            break
        self.expect_close(token.name)
        return _ListBlock(token.name, items)

    def list_item(self, depth: int) -> _ListItem:
        token = self.take()
        self.check_depth(depth, token)
        self.open_plain(token)
        children = self.inline(depth + 1, (), in_link=False)
        _normalize_line(children)
        nested = self.list_block(depth + 1) if self.is_start(_LISTS) else None
        self.skip_ws()
        self.expect_close("li")
        return _ListItem(children, nested)

    def table(self, depth: int) -> _Table:
        token = self.take()
        self.open_plain(token)
        self.skip_ws()
        body = self.peek()
        if body is None or body.kind != _START or body.name != "tbody":
            raise self.fatal(MSG_OPENING.format(element="TBODY", got=self.describe(body)), self.offset(body))
        self.open_plain(self.take())
        self.skip_ws()
        rows: list[list[list[_Block]]] = []
        while self.is_start({"tr"}):
            self.open_plain(self.take())
            self.skip_ws()
            cells: list[list[_Block]] = []
            while self.is_start({"td"}):
                self.open_plain(self.take())
                cells.append(self.cell(depth + 1))
                self.expect_close("td")
                self.skip_ws()
            self.expect_close("tr")
            self.skip_ws()
            rows.append(cells)
        self.expect_close("tbody")
        self.skip_ws()
        self.expect_close("table")
        return _Table(rows)

    def cell(self, depth: int) -> list[_Block]:
        self.skip_ws()
        if not self.is_start(_CELL_BLOCK_TAGS):
            children = self.inline(depth + 1, (), in_link=False)
            _normalize_line(children)
            return [_TextBlock("p", children)]
        blocks: list[_Block] = []
        while (token := self.peek()) is not None and token.kind != _END:
            blocks.append(self.block(top=False, depth=depth + 1))
            self.skip_ws()
        return blocks

    def figure(self) -> _Figure:
        token = self.take()
        if token.self_closing:
            raise self.fatal(
                MSG_OPENING_END.format(element="FIGURE", got="the end of the self-closing tag figure"), token.offset
            )
        attrs = self.attributes(token)
        ref: Reference | None = None
        key: str | None = None
        if len(attrs) == 1 and next(iter(attrs)) in _ASSET_ATTRS:
            key = next(iter(attrs))
            ref = self.reference(attrs[key], MSG_FIGURE)
        else:
            self.problem(MSG_FIGURE, token.offset)
        self.skip_ws()
        if self.is_start({"img"}):
            image = self.take()
            image_attrs = self.attributes(image)
            if key is not None and ref is not None:
                self.check_image(image, image_attrs, key, attrs[key].value)
        self.skip_ws()
        self.expect_close("figure")
        if ref is not None:
            self.asset_refs.append(ref)
        return _Figure(ref)

    def check_image(self, image: _Token, attrs: dict[str, _Attr], key: str, figure_value: str) -> None:
        if any(name not in ("src", key) for name in attrs):
            self.problem(MSG_IMG, image.offset)
            return
        if key in attrs and _same_reference(key, attrs[key].value, figure_value) is False:
            self.problem(MSG_IMG_MISMATCH.format(name=key), attrs[key].offset)

    def object(self) -> _Object:
        token = self.take()
        if token.self_closing:
            raise self.fatal(
                MSG_OPENING_END.format(element="OBJECT", got="the end of the self-closing tag object"), token.offset
            )
        attrs = self.attributes(token)
        self.skip_ws()
        self.expect_close("object")
        type_attr = attrs.get("type")
        if len(attrs) != 3 or type_attr is None or type_attr.value != "application/kenticocloud":
            self.problem(MSG_OBJECT, token.offset)
            return _Object(None, None)
        data_type = attrs.get("data-type")
        rest = [attr for name, attr in attrs.items() if name not in ("type", "data-type")]
        if data_type is None or data_type.value not in ("item", "component") or len(rest) != 1:
            self.problem(MSG_OBJECT_DATA_TYPE, (data_type or token).offset)
            return _Object(None, None)
        (data,) = rest
        if data_type.value == "component":
            if data.name != "data-id" or not ids.is_guid(data.value):
                self.problem(MSG_OBJECT_COMPONENT, data.offset)
                return _Object(None, None)
            component_id = ids.normalize_guid(data.value)
            if component_id in self.component_ids:
                self.problem(MSG_COMPONENT_TWICE.format(id=component_id), token.offset)
                return _Object(None, None)
            self.component_ids.append(component_id)
            return _Object(None, component_id)
        if data.name not in _OBJECT_ITEM_ATTRS:
            self.problem(MSG_OBJECT_ITEM, data.offset)
            return _Object(None, None)
        ref = self.reference(data, MSG_OBJECT_ITEM)
        if ref is not None:
            self.item_refs.append(ref)
        return _Object(ref, None)

    def reference(self, attr: _Attr, message: str) -> Reference | None:
        """The reference an id, external-id or codename attribute spells, or None after recording why not."""
        value = attr.value
        if attr.name.endswith("-external-id"):
            problem = validate_external_id(value)
            if problem is not None:
                self.problem(MSG_EXTERNAL_ID.format(name=attr.name, problem=problem), attr.offset)
                return None
            return Reference(external_id=value)
        if attr.name.endswith("-codename"):
            if not value.strip():
                self.problem(message, attr.offset)
                return None
            return Reference(codename=value)
        if not ids.is_guid(value):
            self.problem(message, attr.offset)
            return None
        return Reference(id=ids.normalize_guid(value))

    # inline content

    def inline(self, depth: int, styles: tuple[str, ...], *, in_link: bool) -> list[_Inline]:
        nodes: list[_Inline] = []
        while (token := self.peek()) is not None:
            if token.kind == _TEXT:
                self.index += 1
                nodes.append(_Text(_WS_RUN.sub(" ", html.unescape(token.text))))
            elif token.kind != _START:
                break
            elif token.name == "br":
                self.index += 1
                if token.attrs:
                    self.problem(MSG_OPENING_END.format(element="BR", got="an attribute name"), token.attrs[0].offset)
                nodes.append(_Break())
            elif token.name in _STYLES:
                nodes.append(self.style(depth, styles, in_link=in_link))
            elif token.name == "a" and not in_link:
                nodes.append(self.link(depth, styles))
            else:
                break
        return nodes

    def style(self, depth: int, styles: tuple[str, ...], *, in_link: bool) -> _Style:
        token = self.take()
        self.check_depth(depth, token)
        self.open_plain(token)
        other = _EXCLUSIVE.get(token.name)
        if other is not None and other in styles:
            self.problem(MSG_EXCLUSIVE.format(tag=token.name, parent=other), token.offset)
        children = self.inline(depth + 1, (*styles, token.name), in_link=in_link)
        self.expect_close(token.name)
        return _Style(token.name, children)

    def link(self, depth: int, styles: tuple[str, ...]) -> _Link:
        token = self.take()
        self.check_depth(depth, token)
        if token.self_closing:
            raise self.fatal(MSG_OPENING_END.format(element="A", got="the end of the self-closing tag a"), token.offset)
        link = self.link_target(token, self.attributes(token))
        link.children = self.inline(depth + 1, styles, in_link=True)
        self.expect_close("a")
        return link

    def link_target(self, token: _Token, attrs: dict[str, _Attr]) -> _Link:
        kinds = [name for name in attrs if name in _LINK_TYPE_ATTRS]
        invalid = _Link("invalid", (), None, [])
        if len(kinds) > 1:
            self.problem(MSG_LINK_MIXED, token.offset)
            return invalid
        if not kinds:
            self.problem(MSG_LINK_TARGET, token.offset)
            return invalid
        (kind,) = kinds
        attr = attrs[kind]
        others = [name for name in attrs if name != kind]
        if kind == "href":
            if any(name not in _URL_LINK_EXTRAS and name not in _URL_LINK_TOLERATED for name in others):
                self.problem(MSG_URL_LINK, token.offset)
                return invalid
            new_window = attrs["data-new-window"].value.lower() if "data-new-window" in attrs else "false"
            if new_window not in ("true", "false"):
                self.problem(MSG_NEW_WINDOW, attrs["data-new-window"].offset)
                return invalid
            if not attr.value.strip():
                self.problem(MSG_URL_EMPTY, attr.offset)
                return invalid
            title = attrs["title"].value if "title" in attrs else ""
            return _Link("url", (_resolve_url(attr.value), new_window, title), None, [])
        if kind in _ITEM_LINK_ATTRS:
            if others:
                self.problem(MSG_ITEM_LINK, token.offset)
                return invalid
            ref = self.reference(attr, MSG_ITEM_LINK_VALUE)
            if ref is not None:
                self.item_refs.append(ref)
            return _Link("item", (), ref, [])
        if kind in _ASSET_ATTRS:
            if others:
                self.problem(MSG_ASSET_LINK, token.offset)
                return invalid
            ref = self.reference(attr, MSG_ASSET_LINK_VALUE)
            if ref is not None:
                self.asset_refs.append(ref)
            return _Link("asset", (), ref, [])
        if kind == "data-email-address":
            if any(name != "data-email-subject" for name in others):
                self.problem(MSG_EMAIL_LINK, token.offset)
                return invalid
            if not attr.value.strip():
                self.problem(MSG_EMAIL_EMPTY, attr.offset)
                return invalid
            subject = attrs["data-email-subject"].value if "data-email-subject" in attrs else ""
            return _Link("email", (attr.value, subject), None, [])
        if others:
            self.problem(MSG_PHONE_LINK, token.offset)
            return invalid
        if not attr.value.strip():
            self.problem(MSG_PHONE_EMPTY, attr.offset)
            return invalid
        return _Link("phone", (attr.value,), None, [])


def _same_reference(key: str, image_value: str, figure_value: str) -> bool:
    if key == "data-asset-id" and ids.is_guid(image_value):
        return ids.normalize_guid(image_value) == ids.normalize_guid(figure_value)
    return image_value == figure_value


def _resolve_url(href: str) -> str:
    """Relative-looking or unsafe URLs get an `http://` prefix, as the hosted editor and API do.

    Absolute URLs with a scheme (`https://…`), and root-relative paths, queries and fragments stay as they are;
    `javascript:`, `data:` and `vbscript:` URLs (even disguised by whitespace or control characters) and
    anything else (`example.org`, `page.html`, `mailto:x`) are prefixed.
    """
    cleaned = _INVISIBLE.sub("", href).lower()
    if cleaned.startswith(_UNSAFE_SCHEMES) or not _URL_WITH_SCHEME.match(href):
        return f"http://{href}"
    return href


def _normalize_line(nodes: list[_Inline]) -> None:
    """Trim the whitespace at the edges of a line and keep one space between words across inline elements.

    Each text node already has its whitespace runs collapsed to one space. A space survives only between two
    pieces of text on the same line (a `<br>` starts a new line); it stays in the node where it was written.
    """
    last: _Text | None = None
    has_content = False
    trailing = False
    for node in _flatten(nodes):
        if isinstance(node, _Break):
            has_content = False
            trailing = False
            continue
        value = node.value
        starts = value.startswith(" ")
        ends = value.endswith(" ")
        value = value.strip(" ")
        if value:
            if has_content and trailing and last is not None:
                last.value += " "
            elif starts and has_content:
                value = " " + value
            has_content = True
        node.value = value
        last = node
        trailing = ends


def _flatten(nodes: list[_Inline]) -> Iterator[_Text | _Break]:
    for node in nodes:
        if isinstance(node, _Text | _Break):
            yield node
        else:
            yield from _flatten(node.children)


# -- rendering -------------------------------------------------------------------------------------------------


def _escape_text(value: str) -> str:
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\u00a0", "&nbsp;")


def _escape_attr(value: str) -> str:
    return value.replace("&", "&amp;").replace('"', "&quot;").replace("\u00a0", "&nbsp;")


class _Writer:
    def __init__(self, item_ids: Mapping[Reference, str], asset_ids: Mapping[Reference, str]) -> None:
        self.item_ids = item_ids
        self.asset_ids = asset_ids

    def item(self, ref: Reference | None) -> str:
        return _lookup(ref, self.item_ids, "item")

    def asset(self, ref: Reference | None) -> str:
        return _lookup(ref, self.asset_ids, "asset")

    def block(self, block: _Block) -> str:
        if isinstance(block, _TextBlock):
            return f"<{block.tag}>{self.line(block.children)}</{block.tag}>"
        if isinstance(block, _ListBlock):
            return self.list_block(block, 0)
        if isinstance(block, _Table):
            rows = "".join(f"  <tr>{''.join(self.cell(cell) for cell in row)}</tr>\n" for row in block.rows)
            return f"<table><tbody>\n{rows}</tbody></table>"
        if isinstance(block, _Figure):
            asset_id = _escape_attr(self.asset(block.ref))
            return f'<figure data-asset-id="{asset_id}"><img src="#" data-asset-id="{asset_id}"></figure>'
        if block.component_id is not None:
            kind, object_id = "component", block.component_id
        else:
            kind, object_id = "item", self.item(block.ref)
        return (
            f'<object type="application/kenticocloud" data-type="{kind}" data-id="{_escape_attr(object_id)}"></object>'
        )

    def cell(self, blocks: list[_Block]) -> str:
        if len(blocks) == 1 and isinstance(blocks[0], _TextBlock) and blocks[0].tag == "p":
            return f"<td>{self.line(blocks[0].children)}</td>"
        inner = "".join(f"{self.block(block)}\n" for block in blocks)
        return f"<td>{inner}</td>"

    def list_block(self, block: _ListBlock, indent: int) -> str:
        pad, item_pad = " " * indent, " " * (indent + 2)
        lines = [f"{pad}<{block.tag}>"]
        for item in block.items:
            if item.nested is None:
                lines.append(f"{item_pad}<li>{self.line(item.children)}</li>")
            else:
                lines.append(f"{item_pad}<li>{self.inline(item.children)}")
                lines.append(self.list_block(item.nested, indent + 4))
                lines.append(f"{item_pad}</li>")
        lines.append(f"{pad}</{block.tag}>")
        return "\n".join(lines)

    def line(self, nodes: list[_Inline]) -> str:
        return self.inline(nodes) or "<br/>"

    def inline(self, nodes: list[_Inline]) -> str:
        out: list[str] = []
        for node in nodes:
            if isinstance(node, _Text):
                out.append(_escape_text(node.value))
            elif isinstance(node, _Break):
                out.append("<br/>")
            elif isinstance(node, _Style):
                out.append(f"<{node.tag}>{self.inline(node.children)}</{node.tag}>")
            else:
                out.append(f"{self.link_open(node)}{self.inline(node.children)}</a>")
        return "".join(out)

    def link_open(self, link: _Link) -> str:
        if link.kind == "url":
            href, new_window, title = link.values
            extra = ' data-new-window="true"' if new_window == "true" else ""
            if title:
                extra += f' title="{_escape_attr(title)}"'
            return f'<a href="{_escape_attr(href)}"{extra}>'
        if link.kind == "item":
            return f'<a data-item-id="{_escape_attr(self.item(link.ref))}">'
        if link.kind == "asset":
            return f'<a data-asset-id="{_escape_attr(self.asset(link.ref))}">'
        if link.kind == "email":
            address, subject = link.values
            extra = f' data-email-subject="{_escape_attr(subject)}"' if subject else ""
            return f'<a data-email-address="{_escape_attr(address)}"{extra}>'
        return f'<a data-phone-number="{_escape_attr(link.values[0])}">'


def _lookup(ref: Reference | None, known: Mapping[Reference, str], what: str) -> str:
    if ref is not None:
        found = known.get(ref)
        if found is not None:
            return found
        if ref.id is not None:
            return ref.id
    raise KeyError(f"no id given for the {what} reference {ref.describe() if ref else None} in the rich text")
