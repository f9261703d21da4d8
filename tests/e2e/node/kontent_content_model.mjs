// The content model the Kontent.ai content scripts share, made through @kontent-ai/management-sdk: a second
// language, a collection, a taxonomy group, a snippet, a component type and a type with one element of every
// value type plus the snippet. Returns what the scripts need to address and check element values.
import { assert, step } from './lib.mjs';

export const ZERO_GUID = '00000000-0000-0000-0000-000000000000';
export const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Every element codename of the `article` type's variants, in type order (snippet elements flattened). */
export const ARTICLE_ELEMENTS = [
  'title',
  'body',
  'rating',
  'published_at',
  'tone',
  'images',
  'related',
  'pages',
  'topics',
  'slug',
  'widget',
  'seo__meta_title',
  'seo__robots',
];

/**
 * Creates the model and returns `{ german, marketing, topics, snippet, callout, article, ids }`, where `ids`
 * maps every element codename of `article` (snippet elements included) and of `callout` to its id.
 */
export async function createContentModel(client, { typeCodename = 'article', collection = 'marketing' } = {}) {
  return step('content model: language, collection, taxonomy, snippet, component type, article type', async () => {
    const german = (
      await client.addLanguage().withData({ name: 'German', codename: 'de-DE', is_active: true }).toPromise()
    ).data;
    const collections = await client
      .setCollections()
      .withData([{ op: 'addInto', value: { name: 'Marketing', codename: collection } }])
      .toPromise();
    const marketing = collections.data.collections.find((c) => c.codename === collection);
    const topics = (
      await client
        .addTaxonomy()
        .withData({
          name: 'Topics',
          codename: 'topics',
          terms: [
            { name: 'Coffee', codename: 'coffee', terms: [] },
            { name: 'Tea', codename: 'tea', external_id: 'term-tea', terms: [] },
          ],
        })
        .toPromise()
    ).data;
    const snippet = (
      await client
        .addContentTypeSnippet()
        .withData((builder) => ({
          name: 'SEO',
          codename: 'seo',
          elements: [
            builder.textElement({ name: 'Meta title', codename: 'meta_title', type: 'text' }),
            builder.multipleChoiceElement({
              name: 'Robots',
              codename: 'robots',
              type: 'multiple_choice',
              mode: 'multiple',
              options: [
                { name: 'Index', codename: 'index' },
                { name: 'No index', codename: 'noindex' },
              ],
            }),
          ],
        }))
        .toPromise()
    ).data;
    const callout = (
      await client
        .addContentType()
        .withData((builder) => ({
          name: 'Callout',
          codename: 'callout',
          elements: [builder.textElement({ name: 'Message', codename: 'message', type: 'text' })],
        }))
        .toPromise()
    ).data;
    const article = (
      await client
        .addContentType()
        .withData((builder) => ({
          name: 'Article',
          codename: typeCodename,
          external_id: `type-${typeCodename}`,
          elements: [
            builder.textElement({ name: 'Title', codename: 'title', external_id: 'el-title', type: 'text' }),
            builder.richTextElement({ name: 'Body', codename: 'body', type: 'rich_text' }),
            builder.numberElement({ name: 'Rating', codename: 'rating', type: 'number' }),
            builder.dateTimeElement({ name: 'Published at', codename: 'published_at', type: 'date_time' }),
            builder.multipleChoiceElement({
              name: 'Tone',
              codename: 'tone',
              type: 'multiple_choice',
              mode: 'single',
              options: [
                { name: 'Formal', codename: 'formal' },
                { name: 'Casual', codename: 'casual', external_id: 'tone-casual' },
              ],
            }),
            builder.assetElement({ name: 'Images', codename: 'images', type: 'asset' }),
            builder.linkedItemsElement({ name: 'Related', codename: 'related', type: 'modular_content' }),
            builder.subpagesElement({ name: 'Pages', codename: 'pages', type: 'subpages' }),
            builder.taxonomyElement({
              name: 'Topics',
              codename: 'topics',
              type: 'taxonomy',
              taxonomy_group: { codename: 'topics' },
            }),
            builder.urlSlugElement({
              name: 'Slug',
              codename: 'slug',
              type: 'url_slug',
              depends_on: { element: { codename: 'title' } },
            }),
            builder.customElement({
              name: 'Widget',
              codename: 'widget',
              type: 'custom',
              source_url: 'https://example.com/widget',
            }),
            builder.guidelinesElement({ type: 'guidelines', guidelines: '<p>Write well.</p>' }),
            builder.snippetElement({ type: 'snippet', snippet: { codename: 'seo' } }),
          ],
        }))
        .toPromise()
    ).data;
    const ids = {};
    for (const element of [...article.elements, ...snippet.elements, ...callout.elements]) {
      if (element.codename) ids[element.codename] = element.id;
    }
    for (const codename of [...ARTICLE_ELEMENTS, 'message']) {
      assert.match(ids[codename] ?? '', GUID, `element ${codename} has an id`);
    }
    return { german, marketing, topics, snippet, callout, article, ids };
  });
}

/** The term and option ids the scripts check values against. */
export function choiceIds(model) {
  const term = (codename) => model.topics.terms.find((t) => t.codename === codename).id;
  const option = (elements, element, codename) =>
    elements.find((e) => e.codename === element).options.find((o) => o.codename === codename).id;
  return {
    coffee: term('coffee'),
    tea: term('tea'),
    formal: option(model.article.elements, 'tone', 'formal'),
    casual: option(model.article.elements, 'tone', 'casual'),
    index: option(model.snippet.elements, 'seo__robots', 'index'),
    noindex: option(model.snippet.elements, 'seo__robots', 'noindex'),
  };
}

/** The mapped element values of a variant by element codename (`ids` from `createContentModel`). */
export function valuesByCodename(variant, ids) {
  const codenameOf = Object.fromEntries(Object.entries(ids).map(([codename, id]) => [id, codename]));
  const out = {};
  for (const element of variant.elements) {
    const codename = codenameOf[element.element.id];
    assert.ok(codename, `unknown element id ${element.element.id} in the variant`);
    out[codename] = element;
  }
  return out;
}

/** Whether a wire date-time (with or without the trailing Z) names the instant `date`. */
export function sameInstant(wire, date) {
  if (typeof wire !== 'string') return false;
  const text = /[zZ]|[+-]\d\d:\d\d$/.test(wire) ? wire : `${wire}Z`;
  return Date.parse(text) === date.getTime();
}
