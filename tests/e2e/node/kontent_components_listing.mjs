// listLanguageVariantsOfContentTypeWithComponents() after a partial upsert: a variant whose rich text holds a
// component keeps it when a later upsert changes only another element, so the listing must still find it.
import { randomUUID } from 'node:crypto';

import { assert, kontentClient, main, step } from './lib.mjs';
import { ZERO_GUID, createContentModel, valuesByCodename } from './kontent_content_model.mjs';

await main(async () => {
  const client = kontentClient();
  const { ids } = await createContentModel(client);
  const componentId = randomUUID();

  const item = await step('an item whose variant holds a callout component', async () => {
    const added = await client
      .addContentItem()
      .withData({ name: 'With callout', type: { codename: 'article' } })
      .toPromise();
    await client
      .upsertLanguageVariant()
      .byItemId(added.data.id)
      .byLanguageId(ZERO_GUID)
      .withData((builder) => ({
        elements: [
          builder.richTextElement({
            element: { codename: 'body' },
            value: `<object type="application/kenticocloud" data-type="component" data-id="${componentId}"></object>`,
            components: [
              {
                id: componentId,
                type: { codename: 'callout' },
                elements: [builder.textElement({ element: { codename: 'message' }, value: 'Hi' })],
              },
            ],
          }),
        ],
      }))
      .toPromise();
    const listed = await client.listLanguageVariantsOfContentTypeWithComponents().byTypeCodename('callout').toAllPromise();
    assert.deepEqual(
      listed.data.items.map((variant) => variant.item.id),
      [added.data.id],
    );
    return added.data;
  });

  await step('an upsert of another element keeps the component, and the listing still finds the variant', async () => {
    const response = await client
      .upsertLanguageVariant()
      .byItemId(item.id)
      .byLanguageId(ZERO_GUID)
      .withData((builder) => ({ elements: [builder.textElement({ element: { codename: 'title' }, value: 'Renamed' })] }))
      .toPromise();
    assert.equal(valuesByCodename(response.data, ids).body.components[0].id, componentId, 'the component is kept');
    const listed = await client.listLanguageVariantsOfContentTypeWithComponents().byTypeCodename('callout').toAllPromise();
    assert.deepEqual(
      listed.data.items.map((variant) => variant.item.id),
      [item.id],
      'the variant still holds a callout component',
    );
  });
});
