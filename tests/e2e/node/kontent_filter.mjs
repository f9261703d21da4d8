// Items with variants through @kontent-ai/management-sdk: filterItemsWithVariants() with each filter, order
// and toAllPromise() across pages (at most 50 pairs a page; the e2e server's page size is smaller), and
// bulkGetItemsWithVariants() (request order, absent variants, toAllPromise() across pages, unresolved references).
import { randomUUID } from 'node:crypto';

import { assert, config, expectKontentError, kontentClient, main, step } from './lib.mjs';
import { ZERO_GUID, createContentModel } from './kontent_content_model.mjs';

const COUNT = 12;
// The hosted API pages these lists by 50; a server configured with a smaller page size uses that.
const PAGE = Math.min(50, Number(config('KONTENT_PAGE_SIZE')));

const name = (n) => `Item ${String(n).padStart(2, '0')}`;

await main(async () => {
  const client = kontentClient();
  const { german } = await createContentModel(client);
  const items = [];

  await step(`${COUNT} items with a default-language variant; some published, one archived, one translated`, async () => {
    for (let n = 0; n < COUNT; n += 1) {
      const item = await client
        .addContentItem()
        .withData({
          name: name(n),
          type: { codename: 'article' },
          collection: { codename: n % 2 ? 'marketing' : 'default' },
        })
        .toPromise();
      items.push(item.data);
      const componentId = randomUUID();
      await client
        .upsertLanguageVariant()
        .byItemId(item.data.id)
        .byLanguageId(ZERO_GUID)
        .withData((builder) => ({
          elements: [
            builder.textElement({ element: { codename: 'title' }, value: n === 7 ? 'Espresso guide' : name(n) }),
            builder.taxonomyElement({ element: { codename: 'topics' }, value: [{ codename: n % 5 ? 'tea' : 'coffee' }] }),
            ...(n < 3
              ? [
                  builder.richTextElement({
                    element: { codename: 'body' },
                    value: `<object type="application/kenticocloud" data-type="component" data-id="${componentId}"></object>`,
                    components: [
                      {
                        id: componentId,
                        type: { codename: 'callout' },
                        elements: [builder.textElement({ element: { codename: 'message' }, value: 'Note' })],
                      },
                    ],
                  }),
                ]
              : []),
          ],
        }))
        .toPromise();
    }
    for (const n of [0, 1, 2]) {
      await client.publishLanguageVariant().byItemId(items[n].id).byLanguageId(ZERO_GUID).withoutData().toPromise();
    }
    await client.unpublishLanguageVariant().byItemId(items[2].id).byLanguageId(ZERO_GUID).withoutData().toPromise();
    await client
      .upsertLanguageVariant()
      .byItemId(items[0].id)
      .byLanguageCodename('de-DE')
      .withData((builder) => ({ elements: [builder.textElement({ element: { codename: 'title' }, value: 'Eins' })] }))
      .toPromise();
  });

  const filtered = async (filters, order) => {
    const all = await client.filterItemsWithVariants().withData({ filters, ...(order ? { order } : {}) }).toAllPromise();
    for (const pair of all.data.items) assert.deepEqual(Object.keys(pair).sort(), ['item', 'language']);
    return all;
  };
  const itemIds = (all) => all.data.items.map((pair) => pair.item.id);
  const where = (predicate) => items.filter((_, n) => predicate(n)).map((item) => item.id);

  await step(`filterItemsWithVariants() without filters: every item once, ${PAGE} a page, creation order`, async () => {
    const first = await client.filterItemsWithVariants().withData({}).toPromise();
    assert.equal(first.data.items.length, PAGE);
    assert.equal(typeof first.data.pagination.continuationToken, 'string');
    const all = await filtered({});
    assert.equal(all.responses.length, Math.ceil(COUNT / PAGE));
    assert.deepEqual(itemIds(all), items.map((item) => item.id));
    assert.ok(all.data.items.every((pair) => pair.language.id === ZERO_GUID));
  });

  await step('filterItemsWithVariants() by language, search phrase, content types and collections', async () => {
    const inGerman = await filtered({ language: { codename: 'de-DE' } });
    assert.deepEqual(
      inGerman.data.items.map((pair) => [pair.item.id, pair.language.id]),
      [[items[0].id, german.id]],
    );
    assert.deepEqual(itemIds(await filtered({ search_phrase: 'espresso' })), [items[7].id]);
    assert.equal((await filtered({ content_types: [{ codename: 'article' }] })).data.items.length, COUNT);
    assert.deepEqual(itemIds(await filtered({ content_types: [{ codename: 'callout' }] })), []);
    assert.deepEqual(itemIds(await filtered({ collections: [{ codename: 'marketing' }] })), where((n) => n % 2));
  });

  await step('filterItemsWithVariants() by publishing state, workflow step, completion status', async () => {
    assert.deepEqual(itemIds(await filtered({ publishing_states: ['published'] })), where((n) => n < 2));
    assert.deepEqual(itemIds(await filtered({ publishing_states: ['unpublished'] })), where((n) => n === 2));
    const archived = await filtered({
      workflow_steps: [{ workflow_identifier: { codename: 'default' }, step_identifiers: [{ codename: 'archived' }] }],
    });
    assert.deepEqual(itemIds(archived), where((n) => n === 2));
    assert.deepEqual(itemIds(await filtered({ completion_statuses: ['all_done'] })), where((n) => n < 3));
    const untranslated = await filtered({ language: { id: german.id }, completion_statuses: ['not_translated'] });
    assert.deepEqual(itemIds(untranslated), where((n) => n > 0));
    await expectKontentError(
      client.filterItemsWithVariants().withData({ filters: { completion_statuses: ['bogus'] } }).toPromise(),
      { status: 400, errorCode: 265 },
    );
  });

  await step('filterItemsWithVariants() by taxonomy terms and component types; order by name descending', async () => {
    const coffee = await filtered({
      taxonomy_groups: [{ taxonomy_identifier: { codename: 'topics' }, term_identifiers: [{ codename: 'coffee' }] }],
    });
    assert.deepEqual(itemIds(coffee), where((n) => n % 5 === 0));
    assert.deepEqual(itemIds(await filtered({ component_types: [{ codename: 'callout' }] })), where((n) => n < 3));
    const descending = await filtered({}, { by: 'name', direction: 'desc' });
    assert.deepEqual(itemIds(descending), [...items].reverse().map((item) => item.id));
  });

  await step('bulkGetItemsWithVariants() answers in request order; a missing variant is absent', async () => {
    const response = await client
      .bulkGetItemsWithVariants()
      .withData({
        variants: [
          { item: { codename: items[3].codename }, language: { codename: 'default' } },
          { item: { id: items[0].id }, language: { id: german.id } },
          { item: { id: items[1].id }, language: { codename: 'de-DE' } },
        ],
      })
      .toAllPromise();
    const [third, germanZero, germanOne] = response.data.items;
    assert.deepEqual(third.item, (await client.viewContentItem().byItemId(items[3].id).toPromise()).rawData);
    assert.deepEqual(
      third.variant,
      (await client.viewLanguageVariant().byItemId(items[3].id).byLanguageId(ZERO_GUID).toPromise()).rawData,
    );
    assert.equal(germanZero.item.id, items[0].id);
    assert.equal(germanZero.variant.language.id, german.id);
    assert.equal(germanOne.item.id, items[1].id);
    assert.ok(!('variant' in germanOne), 'no variant property when the variant does not exist');
    assert.equal(response.data.items.length, 3);
    assert.equal(response.responses.at(-1).data.pagination.continuationToken, null);
  });

  await step(`bulkGetItemsWithVariants().toAllPromise() pages through ${2 * COUNT} pairs; unknown items: 274`, async () => {
    const pairs = items.flatMap((item) => [
      { item: { id: item.id }, language: { codename: 'default' } },
      { item: { id: item.id }, language: { codename: 'de-DE' } },
    ]);
    const all = await client.bulkGetItemsWithVariants().withData({ variants: pairs }).toAllPromise();
    assert.equal(all.responses.length, Math.ceil(pairs.length / PAGE));
    assert.deepEqual(
      all.data.items.map((entry) => entry.item.id),
      pairs.map((pair) => pair.item.id),
    );
    assert.equal(all.data.items.filter((entry) => entry.variant).length, COUNT + 1);
    await expectKontentError(
      client
        .bulkGetItemsWithVariants()
        .withData({ variants: [{ item: { codename: 'nonsense' }, language: { codename: 'default' } }] })
        .toPromise(),
      { status: 400, errorCode: 274 },
    );
  });
});
