// Contentful entries through contentful-management: create (with and without an id), get, update,
// JSON Patch, publish (whole and per locale), unpublish, archive/unarchive, snapshots, references,
// delete, and the hosted error names of the state rules and validations.
import { assert, config, contentfulClient, expectContentfulError, main, step } from './lib.mjs';

await main(async () => {
  const spaceId = config('CONTENTFUL_SPACE_ID');
  const client = contentfulClient();
  const environment = await step('getSpace() / getEnvironment(master)', async () =>
    (await client.getSpace(spaceId)).getEnvironment('master'),
  );

  await step('a published content type to write entries for', async () => {
    const ct = await environment.createContentTypeWithId('book', {
      name: 'Book',
      displayField: 'title',
      fields: [
        { id: 'title', name: 'Title', type: 'Symbol', required: true, validations: [{ size: { max: 20 } }] },
        { id: 'pages', name: 'Pages', type: 'Integer' },
        { id: 'sequel', name: 'Sequel', type: 'Link', linkType: 'Entry' },
      ],
    });
    await ct.publish();
  });

  let entry;
  await step('createEntry(contentTypeId, {fields})', async () => {
    entry = await environment.createEntry('book', { fields: { title: { 'en-US': 'Dune' } } });
    assert.equal(entry.sys.type, 'Entry');
    assert.equal(entry.sys.version, 1);
    assert.equal(entry.sys.contentType.sys.id, 'book');
    assert.equal(entry.sys.environment.sys.id, 'master');
    assert.deepEqual(entry.metadata, { tags: [], concepts: [] });
    assert.equal(entry.isDraft(), true);
    assert.equal(entry.isPublished(), false);
  });

  await step('createEntryWithId() and getEntry()', async () => {
    const sequel = await environment.createEntryWithId('book', 'dune-messiah', {
      fields: { title: { 'en-US': 'Dune Messiah' } },
    });
    assert.equal(sequel.sys.id, 'dune-messiah');
    const fetched = await environment.getEntry('dune-messiah');
    assert.equal(fetched.fields.title['en-US'], 'Dune Messiah');
  });

  await step('entry.update() bumps the version', async () => {
    entry.fields.pages = { 'en-US': 412 };
    entry.fields.sequel = { 'en-US': { sys: { type: 'Link', linkType: 'Entry', id: 'dune-messiah' } } };
    entry = await entry.update();
    assert.equal(entry.sys.version, 2);
    assert.equal(entry.fields.pages['en-US'], 412);
  });

  await step('entry.patch() applies a JSON Patch', async () => {
    entry = await entry.patch([{ op: 'replace', path: '/fields/pages/en-US', value: 896 }]);
    assert.equal(entry.sys.version, 3);
    assert.equal(entry.fields.pages['en-US'], 896);
  });

  await step('entry.publish(): version == publishedVersion + 1', async () => {
    entry = await entry.publish();
    assert.equal(entry.sys.publishedVersion, 3);
    assert.equal(entry.sys.version, 4);
    assert.equal(entry.isPublished(), true);
    assert.equal(entry.isUpdated(), false);
    assert.deepEqual(entry.sys.fieldStatus, { '*': { 'en-US': 'published' } });
  });

  await step('a published entry cannot be deleted or archived', async () => {
    await expectContentfulError(entry.delete(), { name: 'BadRequest', status: 400 });
    await expectContentfulError(entry.archive(), { name: 'BadRequest', status: 400 });
  });

  await step('update after publish: isUpdated()', async () => {
    entry.fields.title['en-US'] = 'Dune (1965)';
    entry = await entry.update();
    assert.equal(entry.isUpdated(), true);
  });

  await step('a stale version is a VersionMismatch', async () => {
    const stale = await environment.getEntry(entry.sys.id);
    entry = await entry.update();
    await expectContentfulError(stale.update(), { name: 'VersionMismatch', status: 409 });
  });

  await step('field validations run at publish: ValidationFailed', async () => {
    entry.fields.title['en-US'] = 'A title that is much too long';
    entry = await entry.update();
    const { details } = await expectContentfulError(entry.publish(), { name: 'ValidationFailed', status: 422 });
    assert.equal(details.details.errors[0].name, 'size');
    entry.fields.title['en-US'] = 'Dune';
    entry = await entry.update();
  });

  await step('structure is checked on save: InvalidEntry', async () => {
    entry.fields.pages['en-US'] = 'many';
    await expectContentfulError(entry.update(), { name: 'InvalidEntry', status: 422 });
    entry = await environment.getEntry(entry.sys.id);
  });

  await step('entry.references() and entry.getSnapshots()', async () => {
    const refs = await entry.references({ include: 1 });
    assert.equal(refs.items[0].sys.id, entry.sys.id);
    assert.equal(refs.includes.Entry[0].sys.id, 'dune-messiah');
    entry = await entry.publish();
    const snapshots = await entry.getSnapshots();
    assert.equal(snapshots.items.length, 2);
    assert.equal(snapshots.items[0].snapshot.fields.title['en-US'], 'Dune');
  });

  await step('entry.unpublish(), archive(), unarchive(), delete()', async () => {
    entry = await entry.unpublish();
    assert.equal(entry.isPublished(), false);
    assert.equal(entry.sys.publishedCounter, 2);
    entry = await entry.archive();
    assert.equal(entry.isArchived(), true);
    await expectContentfulError(entry.publish(), { name: 'BadRequest', status: 400 });
    entry = await entry.unarchive();
    assert.equal(entry.isArchived(), false);
    await entry.delete();
    await expectContentfulError(environment.getEntry(entry.sys.id), { name: 'NotFound', status: 404 });
  });

  await step('createEntry() for an unknown content type', async () => {
    await expectContentfulError(environment.createEntry('nope', { fields: {} }), { name: 'BadRequest', status: 400 });
  });
});
