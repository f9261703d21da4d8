"""Rich text values of the Management API: validation, messages and positions, references, the canonical form.

Pure units, no server. The expected outputs spell the form the hosted API stores and returns.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.configuration import set_hypothesis_home_dir

from headwater.kontent.content import richtext
from headwater.kontent.content.richtext import EMPTY_VALUE, InvalidRichText, ParsedRichText, RichTextProblem, parse
from headwater.kontent.references import Reference

set_hypothesis_home_dir(Path(tempfile.gettempdir()) / "headwater-hypothesis")

ITEM = "6a1c0f3e-2b4d-4e8f-9a0b-1c2d3e4f5a6b"
ITEM_2 = "0f9e8d7c-6b5a-4c3d-8e1f-a2b3c4d5e6f7"
ASSET = "c3f1a2b4-5d6e-4f70-8a9b-0c1d2e3f4a5b"
COMPONENT = "b7e2c4d6-1a3f-4b5c-9d8e-7f6a5b4c3d2e"
COMPONENT_2 = "d4c3b2a1-9f8e-4d7c-a6b5-e4f3a2b1c0d9"


def canonical(value: str | None) -> str:
    """Parse and render a value that references only by id."""
    return parse(value).render({}, {})


def problems(value: str) -> list[str]:
    with pytest.raises(InvalidRichText) as caught:
        parse(value)
    return [problem.text() for problem in caught.value.problems]


def only_problem(value: str) -> RichTextProblem:
    with pytest.raises(InvalidRichText) as caught:
        parse(value)
    assert len(caught.value.problems) == 1, caught.value.problems
    return caught.value.problems[0]


def figure(asset_id: str) -> str:
    return f'<figure data-asset-id="{asset_id}"><img src="#" data-asset-id="{asset_id}"></figure>'


def item_object(item_id: str) -> str:
    return f'<object type="application/kenticocloud" data-type="item" data-id="{item_id}"></object>'


def component_object(component_id: str) -> str:
    return f'<object type="application/kenticocloud" data-type="component" data-id="{component_id}"></object>'


# -- empty values ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value", [None, "", "   ", "\n\t\r\n", "<p></p>", "<p><br></p>", "<p><br/></p>", "<p> \n </p>"]
)
def test_empty_values_render_as_the_empty_paragraph(value: str | None) -> None:
    parsed = parse(value)
    assert parsed.render({}, {}) == EMPTY_VALUE == "<p><br/></p>"
    assert parsed.is_empty
    assert (parsed.item_refs, parsed.asset_refs, parsed.component_ids) == ([], [], [])


@pytest.mark.parametrize(
    "value", ["<p>x</p>", "<p><br/>x</p>", "<p></p><p></p>", "<h1></h1>", "<ul><li></li></ul>", figure(ASSET)]
)
def test_values_with_something_in_them_are_not_empty(value: str) -> None:
    assert not parse(value).is_empty


# -- blocks ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("tag", ["p", "h1", "h2", "h3", "h4", "h5", "h6"])
def test_text_blocks(tag: str) -> None:
    assert canonical(f"<{tag}>Roasting</{tag}>") == f"<{tag}>Roasting</{tag}>"


def test_blocks_are_separated_by_one_newline_whatever_was_between_them() -> None:
    value = "\n  <h2>Beans</h2>\r\n\n\t<p>Arabica</p><p>Robusta</p>   \n"
    assert canonical(value) == "<h2>Beans</h2>\n<p>Arabica</p>\n<p>Robusta</p>"


def test_tag_and_attribute_names_are_case_insensitive() -> None:
    assert canonical("<H3>Brew</h3>") == "<h3>Brew</h3>"
    assert canonical('<P><A HREF="https://example.org">x</A></p>') == '<p><a href="https://example.org">x</a></p>'
    assert canonical("<p><STRONG>x</Strong></P>") == "<p><strong>x</strong></p>"


def test_lists_are_indented_two_spaces_per_level() -> None:
    assert canonical("<ul><li>one</li><li>two</li></ul>") == "<ul>\n  <li>one</li>\n  <li>two</li>\n</ul>"
    assert canonical("<ol><li>first</li></ol>") == "<ol>\n  <li>first</li>\n</ol>"


def test_nested_lists_sit_inside_list_items() -> None:
    value = """
<ol>
  <li>Grind
    <ul>
       <li>coarse
          <ol><li>for a press</li></ol>
       </li>
       <li>fine</li>
    </ul>
  </li>
  <li>Brew</li>
</ol>"""
    assert canonical(value) == (
        "<ol>\n"
        "  <li>Grind\n"
        "    <ul>\n"
        "      <li>coarse\n"
        "        <ol>\n"
        "          <li>for a press</li>\n"
        "        </ol>\n"
        "      </li>\n"
        "      <li>fine</li>\n"
        "    </ul>\n"
        "  </li>\n"
        "  <li>Brew</li>\n"
        "</ol>"
    )


def test_list_items_hold_inline_formatting_and_empty_items_a_break() -> None:
    value = '<ul><li><strong>Bold</strong> and <a href="/x">linked</a></li><li></li></ul>'
    assert (
        canonical(value)
        == '<ul>\n  <li><strong>Bold</strong> and <a href="/x">linked</a></li>\n  <li><br/></li>\n</ul>'
    )


def test_a_list_item_may_start_with_its_nested_list() -> None:
    assert canonical("<ul><li><ul><li>inner</li></ul></li></ul>") == (
        "<ul>\n  <li>\n    <ul>\n      <li>inner</li>\n    </ul>\n  </li>\n</ul>"
    )


def test_tables_put_one_row_per_line_and_single_paragraph_cells_inline() -> None:
    value = (
        "<table><tbody><tr><td>Origin</td><td><p>Notes</p></td></tr>"
        "<tr><td><h3>Kenya</h3><p>Bright</p></td><td><ul><li>berry</li></ul></td></tr></tbody></table>"
    )
    assert canonical(value) == (
        "<table><tbody>\n"
        "  <tr><td>Origin</td><td>Notes</td></tr>\n"
        "  <tr><td><h3>Kenya</h3>\n<p>Bright</p>\n</td><td><ul>\n  <li>berry</li>\n</ul>\n</td></tr>\n"
        "</tbody></table>"
    )


def test_table_whitespace_is_ignored_and_empty_cells_hold_a_break() -> None:
    value = "<table>\n <tbody>\n  <tr>\n   <td> a </td>\n   <td></td>\n  </tr>\n </tbody>\n</table>"
    assert canonical(value) == "<table><tbody>\n  <tr><td>a</td><td><br/></td></tr>\n</tbody></table>"


def test_table_cells_may_hold_figures_and_formatted_text() -> None:
    value = f"<table><tbody><tr><td>{figure(ASSET)}</td><td>a<br>b <em>c</em></td></tr></tbody></table>"
    assert canonical(value) == (
        f"<table><tbody>\n  <tr><td>{figure(ASSET)}\n</td><td>a<br/>b <em>c</em></td></tr>\n</tbody></table>"
    )


def test_empty_lists_and_tables_keep_their_frame() -> None:
    assert canonical("<ul></ul>") == "<ul>\n</ul>"
    assert canonical("<table><tbody></tbody></table>") == "<table><tbody>\n</tbody></table>"


# -- inline content and whitespace -----------------------------------------------------------------------------


def test_inline_styles_keep_their_nesting() -> None:
    value = "<p><strong>b</strong><em>i</em><code>c</code><sub>2</sub><sup>3</sup><em><em>ii</em></em></p>"
    assert canonical(value) == value


def test_whitespace_collapses_to_one_space_and_line_edges_are_trimmed() -> None:
    assert canonical("<p> \t Dark \n\n   roast \f</p>") == "<p>Dark roast</p>"
    assert canonical("<h2>\r\n  Light\r\n</h2>") == "<h2>Light</h2>"


def test_one_space_survives_between_inline_elements_where_it_was_written() -> None:
    assert canonical("<p> <em> a </em> <strong> b </strong> </p>") == "<p><em>a</em> <strong>b</strong></p>"
    assert canonical("<p>a<strong> b</strong></p>") == "<p>a<strong> b</strong></p>"
    assert canonical("<p>a <strong>b</strong></p>") == "<p>a <strong>b</strong></p>"
    assert canonical("<p><em>a </em>b</p>") == "<p><em>a </em>b</p>"
    assert canonical("<p>a<strong>b</strong>c</p>") == "<p>a<strong>b</strong>c</p>"


def test_line_breaks_start_a_new_line_for_whitespace() -> None:
    assert canonical("<p>one <br> two<br/>   <br />three </p>") == "<p>one<br/>two<br/><br/>three</p>"
    assert canonical("<p><br><br></p>") == "<p><br/><br/></p>"


def test_character_references_decode_and_markup_characters_are_escaped() -> None:
    assert canonical("<p>&lt;tag&gt; &amp; &quot;quoted&quot; &#39;x&#39; &#x263A; &eacute; &copy</p>") == (
        "<p>&lt;tag&gt; &amp; \"quoted\" 'x' ☺ é ©</p>"
    )
    assert canonical("<p>fish & chips > 3</p>") == "<p>fish &amp; chips &gt; 3</p>"
    assert canonical("<p>&unknown; &#xZZ;</p>") == "<p>&amp;unknown; &amp;#xZZ;</p>"


def test_non_breaking_spaces_are_kept_and_written_as_nbsp() -> None:
    assert canonical("<p>&nbsp;a\u00a0b&#160;</p>") == "<p>&nbsp;a&nbsp;b&nbsp;</p>"


def test_whitespace_from_character_references_collapses_like_literal_whitespace() -> None:
    assert canonical("<p>a&#10;&#10;b&#9;</p>") == "<p>a b</p>"


# -- links -----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("href", "stored"),
    [
        ("https://example.org/a?b=c#d", "https://example.org/a?b=c#d"),
        ("HTTP://EXAMPLE.ORG", "HTTP://EXAMPLE.ORG"),
        ("ftp://files.example.org", "ftp://files.example.org"),
        ("/about.html", "/about.html"),
        ("?page=2", "?page=2"),
        ("#top", "#top"),
        ("example.org", "http://example.org"),
        ("second-page.html", "http://second-page.html"),
        ("mailto:someone@example.org", "http://mailto:someone@example.org"),
        ("javascript:alert(1)", "http://javascript:alert(1)"),
        ("JavaScript:alert(1)", "http://JavaScript:alert(1)"),
        ("java\tscript://%0aalert(1)", "http://java\tscript://%0aalert(1)"),
        ("data:text/html,x", "http://data:text/html,x"),
        ("vbscript:x", "http://vbscript:x"),
        ("a&amp;b", "http://a&amp;b"),
        ("https://x.example/?q=&quot;1&quot;", "https://x.example/?q=&quot;1&quot;"),
    ],
)
def test_url_links_get_http_prefixed_unless_absolute_or_root_relative(href: str, stored: str) -> None:
    assert canonical(f'<p><a href="{href}">x</a></p>') == f'<p><a href="{stored}">x</a></p>'


def test_url_link_options() -> None:
    base = "https://example.org"
    assert canonical(f'<p><a href="{base}" data-new-window="true">x</a></p>') == (
        f'<p><a href="{base}" data-new-window="true">x</a></p>'
    )
    assert canonical(f'<p><a href="{base}" data-new-window="TRUE">x</a></p>') == (
        f'<p><a href="{base}" data-new-window="true">x</a></p>'
    )
    assert canonical(f'<p><a data-new-window="False" href="{base}">x</a></p>') == f'<p><a href="{base}">x</a></p>'
    assert canonical(f'<p><a title="Home &amp; away" href="{base}" data-new-window="true">x</a></p>') == (
        f'<p><a href="{base}" data-new-window="true" title="Home &amp; away">x</a></p>'
    )
    assert canonical(f'<p><a href="{base}" title="">x</a></p>') == f'<p><a href="{base}">x</a></p>'


def test_url_links_tolerate_and_drop_target_and_rel() -> None:
    value = '<p><a href="https://example.org" data-new-window="true" target="_blank" rel="noopener">x</a></p>'
    assert canonical(value) == '<p><a href="https://example.org" data-new-window="true">x</a></p>'


def test_link_contents_may_be_formatted() -> None:
    value = '<p><a href="/x"><strong>bold</strong> and<br>broken</a></p>'
    assert canonical(value) == '<p><a href="/x"><strong>bold</strong> and<br/>broken</a></p>'


def test_item_asset_email_and_phone_links() -> None:
    value = (
        f'<p><a data-item-id="{ITEM}">item</a> <a data-asset-id="{ASSET}">file</a> '
        '<a data-email-address="info@example.org" data-email-subject="Hi &quot;there&quot;">mail</a> '
        '<a data-email-address="info@example.org" data-email-subject="">bare</a> '
        '<a data-phone-number="+420 123 456">call</a></p>'
    )
    assert canonical(value) == (
        f'<p><a data-item-id="{ITEM}">item</a> <a data-asset-id="{ASSET}">file</a> '
        '<a data-email-address="info@example.org" data-email-subject="Hi &quot;there&quot;">mail</a> '
        '<a data-email-address="info@example.org">bare</a> '
        '<a data-phone-number="+420 123 456">call</a></p>'
    )


def test_attribute_values_escape_ampersands_quotes_and_nbsp_only() -> None:
    value = '<p><a href="https://e.example/?a=1&amp;b=&lt;2&gt;" title="&quot;x&quot;&nbsp;<y>">z</a></p>'
    assert canonical(value) == (
        '<p><a href="https://e.example/?a=1&amp;b=<2>" title="&quot;x&quot;&nbsp;<y>">z</a></p>'
    )


def test_named_references_in_attributes_need_their_semicolon() -> None:
    """`&copy=2` in a URL is a parameter, not ©; decoding it would corrupt the link."""
    value = '<p><a href="https://e.example/?a=1&copy=2&amp;b=3&#38;c&notit;&eacute;" title="&copy; &copy">x</a></p>'
    assert canonical(value) == (
        '<p><a href="https://e.example/?a=1&amp;copy=2&amp;b=3&amp;c&amp;notit;é" title="© &amp;copy">x</a></p>'
    )


# -- figures, objects and references ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    [
        f'<figure data-asset-id="{ASSET}"></figure>',
        f'<figure data-asset-id="{ASSET}"><img src="#" data-asset-id="{ASSET}"></figure>',
        f'<figure data-asset-id="{ASSET}"><img src="#" data-asset-id="{ASSET}"/></figure>',
        f'<figure data-asset-id="{ASSET}">\n  <img data-asset-id="{ASSET.upper()}">\n</figure>',
        f'<figure data-asset-id="{ASSET}"><img src="https://cdn.example/a.jpg"></figure>',
        f'<figure data-asset-id="{ASSET}"><img></figure>',
        f'<FIGURE DATA-ASSET-ID="{ASSET.upper()}"></FIGURE>',
    ],
)
def test_figures_are_written_in_their_canonical_form(value: str) -> None:
    parsed = parse(value)
    assert parsed.asset_refs == [Reference(id=ASSET)]
    assert parsed.render({}, {}) == figure(ASSET)


def test_figures_by_external_id_and_codename_render_the_ids_they_resolve_to() -> None:
    value = (
        '<figure data-asset-external-id="hero"><img src="#" data-asset-external-id="hero"></figure>'
        '<figure data-asset-codename="logo"></figure>'
    )
    parsed = parse(value)
    assert parsed.asset_refs == [Reference(external_id="hero"), Reference(codename="logo")]
    rendered = parsed.render({}, {Reference(external_id="hero"): ASSET, Reference(codename="logo"): ITEM_2})
    assert rendered == f"{figure(ASSET)}\n{figure(ITEM_2)}"


def test_item_objects_by_id_external_id_and_codename() -> None:
    value = (
        f'<object type="application/kenticocloud" data-type="item" data-id="{ITEM.upper()}"></object>'
        '<object type="application/kenticocloud" data-type="item" data-external-id="article-1">\n</object>'
        '<object data-codename="about_us" data-type="item" type="application/kenticocloud"></object>'
    )
    parsed = parse(value)
    assert parsed.item_refs == [Reference(id=ITEM), Reference(external_id="article-1"), Reference(codename="about_us")]
    item_ids = {Reference(external_id="article-1"): ITEM_2, Reference(codename="about_us"): ITEM}
    assert parsed.render(item_ids, {}) == "\n".join([item_object(ITEM), item_object(ITEM_2), item_object(ITEM)])


def test_components_keep_their_ids_in_document_order() -> None:
    value = f"{component_object(COMPONENT_2.upper())}<p>between</p>{component_object(COMPONENT)}"
    parsed = parse(value)
    assert parsed.component_ids == [COMPONENT_2, COMPONENT]
    assert parsed.item_refs == []
    assert parsed.render({}, {}) == f"{component_object(COMPONENT_2)}\n<p>between</p>\n{component_object(COMPONENT)}"


def test_references_are_collected_in_document_order_with_duplicates() -> None:
    value = (
        f'<p><a data-item-codename="home">a</a> <a data-asset-external-id="doc">b</a></p>'
        f"{item_object(ITEM)}"
        f'<ul><li><a data-item-id="{ITEM}">c</a></li></ul>'
        '<table><tbody><tr><td><a data-asset-codename="pdf">d</a></td>'
        f"<td>{figure(ASSET)}</td></tr></tbody></table>"
        f'<figure data-asset-external-id="doc"></figure>'
        f'<p><a data-item-external-id="ext">e</a></p>'
    )
    parsed = parse(value)
    assert parsed.item_refs == [
        Reference(codename="home"),
        Reference(id=ITEM),
        Reference(id=ITEM),
        Reference(external_id="ext"),
    ]
    assert parsed.asset_refs == [
        Reference(external_id="doc"),
        Reference(codename="pdf"),
        Reference(id=ASSET),
        Reference(external_id="doc"),
    ]


def test_render_rewrites_every_reference_to_its_id() -> None:
    value = (
        '<p><a data-item-codename="home">a</a><a data-item-external-id="ext">b</a>'
        '<a data-asset-codename="pdf">c</a><a data-asset-external-id="doc">d</a></p>'
    )
    item_ids = {Reference(codename="home"): ITEM, Reference(external_id="ext"): ITEM_2}
    asset_ids = {Reference(codename="pdf"): ASSET, Reference(external_id="doc"): COMPONENT}
    assert parse(value).render(item_ids, asset_ids) == (
        f'<p><a data-item-id="{ITEM}">a</a><a data-item-id="{ITEM_2}">b</a>'
        f'<a data-asset-id="{ASSET}">c</a><a data-asset-id="{COMPONENT}">d</a></p>'
    )


def test_render_refuses_a_reference_without_an_id() -> None:
    with pytest.raises(KeyError, match="codename: home"):
        parse('<p><a data-item-codename="home">a</a></p>').render({}, {})


def test_render_maps_id_references_too_when_asked() -> None:
    assert parse(item_object(ITEM)).render({Reference(id=ITEM): ITEM_2}, {}) == item_object(ITEM_2)


# -- the tutorials' values -------------------------------------------------------------------------------------


def test_import_rich_text_tutorial_value() -> None:
    """The value the "Import rich text" tutorial upserts: heading, URL link, component, item link, list, figure."""
    value = (
        "<h1>Lorem Ipsum</h1>\n"
        '<p>Lorem ipsum dolor sit amet, consectetur <a href="https://wikipedia.org">adipiscing elit</a>, sed do '
        "eiusmod tempor.</p>\n"
        f'<object type="application/kenticocloud" data-type="component" data-id="{COMPONENT}"></object>\n'
        '<p>Ut enim ad minim veniam, <a data-item-external-id="second-page">quis nostrud</a> exercitation.</p>\n'
        "<ul>\n  <li>Lorem ipsum dolor sit amet</li>\n  <li>Consectetur adipiscing elit</li>\n</ul>"
        '<figure data-asset-external-id="rich-text-asset"></figure>'
    )
    parsed = parse(value)
    assert parsed.component_ids == [COMPONENT]
    assert parsed.item_refs == [Reference(external_id="second-page")]
    assert parsed.asset_refs == [Reference(external_id="rich-text-asset")]
    rendered = parsed.render(
        {Reference(external_id="second-page"): ITEM}, {Reference(external_id="rich-text-asset"): ASSET}
    )
    assert rendered == (
        "<h1>Lorem Ipsum</h1>\n"
        '<p>Lorem ipsum dolor sit amet, consectetur <a href="https://wikipedia.org">adipiscing elit</a>, sed do '
        "eiusmod tempor.</p>\n"
        f"{component_object(COMPONENT)}\n"
        f'<p>Ut enim ad minim veniam, <a data-item-id="{ITEM}">quis nostrud</a> exercitation.</p>\n'
        "<ul>\n  <li>Lorem ipsum dolor sit amet</li>\n  <li>Consectetur adipiscing elit</li>\n</ul>\n"
        f"{figure(ASSET)}"
    )


def test_the_tutorials_original_html_is_refused_where_the_tutorial_says_it_must_be_adjusted() -> None:
    """The source page's HTML has a bare link (the button) and a bare image at the top level."""
    assert problems('<h1>Lorem</h1> <a href="https://kontent.ai" class="cta">Buy me</a>') == [
        "Expected an opening tag of one of the supported elements, but got an opening tag a. (1, 16)"
    ]
    assert problems('<p>x</p>\n<img src="https://example.org/logo.svg" alt="Logo" />') == [
        "Expected an opening tag of one of the supported elements, but got an opening tag img. (2, 1)"
    ]


def test_import_linked_content_tutorial_value() -> None:
    """Items that reference each other before either exists: an item object and an item link by external id."""
    value = (
        '<p>Read <a data-item-external-id="456">On Roasts</a> next.</p>'
        '<object type="application/kenticocloud" data-type="item" data-external-id="456"></object>'
    )
    parsed = parse(value)
    assert parsed.item_refs == [Reference(external_id="456"), Reference(external_id="456")]
    assert parsed.render({Reference(external_id="456"): ITEM}, {}) == (
        f'<p>Read <a data-item-id="{ITEM}">On Roasts</a> next.</p>\n{item_object(ITEM)}'
    )


def test_codename_references_from_the_product_update() -> None:
    """Assets, items, links to assets and links to items, all by codename."""
    value = (
        '<figure data-asset-codename="coffee_beans"><img src="#" data-asset-codename="coffee_beans"></figure>'
        '<object type="application/kenticocloud" data-type="item" data-codename="coffee_processing"></object>'
        '<p><a data-asset-codename="brochure">Brochure</a> and <a data-item-codename="about_us">about us</a></p>'
    )
    parsed = parse(value)
    assert parsed.asset_refs == [Reference(codename="coffee_beans"), Reference(codename="brochure")]
    assert parsed.item_refs == [Reference(codename="coffee_processing"), Reference(codename="about_us")]


def test_management_api_responses_parse_back_unchanged() -> None:
    """Values as the API returns them (lists indented, blocks on lines) are already canonical."""
    value = (
        "<p>There’s nothing complicated about roasting.</p>\n<h3>Light Roasts</h3>\n"
        "<ul>\n  <li>Caffeine level decreases the darker the roast is.</li>\n  <li>Darker roasts exempt less "
        "acidity.</li>\n</ul>\n<p>You can easily imprint your own signature.</p>\n"
        f"{component_object(COMPONENT)}"
    )
    assert canonical(value) == value


# -- structural errors -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("Just text", "Expected an opening tag of one of the supported elements, but got a text Just text. (1, 1)"),
        ("<p>a</p>tail", "Expected an opening tag of one of the supported elements, but got a text tail. (1, 9)"),
        ("<br>", "Expected an opening tag of one of the supported elements, but got an opening tag br. (1, 1)"),
        (
            "<div>x</div>",
            "Expected an opening tag of one of the supported elements, but got an opening tag div. (1, 1)",
        ),
        ("<li>x</li>", "Expected an opening tag of one of the supported elements, but got an opening tag li. (1, 1)"),
        ("<p>x</p></p>", "Expected an opening tag of one of the supported elements, but got a closing tag p. (1, 9)"),
        ("<p>a<b>b</b></p>", "Expected a closing tag of the P element, but got an opening tag b. (1, 5)"),
        ("<p>a<i>b</i></p>", "Expected a closing tag of the P element, but got an opening tag i. (1, 5)"),
        ("<p><span>b</span></p>", "Expected a closing tag of the P element, but got an opening tag span. (1, 4)"),
        ("<p>a</h1>", "Expected a closing tag of the P element, but got a closing tag h1. (1, 5)"),
        ("<p>a", "Expected a closing tag of the P element, but got the end of the rich text value. (1, 5)"),
        ("<p><strong>a</p>", "Expected a closing tag of the STRONG element, but got a closing tag p. (1, 13)"),
        (
            "<p><em>a</strong></em></p>",
            "Expected a closing tag of the EM element, but got a closing tag strong. (1, 9)",
        ),
        ("<p><p>x</p></p>", "Expected a closing tag of the P element, but got an opening tag p. (1, 4)"),
        ('<p><img src="#"></p>', "Expected a closing tag of the P element, but got an opening tag img. (1, 4)"),
        ("<p>x</br></p>", "Expected a closing tag of the P element, but got a closing tag br. (1, 5)"),
        (
            "<p/>",
            "Expected the end of the opening tag of the P element, but got the end of the self-closing tag p. (1, 1)",
        ),
        ("<ul>text</ul>", "Expected a closing tag of the UL element, but got a text text. (1, 5)"),
        ("<ul><li><p>x</p></li></ul>", "Expected a closing tag of the LI element, but got an opening tag p. (1, 9)"),
        (
            "<ul><li>a<ul><li>b</li></ul>c</li></ul>",
            "Expected a closing tag of the LI element, but got a text c. (1, 29)",
        ),
        (
            "<ul><li>x</li><ol><li>y</li></ol></ul>",
            "Nested list must be placed inside a list item in strict mode. (1, 15)",
        ),
        (
            "<table><tr><td>x</td></tr></table>",
            "Expected an opening tag of the TBODY element, but got an opening tag tr. (1, 8)",
        ),
        (
            "<table><tbody><tr><th>x</th></tr></tbody></table>",
            "Expected a closing tag of the TR element, but got an opening tag th. (1, 19)",
        ),
        (
            "<table><tbody><tr><td>x</td></tr></tbody><tfoot></tfoot></table>",
            "Expected a closing tag of the TABLE element, but got an opening tag tfoot. (1, 42)",
        ),
        (
            "<table><tbody><tr><td><table></table></td></tr></tbody></table>",
            "Expected an opening tag of one of the supported elements, but got an opening tag table. (1, 23)",
        ),
        (
            f"<table><tbody><tr><td>{item_object(ITEM)}</td></tr></tbody></table>",
            "Expected an opening tag of one of the supported elements, but got an opening tag object. (1, 23)",
        ),
        (
            "<table><tbody><tr><td><p>x</p>y</td></tr></tbody></table>",
            "Expected an opening tag of one of the supported elements, but got a text y. (1, 31)",
        ),
        (
            "<table><tbody><tr><td>y<p>x</p></td></tr></tbody></table>",
            "Expected a closing tag of the TD element, but got an opening tag p. (1, 24)",
        ),
        (
            f'<figure data-asset-id="{ASSET}">caption</figure>',
            "Expected a closing tag of the FIGURE element, but got a text caption. (1, 62)",
        ),
        (
            f'<figure data-asset-id="{ASSET}"/>',
            "Expected the end of the opening tag of the FIGURE element, but got the end of the self-closing tag "
            "figure. (1, 1)",
        ),
        (
            f'<object type="application/kenticocloud" data-type="item" data-id="{ITEM}"/>',
            "Expected the end of the opening tag of the OBJECT element, but got the end of the self-closing tag "
            "object. (1, 1)",
        ),
        (
            '<p><a href="/x">a<a href="/y">b</a></a></p>',
            "Expected a closing tag of the A element, but got an opening tag a. (1, 18)",
        ),
        (
            '<p><a href="/x"/></p>',
            "Expected the end of the opening tag of the A element, but got the end of the self-closing tag a. (1, 4)",
        ),
    ],
)
def test_structural_errors(value: str, message: str) -> None:
    assert problems(value) == [message]


def test_long_text_in_messages_is_shortened() -> None:
    message = only_problem("x" * 200).message
    assert message == f"Expected an opening tag of one of the supported elements, but got a text {'x' * 60}…."


# -- scanner errors --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "text"),
    [
        ("<p>a < b</p>", 'Unexpected character " " at (1, 7). Element name was expected.'),
        ("<!-- note --><p>x</p>", 'Unexpected character "!" at (1, 2). Element name was expected.'),
        ("<!DOCTYPE html>", 'Unexpected character "!" at (1, 2). Element name was expected.'),
        ("<?xml?>", 'Unexpected character "?" at (1, 2). Element name was expected.'),
        ("<p>x</ p>", 'Unexpected character " " at (1, 7). Element name was expected.'),
        ("<p>x</p x>", 'Unexpected character "x" at (1, 9). ">" character was expected.'),
        ("<p-x>", 'Unexpected character "-" at (1, 3). ">" character was expected.'),
        ("<p =x>", 'Unexpected character "=" at (1, 4). Attribute name or ">" character was expected.'),
        ("<p a/b>", 'Unexpected character "b" at (1, 6). ">" character was expected.'),
        ('<p a"b>', 'Unexpected character """ at (1, 5).'),
        (
            "<p a='b'>",
            'Unexpected character "\'" at (1, 6). Attribute value enclosed in double quotes (") was expected.',
        ),
        ("<p a=b>", 'Unexpected character "b" at (1, 6). Attribute value enclosed in double quotes (") was expected.'),
    ],
)
def test_markup_the_scanner_refuses(value: str, text: str) -> None:
    with pytest.raises(InvalidRichText) as caught:
        parse(value)
    assert [problem.text() for problem in caught.value.problems] == [text]


@pytest.mark.parametrize(
    ("value", "position"),
    [
        ("<", (1, 2)),
        ("<p", (1, 3)),
        ("<p>x</p", (1, 8)),
        ("<p>x</", (1, 7)),
        ('<p a="x', (1, 8)),
        ("<p a=", (1, 6)),
        ("<br/", (1, 5)),
        ("<p>x</p>\n<p>y</p>\n<", (3, 2)),
    ],
)
def test_a_value_ending_inside_markup_is_an_unexpected_end(value: str, position: tuple[int, int]) -> None:
    problem = only_problem(value)
    assert problem.message == "Unexpected end of HTML fragment"
    assert (problem.line, problem.position) == position
    assert problem.text() == f"Unexpected end of HTML fragment ({position[0]}, {position[1]})"


# -- positions -------------------------------------------------------------------------------------------------


def test_positions_count_lines_and_columns_from_one() -> None:
    problem = only_problem("<p>ok</p>\n<p>ok</p>\n   <div>x</div>")
    assert (problem.line, problem.position) == (3, 4)


def test_carriage_returns_take_no_column() -> None:
    problem = only_problem("<p>ok</p>\r\n\r\n<p>o\rk</p><div></div>")
    assert (problem.line, problem.position) == (3, 10)


def test_columns_count_code_points() -> None:
    problem = only_problem("<p>☕😀</p><div></div>")
    assert (problem.line, problem.position) == (1, 10)


def test_text_puts_the_position_where_the_hosted_api_does() -> None:
    assert RichTextProblem("Something is wrong.", 2, 7).text() == "Something is wrong. (2, 7)"
    assert RichTextProblem('Unexpected character "x". Why.', 1, 3, 24).text() == (
        'Unexpected character "x" at (1, 3). Why.'
    )


# -- attribute errors ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (
            '<p class="lead">x</p>',
            "Expected the end of the opening tag of the P element, but got an attribute name. (1, 4)",
        ),
        (
            '<h2 style="x" id="y">x</h2>',
            "Expected the end of the opening tag of the H2 element, but got an attribute name. (1, 5)",
        ),
        (
            '<ul type="a"><li>x</li></ul>',
            "Expected the end of the opening tag of the UL element, but got an attribute name. (1, 5)",
        ),
        (
            '<p><strong class="x">y</strong></p>',
            "Expected the end of the opening tag of the STRONG element, but got an attribute name. (1, 12)",
        ),
        (
            '<p>x<br class="y"></p>',
            "Expected the end of the opening tag of the BR element, but got an attribute name. (1, 9)",
        ),
        (
            '<table border="1"><tbody></tbody></table>',
            "Expected the end of the opening tag of the TABLE element, but got an attribute name. (1, 8)",
        ),
        (
            '<p><a href="/a" HREF="/b">x</a></p>',
            "Expected unique element attributes, but got a duplicated 'href' attribute. (1, 17)",
        ),
        ("<p><sup><sub>x</sub></sup></p>", "The tag <sub> is mutually exclusive with the parent tag <sup>. (1, 9)"),
        (
            "<p><sub><em><sup>x</sup></em></sub></p>",
            "The tag <sup> is mutually exclusive with the parent tag <sub>. (1, 13)",
        ),
        (
            '<p><sub><a href="/x"><sup>x</sup></a></sub></p>',
            "The tag <sup> is mutually exclusive with the parent tag <sub>. (1, 22)",
        ),
    ],
)
def test_attribute_and_formatting_errors(value: str, message: str) -> None:
    assert problems(value) == [message]


def test_sub_inside_sub_and_siblings_are_fine() -> None:
    value = "<p><sub><sub>x</sub></sub><sup>y</sup><sub>z</sub></p>"
    assert canonical(value) == value


LINK_MIXED = (
    "The A element must contain only one of the following HTML attributes: href,data-item-id,"
    "data-item-external-id,data-item-codename,data-asset-id,data-asset-external-id,data-asset-codename,"
    "data-email-address,data-phone-number. These attributes define the link type and the link type cannot be mixed."
)


@pytest.mark.parametrize(
    ("attributes", "message"),
    [
        ("", richtext.MSG_LINK_TARGET),
        ('title="x"', richtext.MSG_LINK_TARGET),
        (f'href="/x" data-item-id="{ITEM}"', LINK_MIXED),
        (f'data-item-id="{ITEM}" href=""', LINK_MIXED),
        ('data-email-address="a@b.c" data-phone-number="1"', LINK_MIXED),
        ('data-asset-codename="a" data-asset-external-id="b"', LINK_MIXED),
        ('href="/x" class="btn"', richtext.MSG_URL_LINK),
        ('href="/x" data-email-subject="s"', richtext.MSG_URL_LINK),
        ('href="/x" data-new-window="yes"', richtext.MSG_NEW_WINDOW),
        ('href="/x" data-new-window=""', richtext.MSG_NEW_WINDOW),
        ('href=""', richtext.MSG_URL_EMPTY),
        ('href="  "', richtext.MSG_URL_EMPTY),
        (f'data-item-id="{ITEM}" title="x"', richtext.MSG_ITEM_LINK),
        (f'data-item-id="{ITEM}" target="_blank"', richtext.MSG_ITEM_LINK),
        ('data-item-id="not-a-guid"', richtext.MSG_ITEM_LINK_VALUE),
        ('data-item-id=""', richtext.MSG_ITEM_LINK_VALUE),
        ('data-item-codename=""', richtext.MSG_ITEM_LINK_VALUE),
        (f'data-asset-id="{ASSET}" title="x"', richtext.MSG_ASSET_LINK),
        ('data-asset-id="{x}"', richtext.MSG_ASSET_LINK_VALUE),
        ('data-asset-codename=" "', richtext.MSG_ASSET_LINK_VALUE),
        ('data-email-address="a@b.c" title="x"', richtext.MSG_EMAIL_LINK),
        ('data-email-address=""', richtext.MSG_EMAIL_EMPTY),
        ('data-phone-number="1" title="x"', richtext.MSG_PHONE_LINK),
        ('data-phone-number=" "', richtext.MSG_PHONE_EMPTY),
    ],
)
def test_link_errors(attributes: str, message: str) -> None:
    problem = only_problem(f"<p>see <a {attributes}>this</a></p>")
    assert problem.message == message
    assert problem.line == 1


def test_link_errors_point_at_the_link_or_the_bad_attribute() -> None:
    assert (only_problem('<p>x <a class="y">z</a></p>').position) == 6
    assert (only_problem('<p>x <a data-item-id="nope">z</a></p>').position) == 9


def test_invalid_external_ids_are_refused_with_the_reference_rule() -> None:
    problem = only_problem('<p><a data-item-external-id="a/b">x</a></p>')
    assert problem.message == (
        "The 'data-item-external-id' attribute does not hold a valid external id: "
        "The external_id 'a/b' is invalid: external ids must not contain '/', '.' or ';'."
    )
    assert only_problem('<figure data-asset-external-id=""></figure>').message.endswith(
        "The external_id must not be empty."
    )
    assert "too long" in only_problem(f'<p><a data-asset-external-id="{"x" * 256}">x</a></p>').message
    assert (
        "';'"
        in only_problem(
            '<object type="application/kenticocloud" data-type="item" data-external-id="a;b"></object>'
        ).message
    )


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("<figure></figure>", richtext.MSG_FIGURE),
        ('<figure data-asset-id="nope"></figure>', richtext.MSG_FIGURE),
        ('<figure data-asset-codename=""></figure>', richtext.MSG_FIGURE),
        (f'<figure data-asset-id="{ASSET}" data-asset-codename="x"></figure>', richtext.MSG_FIGURE),
        (f'<figure data-asset-id="{ASSET}" data-image-id="{ASSET}"></figure>', richtext.MSG_FIGURE),
        (f'<figure class="wide" data-asset-id="{ASSET}"></figure>', richtext.MSG_FIGURE),
        (f'<figure data-asset-id="{ASSET}"><img src="#" alt="x"></figure>', richtext.MSG_IMG),
        (f'<figure data-asset-id="{ASSET}"><img data-asset-external-id="x"></figure>', richtext.MSG_IMG),
        (
            f'<figure data-asset-id="{ASSET}"><img data-asset-id="{ITEM}"></figure>',
            "The value of the 'data-asset-id' attribute of the IMG element does not correspond to the value from the "
            "FIGURE element.",
        ),
        (
            '<figure data-asset-codename="a"><img data-asset-codename="b"></figure>',
            "The value of the 'data-asset-codename' attribute of the IMG element does not correspond to the value "
            "from the FIGURE element.",
        ),
    ],
)
def test_figure_errors(value: str, message: str) -> None:
    assert only_problem(value).message == message


@pytest.mark.parametrize(
    ("attributes", "message"),
    [
        (f'data-type="item" data-id="{ITEM}"', richtext.MSG_OBJECT),
        (f'type="text/html" data-type="item" data-id="{ITEM}"', richtext.MSG_OBJECT),
        (f'type="application/kenticocloud" data-type="item" data-rel="link" data-id="{ITEM}"', richtext.MSG_OBJECT),
        (f'type="application/kenticocloud" data-type="link" data-id="{ITEM}"', richtext.MSG_OBJECT_DATA_TYPE),
        (f'type="application/kenticocloud" data-type="Item" data-id="{ITEM}"', richtext.MSG_OBJECT_DATA_TYPE),
        (f'type="application/kenticocloud" data-id="{ITEM}" data-codename="x"', richtext.MSG_OBJECT_DATA_TYPE),
        ('type="application/kenticocloud" data-type="item" data-id="nope"', richtext.MSG_OBJECT_ITEM),
        ('type="application/kenticocloud" data-type="item" data-rel="component"', richtext.MSG_OBJECT_ITEM),
        ('type="application/kenticocloud" data-type="item" data-codename=""', richtext.MSG_OBJECT_ITEM),
        ('type="application/kenticocloud" data-type="component" data-id="nope"', richtext.MSG_OBJECT_COMPONENT),
        ('type="application/kenticocloud" data-type="component" data-external-id="x"', richtext.MSG_OBJECT_COMPONENT),
    ],
)
def test_object_errors(attributes: str, message: str) -> None:
    assert only_problem(f"<object {attributes}></object>").message == message


def test_delivery_api_html_is_refused() -> None:
    """What the Delivery API returns is not what the Management API accepts: clients must translate it."""
    value = (
        '<object type="application/kenticocloud" data-type="item" data-rel="component" data-codename="n123"></object>'
    )
    assert only_problem(value).message == richtext.MSG_OBJECT
    assert only_problem(f'<p><a data-item-id="{ITEM}" href="">x</a></p>').message == LINK_MIXED
    assert only_problem(f'<figure data-asset-id="{ASSET}" data-image-id="{ASSET}"></figure>').message == (
        richtext.MSG_FIGURE
    )


def test_a_component_used_twice_is_refused() -> None:
    problem = only_problem(f"{component_object(COMPONENT)}\n{component_object(COMPONENT.upper())}")
    assert problem.message == (
        f"A component with 'id={COMPONENT}' is referenced multiple times. Remove the duplicity so that the "
        "component is referenced only once."
    )
    assert (problem.line, problem.position) == (2, 1)


# -- collecting problems ---------------------------------------------------------------------------------------


def test_all_attribute_problems_are_reported_in_document_order() -> None:
    value = (
        '<p class="a">x</p>\n'
        '<p><a href="/x" data-item-id="nope">y</a><a>z</a></p>\n'
        '<figure data-asset-id="bad"></figure>'
    )
    assert problems(value) == [
        "Expected the end of the opening tag of the P element, but got an attribute name. (1, 4)",
        f"{LINK_MIXED} (2, 4)",
        f"{richtext.MSG_LINK_TARGET} (2, 42)",
        f"{richtext.MSG_FIGURE} (3, 9)",
    ]


def test_a_structural_error_ends_the_report() -> None:
    value = '<p><a>z</a></p><div>x</div><p class="never-seen">y</p>'
    assert problems(value) == [
        f"{richtext.MSG_LINK_TARGET} (1, 4)",
        "Expected an opening tag of one of the supported elements, but got an opening tag div. (1, 16)",
    ]


def test_the_report_is_capped() -> None:
    with pytest.raises(InvalidRichText) as caught:
        parse("<p>" + "<a>x</a>" * 500 + "</p>")
    assert len(caught.value.problems) == richtext.MAX_PROBLEMS


def test_the_exception_text_lists_every_problem() -> None:
    with pytest.raises(InvalidRichText) as caught:
        parse("<p><a>x</a><a>y</a></p>")
    assert str(caught.value) == f"{richtext.MSG_LINK_TARGET} (1, 4); {richtext.MSG_LINK_TARGET} (1, 12)"


# -- limits ----------------------------------------------------------------------------------------------------


def test_values_up_to_the_limit_are_accepted() -> None:
    value = "<p>" + "x" * (richtext.MAX_LENGTH - 7) + "</p>"
    assert len(value) == richtext.MAX_LENGTH
    assert canonical(value) == value


def test_longer_values_are_refused() -> None:
    problem = only_problem("<p>" + "x" * (richtext.MAX_LENGTH - 6) + "</p>")
    assert problem.message == (
        "The rich text value is too long: it has 100001 characters, but at most 100000 are allowed."
    )
    assert (problem.line, problem.position) == (1, 1)


def test_the_limit_counts_utf16_code_units() -> None:
    """Characters outside the Basic Multilingual Plane count twice, as in the hosted platform's strings."""
    fits = "<p>" + "😀" * ((richtext.MAX_LENGTH - 7) // 2) + "x</p>"
    assert len(fits.encode("utf-16-le")) // 2 == richtext.MAX_LENGTH
    parse(fits)
    too_long = "<p>" + "😀" * ((richtext.MAX_LENGTH - 7) // 2 + 1) + "</p>"
    assert len(too_long) < richtext.MAX_LENGTH
    assert "too long" in only_problem(too_long).message


def test_nesting_is_limited() -> None:
    deep = "<p>" + "<em>" * 100 + "x" + "</em>" * 100 + "</p>"
    assert only_problem(deep).message == richtext.MSG_TOO_DEEP
    fine = "<p>" + "<em>" * 30 + "x" + "</em>" * 30 + "</p>"
    assert canonical(fine) == fine


def test_deeply_nested_lists_are_limited_too() -> None:
    depth = 40
    value = "<ul><li>x" * depth + "</li></ul>" * depth
    assert only_problem(value).message == richtext.MSG_TOO_DEEP


# -- round trips -----------------------------------------------------------------------------------------------


ROUND_TRIP_VALUES = [
    "<p>a</p>",
    "<p> a <strong> b </strong><em>c </em> d </p>",
    "<ul><li>a<ol><li>b<ul><li>c</li></ul></li></ol></li><li></li></ul>",
    f"<table><tbody><tr><td></td><td><p>a</p><p>b</p></td><td>{figure(ASSET)}</td></tr></tbody></table>",
    '<p><a href="x y">1</a><a href=" https://a">2</a><a href="&#10;#x">3</a><a href="javascript:x">4</a></p>',
    '<p><a data-email-address="a@b" data-email-subject="&quot;s&quot; &amp; t">m</a></p>',
    "<p>&lt;&gt;&amp;&nbsp;&#160; \u00a0 &quot;</p>",
    "<p><br>a<br><br></p>",
    f"{component_object(COMPONENT)}{item_object(ITEM)}",
    '<p><a href="/x" title="line\nbreak">t</a></p>',
]


@pytest.mark.parametrize("value", ROUND_TRIP_VALUES)
def test_rendering_is_stable(value: str) -> None:
    once = canonical(value)
    assert canonical(once) == once


def test_parsed_rich_text_defaults_to_the_empty_value() -> None:
    assert ParsedRichText().render({}, {}) == EMPTY_VALUE


# -- properties ------------------------------------------------------------------------------------------------

FRAGMENTS = [
    "<p>",
    "</p>",
    "<h1>",
    "</h1>",
    "<h6>",
    "</h6>",
    "<ul>",
    "</ul>",
    "<ol>",
    "</ol>",
    "<li>",
    "</li>",
    "<table>",
    "</table>",
    "<tbody>",
    "</tbody>",
    "<tr>",
    "</tr>",
    "<td>",
    "</td>",
    "<strong>",
    "</strong>",
    "<em>",
    "</em>",
    "<sub>",
    "</sub>",
    "<sup>",
    "</sup>",
    "<code>",
    "</code>",
    "<br>",
    "<br/>",
    "</a>",
    '<a href="/x">',
    '<a href="">',
    '<a data-item-codename="c">',
    '<a data-asset-external-id="e">',
    f'<a data-item-id="{ITEM}">',
    '<a data-email-address="m" data-email-subject="s">',
    '<a data-phone-number="1">',
    f'<figure data-asset-id="{ASSET}">',
    '<figure data-asset-codename="c">',
    "</figure>",
    "<img>",
    '<img src="#">',
    f'<object type="application/kenticocloud" data-type="item" data-id="{ITEM}">',
    f'<object type="application/kenticocloud" data-type="component" data-id="{COMPONENT}">',
    '<object type="application/kenticocloud" data-type="item" data-external-id="x">',
    "</object>",
    "text",
    " ",
    "\n",
    "\r\n",
    "&amp;",
    "&nbsp;",
    "&#10;",
    "&",
    "<",
    ">",
    '"',
    "'",
    "=",
    "/",
    "<!--",
    "-->",
    "<div>",
    "<span>",
    "<b>",
    '<p class="x">',
    "<p/>",
    "<a",
    "\u00a0",
    "😀",
    "\x00",
    "&#xD800;",
]


@settings(max_examples=300, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(FRAGMENTS), max_size=40).map("".join))
def test_any_markup_is_either_refused_or_rendered_stably(value: str) -> None:
    check_value(value)


@settings(max_examples=200, deadline=None, database=None)
@given(st.text(max_size=200))
def test_any_text_is_either_refused_or_rendered_stably(value: str) -> None:
    check_value(value)


def check_value(value: str) -> None:
    try:
        parsed = parse(value)
    except InvalidRichText as exc:
        assert exc.problems
        assert all(problem.line >= 1 and problem.position >= 1 for problem in exc.problems)
        return
    item_ids = {ref: ITEM_2 for ref in parsed.item_refs}
    asset_ids = {ref: ASSET for ref in parsed.asset_refs}
    once = parsed.render(item_ids, asset_ids)
    again = parse(once)
    assert again.render({}, {}) == once
    assert len(again.item_refs) == len(parsed.item_refs)
    assert len(again.asset_refs) == len(parsed.asset_refs)
    assert again.component_ids == parsed.component_ids


@st.composite
def damaged_documents(draw: st.DrawFn) -> str:
    """A valid document with a few fragments inserted or characters cut out: mostly near-misses."""
    value = "\n".join(draw(st.lists(block_html(), min_size=1, max_size=4)))
    for _ in range(draw(st.integers(0, 3))):
        at = draw(st.integers(0, len(value)))
        if draw(st.booleans()):
            value = value[:at] + draw(st.sampled_from(FRAGMENTS)) + value[at:]
        else:
            value = value[:at] + value[at + draw(st.integers(1, 5)) :]
    return value


@settings(max_examples=300, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(damaged_documents())
def test_damaged_documents_are_either_refused_or_rendered_stably(value: str) -> None:
    check_value(value)


INLINE_TEXT = st.text(alphabet=st.sampled_from(list("ab <>&\"'\u00a0\n\t")), min_size=0, max_size=6)


@st.composite
def inline_html(draw: st.DrawFn, depth: int = 0) -> str:
    parts = []
    for _ in range(draw(st.integers(0, 3))):
        choice = draw(st.integers(0, 4 if depth < 3 else 1))
        if choice == 0:
            parts.append(draw(INLINE_TEXT).replace("&", "&amp;").replace("<", "&lt;"))
        elif choice == 1:
            parts.append("<br>")
        elif choice in (2, 3):
            tag = draw(st.sampled_from(["strong", "em", "code", "sub"]))
            parts.append(f"<{tag}>{draw(inline_html(depth + 1))}</{tag}>")
        else:
            parts.append(f'<a href="/x">{draw(inline_html(depth + 3))}</a>')
    return "".join(parts)


@st.composite
def block_html(draw: st.DrawFn) -> str:
    kind = draw(st.integers(0, 4))
    if kind == 0:
        tag = draw(st.sampled_from(["p", "h1", "h4", "h6"]))
        return f"<{tag}>{draw(inline_html())}</{tag}>"
    if kind == 1:
        items = draw(st.lists(inline_html(), min_size=1, max_size=3))
        return "<ul>" + "".join(f"<li>{item}</li>" for item in items) + "</ul>"
    if kind == 2:
        cells = draw(st.lists(inline_html(), min_size=1, max_size=3))
        return "<table><tbody><tr>" + "".join(f"<td>{cell}</td>" for cell in cells) + "</tr></tbody></table>"
    if kind == 3:
        return figure(ASSET)
    return item_object(ITEM)


@settings(max_examples=200, deadline=None, database=None)
@given(st.lists(block_html(), max_size=5), st.sampled_from(["", "\n", "  \n\t"]))
def test_valid_documents_are_accepted_and_render_stably(blocks: list[str], separator: str) -> None:
    value = separator.join(blocks)
    once = canonical(value)
    assert canonical(once) == once
    if blocks:
        assert once.count("\n") >= len(blocks) - 1
