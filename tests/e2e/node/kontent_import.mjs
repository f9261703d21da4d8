// An import through @kontent-ai/management-sdk, the way import tools write: per item an upsert by external id
// and an upsert of its default-language variant with one value of every element type (snippet included),
// KONTENT_IMPORT_CONCURRENCY items in flight. Linked items, subpages and rich text reference neighbours by
// external id, so half the references point at items that do not exist yet when they are written. Then
// everything is read back with listContentItems().toAllPromise() and
// listLanguageVariantsOfContentType().toAllPromise() and every item and value is checked.
// The last line of stdout is a JSON summary with the wall times.
import { randomUUID } from 'node:crypto';

import { assert, config, kontentClient, main, step } from './lib.mjs';
import {
  ARTICLE_ELEMENTS,
  GUID,
  ZERO_GUID,
  choiceIds,
  createContentModel,
  sameInstant,
  valuesByCodename,
} from './kontent_content_model.mjs';

const count = Number(config('KONTENT_IMPORT_ITEMS'));
const concurrency = Number(config('KONTENT_IMPORT_CONCURRENCY'));
const BASE_TIME = Date.UTC(2024, 0, 1, 8, 0, 0);

const externalId = (i) => `import-${i}`;
const next = (i) => (i + 1) % count;

/** What item `i` is written with (and must read back as). */
function source(i) {
  return {
    name: `Product ${i}`,
    codename: `product_${i}`,
    collection: i % 2 ? 'marketing' : 'default',
    componentId: randomUUID(),
    publishedAt: new Date(BASE_TIME + i * 3600 * 1000),
    tone: i % 2 ? 'casual' : 'formal',
    topic: i % 3 ? 'tea' : 'coffee',
  };
}

function bodyBlocks(i, componentId, linkTarget) {
  return [
    `<p>Product <strong>${i}</strong></p>`,
    `<object type="application/kenticocloud" data-type="component" data-id="${componentId}"></object>`,
    `<p><a ${linkTarget}>next</a></p>`,
  ];
}

function variantBody(builder, i, s) {
  return {
    elements: [
      builder.textElement({ element: { codename: 'title' }, value: s.name }),
      builder.richTextElement({
        element: { codename: 'body' },
        value: bodyBlocks(i, s.componentId, `data-item-external-id="${externalId(next(i))}"`).join(''),
        components: [
          {
            id: s.componentId,
            type: { codename: 'callout' },
            elements: [builder.textElement({ element: { codename: 'message' }, value: `Note ${i}` })],
          },
        ],
      }),
      builder.numberElement({ element: { codename: 'rating' }, value: i + 0.5 }),
      builder.dateTimeElement({
        element: { codename: 'published_at' },
        value: s.publishedAt.toISOString(),
        display_timezone: 'Europe/Prague',
      }),
      builder.multipleChoiceElement({ element: { codename: 'tone' }, value: [{ codename: s.tone }] }),
      builder.assetElement({ element: { codename: 'images' }, value: [{ external_id: `asset-${i}` }] }),
      builder.linkedItemsElement({ element: { codename: 'related' }, value: [{ external_id: externalId(next(i)) }] }),
      builder.linkedItemsElement({
        element: { codename: 'pages' },
        value: i > 0 ? [{ external_id: externalId(i - 1) }] : [],
      }),
      builder.taxonomyElement({ element: { codename: 'topics' }, value: [{ codename: s.topic }] }),
      builder.urlSlugElement({ element: { codename: 'slug' }, value: `product-${i}`, mode: 'custom' }),
      builder.customElement({ element: { codename: 'widget' }, value: `{"n":${i}}`, searchable_value: `n${i}` }),
      builder.textElement({ element: { codename: 'seo__meta_title' }, value: `Buy product ${i}` }),
      builder.multipleChoiceElement({ element: { codename: 'seo__robots' }, value: [{ codename: 'index' }] }),
    ],
  };
}

/** Run `work(i)` for 0..count-1 with at most `limit` in flight (a worker pool, as import tools do). */
async function pool(limit, work) {
  let nextIndex = 0;
  const worker = async () => {
    while (nextIndex < count) {
      const i = nextIndex;
      nextIndex += 1;
      await work(i);
    }
  };
  await Promise.all(Array.from({ length: limit }, worker));
}

await main(async () => {
  const client = kontentClient();
  const model = await createContentModel(client);
  const { article, callout, marketing, ids } = model;
  const choice = choiceIds(model);
  const collectionIds = { default: ZERO_GUID, marketing: marketing.id };
  const sources = Array.from({ length: count }, (_, i) => source(i));
  const itemIds = new Array(count);

  const writeStarted = Date.now();
  await step(`import ${count} items with a variant each, ${concurrency} in flight`, async () => {
    await pool(concurrency, async (i) => {
      const s = sources[i];
      const item = await client
        .upsertContentItem()
        .byItemExternalId(externalId(i))
        .withData({
          name: s.name,
          codename: s.codename,
          type: { codename: 'article' },
          collection: { codename: s.collection },
        })
        .toPromise();
      assert.equal(item.debug.response.status, 201, `item ${i} is created`);
      itemIds[i] = item.data.id;
      const variant = await client
        .upsertLanguageVariant()
        .byItemExternalId(externalId(i))
        .byLanguageCodename('default')
        .withData((builder) => variantBody(builder, i, s))
        .toPromise();
      assert.equal(variant.debug.response.status, 201, `variant ${i} is created`);
    });
  });
  const writeMs = Date.now() - writeStarted;

  const readStarted = Date.now();
  const items = await step('listContentItems().toAllPromise() returns every item', async () => {
    const all = await client.listContentItems().toAllPromise();
    assert.equal(all.data.items.length, count);
    return all;
  });
  const variants = await step('listLanguageVariantsOfContentType().toAllPromise() returns every variant', async () => {
    const all = await client.listLanguageVariantsOfContentType().byTypeCodename('article').toAllPromise();
    assert.equal(all.data.items.length, count);
    return all;
  });
  const readMs = Date.now() - readStarted;

  await step('every item came back as written', async () => {
    const seen = new Set();
    for (const item of items.data.items) {
      const i = Number(item.externalId?.replace('import-', ''));
      assert.ok(Number.isInteger(i) && i >= 0 && i < count, `unexpected item ${item.externalId}`);
      assert.ok(!seen.has(i), `item ${i} listed twice`);
      seen.add(i);
      const s = sources[i];
      assert.equal(item.id, itemIds[i]);
      assert.equal(item.name, s.name);
      assert.equal(item.codename, s.codename);
      assert.deepEqual(item.type, { id: article.id });
      assert.deepEqual(item.collection, { id: collectionIds[s.collection] });
    }
    assert.equal(seen.size, count);
  });

  await step('every variant came back with every value, references resolved to the later-created items', async () => {
    const indexOf = new Map(itemIds.map((id, i) => [id, i]));
    const assetIds = new Set();
    const seen = new Set();
    for (const variant of variants.data.items) {
      const i = indexOf.get(variant.item.id);
      assert.ok(i !== undefined, `variant of an unknown item ${variant.item.id}`);
      assert.ok(!seen.has(i), `variant ${i} listed twice`);
      seen.add(i);
      const s = sources[i];
      const where = `variant ${i}`;
      assert.equal(variant.language.id, ZERO_GUID, where);
      assert.deepEqual(
        variant.elements.map((element) => element.element.id),
        ARTICLE_ELEMENTS.map((codename) => ids[codename]),
        where,
      );
      const v = valuesByCodename(variant, ids);
      assert.equal(v.title.value, s.name, where);
      assert.equal(v.body.value, bodyBlocks(i, s.componentId, `data-item-id="${itemIds[next(i)]}"`).join('\n'), where);
      assert.equal(v.body.components.length, 1, where);
      assert.equal(v.body.components[0].id, s.componentId, where);
      assert.deepEqual(v.body.components[0].type, { id: callout.id }, where);
      assert.equal(v.body.components[0].elements[0].value, `Note ${i}`, where);
      assert.equal(v.rating.value, i + 0.5, where);
      assert.ok(sameInstant(v.published_at.value, s.publishedAt), `${where}: date_time ${v.published_at.value}`);
      assert.equal(v.published_at.display_timezone, 'Europe/Prague', where);
      assert.deepEqual(
        v.tone.value.map((r) => r.id),
        [choice[s.tone]],
        where,
      );
      assert.equal(v.images.value.length, 1, where);
      assert.match(v.images.value[0].id, GUID, where);
      assetIds.add(v.images.value[0].id);
      assert.deepEqual(
        v.related.value.map((r) => r.id),
        [itemIds[next(i)]],
        where,
      );
      assert.deepEqual(
        v.pages.value.map((r) => r.id),
        i > 0 ? [itemIds[i - 1]] : [],
        where,
      );
      assert.deepEqual(
        v.topics.value.map((r) => r.id),
        [choice[s.topic]],
        where,
      );
      assert.equal(v.slug.value, `product-${i}`, where);
      assert.equal(v.slug.mode, 'custom', where);
      assert.equal(v.widget.value, `{"n":${i}}`, where);
      assert.equal(v.widget.searchableValue, `n${i}`, where);
      assert.equal(v.seo__meta_title.value, `Buy product ${i}`, where);
      assert.deepEqual(
        v.seo__robots.value.map((r) => r.id),
        [choice.index],
        where,
      );
    }
    assert.equal(seen.size, count);
    assert.equal(assetIds.size, count, 'every asset external id maps to its own id');
  });

  console.log(
    JSON.stringify({
      items: count,
      concurrency,
      requests_written: 2 * count,
      write_ms: writeMs,
      items_per_s: Math.round((count * 1000) / writeMs),
      read_ms: readMs,
      pages_read: items.responses.length + variants.responses.length,
    }),
  );
});
