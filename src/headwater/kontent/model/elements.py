"""Content type and snippet documents: every element type, its defaults and its validation, in one place.

Creating and patching share one path: the request (or the patched copy of the stored document) is
normalized by `Normalizer.document`, which checks every rule, collects every problem, and returns the
exact wire document to store. References written by codename or external id come out as `{id}`;
references by external id to types, snippets and taxonomies that do not exist yet resolve to the id the
object will get (`references.target_id`), so stored documents never need rewriting.
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlparse

from regress import Regex, RegressError

from headwater.kontent import codenames, references
from headwater.kontent.references import InvalidReference, Reference
from headwater.platform import clock, ids

Doc = dict[str, Any]

CONTENT_TYPE = "content_type"
SNIPPET = "content_type_snippet"
TAXONOMY = "taxonomy"
ASSET = "asset"
CONTENT_ITEM = "content_item"
TAXONOMY_TERM = "taxonomy_term"

MAX_NAME_LENGTH = 50
MAX_SNIPPET_CODENAME_LENGTH = 50
MAX_OPTION_CODENAME_LENGTH = 210
# Bounds of the integer settings. The hosted reference states none; the official .NET Management SDK
# models counts, text lengths and image dimensions as `int` and the two byte sizes as `long`, so values
# past those types cannot be real hosted settings (and would not survive a round trip through that SDK).
MAX_INT32 = 2**31 - 1
MAX_INT64 = 2**63 - 1
ELEMENT_TYPES = (
    "text",
    "rich_text",
    "number",
    "date_time",
    "multiple_choice",
    "asset",
    "modular_content",
    "subpages",
    "taxonomy",
    "url_slug",
    "custom",
    "guidelines",
    "snippet",
)
NOT_IN_SNIPPETS = ("snippet", "url_slug", "subpages")
CONDITIONS = ("at_most", "exactly", "at_least")
TEXT_BLOCKS = (
    "paragraph",
    "heading-one",
    "heading-two",
    "heading-three",
    "heading-four",
    "heading-five",
    "heading-six",
    "ordered-list",
    "unordered-list",
)
FORMATTING = ("unstyled", "bold", "italic", "code", "link", "subscript", "superscript")
STRING_LISTS: dict[str, tuple[str, ...]] = {
    "allowed_blocks": ("images", "text", "tables", "components-and-items"),
    "allowed_text_blocks": TEXT_BLOCKS,
    "allowed_formatting": FORMATTING,
    "allowed_table_blocks": ("images", "text"),
    "allowed_table_text_blocks": TEXT_BLOCKS,
    "allowed_table_formatting": FORMATTING,
}
COMMON = ("name", "guidelines", "is_required", "is_non_localizable", "codename", "content_group", "external_id")
# The properties a client may set on each element type (besides `type`, `id` and the common ones).
PROPERTIES: dict[str, tuple[str, ...]] = {
    "text": ("maximum_text_length", "validation_regex", "default"),
    "rich_text": (
        "maximum_text_length",
        "maximum_image_size",
        "allowed_content_types",
        "allowed_item_link_types",
        "image_width_limit",
        "image_height_limit",
        "allowed_image_types",
        *STRING_LISTS,
    ),
    "number": ("default",),
    "date_time": ("default",),
    "multiple_choice": ("mode", "options", "default"),
    "asset": (
        "asset_count_limit",
        "maximum_file_size",
        "allowed_file_types",
        "image_width_limit",
        "image_height_limit",
        "default",
    ),
    "modular_content": ("item_count_limit", "allowed_content_types", "default"),
    "subpages": ("item_count_limit", "allowed_content_types", "default"),
    "taxonomy": ("taxonomy_group", "term_count_limit", "default"),
    "url_slug": ("depends_on", "validation_regex"),
    "custom": ("source_url", "json_parameters", "allowed_elements"),
    "guidelines": (),
    "snippet": ("snippet",),
}
REF_LISTS = ("allowed_content_types", "allowed_item_link_types", "allowed_elements")
# Every property some element type has. A key outside this set (a camelCase `externalId`, as the vendor's
# JavaScript "Import rich text" tutorial sends, which only works if the hosted API ignores it, or a
# client's own annotation) carries nothing that could be stored, so it is ignored; a property of another
# element type is refused, because dropping it would silently lose a setting the client meant (most
# likely a wrong `type`).
ELEMENT_PROPERTIES = frozenset({"type", "id", *COMMON, *(prop for props in PROPERTIES.values() for prop in props)})
_FLAGS_RE = re.compile(r"[gimsuy]*")


def js_regex_problem(pattern: str, flags: str) -> str | None:
    """Why `pattern` does not compile as a JavaScript `RegExp` with `flags`, or None when it does.

    The hosted service validates patterns in the browser, so the flavour is ECMAScript: named groups
    `(?<year>…)`, `\\p{L}` under `u` and `[^]` are valid there and not in Python's `re`. The `regress`
    engine implements ECMA-262 syntax, including the web-compatibility grammar used without `u`.
    """
    try:
        Regex(pattern, flags)
    except RegressError as exc:
        return str(exc)
    except UnicodeEncodeError:  # a lone surrogate; JSON bodies cannot carry one, stored data might
        return "Lone surrogates are not supported"
    return None


def settable(element_type: str) -> tuple[str, ...]:
    """The properties a PATCH `replace` may set on an element of `element_type`."""
    if element_type == "guidelines":
        return ("guidelines", "codename", "content_group")
    common = ("guidelines", "codename", "content_group", "is_non_localizable")
    if element_type == "snippet":
        return ("codename", "content_group", "snippet")
    return (*common, "name", "is_required", *PROPERTIES.get(element_type, ()))


def fresh(obj: Doc, *, element: bool) -> Doc:
    """A client-supplied object with new internal ids (ids are read-only on the wire)."""
    out = copy.deepcopy(obj)
    out["id"] = ids.new_guid()
    if element and isinstance(out.get("options"), list):
        out["options"] = [fresh_option(option) for option in out["options"]]
    return out


def fresh_option(option: Any) -> Any:
    if not isinstance(option, dict):
        return option
    return {**option, "id": ids.new_guid()}


@dataclass(slots=True)
class Catalog:
    """Everything references may point at, loaded once per write (environments hold few of these)."""

    types: list[Doc] = field(default_factory=list)
    snippets: list[Doc] = field(default_factory=list)
    taxonomies: list[Doc] = field(default_factory=list)


def _find(docs: list[Doc], ref: Reference) -> Doc | None:
    return next((doc for doc in docs if ref.matches(doc)), None)


def snippet_prefix(codename: object) -> str:
    """`{snippet}__`, what every element codename of a snippet with that codename starts with."""
    return f"{codename}__" if isinstance(codename, str) and codename else ""


def prefixed(codename: str, prefix: str) -> str:
    """A snippet element codename in its stored form.

    The hosted API accepts snippet element codenames with or without the snippet prefix (the vendor's
    "Import content model" tutorial sends `title` for the snippet `metadata`) and stores and returns
    `metadata__title`; a codename that already starts with the prefix is kept as it is, and an empty one
    stays empty (and invalid).
    """
    return codename if not prefix or not codename or codename.startswith(prefix) else prefix + codename


def find_element(elements: list[Any], ref: Reference, prefix: str) -> Doc | None:
    """The element `ref` names; in a snippet (`prefix` set) a codename may also omit the prefix."""
    found = next((e for e in elements if isinstance(e, dict) and ref.matches(e)), None)
    if found is None and prefix and ref.codename is not None and not ref.codename.startswith(prefix):
        unprefixed = Reference(codename=prefix + ref.codename)
        found = next((e for e in elements if isinstance(e, dict) and unprefixed.matches(e)), None)
    return found


def _find_term(terms: list[Any], ref: Reference) -> Doc | None:
    for term in terms:
        if isinstance(term, dict):
            if ref.matches(term):
                return term
            found = _find_term(term.get("terms") or [], ref)
            if found is not None:
                return found
    return None


class Normalizer:
    """Validates one type or snippet document and builds its stored wire form.

    `owner` is `CONTENT_TYPE` or `SNIPPET`; `me` is the owner's own (id, codename, external_id) so a type
    may reference itself (e.g. linked items of its own type) by any identifier.
    """

    def __init__(self, owner: str, catalog: Catalog, previous: Doc | None = None) -> None:
        self.owner = owner
        self.catalog = catalog
        self.kept_terms = _default_terms(previous)
        self.problems: list[str] = []
        self.me: Doc = {}
        self.groups: list[Doc] = []
        self.elements_in: list[Doc] = []
        self.prefix = ""

    # -- reporting helpers -----------------------------------------------------------------------

    def fail(self, message: str) -> None:
        self.problems.append(message)

    def _ref(self, raw: Any, where: str) -> Reference | None:
        try:
            return Reference.parse(raw)
        except InvalidReference as exc:
            self.fail(f"{where} is invalid. {exc.message}")
            return None

    def _string(self, value: Any, where: str, *, required: bool, max_length: int | None = None) -> str | None:
        if value is None:
            if required:
                self.fail(f"{where} is required.")
            return None
        if not isinstance(value, str) or (required and not value.strip()):
            self.fail(f"{where} must be a nonempty string." if required else f"{where} must be a string or null.")
            return None
        if max_length is not None and len(value) > max_length:
            self.fail(f"{where} is too long; it must fit within {max_length} characters.")
            return None
        return value

    def _name(self, value: Any, where: str) -> str | None:
        if not isinstance(value, str) or not value.strip() or len(value) > MAX_NAME_LENGTH:
            self.fail(f"{where}: provide a nonempty name which fits within {MAX_NAME_LENGTH} characters.")
            return None
        return value

    def _bool(self, value: Any, where: str) -> bool:
        if value is None:
            return False
        if not isinstance(value, bool):
            self.fail(f"{where} must be true or false.")
            return False
        return value

    def _external_id(self, value: Any, where: str, seen: set[str]) -> str | None:
        if value is None:
            return None
        problem = references.validate_external_id(value)
        if problem is not None:
            self.fail(f"{where}: {problem}")
            return None
        assert isinstance(value, str)
        if value in seen:
            self.fail(f"{where}: the external_id '{value}' is used more than once.")
        seen.add(value)
        return value

    def _positive_int(self, value: Any, where: str, *, nullable: bool = True, maximum: int = MAX_INT32) -> int | None:
        """A whole number in 1..maximum; JSON `true`, `1.5` and `1.0` are not whole numbers here."""
        if value is None:
            if not nullable:
                self.fail(f"{where} is required.")
            return None
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= maximum:
            self.fail(f"{where} must be a positive whole number no greater than {maximum}.")
            return None
        return value

    def _limit(self, value: Any, where: str) -> Doc | None:
        """`{value, condition}` limits (item, asset and term counts, image dimensions)."""
        if value is None:
            return None
        if not isinstance(value, dict):
            self.fail(f"{where} must be an object with 'value' and 'condition', or null.")
            return None
        number = self._positive_int(value.get("value"), f"{where}.value", nullable=False)
        condition = value.get("condition")
        if condition not in CONDITIONS:
            self.fail(f"{where}.condition must be one of 'at_most', 'exactly' or 'at_least'.")
            return None
        return None if number is None else {"value": number, "condition": condition}

    def _text_length(self, value: Any, where: str) -> Doc | None:
        if value is None:
            return None
        if not isinstance(value, dict):
            self.fail(f"{where} must be an object with 'value' and 'applies_to', or null.")
            return None
        number = self._positive_int(value.get("value"), f"{where}.value", nullable=False)
        applies_to = value.get("applies_to")
        if applies_to not in ("words", "characters"):
            self.fail(f"{where}.applies_to must be 'words' or 'characters'.")
            return None
        return None if number is None else {"value": number, "applies_to": applies_to}

    def _regex(self, value: Any, where: str) -> Doc | None:
        if value is None:
            return None
        if not isinstance(value, dict):
            self.fail(f"{where} must be an object with at least 'regex', or null.")
            return None
        active = self._bool(value.get("is_active"), f"{where}.is_active")
        regex = value.get("regex")
        if not isinstance(regex, str) or (active and not regex):
            # An inactive rule with an empty pattern is what projects export for "no rule".
            self.fail(f"{where}.regex is required: a string, nonempty while the rule is active.")
            regex = None
        flags = self._string(value.get("flags"), f"{where}.flags", required=False)
        if flags is not None and (not _FLAGS_RE.fullmatch(flags) or len(set(flags)) != len(flags)):
            self.fail(f"{where}.flags may contain only the regular expression flags g, i, m, s, u and y, once each.")
            flags = None
        elif regex and (problem := js_regex_problem(regex, flags or "")) is not None:
            self.fail(f"{where}.regex is not a valid JavaScript regular expression: {problem}.")
        message = self._string(value.get("validation_message"), f"{where}.validation_message", required=False)
        if regex is None:
            return None
        return {"regex": regex, "flags": flags, "validation_message": message, "is_active": active}

    def _string_list(self, value: Any, where: str, allowed: tuple[str, ...]) -> list[str]:
        if value is None:
            return []
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            self.fail(f"{where} must be an array of strings.")
            return []
        unknown = [item for item in value if item not in allowed]
        if unknown:
            self.fail(f"{where} contains unknown values {unknown}; allowed values are {list(allowed)}.")
        if len(set(value)) != len(value):
            self.fail(f"{where} contains duplicate values.")
        result: list[str] = value
        return result

    def _ref_list(self, value: Any, where: str, resolve: Callable[[Reference, str], str | None]) -> list[Doc]:
        if value is None:
            return []
        if not isinstance(value, list):
            self.fail(f"{where} must be an array of references.")
            return []
        out: list[Doc] = []
        for index, raw in enumerate(value):
            ref = self._ref(raw, f"{where}[{index}]")
            if ref is None:
                continue
            target = resolve(ref, f"{where}[{index}]")
            if target is None:
                continue
            if any(item["id"] == target for item in out):
                self.fail(f"{where} references the same object more than once.")
                continue
            out.append({"id": target})
        return out

    # -- resolving references --------------------------------------------------------------------

    def _resolve_type(self, ref: Reference, where: str) -> str | None:
        """A content type by any identifier; external ids (and ids) may point at types not created yet."""
        if ref.matches(self.me) and self.owner == CONTENT_TYPE:
            return str(self.me["id"])
        found = _find(self.catalog.types, ref)
        if found is not None:
            return str(found["id"])
        target = references.target_id(CONTENT_TYPE, ref)
        if target is None:
            self.fail(f"{where}: the content type {ref.describe()} was not found.")
        return target

    def _resolve_dangling(self, kind: str, ref: Reference, where: str) -> str | None:
        """Objects this server does not store yet (assets, items): ids and external ids only."""
        target = references.target_id(kind, ref)
        if target is None:
            self.fail(f"{where}: reference {ref.describe()} by codename cannot be resolved; use an id or external_id.")
        return target

    def _resolve_element(self, ref: Reference, where: str) -> str | None:
        found = find_element(self.elements_in, ref, self.prefix)
        if found is None:
            self.fail(f"{where}: the element {ref.describe()} was not found in this {self._owner_label()}.")
            return None
        return str(found["id"])

    def _owner_label(self) -> str:
        return "content type" if self.owner == CONTENT_TYPE else "content type snippet"

    # -- the document ----------------------------------------------------------------------------

    def document(self, raw: Any, *, object_id: str, last_modified: str) -> Doc:
        """The stored wire document for `raw`; problems are collected in `self.problems`."""
        if not isinstance(raw, dict):
            self.fail("The request body must be a JSON object.")
            return {}
        name = self._name(raw.get("name"), "name")
        external_id = self._external_id(raw.get("external_id"), "external_id", set())
        self.me = {"id": object_id, "codename": raw.get("codename"), "external_id": external_id}
        codename = raw.get("codename")
        limit = MAX_SNIPPET_CODENAME_LENGTH if self.owner == SNIPPET else codenames.MAX_LENGTH
        if (problem := codenames.validate(codename, limit)) is not None:
            self.fail(f"codename: {problem}")
        doc: Doc = {"id": object_id, "codename": codename, "last_modified": last_modified, "name": name}
        if external_id is not None:
            doc["external_id"] = external_id
        if self.owner == CONTENT_TYPE:
            doc["content_groups"] = self._groups(raw.get("content_groups"))
        elif raw.get("content_groups"):
            self.fail("content_groups: content type snippets cannot contain content groups.")
        elements = raw.get("elements")
        if not isinstance(elements, list):
            self.fail("elements is required and must be an array of elements.")
            elements = []
        self.elements_in = [element for element in elements if isinstance(element, dict)]
        doc["elements"] = self._elements(elements, codename if isinstance(codename, str) else None)
        return doc

    def _groups(self, raw: Any) -> list[Doc]:
        if raw is None:
            return []
        if not isinstance(raw, list):
            self.fail("content_groups must be an array of content groups.")
            return []
        out: list[Doc] = []
        seen_external: set[str] = set()
        for index, group in enumerate(raw):
            where = f"content_groups[{index}]"
            if not isinstance(group, dict):
                self.fail(f"{where} must be a content group object.")
                continue
            name = self._name(group.get("name"), f"{where}.name")
            external_id = self._external_id(group.get("external_id"), f"{where}.external_id", seen_external)
            codename = group.get("codename")
            if codename is not None and (problem := codenames.validate(codename)) is not None:
                self.fail(f"{where}.codename: {problem}")
                codename = None
            out.append({"id": group.get("id") or ids.new_guid(), "name": name or "", "codename": codename})
            if external_id is not None:
                out[-1]["external_id"] = external_id
        taken = {group["codename"] for group in out if group["codename"] is not None}
        if len(taken) != len([group for group in out if group["codename"] is not None]):
            self.fail("content_groups: content group codenames must be unique.")
        for group in out:
            if group["codename"] is None:
                group["codename"] = codenames.generate(group["name"] or "group", taken, group["id"])
                taken.add(group["codename"])
        self.groups = out
        return out

    def _elements(self, raw: list[Any], owner_codename: str | None) -> list[Doc]:
        prefix = snippet_prefix(owner_codename) if self.owner == SNIPPET else ""
        self.prefix = prefix
        out: list[Doc] = []
        seen_external: set[str] = set()
        for index, element in enumerate(raw):
            built = self._element(element, f"elements[{index}]", seen_external)
            if built is not None:
                out.append(built)
        for element in out:
            if element.get("codename") is not None:
                element["codename"] = prefixed(element["codename"], prefix)
        explicit = [element["codename"] for element in out if element.get("codename") is not None]
        for codename in explicit:
            where = f"elements (codename '{codename}')"
            if explicit.count(codename) > 1:
                self.fail(f"{where}: element codenames must be unique within the {self._owner_label()}.")
            if self.owner == SNIPPET and len(codename) > codenames.MAX_LENGTH:
                # The limit holds for the stored form, so every codename on the wire fits the schema.
                self.fail(
                    f"{where}.codename: the codename is too long; snippet element codenames, including the "
                    f"'{prefix}' prefix, fit within {codenames.MAX_LENGTH} characters."
                )
        taken = set(explicit)
        for element in out:
            if element.get("codename") is None:
                element["codename"] = self._generate_codename(element, prefix, taken)
                taken.add(element["codename"])
        self.elements_in = out
        for element in out:
            deferred = element.pop("_deferred", None)
            if deferred is not None:
                deferred()
        self._check_snippet_codename_clashes(out)
        if sum(1 for element in out if element["type"] == "url_slug") > 1:
            self.fail("elements: a content type can contain at most one URL slug element.")
        self._check_groups(out)
        return [_ordered(element) for element in out]

    def _check_snippet_codename_clashes(self, elements: list[Doc]) -> None:
        """Snippet elements appear flattened among the type's elements in variants, so a type's own
        element codename must not equal one of its snippets' element codenames."""
        own = {element["codename"] for element in elements if element["type"] != "snippet"}
        for element in elements:
            if element["type"] != "snippet" or not isinstance(element.get("snippet"), dict):
                continue
            snippet = next((doc for doc in self.catalog.snippets if doc["id"] == element["snippet"].get("id")), None)
            if snippet is None:
                continue
            for inner in snippet.get("elements", []):
                if inner.get("codename") in own:
                    self.fail(
                        f"elements (codename '{inner['codename']}'): the codename is already used by an element "
                        f"of the snippet '{snippet['codename']}' in this content type."
                    )

    def _generate_codename(self, element: Doc, prefix: str, taken: set[str]) -> str:
        if element["type"] == "guidelines":
            return "n" + str(element["id"]).replace("-", "_")
        source = element.get("name")
        if element["type"] == "snippet":
            snippet = next((doc for doc in self.catalog.snippets if doc["id"] == element["snippet"]["id"]), None)
            source = snippet["codename"] if snippet is not None else "snippet"
        elif element["type"] == "taxonomy":
            group = next((doc for doc in self.catalog.taxonomies if doc["id"] == element["taxonomy_group"]["id"]), None)
            source = group["codename"] if group is not None else source
        base = codenames.generate(
            str(source or element["type"]),
            lambda c: prefix + c in taken,
            element["id"],
            codenames.MAX_LENGTH - len(prefix),
        )
        return prefix + base

    def _check_groups(self, elements: list[Doc]) -> None:
        for element in elements:
            raw = element.pop("_content_group", None)
            label = f"elements (codename '{element.get('codename')}')"
            if not self.groups:
                if raw is not None:
                    self.fail(f"{label}.content_group: the content type has no content groups.")
                continue
            if raw is None:
                self.fail(
                    f"{label}.content_group is required: when a content type has content groups, every "
                    "element belongs to one."
                )
                continue
            ref = self._ref(raw, f"{label}.content_group")
            if ref is None:
                continue
            group = _find(self.groups, ref)
            if group is None:
                self.fail(f"{label}.content_group: the content group {ref.describe()} was not found.")
                continue
            element["content_group"] = {"id": group["id"]}

    # -- one element -----------------------------------------------------------------------------

    def _element(self, raw: Any, where: str, seen_external: set[str]) -> Doc | None:
        if not isinstance(raw, dict):
            self.fail(f"{where} must be an element object.")
            return None
        kind = raw.get("type")
        if kind not in ELEMENT_TYPES:
            self.fail(f"{where}.type: unknown element type {json.dumps(kind)}; use one of {list(ELEMENT_TYPES)}.")
            return None
        if self.owner == SNIPPET and kind in NOT_IN_SNIPPETS:
            self.fail(f"{where}: content type snippets cannot contain {kind} elements.")
            return None
        codename = raw.get("codename")
        where = f"{where} (codename '{codename}')" if isinstance(codename, str) else where
        # A snippet element codename's length counts once prefixed, so only its format is checked here.
        limit = len(codename) if self.owner == SNIPPET and isinstance(codename, str) else codenames.MAX_LENGTH
        if codename is not None and (problem := codenames.validate(codename, limit)) is not None:
            self.fail(f"{where}.codename: {problem}")
            codename = None
        allowed = {"type", "id", *COMMON, *PROPERTIES[kind]}
        unknown = sorted(key for key in raw if key not in allowed and key in ELEMENT_PROPERTIES)
        if unknown:
            self.fail(f"{where}: {kind} elements have no properties {unknown}.")
        element: Doc = {"type": kind, "id": raw.get("id") or ids.new_guid(), "codename": codename}
        external_id = self._external_id(raw.get("external_id"), f"{where}.external_id", seen_external)
        if external_id is not None:
            element["external_id"] = external_id
        element["_content_group"] = raw.get("content_group")
        if kind == "snippet":
            self._snippet_element(raw, where, element)
            return element
        if kind == "guidelines":
            # Empty guidelines are valid: environment restores send `""` for a cleared guidelines block.
            guidelines = raw.get("guidelines")
            if not isinstance(guidelines, str):
                self.fail(f"{where}.guidelines is required and must be a string.")
                guidelines = None
            element["guidelines"] = guidelines
            return element
        if kind == "taxonomy":
            self._taxonomy(raw, where, element)
        else:
            element["name"] = self._name(raw.get("name"), f"{where}.name")
        element["guidelines"] = self._string(raw.get("guidelines"), f"{where}.guidelines", required=False)
        element["is_required"] = self._bool(raw.get("is_required"), f"{where}.is_required")
        element["is_non_localizable"] = self._bool(raw.get("is_non_localizable"), f"{where}.is_non_localizable")
        rest = self._taxonomy_rest if kind == "taxonomy" else getattr(self, f"_{kind}")
        rest(raw, where, element)
        return element

    def _default(self, raw: Doc, where: str, check: Callable[[Any, str], Any]) -> Doc | None:
        value = raw.get("default")
        if value is None:
            return None
        if not isinstance(value, dict) or not isinstance(value.get("global"), dict) or "value" not in value["global"]:
            self.fail(f"{where}.default must be an object {{global: {{value}}}} or null.")
            return None
        checked = check(value["global"]["value"], f"{where}.default.global.value")
        return None if checked is None else {"global": {"value": checked}}

    def _set_default(self, element: Doc, default: Doc | None) -> None:
        if default is not None:
            element["default"] = default

    def _text(self, raw: Doc, where: str, element: Doc) -> None:
        element["maximum_text_length"] = self._text_length(
            raw.get("maximum_text_length"), f"{where}.maximum_text_length"
        )
        if raw.get("validation_regex") is not None:
            element["validation_regex"] = self._regex(raw["validation_regex"], f"{where}.validation_regex")
        self._set_default(element, self._default(raw, where, lambda v, w: self._string(v, w, required=False)))

    def _rich_text(self, raw: Doc, where: str, element: Doc) -> None:
        if element["is_non_localizable"]:
            self.fail(f"{where}.is_non_localizable: rich text elements cannot be non-localizable.")
            element["is_non_localizable"] = False
        element["maximum_text_length"] = self._text_length(
            raw.get("maximum_text_length"), f"{where}.maximum_text_length"
        )
        element["maximum_image_size"] = self._positive_int(
            raw.get("maximum_image_size"), f"{where}.maximum_image_size", maximum=MAX_INT64
        )
        for prop in ("allowed_content_types", "allowed_item_link_types"):
            element[prop] = self._ref_list(raw.get(prop), f"{where}.{prop}", self._resolve_type)
        element["image_width_limit"] = self._limit(raw.get("image_width_limit"), f"{where}.image_width_limit")
        element["image_height_limit"] = self._limit(raw.get("image_height_limit"), f"{where}.image_height_limit")
        element["allowed_image_types"] = self._image_types(
            raw.get("allowed_image_types"), f"{where}.allowed_image_types"
        )
        for prop, allowed in STRING_LISTS.items():
            # Any order: the lists are sets (the hosted API and its SDKs do not order them).
            element[prop] = self._string_list(raw.get(prop), f"{where}.{prop}", allowed)

    def _image_types(self, value: Any, where: str) -> str:
        if value is None:
            return "any"
        if value not in ("adjustable", "any"):
            self.fail(f"{where} must be 'adjustable' or 'any'.")
            return "any"
        result: str = value
        return result

    def _number(self, raw: Doc, where: str, element: Doc) -> None:
        def check(value: Any, at: str) -> Any:
            if isinstance(value, bool) or not isinstance(value, int | float):
                self.fail(f"{at} must be a number.")
                return None
            return value

        self._set_default(element, self._default(raw, where, check))

    def _date_time(self, raw: Doc, where: str, element: Doc) -> None:
        def check(value: Any, at: str) -> Any:
            try:
                if not isinstance(value, str):
                    raise ValueError
                clock.parse(value)
            except ValueError:
                self.fail(f"{at} must be an ISO-8601 date and time.")
                return None
            return value

        self._set_default(element, self._default(raw, where, check))

    def _multiple_choice(self, raw: Doc, where: str, element: Doc) -> None:
        mode = raw.get("mode")
        if mode not in ("single", "multiple"):
            self.fail(f"{where}.mode is required and must be 'single' or 'multiple'.")
        element["mode"] = mode
        options = raw.get("options")
        if not isinstance(options, list):
            self.fail(f"{where}.options is required and must be an array of options.")
            options = []
        out: list[Doc] = []
        seen_external: set[str] = set()
        for index, option in enumerate(options):
            at = f"{where}.options[{index}]"
            if not isinstance(option, dict):
                self.fail(f"{at} must be an option object.")
                continue
            name = self._name(option.get("name"), f"{at}.name")
            codename = option.get("codename")
            if codename is not None and (problem := codenames.validate(codename, MAX_OPTION_CODENAME_LENGTH)):
                self.fail(f"{at}.codename: {problem}")
                codename = None
            built: Doc = {"id": option.get("id") or ids.new_guid(), "codename": codename, "name": name}
            external_id = self._external_id(option.get("external_id"), f"{at}.external_id", seen_external)
            if external_id is not None:
                built["external_id"] = external_id
            out.append(built)
        explicit = [option["codename"] for option in out if option["codename"] is not None]
        if len(set(explicit)) != len(explicit):
            self.fail(f"{where}.options: option codenames must be unique within the element.")
        taken = set(explicit)
        for option in out:
            if option["codename"] is None:
                option["codename"] = codenames.generate(option["name"] or "option", taken, option["id"])
                taken.add(option["codename"])
        element["options"] = out

        def check(value: Any, at: str) -> Any:
            refs = self._ref_list(value, at, lambda ref, w: self._resolve_option(out, ref, w))
            if mode == "single" and len(refs) > 1:
                self.fail(f"{at}: a single choice element can default to at most one option.")
            return refs

        self._set_default(element, self._default(raw, where, check))

    def _resolve_option(self, options: list[Doc], ref: Reference, where: str) -> str | None:
        found = _find(options, ref)
        if found is None:
            self.fail(f"{where}: the option {ref.describe()} was not found in the element.")
            return None
        return str(found["id"])

    def _asset(self, raw: Doc, where: str, element: Doc) -> None:
        element["asset_count_limit"] = self._limit(raw.get("asset_count_limit"), f"{where}.asset_count_limit")
        element["maximum_file_size"] = self._positive_int(
            raw.get("maximum_file_size"), f"{where}.maximum_file_size", maximum=MAX_INT64
        )
        element["allowed_file_types"] = self._image_types(raw.get("allowed_file_types"), f"{where}.allowed_file_types")
        element["image_width_limit"] = self._limit(raw.get("image_width_limit"), f"{where}.image_width_limit")
        element["image_height_limit"] = self._limit(raw.get("image_height_limit"), f"{where}.image_height_limit")
        resolve = lambda ref, w: self._resolve_dangling(ASSET, ref, w)  # noqa: E731
        self._set_default(element, self._default(raw, where, lambda v, w: self._ref_list(v, w, resolve)))

    def _modular_content(self, raw: Doc, where: str, element: Doc) -> None:
        element["item_count_limit"] = self._limit(raw.get("item_count_limit"), f"{where}.item_count_limit")
        element["allowed_content_types"] = self._ref_list(
            raw.get("allowed_content_types"), f"{where}.allowed_content_types", self._resolve_type
        )
        resolve = lambda ref, w: self._resolve_dangling(CONTENT_ITEM, ref, w)  # noqa: E731
        self._set_default(element, self._default(raw, where, lambda v, w: self._ref_list(v, w, resolve)))

    _subpages = _modular_content

    def _taxonomy(self, raw: Doc, where: str, element: Doc) -> None:
        """The element's name defaults to the group's name when the group exists."""
        group: Doc | None = None
        element["taxonomy_group"] = {"id": ids.ZERO_GUID}
        group_raw = raw.get("taxonomy_group")
        if group_raw is None:
            self.fail(f"{where}.taxonomy_group: provide taxonomy reference for taxonomy element.")
            element["taxonomy_group"] = {"id": ids.ZERO_GUID}
        else:
            ref = self._ref(group_raw, f"{where}.taxonomy_group")
            if ref is not None:
                group = _find(self.catalog.taxonomies, ref)
                target = group["id"] if group is not None else references.target_id(TAXONOMY, ref)
                if target is None:
                    self.fail(f"{where}.taxonomy_group: the taxonomy group {ref.describe()} was not found.")
                element["taxonomy_group"] = {"id": target or ids.ZERO_GUID}
        name = raw.get("name")
        if name is None and group is not None:
            name = group.get("name")
        element["name"] = self._name(name, f"{where}.name")
        element["_group_doc"] = group

    def _taxonomy_rest(self, raw: Doc, where: str, element: Doc) -> None:
        group = element.pop("_group_doc", None)
        element["term_count_limit"] = self._limit(raw.get("term_count_limit"), f"{where}.term_count_limit")

        def resolve(ref: Reference, at: str) -> str | None:
            if group is not None:
                term = _find_term(group.get("terms") or [], ref)
                if term is None and ref.id in self.kept_terms:
                    return ref.id
                if term is None:
                    self.fail(f"{at}: the taxonomy term {ref.describe()} was not found in the taxonomy group.")
                    return None
                return str(term["id"])
            return self._resolve_dangling(TAXONOMY_TERM, ref, at)

        self._set_default(element, self._default(raw, where, lambda v, w: self._ref_list(v, w, resolve)))

    def _url_slug(self, raw: Doc, where: str, element: Doc) -> None:
        depends = raw.get("depends_on")
        element["depends_on"] = None
        if not isinstance(depends, dict) or depends.get("element") is None:
            self.fail(f"{where}.depends_on is required: an object with an 'element' reference to a text element.")
        else:

            def resolve_later() -> None:
                element["depends_on"] = self._depends_on(depends, f"{where}.depends_on")

            element["_deferred"] = resolve_later
        if raw.get("validation_regex") is not None:
            element["validation_regex"] = self._regex(raw["validation_regex"], f"{where}.validation_regex")

    def _depends_on(self, depends: Doc, where: str) -> Doc | None:
        element_ref = self._ref(depends["element"], f"{where}.element")
        if element_ref is None:
            return None
        candidates = self.elements_in
        prefix = ""
        out: Doc = {}
        if depends.get("snippet") is not None:
            snippet_ref = self._ref(depends["snippet"], f"{where}.snippet")
            if snippet_ref is None:
                return None
            snippet = _find(self.catalog.snippets, snippet_ref)
            if snippet is None:
                self.fail(f"{where}.snippet: the content type snippet {snippet_ref.describe()} was not found.")
                return None
            in_type = any(
                e.get("type") == "snippet" and _snippet_id(e, self.catalog) == snippet["id"] for e in self.elements_in
            )
            if not in_type:
                self.fail(f"{where}.snippet: the snippet must be used in this content type.")
            candidates = snippet["elements"]
            prefix = snippet_prefix(snippet.get("codename"))
            out["snippet"] = {"id": snippet["id"]}
        target = find_element(candidates, element_ref, prefix)
        if target is None or target.get("type") != "text":
            self.fail(f"{where}.element: the text element {element_ref.describe()} was not found.")
            return None
        return {"element": {"id": target["id"]}, **out}

    def _custom(self, raw: Doc, where: str, element: Doc) -> None:
        url = self._string(raw.get("source_url"), f"{where}.source_url", required=True)
        if url is not None:
            parsed = urlparse(url)
            if parsed.scheme not in ("http", "https") or not parsed.netloc:
                self.fail(f"{where}.source_url must be an absolute http(s) URL.")
        element["source_url"] = url
        params = self._string(raw.get("json_parameters"), f"{where}.json_parameters", required=False)
        if params is not None:
            try:
                json.loads(params)
            except ValueError:
                self.fail(f"{where}.json_parameters must be a valid stringified JSON.")
        element["json_parameters"] = params
        element["allowed_elements"] = []

        def resolve_later() -> None:
            element["allowed_elements"] = self._ref_list(
                raw.get("allowed_elements"), f"{where}.allowed_elements", self._resolve_element
            )

        element["_deferred"] = resolve_later

    def _snippet_element(self, raw: Doc, where: str, element: Doc) -> None:
        unknown = sorted(key for key in raw if key in ("name", "guidelines", "is_required"))
        if unknown:
            self.fail(f"{where}: snippet elements have no properties {unknown}.")
        ref = self._ref(raw.get("snippet"), f"{where}.snippet") if raw.get("snippet") is not None else None
        if raw.get("snippet") is None:
            self.fail(f"{where}.snippet is required: a reference to a content type snippet.")
        target: str | None = None
        if ref is not None:
            found = _find(self.catalog.snippets, ref)
            target = found["id"] if found is not None else references.target_id(SNIPPET, ref)
            if target is None:
                self.fail(f"{where}.snippet: the content type snippet {ref.describe()} was not found.")
        element["snippet"] = {"id": target or ids.ZERO_GUID}
        element["is_non_localizable"] = self._bool(raw.get("is_non_localizable"), f"{where}.is_non_localizable")


def _default_terms(previous: Doc | None) -> set[str]:
    """Term ids the stored document already defaults to.

    Terms can be removed from their group while types default to them (the hosted API lets taxonomies
    change under their users), so a default the document already had stays valid on later edits; only
    newly written defaults must name existing terms.
    """
    kept: set[str] = set()
    for element in (previous or {}).get("elements", []):
        if isinstance(element, dict) and element.get("type") == "taxonomy":
            for ref in ((element.get("default") or {}).get("global") or {}).get("value") or []:
                if isinstance(ref, dict) and isinstance(ref.get("id"), str):
                    kept.add(ref["id"])
    return kept


def _snippet_id(element: Doc, catalog: Catalog) -> str | None:
    raw = element.get("snippet")
    try:
        ref = Reference.parse(raw)
    except InvalidReference:
        return None
    found = _find(catalog.snippets, ref)
    return str(found["id"]) if found is not None else references.target_id(SNIPPET, ref)


_LAST = ("name", "guidelines", "is_required", "is_non_localizable", "type", "id", "codename", "external_id")


def _ordered(element: Doc) -> Doc:
    """The wire key order of the samples: type-specific properties first, then the common ones."""
    element.pop("_group_doc", None)
    head = {
        key: value for key, value in element.items() if key not in _LAST and key not in ("default", "content_group")
    }
    tail = {key: element[key] for key in _LAST if key in element}
    for key in ("default", "content_group"):
        if key in element:
            tail[key] = element[key]
    return {**head, **tail}


def normalize(
    owner: str, raw: Any, catalog: Catalog, *, object_id: str, last_modified: str, previous: Doc | None = None
) -> tuple[Doc, list[str]]:
    """The stored document for `raw` and every rule it breaks (empty when valid).

    `previous` is the stored document a patch started from, if any.
    """
    normalizer = Normalizer(owner, catalog, previous)
    doc = normalizer.document(raw, object_id=object_id, last_modified=last_modified)
    return doc, normalizer.problems
