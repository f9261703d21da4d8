// Kontent.ai content through @kontent-ai/management-sdk: content items (add, view by id / codename /
// external id, list across pages, upsert, update, delete), language variants (upsert with one value of every
// element type through the SDK's element builders, view latest and published, every listing, delete),
// workflows (list, add, update, delete, change a variant's workflow) and publishing (publish now and
// scheduled, cancel, new version, unpublish now and scheduled, cancel), with the SDK errors on the way.
import { randomUUID } from 'node:crypto';

import { assert, config, expectKontentError, kontentClient, main, step } from './lib.mjs';
import {
  ARTICLE_ELEMENTS,
  GUID,
  ZERO_GUID,
  choiceIds,
  createContentModel,
  sameInstant,
  valuesByCodename,
} from './kontent_content_model.mjs';

const DRAFT_STEP = 'eee6db3b-545a-4785-8e86-e3772c8756f9';
const PUBLISHED_STEP = 'c199950d-99f0-4983-b711-6c4c91624b22';
const SCHEDULED_STEP = '9d2b0228-4d0d-4c23-8b49-01a698857709';
const ARCHIVED_STEP = '7a535a69-ad34-47f8-806a-def1fdf4d391';
const EMPTY_SCHEDULE = {
  publishTime: null,
  publishDisplayTimezone: null,
  unpublishTime: null,
  unpublishDisplayTimezone: null,
};

const pageSize = Number(config('KONTENT_PAGE_SIZE'));

/** An SDK-mapped reference (or array of them) as `{id}`; responses reference by id only. */
function ref(value) {
  if (Array.isArray(value)) return value.map(ref);
  assert.equal(value.codename, undefined, 'a response reference has no codename');
  assert.equal(value.externalId, undefined, 'a response reference has no external id');
  return { id: value.id };
}

function pairs(variants) {
  return variants.map((variant) => `${variant.item.id}/${variant.language.id}`).sort();
}

/** A moment one year ahead, whole seconds (so wire formats without fractions compare exactly). */
function nextYear(extraSeconds = 0) {
  const date = new Date(Date.now() + 365 * 24 * 3600 * 1000 + extraSeconds * 1000);
  date.setUTCMilliseconds(0);
  return date;
}

/** An SDK call that must be refused with `status`; the error code is not pinned (no upstream sample). */
async function expectRefused(promise, status) {
  let error;
  try {
    await promise;
  } catch (caught) {
    error = caught;
  }
  assert.ok(error, `expected HTTP ${status} but the call succeeded`);
  const response = error.originalError?.response ?? error.originalError?.error?.response;
  assert.equal(response?.status, status, `status of ${error.message}`);
  assert.equal(typeof error.errorCode, 'number', 'the SDK mapped error_code');
  assert.ok(error.message.length > 0, 'the SDK mapped the message');
  return error;
}

await main(async () => {
  const client = kontentClient();
  const model = await createContentModel(client);
  const { german, marketing, article, callout, ids } = model;
  const choice = choiceIds(model);
  const variantOf = (item, language = 'default') =>
    client.viewLanguageVariant().byItemId(item.id).byLanguageCodename(language);

  // ------------------------------------------------------------------ content items

  let beans;
  let guide;
  let tea;
  await step('addContentItem() by type codename, id and external id (201, the mapped item)', async () => {
    const response = await client
      .addContentItem()
      .withData({
        name: 'Coffee beans',
        codename: 'coffee_beans',
        external_id: 'item-beans',
        type: { codename: 'article' },
        collection: { codename: 'marketing' },
      })
      .toPromise();
    assert.equal(response.debug.response.status, 201);
    beans = response.data;
    assert.match(beans.id, GUID);
    assert.equal(beans.name, 'Coffee beans');
    assert.equal(beans.codename, 'coffee_beans');
    assert.equal(beans.externalId, 'item-beans');
    assert.deepEqual(beans.type, { id: article.id });
    assert.deepEqual(beans.collection, { id: marketing.id });
    assert.deepEqual(beans.spaces, []);
    assert.ok(beans.lastModified instanceof Date && !Number.isNaN(beans.lastModified.getTime()));

    guide = (await client.addContentItem().withData({ name: 'Brewing guide', type: { id: article.id } }).toPromise())
      .data;
    assert.equal(guide.codename, 'brewing_guide', 'codename generated from the name');
    assert.deepEqual(guide.collection, { id: ZERO_GUID }, 'the default collection');
    assert.equal(guide.externalId, undefined);
    assert.ok(!('external_id' in guide._raw), 'an item without external id has no external_id property');

    tea = (
      await client.addContentItem().withData({ name: 'Tea leaves', type: { external_id: 'type-article' } }).toPromise()
    ).data;
    assert.equal(tea.codename, 'tea_leaves');
  });

  await step('viewContentItem() by id, codename and external id', async () => {
    for (const query of [
      client.viewContentItem().byItemId(beans.id),
      client.viewContentItem().byItemCodename('coffee_beans'),
      client.viewContentItem().byItemExternalId('item-beans'),
    ]) {
      const response = await query.toPromise();
      assert.deepEqual(response.rawData, beans._raw);
      assert.equal(response.data.id, beans.id);
    }
  });

  let grinder;
  await step('upsertContentItem() by external id creates (201), then updates (200) the same item', async () => {
    const created = await client
      .upsertContentItem()
      .byItemExternalId('item-grinder')
      .withData({ name: 'Grinder', type: { codename: 'article' } })
      .toPromise();
    assert.equal(created.debug.response.status, 201);
    grinder = created.data;
    assert.match(grinder.id, GUID);
    assert.equal(grinder.externalId, 'item-grinder');
    assert.equal(grinder.codename, 'grinder');

    const updated = await client
      .upsertContentItem()
      .byItemExternalId('item-grinder')
      .withData({ name: 'Burr grinder', codename: 'burr_grinder' })
      .toPromise();
    assert.equal(updated.debug.response.status, 200);
    assert.equal(updated.data.id, grinder.id);
    assert.equal(updated.data.name, 'Burr grinder');
    assert.equal(updated.data.codename, 'burr_grinder');
    assert.equal(updated.data.externalId, 'item-grinder');
    assert.deepEqual(updated.data.type, { id: article.id });
    grinder = updated.data;

    await expectKontentError(
      client.upsertContentItem().byItemCodename('no_such_item').withData({ name: 'Nope' }).toPromise(),
      { status: 404, errorCode: 100 },
    );
  });

  await step('updateContentItem() renames by codename; codename and type stay', async () => {
    const response = await client
      .updateContentItem()
      .byItemCodename('brewing_guide')
      .withData({ name: 'Brewing guide, 2nd edition' })
      .toPromise();
    assert.equal(response.debug.response.status, 200);
    assert.equal(response.data.id, guide.id);
    assert.equal(response.data.name, 'Brewing guide, 2nd edition');
    assert.equal(response.data.codename, 'brewing_guide');
    assert.deepEqual(response.data.type, { id: article.id });
    assert.ok(response.data.lastModified >= guide.lastModified);
    guide = response.data;
  });

  await step(`listContentItems() pages by ${pageSize}; toAllPromise() walks every page`, async () => {
    const first = await client.listContentItems().toPromise();
    assert.equal(first.data.items.length, pageSize);
    assert.equal(typeof first.data.pagination.continuationToken, 'string');
    const second = await client.listContentItems().xContinuationToken(first.data.pagination.continuationToken).toPromise();
    assert.notEqual(second.data.items[0].id, first.data.items[0].id);

    const all = await client.listContentItems().toAllPromise();
    assert.equal(all.responses.length, 2);
    assert.deepEqual(
      all.data.items.map((item) => item.codename),
      ['coffee_beans', 'brewing_guide', 'tea_leaves', 'burr_grinder'],
    );
    assert.deepEqual(all.data.items[0]._raw, beans._raw);
    assert.equal(all.responses.at(-1).data.pagination.continuationToken, null);
  });

  await step('deleteContentItem() by external id; the item is then a 404 (error_code 100)', async () => {
    const response = await client.deleteContentItem().byItemExternalId('item-grinder').toPromise();
    assert.equal(response.debug.response.status, 204);
    await expectKontentError(client.viewContentItem().byItemId(grinder.id).toPromise(), {
      status: 404,
      errorCode: 100,
    });
    await expectKontentError(client.deleteContentItem().byItemCodename('burr_grinder').toPromise(), {
      status: 404,
      errorCode: 100,
    });
    const all = await client.listContentItems().toAllPromise();
    assert.deepEqual(
      all.data.items.map((item) => item.codename),
      ['coffee_beans', 'brewing_guide', 'tea_leaves'],
    );
  });

  // ------------------------------------------------------------------ language variants

  const componentId = randomUUID();
  const blocks = [
    '<p>Roast it <strong>dark</strong>.</p>',
    `<object type="application/kenticocloud" data-type="component" data-id="${componentId}"></object>`,
    `<p>See <a data-item-id="${guide.id}">the guide</a>.</p>`,
  ];
  // Sent as one line; the API returns top-level blocks one per line.
  const richText = blocks.join('');
  const publishedAt = '2024-03-01T10:30:00+01:00';
  let full;
  let laterId;
  let assetId;
  await step('upsertLanguageVariant() with one value of every element type (element builders)', async () => {
    const response = await client
      .upsertLanguageVariant()
      .byItemCodename('coffee_beans')
      .byLanguageCodename('default')
      .withData((builder) => ({
        elements: [
          builder.textElement({ element: { codename: 'title' }, value: 'Coffee beans' }),
          builder.richTextElement({
            element: { codename: 'body' },
            value: richText,
            components: [
              {
                id: componentId,
                type: { codename: 'callout' },
                elements: [builder.textElement({ element: { codename: 'message' }, value: 'Grind fresh' })],
              },
            ],
          }),
          builder.numberElement({ element: { id: ids.rating }, value: 4.5 }),
          builder.dateTimeElement({
            element: { codename: 'published_at' },
            value: publishedAt,
            display_timezone: 'Europe/Prague',
          }),
          builder.multipleChoiceElement({ element: { codename: 'tone' }, value: [{ external_id: 'tone-casual' }] }),
          builder.assetElement({ element: { codename: 'images' }, value: [{ external_id: 'asset-beans-photo' }] }),
          builder.linkedItemsElement({
            element: { codename: 'related' },
            value: [{ codename: 'brewing_guide' }, { external_id: 'item-later' }],
          }),
          // The SDK has no subpages builder; subpages values have the linked-items shape.
          builder.linkedItemsElement({ element: { codename: 'pages' }, value: [{ id: tea.id }] }),
          builder.taxonomyElement({
            element: { codename: 'topics' },
            value: [{ codename: 'coffee' }, { external_id: 'term-tea' }],
          }),
          builder.urlSlugElement({ element: { codename: 'slug' }, value: 'beans', mode: 'custom' }),
          builder.customElement({
            element: { codename: 'widget' },
            value: '{"color":"brown"}',
            searchable_value: 'brown',
          }),
          builder.textElement({ element: { codename: 'seo__meta_title' }, value: 'Buy beans' }),
          builder.multipleChoiceElement({ element: { codename: 'seo__robots' }, value: [{ codename: 'noindex' }] }),
        ],
      }))
      .toPromise();
    assert.equal(response.debug.response.status, 201);
    full = response.data;
    assert.deepEqual(ref(full.item), { id: beans.id });
    assert.deepEqual(ref(full.language), { id: ZERO_GUID });
    assert.deepEqual(ref(full.workflow.workflowIdentifier), { id: ZERO_GUID });
    assert.deepEqual(ref(full.workflow.stepIdentifier), { id: DRAFT_STEP });
    assert.deepEqual(full._raw.workflow_step, { id: DRAFT_STEP });
    assert.deepEqual(full.schedule, EMPTY_SCHEDULE);
    assert.deepEqual(full.dueDate, { value: null });
    assert.equal(full.note, null);
    assert.deepEqual(full.contributors, []);
    assert.ok(full.lastModified instanceof Date && !Number.isNaN(full.lastModified.getTime()));

    assert.deepEqual(
      full.elements.map((element) => element.element.id),
      ARTICLE_ELEMENTS.map((codename) => ids[codename]),
      'every element of the type, in type order, by id',
    );
    const v = valuesByCodename(full, ids);
    assert.equal(v.title.value, 'Coffee beans');
    assert.equal(v.body.value, blocks.join('\n'));
    assert.equal(v.body.components.length, 1);
    const [component] = v.body.components;
    assert.equal(component.id, componentId);
    assert.deepEqual(component.type, { id: callout.id });
    assert.deepEqual(
      component.elements.map((element) => [element.element.id, element.value]),
      [[ids.message, 'Grind fresh']],
    );
    assert.equal(v.rating.value, 4.5);
    assert.ok(sameInstant(v.published_at.value, new Date(publishedAt)), `date_time value ${v.published_at.value}`);
    assert.equal(v.published_at.display_timezone, 'Europe/Prague');
    assert.deepEqual(ref(v.tone.value), [{ id: choice.casual }]);
    assert.equal(v.images.value.length, 1);
    assetId = v.images.value[0].id;
    assert.match(assetId, GUID, 'an asset referenced by external id gets its future id');
    assert.deepEqual(v.images._raw.value, [{ id: assetId, renditions: [] }]);
    assert.equal(v.related.value.length, 2);
    assert.deepEqual(ref(v.related.value[0]), { id: guide.id });
    laterId = v.related.value[1].id;
    assert.match(laterId, GUID);
    assert.deepEqual(ref(v.pages.value), [{ id: tea.id }]);
    assert.deepEqual(ref(v.topics.value), [{ id: choice.coffee }, { id: choice.tea }]);
    assert.equal(v.slug.value, 'beans');
    assert.equal(v.slug.mode, 'custom');
    assert.equal(v.widget.value, '{"color":"brown"}');
    assert.equal(v.widget.searchableValue, 'brown');
    assert.equal(v.seo__meta_title.value, 'Buy beans');
    assert.deepEqual(ref(v.seo__robots.value), [{ id: choice.noindex }]);
  });

  await step('an item referenced by external id before it existed gets the id the reference holds', async () => {
    const later = await client
      .upsertContentItem()
      .byItemExternalId('item-later')
      .withData({ name: 'Later', type: { codename: 'article' } })
      .toPromise();
    assert.equal(later.debug.response.status, 201);
    assert.equal(later.data.id, laterId);
    await client.deleteContentItem().byItemId(laterId).toPromise();
  });

  await step('listLanguageVariantsOfContentTypeWithComponents() finds variants holding callout components', async () => {
    const all = await client
      .listLanguageVariantsOfContentTypeWithComponents()
      .byTypeCodename('callout')
      .toAllPromise();
    assert.deepEqual(pairs(all.data.items), [`${beans.id}/${ZERO_GUID}`]);
    const [variant] = all.data.items;
    const body = valuesByCodename(variant, ids).body;
    assert.equal(body.components[0].id, componentId);
    assert.equal(body.components[0].elements[0].value, 'Grind fresh');
    assert.deepEqual(ref(variant.workflow.stepIdentifier), { id: DRAFT_STEP });
    const none = await client.listLanguageVariantsOfContentTypeWithComponents().byTypeId(article.id).toAllPromise();
    assert.deepEqual(none.data.items, []);
  });

  await step('upsertLanguageVariant() again changes only the given element (200)', async () => {
    const response = await client
      .upsertLanguageVariant()
      .byItemExternalId('item-beans')
      .byLanguageId(ZERO_GUID)
      .withData((builder) => ({
        elements: [builder.textElement({ element: { external_id: 'el-title' }, value: 'Coffee beans, roasted' })],
      }))
      .toPromise();
    assert.equal(response.debug.response.status, 200);
    const before = valuesByCodename(full, ids);
    const after = valuesByCodename(response.data, ids);
    assert.equal(after.title.value, 'Coffee beans, roasted');
    for (const codename of ARTICLE_ELEMENTS.filter((c) => c !== 'title')) {
      assert.deepEqual(after[codename]._raw, before[codename]._raw, `${codename} is unchanged`);
    }
    full = response.data;
  });

  await step('viewLanguageVariant() by item id / codename / external id and language id / codename', async () => {
    for (const query of [
      client.viewLanguageVariant().byItemId(beans.id).byLanguageId(ZERO_GUID),
      client.viewLanguageVariant().byItemCodename('coffee_beans').byLanguageCodename('default'),
      client.viewLanguageVariant().byItemExternalId('item-beans').byLanguageCodename('default'),
    ]) {
      const response = await query.toPromise();
      assert.deepEqual(response.rawData, full._raw);
      assert.equal(response.data.lastModified.getTime(), full.lastModified.getTime());
    }
  });

  await step('viewLanguageVariant().published() before publishing: 404, error_code 122', async () => {
    await expectKontentError(variantOf(beans).published().toPromise(), { status: 404, errorCode: 122 });
  });

  await step('variants in a second language and of other items', async () => {
    const response = await client
      .upsertLanguageVariant()
      .byItemId(beans.id)
      .byLanguageCodename('de-DE')
      .withData((builder) => ({
        elements: [builder.textElement({ element: { codename: 'title' }, value: 'Kaffeebohnen' })],
      }))
      .toPromise();
    assert.equal(response.debug.response.status, 201);
    assert.deepEqual(ref(response.data.language), { id: german.id });
    const v = valuesByCodename(response.data, ids);
    assert.equal(v.title.value, 'Kaffeebohnen');
    assert.equal(v.rating.value, null);
    assert.deepEqual(ref(v.related.value), []);
    assert.deepEqual(v.body.components, []);
    assert.equal(v.slug.mode, 'autogenerated');
    for (const item of [guide, tea]) {
      await client
        .upsertLanguageVariant()
        .byItemId(item.id)
        .byLanguageId(ZERO_GUID)
        .withData((builder) => ({ elements: [builder.textElement({ element: { id: ids.title }, value: item.name })] }))
        .toPromise();
    }
  });

  await step('listLanguageVariantsOfItem() returns the item\'s variants in every language', async () => {
    const response = await client.listLanguageVariantsOfItem().byItemCodename('coffee_beans').toPromise();
    assert.deepEqual(
      response.data.items.map((variant) => variant.language.id).sort(),
      [ZERO_GUID, german.id].sort(),
    );
    const fullVariant = response.data.items.find((variant) => variant.language.id === ZERO_GUID);
    assert.deepEqual(fullVariant._raw, full._raw);
  });

  await step('listLanguageVariantsOfContentType() pages; toAllPromise() returns every variant', async () => {
    const first = await client.listLanguageVariantsOfContentType().byTypeCodename('article').toPromise();
    assert.equal(first.data.items.length, pageSize);
    assert.equal(typeof first.data.pagination.continuationToken, 'string');
    const all = await client.listLanguageVariantsOfContentType().byTypeId(article.id).toAllPromise();
    assert.equal(all.responses.length, 2);
    assert.deepEqual(
      pairs(all.data.items),
      [`${beans.id}/${ZERO_GUID}`, `${beans.id}/${german.id}`, `${guide.id}/${ZERO_GUID}`, `${tea.id}/${ZERO_GUID}`].sort(),
    );
    const byCodename = await client.listLanguageVariantsOfContentType().byTypeCodename('callout').toAllPromise();
    assert.deepEqual(byCodename.data.items, [], 'a component type has no variants of its own');
  });

  await step('listLanguageVariantsByCollection() follows an item moved to another collection', async () => {
    const moved = await client
      .upsertContentItem()
      .byItemCodename('brewing_guide')
      .withData({ name: guide.name, collection: { codename: 'marketing' } })
      .toPromise();
    assert.deepEqual(moved.data.collection, { id: marketing.id });
    const inMarketing = await client.listLanguageVariantsByCollection().byCollectionCodename('marketing').toAllPromise();
    assert.deepEqual(
      pairs(inMarketing.data.items),
      [`${beans.id}/${ZERO_GUID}`, `${beans.id}/${german.id}`, `${guide.id}/${ZERO_GUID}`].sort(),
    );
    const inDefault = await client.listLanguageVariantsByCollection().byCollectionId(ZERO_GUID).toAllPromise();
    assert.deepEqual(pairs(inDefault.data.items), [`${tea.id}/${ZERO_GUID}`]);
  });

  await step('deleteLanguageVariant() removes one language; later reads are 404 (error_code 103)', async () => {
    const response = await client
      .deleteLanguageVariant()
      .byItemCodename('coffee_beans')
      .byLanguageCodename('de-DE')
      .toPromise();
    assert.equal(response.debug.response.status, 204);
    await expectKontentError(variantOf(beans, 'de-DE').toPromise(), { status: 404, errorCode: 103 });
    const left = await client.listLanguageVariantsOfItem().byItemId(beans.id).toPromise();
    assert.deepEqual(pairs(left.data.items), [`${beans.id}/${ZERO_GUID}`]);
  });

  // ------------------------------------------------------------------ workflows

  await step('listWorkflows() holds the default workflow', async () => {
    const response = await client.listWorkflows().toPromise();
    assert.equal(response.data.length, 1);
    const [workflow] = response.data;
    assert.equal(workflow.id, ZERO_GUID);
    assert.equal(workflow.codename, 'default');
    assert.deepEqual(
      workflow.steps.map((s) => s.id),
      [DRAFT_STEP],
    );
    assert.equal(workflow.publishedStep.id, PUBLISHED_STEP);
    assert.equal(workflow.scheduledStep.id, SCHEDULED_STEP);
    assert.equal(workflow.archivedStep.id, ARCHIVED_STEP);
    assert.deepEqual(workflow.scopes, []);
  });

  let editorial;
  await step('addWorkflow() limited to articles in Marketing (references resolved to ids)', async () => {
    const response = await client
      .addWorkflow()
      .withData({
        name: 'Editorial',
        codename: 'editorial',
        scopes: [{ content_types: [{ codename: 'article' }], collections: [{ codename: 'marketing' }] }],
        steps: [
          {
            name: 'Writing',
            codename: 'writing',
            color: 'sky-blue',
            transitions_to: [{ step: { codename: 'review' } }, { step: { codename: 'published' } }],
            role_ids: [],
          },
          {
            name: 'Review',
            codename: 'review',
            color: 'yellow',
            transitions_to: [{ step: { codename: 'published' } }, { step: { codename: 'writing' } }],
            role_ids: [],
          },
        ],
        published_step: { unpublish_role_ids: [], create_new_version_role_ids: [] },
        archived_step: { role_ids: [] },
      })
      .toPromise();
    assert.equal(response.debug.response.status, 201);
    editorial = response.data;
    assert.match(editorial.id, GUID);
    assert.equal(editorial.codename, 'editorial');
    assert.deepEqual(editorial.scopes, [{ content_types: [{ id: article.id }], collections: [{ id: marketing.id }] }]);
    const [writing, review] = editorial.steps;
    assert.deepEqual(
      [writing.codename, review.codename],
      ['writing', 'review'],
    );
    assert.deepEqual(writing.transitions_to, [{ step: { id: review.id } }, { step: { id: PUBLISHED_STEP } }]);
    assert.equal(writing.color, 'sky-blue');
    assert.equal(editorial.publishedStep.id, PUBLISHED_STEP);
    assert.equal(editorial.archivedStep.id, ARCHIVED_STEP);
    const all = await client.listWorkflows().toPromise();
    assert.deepEqual(
      all.data.map((workflow) => workflow.codename),
      ['default', 'editorial'],
    );
  });

  await step('updateWorkflow() renames and adds a step; steps sent by codename keep their ids', async () => {
    const [writing, review] = editorial.steps;
    const response = await client
      .updateWorkflow()
      .byWorkflowCodename('editorial')
      .withData({
        name: 'Editorial flow',
        codename: 'editorial',
        scopes: [{ content_types: [{ id: article.id }], collections: [{ id: marketing.id }] }],
        steps: [
          {
            name: 'Writing',
            codename: 'writing',
            color: 'sky-blue',
            transitions_to: [{ step: { codename: 'review' } }, { step: { codename: 'published' } }],
            role_ids: [],
          },
          {
            id: review.id,
            name: 'Review',
            codename: 'review',
            color: 'yellow',
            transitions_to: [{ step: { codename: 'legal' } }, { step: { id: writing.id } }],
            role_ids: [],
          },
          {
            name: 'Legal check',
            codename: 'legal',
            color: 'red',
            transitions_to: [{ step: { id: PUBLISHED_STEP } }],
            role_ids: [],
          },
        ],
        published_step: { unpublish_role_ids: [], create_new_version_role_ids: [] },
        archived_step: { role_ids: [] },
      })
      .toPromise();
    assert.equal(response.debug.response.status, 200);
    const updated = response.data;
    assert.equal(updated.id, editorial.id);
    assert.equal(updated.name, 'Editorial flow');
    assert.deepEqual(
      updated.steps.map((s) => [s.codename, s.id]),
      [
        ['writing', writing.id],
        ['review', review.id],
        ['legal', updated.steps[2].id],
      ],
    );
    assert.match(updated.steps[2].id, GUID);
    assert.deepEqual(updated.steps[1].transitions_to, [{ step: { id: updated.steps[2].id } }, { step: { id: writing.id } }]);
    editorial = updated;
  });

  await step('a new variant of an article in Marketing starts in the scoped workflow', async () => {
    const response = await client
      .upsertLanguageVariant()
      .byItemId(beans.id)
      .byLanguageCodename('de-DE')
      .withData((builder) => ({ elements: [builder.textElement({ element: { codename: 'title' }, value: 'Bohnen' })] }))
      .toPromise();
    assert.deepEqual(ref(response.data.workflow.workflowIdentifier), { id: editorial.id });
    assert.deepEqual(ref(response.data.workflow.stepIdentifier), { id: editorial.steps[0].id });
  });

  await step('addWorkflow() then deleteWorkflow() by id; the default workflow cannot be deleted (235)', async () => {
    const temporary = await client
      .addWorkflow()
      .withData({
        name: 'Temporary',
        scopes: [],
        steps: [
          {
            name: 'Only',
            codename: 'only',
            color: 'gray',
            transitions_to: [{ step: { codename: 'published' } }],
            role_ids: [],
          },
        ],
        published_step: {},
        archived_step: {},
      })
      .toPromise();
    assert.equal(temporary.data.codename, 'temporary');
    const deleted = await client.deleteWorkflow().byWorkflowId(temporary.data.id).toPromise();
    assert.equal(deleted.debug.response.status, 204);
    const all = await client.listWorkflows().toPromise();
    assert.deepEqual(
      all.data.map((workflow) => workflow.codename),
      ['default', 'editorial'],
    );
    await expectKontentError(client.deleteWorkflow().byWorkflowId(temporary.data.id).toPromise(), {
      status: 404,
      errorCode: 119,
    });
    await expectKontentError(client.deleteWorkflow().byWorkflowCodename('default').toPromise(), {
      status: 400,
      errorCode: 235,
    });
    await expectRefused(client.deleteWorkflow().byWorkflowCodename('editorial').toPromise(), 400);
  });

  await step('changeWorkflowOfLanguageVariant() moves a variant into another workflow and step', async () => {
    const response = await client
      .changeWorkflowOfLanguageVariant()
      .byItemCodename('coffee_beans')
      .byLanguageCodename('default')
      .withData({ workflow_identifier: { codename: 'editorial' }, step_identifier: { codename: 'review' } })
      .toPromise();
    assert.equal(response.debug.response.status, 204);
    const variant = (await variantOf(beans).toPromise()).data;
    assert.deepEqual(ref(variant.workflow.workflowIdentifier), { id: editorial.id });
    assert.deepEqual(ref(variant.workflow.stepIdentifier), { id: editorial.steps[1].id });
    await client
      .changeWorkflowOfLanguageVariant()
      .byItemId(beans.id)
      .byLanguageId(ZERO_GUID)
      .withData({ workflow_identifier: { id: editorial.id }, step_identifier: { id: editorial.steps[2].id } })
      .toPromise();
    await expectKontentError(
      client
        .changeWorkflowOfLanguageVariant()
        .byItemId(beans.id)
        .byLanguageId(ZERO_GUID)
        .withData({ workflow_identifier: { id: editorial.id }, step_identifier: { id: PUBLISHED_STEP } })
        .toPromise(),
      { status: 400, errorCode: 215 },
    );
    await expectKontentError(
      client
        .changeWorkflowOfLanguageVariant()
        .byItemId(beans.id)
        .byLanguageId(ZERO_GUID)
        .withData({ workflow_identifier: { codename: 'no_such_workflow' }, step_identifier: { codename: 'x' } })
        .toPromise(),
      { status: 404, errorCode: 119 },
    );
  });

  // ------------------------------------------------------------------ publishing

  const beansDefault = () => client.viewLanguageVariant().byItemId(beans.id).byLanguageId(ZERO_GUID);
  const stepOf = async () => (await beansDefault().toPromise()).data.workflow.stepIdentifier.id;

  await step('publishLanguageVariant().withoutData() publishes; .published() returns the live version', async () => {
    const response = await client
      .publishLanguageVariant()
      .byItemCodename('coffee_beans')
      .byLanguageCodename('default')
      .withoutData()
      .toPromise();
    assert.equal(response.debug.response.status, 204);
    const latest = await beansDefault().toPromise();
    assert.deepEqual(ref(latest.data.workflow.stepIdentifier), { id: PUBLISHED_STEP });
    const live = await beansDefault().published().toPromise();
    assert.deepEqual(live.rawData, latest.rawData);
    assert.equal(valuesByCodename(live.data, ids).title.value, 'Coffee beans, roasted');
    await expectRefused(
      client
        .upsertLanguageVariant()
        .byItemId(beans.id)
        .byLanguageId(ZERO_GUID)
        .withData((builder) => ({ elements: [builder.textElement({ element: { codename: 'title' }, value: 'x' })] }))
        .toPromise(),
      400,
    );
  });

  await step('createNewVersionOfLanguageVariant() puts a draft beside the live version', async () => {
    const response = await client
      .createNewVersionOfLanguageVariant()
      .byItemExternalId('item-beans')
      .byLanguageCodename('default')
      .toPromise();
    assert.equal(response.debug.response.status, 204);
    assert.equal(await stepOf(), editorial.steps[0].id, 'the new version starts in the first step');
    await client
      .upsertLanguageVariant()
      .byItemId(beans.id)
      .byLanguageId(ZERO_GUID)
      .withData((builder) => ({
        elements: [builder.textElement({ element: { codename: 'title' }, value: 'Coffee beans, 2nd roast' })],
      }))
      .toPromise();
    const latest = await beansDefault().toPromise();
    const live = await beansDefault().published().toPromise();
    assert.equal(valuesByCodename(latest.data, ids).title.value, 'Coffee beans, 2nd roast');
    assert.equal(valuesByCodename(live.data, ids).title.value, 'Coffee beans, roasted');
    assert.deepEqual(ref(live.data.workflow.stepIdentifier), { id: PUBLISHED_STEP });
  });

  const publishAt = nextYear();
  await step('publishLanguageVariant().withData({scheduled_to}) schedules; the live version stays', async () => {
    const response = await client
      .publishLanguageVariant()
      .byItemId(beans.id)
      .byLanguageId(ZERO_GUID)
      .withData({ scheduled_to: publishAt.toISOString(), display_timezone: 'Europe/Prague' })
      .toPromise();
    assert.equal(response.debug.response.status, 204);
    const latest = (await beansDefault().toPromise()).data;
    assert.deepEqual(ref(latest.workflow.stepIdentifier), { id: SCHEDULED_STEP });
    assert.ok(sameInstant(latest.schedule.publishTime, publishAt), `publish_time ${latest.schedule.publishTime}`);
    assert.equal(latest.schedule.publishDisplayTimezone, 'Europe/Prague');
    assert.equal(latest.schedule.unpublishTime, null);
    const live = (await beansDefault().published().toPromise()).data;
    assert.equal(valuesByCodename(live, ids).title.value, 'Coffee beans, roasted');
  });

  await step('cancelSheduledPublishingOfLanguageVariant() returns the variant to its step (then 218)', async () => {
    const response = await client
      .cancelSheduledPublishingOfLanguageVariant()
      .byItemCodename('coffee_beans')
      .byLanguageCodename('default')
      .toPromise();
    assert.equal(response.debug.response.status, 204);
    const latest = (await beansDefault().toPromise()).data;
    assert.deepEqual(ref(latest.workflow.stepIdentifier), { id: editorial.steps[0].id });
    assert.deepEqual(latest.schedule, EMPTY_SCHEDULE);
    await expectKontentError(
      client.cancelSheduledPublishingOfLanguageVariant().byItemId(beans.id).byLanguageId(ZERO_GUID).toPromise(),
      { status: 400, errorCode: 218 },
    );
  });

  const unpublishAt = nextYear(3600);
  await step('publish now, then unpublishLanguageVariant().withData({scheduled_to}) schedules the take-down', async () => {
    await client.publishLanguageVariant().byItemId(beans.id).byLanguageId(ZERO_GUID).withoutData().toPromise();
    const live = (await beansDefault().published().toPromise()).data;
    assert.equal(valuesByCodename(live, ids).title.value, 'Coffee beans, 2nd roast');
    const response = await client
      .unpublishLanguageVariant()
      .byItemId(beans.id)
      .byLanguageCodename('default')
      .withData({ scheduled_to: unpublishAt.toISOString(), display_timezone: 'America/New_York' })
      .toPromise();
    assert.equal(response.debug.response.status, 204);
    const latest = (await beansDefault().toPromise()).data;
    assert.deepEqual(ref(latest.workflow.stepIdentifier), { id: PUBLISHED_STEP });
    assert.ok(sameInstant(latest.schedule.unpublishTime, unpublishAt), `unpublish_time ${latest.schedule.unpublishTime}`);
    assert.equal(latest.schedule.unpublishDisplayTimezone, 'America/New_York');
    await beansDefault().published().toPromise();
  });

  await step('cancelSheduledUnpublishingOfLanguageVariant() clears the take-down (then 218)', async () => {
    const response = await client
      .cancelSheduledUnpublishingOfLanguageVariant()
      .byItemExternalId('item-beans')
      .byLanguageId(ZERO_GUID)
      .toPromise();
    assert.equal(response.debug.response.status, 204);
    const latest = (await beansDefault().toPromise()).data;
    assert.deepEqual(latest.schedule, EMPTY_SCHEDULE);
    assert.deepEqual(ref(latest.workflow.stepIdentifier), { id: PUBLISHED_STEP });
    await expectKontentError(
      client.cancelSheduledUnpublishingOfLanguageVariant().byItemId(beans.id).byLanguageId(ZERO_GUID).toPromise(),
      { status: 400, errorCode: 218 },
    );
  });

  await step('unpublishLanguageVariant().withoutData() archives; no published version is left', async () => {
    const response = await client
      .unpublishLanguageVariant()
      .byItemCodename('coffee_beans')
      .byLanguageCodename('default')
      .withoutData()
      .toPromise();
    assert.equal(response.debug.response.status, 204);
    assert.equal(await stepOf(), ARCHIVED_STEP);
    await expectKontentError(beansDefault().published().toPromise(), { status: 404, errorCode: 122 });
    await expectKontentError(
      client.unpublishLanguageVariant().byItemId(beans.id).byLanguageId(ZERO_GUID).withoutData().toPromise(),
      { status: 400, errorCode: 213 },
    );
    await expectKontentError(
      client.createNewVersionOfLanguageVariant().byItemId(beans.id).byLanguageId(ZERO_GUID).toPromise(),
      { status: 400, errorCode: 214 },
    );
  });

  await step('changeWorkflowOfLanguageVariant() restores an archived variant; it can be edited again', async () => {
    await client
      .changeWorkflowOfLanguageVariant()
      .byItemId(beans.id)
      .byLanguageId(ZERO_GUID)
      .withData({ workflow_identifier: { codename: 'editorial' }, step_identifier: { codename: 'writing' } })
      .toPromise();
    assert.equal(await stepOf(), editorial.steps[0].id);
    const response = await client
      .upsertLanguageVariant()
      .byItemId(beans.id)
      .byLanguageId(ZERO_GUID)
      .withData((builder) => ({ elements: [builder.numberElement({ element: { codename: 'rating' }, value: 5 })] }))
      .toPromise();
    assert.equal(valuesByCodename(response.data, ids).rating.value, 5);
  });

  await step('deleteContentItem() removes the item with its variants', async () => {
    await client.deleteContentItem().byItemId(beans.id).toPromise();
    await expectKontentError(beansDefault().toPromise(), { status: 404, errorCode: 100 });
    const all = await client.listLanguageVariantsOfContentType().byTypeCodename('article').toAllPromise();
    assert.deepEqual(pairs(all.data.items), [`${guide.id}/${ZERO_GUID}`, `${tea.id}/${ZERO_GUID}`].sort());
  });
});
