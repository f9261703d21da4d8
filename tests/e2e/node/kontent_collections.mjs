// Kontent.ai collections through @kontent-ai/management-sdk: listCollections() and setCollections() with
// addInto (at the end, before, after), move, replace and remove, addressed by id, codename and external id.
import { assert, expectKontentError, kontentClient, main, step } from './lib.mjs';

const DEFAULT_COLLECTION_ID = '00000000-0000-0000-0000-000000000000';
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

function codenames(response) {
  return response.data.collections.map((collection) => collection.codename);
}

await main(async () => {
  const client = kontentClient();

  await step('listCollections() holds only the default collection', async () => {
    const response = await client.listCollections().toPromise();
    assert.equal(response.data.collections.length, 1);
    const [collection] = response.data.collections;
    assert.equal(collection.id, DEFAULT_COLLECTION_ID);
    assert.equal(collection.codename, 'default');
    assert.equal(collection.name, 'Default');
    assert.ok(response.data.lastModified instanceof Date, 'last_modified is present');
    assert.ok(!Number.isNaN(response.data.lastModified.getTime()), 'last_modified is a date');
  });

  let marketing;
  await step('setCollections() addInto appends, and places before/after references', async () => {
    const first = await client
      .setCollections()
      .withData([{ op: 'addInto', value: { name: 'Marketing', codename: 'marketing' } }])
      .toPromise();
    assert.deepEqual(codenames(first), ['default', 'marketing']);
    marketing = first.data.collections[1];
    assert.match(marketing.id, GUID);
    assert.equal(marketing.name, 'Marketing');

    const second = await client
      .setCollections()
      .withData([
        { op: 'addInto', value: { name: 'Legal', codename: 'legal' }, after: { id: DEFAULT_COLLECTION_ID } },
        {
          op: 'addInto',
          value: { name: 'Sales', codename: 'sales', external_id: 'coll-sales' },
          before: { codename: 'marketing' },
        },
      ])
      .toPromise();
    assert.deepEqual(codenames(second), ['default', 'legal', 'sales', 'marketing']);
    assert.equal(second.rawData.collections[2].external_id, 'coll-sales');
  });

  await step('setCollections() move reorders', async () => {
    const response = await client
      .setCollections()
      .withData([{ op: 'move', reference: { id: marketing.id }, before: { codename: 'legal' } }])
      .toPromise();
    assert.deepEqual(codenames(response), ['default', 'marketing', 'legal', 'sales']);
    const moved = await client
      .setCollections()
      .withData([{ op: 'move', reference: { codename: 'legal' }, after: { codename: 'sales' } }])
      .toPromise();
    assert.deepEqual(codenames(moved), ['default', 'marketing', 'sales', 'legal']);
  });

  await step('setCollections() replace renames (by external id)', async () => {
    const response = await client
      .setCollections()
      .withData([
        { op: 'replace', reference: { external_id: 'coll-sales' }, property_name: 'name', value: 'Sales & Partners' },
      ])
      .toPromise();
    const sales = response.data.collections.find((collection) => collection.codename === 'sales');
    assert.equal(sales?.name, 'Sales & Partners');
  });

  await step('setCollections() remove deletes an empty collection', async () => {
    const response = await client
      .setCollections()
      .withData([{ op: 'remove', reference: { codename: 'legal' } }])
      .toPromise();
    assert.deepEqual(codenames(response), ['default', 'marketing', 'sales']);
  });

  await step('listCollections() returns the final state', async () => {
    const response = await client.listCollections().toPromise();
    assert.deepEqual(
      response.data.collections.map(({ id, name, codename }) => ({ id, name, codename })),
      [
        { id: DEFAULT_COLLECTION_ID, name: 'Default', codename: 'default' },
        { id: marketing.id, name: 'Marketing', codename: 'marketing' },
        { id: response.data.collections[2].id, name: 'Sales & Partners', codename: 'sales' },
      ],
    );
    assert.ok(response.data.lastModified instanceof Date, 'last_modified is present');
  });

  await step('setCollections() with an invalid operation is 400 with validation errors', async () => {
    const error = await expectKontentError(
      client.setCollections().withData([{ op: 'addInto' }]).toPromise(),
      { status: 400, errorCode: 5 },
    );
    assert.ok(error.validationErrors.length > 0, 'validationErrors is not empty');
    assert.ok(error.validationErrors[0].message, 'validation error has a message');
    const unchanged = await client.listCollections().toPromise();
    assert.deepEqual(codenames(unchanged), ['default', 'marketing', 'sales']);
  });
});
