"""Whether a variant meets its content type: required elements filled and every element limit met.

One set of checks serves publishing and environment validation (`projectvalidation.py`). Publishing (and
scheduling) refuses a variant with issues with error_code 4040027 and one `{message, path}` validation error
per issue, naming the element; data-ops' restore recognises that code and carries on. Environment
validation reports the same messages grouped per element, plus references to content items that do not
exist, which do not block publishing: imports link items by external id before creating them.

Limits of optional elements apply only once the element holds something (the vendor's rule: an optional
asset element limited to exactly two assets may stay empty). Messages follow the hosted API's wording
("Element 'X' is required but has no value", "… should have at most 160 characters(s) but has 174
character(s).", "… should have at least 1 content module(s) but has 0 content module(s).").

Not checked, because assets are not stored yet: asset file sizes and types, image dimensions and sizes
(asset and rich text elements), and whether referenced assets exist. Components inside rich text are
checked for their type (`allowed_content_types`), not for their own elements' limits.

Checking a batch costs a bounded number of queries: `prepare` reads each variant and collects the items it
links; `Lookup.load_items` reads them all in one statement per 500; `check` then runs on cached data.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any

import msgspec
from regress import Regex, RegressError

from headwater.kontent.content import richtext, values
from headwater.kontent.content.values import ElementDef
from headwater.kontent.errors import KontentError
from headwater.kontent.model.elements import CONTENT_ITEM, CONTENT_TYPE, SNIPPET, TAXONOMY
from headwater.storage import objects
from headwater.storage.database import Connection

Doc = dict[str, Any]

INCOMPLETE_CODE = 4040027
INCOMPLETE_MESSAGE = "Publishing item failed because some of its elements are incomplete."
ITEM_BATCH = 500
CONDITIONS = {"at_most": "at most", "exactly": "exactly", "at_least": "at least"}
TEXT_BLOCKS = {
    "p": "paragraph",
    "h1": "heading-one",
    "h2": "heading-two",
    "h3": "heading-three",
    "h4": "heading-four",
    "h5": "heading-five",
    "h6": "heading-six",
    "ol": "ordered-list",
    "ul": "unordered-list",
}
FORMATTING = {"strong": "bold", "em": "italic", "code": "code", "sub": "subscript", "sup": "superscript", "a": "link"}
BLOCK_NAMES = {
    "text": "text blocks",
    "images": "images",
    "tables": "tables",
    "components-and-items": "components or content items",
}
_LAYOUT_WHITESPACE = re.compile(r"\n *")


def incomplete_error(problems: list[Doc]) -> KontentError:
    return KontentError(400, INCOMPLETE_CODE, INCOMPLETE_MESSAGE, problems)


async def publish_problems(conn: Connection, env_pk: str, type_id: str, doc: Doc) -> list[Doc]:
    """What blocks publishing the variant `doc` of type `type_id`, as `{message, path}` validation errors."""
    lookup = Lookup(conn, env_pk)
    prepared = await prepare(lookup, type_id, doc)
    if prepared is None:
        return []
    await lookup.load_items(prepared.item_ids)
    return [
        {"message": issue.message, "path": f"elements.{issue.element.codename}"}
        for issue in await check(lookup, prepared, missing_items=False)
    ]


# -- what the checks read -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ItemInfo:
    id: str
    name: str
    codename: str
    type_id: str | None


class Lookup:
    """Types, snippets, taxonomy groups and content items the checks read, each loaded once.

    After `load_all` every type, snippet and taxonomy group is in memory (environment validation); before it,
    each is read when first needed (publishing one variant).
    """

    def __init__(self, conn: Connection, env_pk: str) -> None:
        self.conn = conn
        self.env_pk = env_pk
        self.types: dict[str, Doc | None] = {}
        self.snippets: dict[str, Doc | None] = {}
        self.taxonomies: dict[str, Doc | None] = {}
        self.items: dict[str, ItemInfo | None] = {}
        self._elements: dict[str, list[ElementDef] | None] = {}
        self._complete = False

    async def load_all(self) -> None:
        for kind, cache in ((CONTENT_TYPE, self.types), (SNIPPET, self.snippets), (TAXONOMY, self.taxonomies)):
            for stored in await objects.all_of(self.conn, self.env_pk, kind):
                cache[stored.id] = msgspec.json.decode(stored.data)
        self._complete = True

    async def _get(self, kind: str, cache: dict[str, Doc | None], object_id: str) -> Doc | None:
        if object_id in cache:
            return cache[object_id]
        if self._complete:
            return None
        stored = await objects.get(self.conn, self.env_pk, kind, object_id)
        doc: Doc | None = msgspec.json.decode(stored.data) if stored is not None else None
        cache[object_id] = doc
        return doc

    async def type_doc(self, type_id: str) -> Doc | None:
        return await self._get(CONTENT_TYPE, self.types, type_id)

    async def snippet(self, snippet_id: str) -> Doc | None:
        return await self._get(SNIPPET, self.snippets, snippet_id)

    async def taxonomy(self, group_id: str) -> Doc | None:
        return await self._get(TAXONOMY, self.taxonomies, group_id)

    async def type_name(self, type_id: str | None) -> str:
        doc = await self.type_doc(type_id) if type_id else None
        return str(doc.get("name", type_id)) if doc is not None else str(type_id)

    async def elements_of(self, type_id: str) -> list[ElementDef] | None:
        """The value-holding elements of the type, snippet elements flattened in place (None: no such type)."""
        if type_id in self._elements:
            return self._elements[type_id]
        type_doc = await self.type_doc(type_id)
        found: list[ElementDef] | None = None
        if type_doc is not None:
            snippets: dict[str, Doc] = {}
            for snippet_id in _snippet_ids(type_doc):
                snippet = await self.snippet(snippet_id)
                if snippet is not None:
                    snippets[snippet_id] = snippet
            found = values.type_elements(type_doc, snippets)
        self._elements[type_id] = found
        return found

    async def load_items(self, item_ids: Iterable[str]) -> None:
        """Read the named content items not read yet, `ITEM_BATCH` per statement; unknown ids map to None."""
        wanted = [item_id for item_id in dict.fromkeys(item_ids) if item_id not in self.items]
        for start in range(0, len(wanted), ITEM_BATCH):
            chunk = wanted[start : start + ITEM_BATCH]
            marks = ", ".join("?" for _ in chunk)
            rows = await self.conn.fetchall(
                f"SELECT id, codename, data FROM objects WHERE env_pk = ? AND kind = ? AND id IN ({marks})",
                (self.env_pk, CONTENT_ITEM, *chunk),
            )
            for item_id in chunk:
                self.items[item_id] = None
            for row in rows:
                doc: Doc = msgspec.json.decode(row[2])
                type_id = (doc.get("type") or {}).get("id")
                self.items[row[0]] = ItemInfo(
                    row[0], str(doc.get("name", "")), str(row[1] or ""), type_id if isinstance(type_id, str) else None
                )


def _snippet_ids(type_doc: Doc) -> list[str]:
    out: list[str] = []
    for element in type_doc.get("elements", []):
        if isinstance(element, dict) and element.get("type") == "snippet":
            snippet_id = (element.get("snippet") or {}).get("id")
            if isinstance(snippet_id, str):
                out.append(snippet_id)
    return out


# -- rich text, read from its stored (canonical) HTML -------------------------------------------------------


@dataclass(slots=True)
class RichText:
    """What the limits of a rich text element look at in one stored value.

    Block and formatting kinds use the type's vocabulary (`allowed_blocks`, `allowed_text_blocks`,
    `allowed_formatting`); those inside table cells are kept apart, as the type limits them apart. A text
    block counts once it holds text, so the empty value `<p><br/></p>` uses no blocks.
    """

    text: str = ""
    characters: int = 0
    blocks: set[str] = field(default_factory=set)
    text_blocks: set[str] = field(default_factory=set)
    formatting: set[str] = field(default_factory=set)
    table_blocks: set[str] = field(default_factory=set)
    table_text_blocks: set[str] = field(default_factory=set)
    table_formatting: set[str] = field(default_factory=set)
    item_ids: list[str] = field(default_factory=list)
    link_item_ids: list[str] = field(default_factory=list)
    component_ids: list[str] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not self.text.strip() and not (self.blocks - {"text"}) and not self.table_blocks

    @property
    def words(self) -> int:
        return len(self.text.split())


class _RichTextReader(HTMLParser):
    """Walks stored rich text; the stored form is canonical (`richtext.ParsedRichText.render`), so layout
    whitespace is exactly a newline followed by indentation."""

    _VOID = frozenset({"br", "img"})
    _CONTAINERS = frozenset({"p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "td"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out = RichText()
        self.stack: list[str] = []
        self.parts: list[str] = []
        self.tables = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {name: value or "" for name, value in attrs}
        in_table = self.tables > 0
        blocks = self.out.table_blocks if in_table else self.out.blocks
        if tag == "table":
            self.out.blocks.add("tables")
            self.tables += 1
        elif tag == "figure":
            blocks.add("images")
        elif tag == "object":
            self.out.blocks.add("components-and-items")
            target = attributes.get("data-id", "")
            if attributes.get("data-type") == "component":
                self.out.component_ids.append(target)
            elif target:
                self.out.item_ids.append(target)
        elif tag in FORMATTING:
            self._content()
            (self.out.table_formatting if in_table else self.out.formatting).add(FORMATTING[tag])
            if tag == "a" and attributes.get("data-item-id"):
                self.out.link_item_ids.append(attributes["data-item-id"])
        if tag in ("ul", "ol", "li", "p", "td") or tag.startswith("h"):
            self.parts.append("\n")
        if tag not in self._VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in self._VOID:
            self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in self._VOID:
            return
        if tag == "table":
            self.tables -= 1
        while self.stack:
            if self.stack.pop() == tag:
                break

    def handle_data(self, data: str) -> None:
        text = _LAYOUT_WHITESPACE.sub("", data)
        if not text:
            return
        self._content()
        self.parts.append(text)
        self.out.characters += richtext.utf16_length(text)

    def _content(self) -> None:
        """Text or formatting appeared: the innermost text block it sits in is used."""
        for index in range(len(self.stack) - 1, -1, -1):
            tag = self.stack[index]
            if tag not in self._CONTAINERS:
                continue
            kind = "paragraph" if tag == "td" else TEXT_BLOCKS.get(tag)
            if tag == "li":
                kind = next((TEXT_BLOCKS[t] for t in reversed(self.stack[:index]) if t in ("ul", "ol")), None)
            if kind is not None:
                in_table = self.tables > 0
                (self.out.table_blocks if in_table else self.out.blocks).add("text")
                (self.out.table_text_blocks if in_table else self.out.text_blocks).add(kind)
            return

    def result(self) -> RichText:
        self.close()
        self.out.text = "".join(self.parts)
        return self.out


def read_rich_text(html: str) -> RichText:
    reader = _RichTextReader()
    reader.feed(html)
    return reader.result()


# -- one variant --------------------------------------------------------------------------------------------


@dataclass(slots=True)
class Prepared:
    """A variant ready to check: each element's value (empty when absent) and the items it links."""

    elements: list[tuple[ElementDef, Doc, RichText | None]]
    item_ids: set[str]


@dataclass(frozen=True, slots=True)
class Issue:
    element: ElementDef
    message: str


async def prepare(lookup: Lookup, type_id: str, doc: Doc) -> Prepared | None:
    """The variant's values against its type's elements; None when the type no longer exists."""
    elements = await lookup.elements_of(type_id)
    if elements is None:
        return None
    by_id = {
        value["element"]["id"]: value
        for value in doc.get("elements", [])
        if isinstance(value, dict) and isinstance(value.get("element"), dict)
    }
    out: list[tuple[ElementDef, Doc, RichText | None]] = []
    item_ids: set[str] = set()
    for element in elements:
        value = by_id.get(element.id) or values.empty_value(element)
        rich: RichText | None = None
        if element.type == "rich_text":
            raw = value.get("value")
            rich = read_rich_text(raw) if isinstance(raw, str) else RichText()
            item_ids.update(rich.item_ids)
            item_ids.update(rich.link_item_ids)
        elif element.type in ("modular_content", "subpages"):
            item_ids.update(_ref_ids(value))
        out.append((element, value, rich))
    return Prepared(out, item_ids)


async def check(lookup: Lookup, prepared: Prepared, *, missing_items: bool) -> list[Issue]:
    """Every issue of the variant, in element order, each message once per element.

    `missing_items` also reports linked content items that do not exist (environment validation only).
    Items must have been loaded (`Lookup.load_items(prepared.item_ids)`).
    """
    issues: list[Issue] = []
    for element, value, rich in prepared.elements:
        messages = await _element_messages(lookup, element, value, rich, missing_items)
        issues.extend(Issue(element, message) for message in dict.fromkeys(messages))
    return issues


async def _element_messages(
    lookup: Lookup, element: ElementDef, value: Doc, rich: RichText | None, missing_items: bool
) -> list[str]:
    definition = element.definition
    label = f"Element '{element.name}'"
    required = bool(definition.get("is_required"))
    out: list[str] = []
    if required and _is_empty(element, value, rich):
        out.append(f"{label} is required but has no value")
    kind = element.type
    raw = value.get("value")
    if kind in ("text", "url_slug"):
        text = raw if isinstance(raw, str) else ""
        if kind == "text":
            out.extend(_length(label, definition.get("maximum_text_length"), text, richtext.utf16_length(text)))
        out.extend(_pattern(label, definition.get("validation_regex"), text))
    elif kind == "rich_text" and rich is not None:
        out.extend(_length(label, definition.get("maximum_text_length"), rich.text, rich.characters))
        out.extend(_rich_text_blocks(label, definition, rich))
        out.extend(await _rich_text_references(lookup, label, definition, value, rich, missing_items))
    elif kind in ("modular_content", "subpages"):
        linked = _ref_ids(value)
        out.extend(_count(label, definition.get("item_count_limit"), len(linked), "content module", required))
        allowed = set(_ref_ids({"value": definition.get("allowed_content_types")}))
        for item_id in linked:
            item = lookup.items.get(item_id)
            if item is None:
                if missing_items:
                    out.append(f"{label} references a non-existent content item with ID {item_id}.")
            elif allowed and item.type_id not in allowed:
                out.append(await _not_allowed_item(lookup, label, item))
    elif kind == "asset":
        out.extend(_count(label, definition.get("asset_count_limit"), len(_ref_ids(value)), "asset", required))
    elif kind == "taxonomy":
        out.extend(await _taxonomy(lookup, label, definition, value, required))
    elif kind == "multiple_choice":
        out.extend(_multiple_choice(label, definition, value))
    return out


def _ref_ids(value: Doc) -> list[str]:
    raw = value.get("value")
    if not isinstance(raw, list):
        return []
    return [ref["id"] for ref in raw if isinstance(ref, dict) and isinstance(ref.get("id"), str)]


def _is_empty(element: ElementDef, value: Doc, rich: RichText | None) -> bool:
    raw = value.get("value")
    if element.type == "rich_text":
        return rich is None or rich.is_empty
    if isinstance(raw, list | str):
        return len(raw) == 0
    return raw is None


def _length(label: str, limit: Any, text: str, characters: int) -> list[str]:
    if not isinstance(limit, dict) or not isinstance(limit.get("value"), int):
        return []
    maximum = limit["value"]
    if limit.get("applies_to") == "words":
        count, plural, singular = len(text.split()), "words", "word"
    else:
        count, plural, singular = characters, "characters", "character"
    if count <= maximum:
        return []
    # "characters(s)" is how the hosted API words it.
    return [f"{label} should have at most {maximum} {plural}(s) but has {count} {singular}(s)."]


def _count(label: str, limit: Any, count: int, unit: str, required: bool) -> list[str]:
    """A `{value, condition}` count limit; an empty optional element meets every limit."""
    if not isinstance(limit, dict) or not isinstance(limit.get("value"), int):
        return []
    if count == 0 and not required:
        return []
    expected, condition = limit["value"], limit.get("condition")
    if condition == "at_least":
        met = count >= expected
    elif condition == "exactly":
        met = count == expected
    else:
        met = count <= expected
    if met:
        return []
    wording = CONDITIONS.get(str(condition), "at most")
    return [f"{label} should have {wording} {expected} {unit}(s) but has {count} {unit}(s)."]


def _pattern(label: str, rule: Any, text: str) -> list[str]:
    """An active `validation_regex`, tested as JavaScript's `RegExp.prototype.test` would (a search)."""
    if not text or not isinstance(rule, dict) or not rule.get("is_active") or not rule.get("regex"):
        return []
    flags = rule.get("flags") or ""
    try:
        found = Regex(rule["regex"], flags).find(text)
    except (RegressError, UnicodeEncodeError):
        return []  # stored patterns were checked when the type was saved
    if found is not None and ("y" not in flags or found.range().start == 0):
        return []
    message = f"{label} does not match the required pattern."
    custom = rule.get("validation_message")
    return [f"{message} {custom}" if isinstance(custom, str) and custom.strip() else message]


def _rich_text_blocks(label: str, definition: Doc, rich: RichText) -> Iterator[str]:
    """Blocks, text blocks and formatting the type does not allow (an empty list allows everything)."""
    checks = (
        ("allowed_blocks", rich.blocks, "{label} contains {what} that are not allowed in this context."),
        (
            "allowed_text_blocks",
            rich.text_blocks,
            "{label} contains text blocks of type '{what}' that are not allowed.",
        ),
        ("allowed_formatting", rich.formatting, "{label} contains formatting '{what}' that is not allowed."),
        ("allowed_table_blocks", rich.table_blocks, "{label} contains {what} in a table that are not allowed."),
        (
            "allowed_table_text_blocks",
            rich.table_text_blocks,
            "{label} contains text blocks of type '{what}' in a table that are not allowed.",
        ),
        (
            "allowed_table_formatting",
            rich.table_formatting,
            "{label} contains formatting '{what}' in a table that is not allowed.",
        ),
    )
    for prop, used, template in checks:
        allowed = definition.get(prop)
        if not isinstance(allowed, list) or not allowed:
            continue
        for kind in sorted(used - set(allowed), key=_vocabulary_order):
            what = BLOCK_NAMES.get(kind, kind) if prop in ("allowed_blocks", "allowed_table_blocks") else kind
            yield template.format(label=label, what=what)


_VOCABULARY = [*BLOCK_NAMES, *TEXT_BLOCKS.values(), *FORMATTING.values()]


def _vocabulary_order(kind: str) -> int:
    return _VOCABULARY.index(kind) if kind in _VOCABULARY else len(_VOCABULARY)


async def _rich_text_references(
    lookup: Lookup, label: str, definition: Doc, value: Doc, rich: RichText, missing_items: bool
) -> list[str]:
    out: list[str] = []
    allowed = set(_ref_ids({"value": definition.get("allowed_content_types")}))
    link_types = set(_ref_ids({"value": definition.get("allowed_item_link_types")}))
    for item_id in rich.item_ids:
        item = lookup.items.get(item_id)
        if item is None:
            if missing_items:
                out.append(f"{label} references a non-existent content item with ID {item_id}.")
        elif allowed and item.type_id not in allowed:
            out.append(await _not_allowed_item(lookup, label, item))
    if allowed:
        component_types = {
            component.get("id"): (component.get("type") or {}).get("id")
            for component in value.get("components") or []
            if isinstance(component, dict)
        }
        for component_id in rich.component_ids:
            type_id = component_types.get(component_id)
            if isinstance(type_id, str) and type_id not in allowed:
                name = await lookup.type_name(type_id)
                out.append(f"{label} contains a component of type {name} that is not allowed in this context.")
    for item_id in rich.link_item_ids:
        item = lookup.items.get(item_id)
        if item is None:
            if missing_items:
                out.append(f"{label} links to a non-existent content item with ID {item_id}.")
        elif link_types and item.type_id not in link_types:
            name = await lookup.type_name(item.type_id)
            out.append(
                f"{label} contains a link to the content item {item.name} of type {name} that is not allowed in "
                "this context."
            )
    return out


async def _not_allowed_item(lookup: Lookup, label: str, item: ItemInfo) -> str:
    name = await lookup.type_name(item.type_id)
    return f"{label} contains a content module {item.name} of type {name} that is not allowed in this context."


async def _taxonomy(lookup: Lookup, label: str, definition: Doc, value: Doc, required: bool) -> list[str]:
    terms = _ref_ids(value)
    out = _count(label, definition.get("term_count_limit"), len(terms), "term", required)
    group_id = (definition.get("taxonomy_group") or {}).get("id")
    group = await lookup.taxonomy(group_id) if isinstance(group_id, str) else None
    if group is not None:  # a missing group is the type's issue, reported once for the type
        existing = {term.get("id") for term in values.walk_terms(group.get("terms") or [])}
        out.extend(
            f"{label} references a non-existent taxonomy term with ID {term_id}."
            for term_id in terms
            if term_id not in existing
        )
    return out


def _multiple_choice(label: str, definition: Doc, value: Doc) -> list[str]:
    chosen = _ref_ids(value)
    options = {option.get("id") for option in definition.get("options") or [] if isinstance(option, dict)}
    out = [
        f"{label} references a non-existent option with ID {option_id}."
        for option_id in chosen
        if option_id not in options
    ]
    if definition.get("mode") == "single" and len(chosen) > 1:
        out.append(f"{label} should have at most 1 option(s) but has {len(chosen)} option(s).")
    return out


# -- content types ---------------------------------------------------------------------------------------


async def type_issues(lookup: Lookup, type_doc: Doc) -> list[tuple[Doc, list[str]]]:
    """The type's references to taxonomy groups, snippets and content types that do not exist, per element
    (snippet elements included), as `({id, name, codename}, messages)` in element order."""
    out: list[tuple[Doc, list[str]]] = []
    for element in _model_elements(lookup, type_doc):
        messages: list[str] = []
        label = f"Element '{element.get('name') or element.get('codename')}'"
        kind = element.get("type")
        if kind == "snippet":
            snippet_id = (element.get("snippet") or {}).get("id")
            if isinstance(snippet_id, str) and await lookup.snippet(snippet_id) is None:
                messages.append(
                    f"{label} contains references to non-existing content type snippet with ID {snippet_id}."
                )
        elif kind == "taxonomy":
            group_id = (element.get("taxonomy_group") or {}).get("id")
            if isinstance(group_id, str) and await lookup.taxonomy(group_id) is None:
                messages.append(f"{label} contains references to non-existing taxonomy group with ID {group_id}.")
        for prop in ("allowed_content_types", "allowed_item_link_types"):
            for type_id in _ref_ids({"value": element.get(prop)}):
                if await lookup.type_doc(type_id) is None:
                    messages.append(f"{label} contains references to non-existing content type with ID {type_id}.")
        if messages:
            ref = {
                "id": element.get("id"),
                "name": element.get("name") or element.get("codename"),
                "codename": element.get("codename"),
            }
            out.append((ref, list(dict.fromkeys(messages))))
    return out


def _model_elements(lookup: Lookup, type_doc: Doc) -> Iterator[Doc]:
    """The type's elements, each snippet element followed by the elements of its snippet (when it exists)."""
    for element in type_doc.get("elements", []):
        if not isinstance(element, dict):
            continue
        yield element
        if element.get("type") == "snippet":
            snippet = lookup.snippets.get((element.get("snippet") or {}).get("id") or "")
            for inner in (snippet or {}).get("elements", []):
                if isinstance(inner, dict):
                    yield inner
