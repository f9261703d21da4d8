// Contentful content types and editor interfaces through contentful-management: create with an id,
// get, update, activate (the editor interface appears), edit the editor interface, snapshots,
// deactivate, delete, and a save-time validation error.
import { assert, config, contentfulClient, expectContentfulError, main, step } from './lib.mjs';

await main(async () => {
  const spaceId = config('CONTENTFUL_SPACE_ID');
  const client = contentfulClient();
  const environment = await step('getSpace() / getEnvironment(master)', async () =>
    (await client.getSpace(spaceId)).getEnvironment('master'),
  );

  let ct;
  await step('createContentTypeWithId(id, {name, displayField, fields})', async () => {
    ct = await environment.createContentTypeWithId('article', {
      name: 'Article',
      description: 'Long form',
      displayField: 'title',
      fields: [
        { id: 'title', name: 'Title', type: 'Symbol', required: true, validations: [{ size: { max: 120 } }] },
        { id: 'body', name: 'Body', type: 'RichText', validations: [{ enabledMarks: ['bold'] }] },
        { id: 'related', name: 'Related', type: 'Array', items: { type: 'Link', linkType: 'Entry' } },
      ],
    });
    assert.equal(ct.sys.id, 'article');
    assert.equal(ct.sys.type, 'ContentType');
    assert.equal(ct.sys.version, 1);
    assert.equal(ct.sys.environment?.sys?.id, 'master');
    assert.equal(ct.fields.length, 3);
    assert.equal(ct.fields[0].localized, false);
    assert.equal(ct.isDraft(), true);
  });

  await step('getContentType(id) and getContentTypes()', async () => {
    const fetched = await environment.getContentType('article');
    assert.equal(fetched.name, 'Article');
    assert.deepEqual(fetched.fields[2].items, { type: 'Link', validations: [], linkType: 'Entry' });
    const all = await environment.getContentTypes();
    assert.equal(all.total, 1);
    assert.equal(all.items[0].sys.id, 'article');
  });

  await step('getEditorInterface() is NotFound before the first activation', async () => {
    await expectContentfulError(ct.getEditorInterface(), { name: 'NotFound', status: 404 });
  });

  await step('ct.update() bumps the version', async () => {
    ct.name = 'Article v2';
    ct = await ct.update();
    assert.equal(ct.sys.version, 2);
    assert.equal(ct.name, 'Article v2');
  });

  await step('ct.publish() activates it', async () => {
    ct = await ct.publish();
    assert.equal(ct.sys.publishedVersion, 2);
    assert.equal(ct.sys.version, 3);
    assert.equal(ct.isPublished(), true);
    assert.equal(ct.isUpdated(), false);
  });

  let ei;
  await step('getEditorInterface() has a default control per field', async () => {
    ei = await ct.getEditorInterface();
    assert.equal(ei.sys.version, 1);
    assert.deepEqual(
      ei.controls.map((control) => [control.fieldId, control.widgetId]),
      [
        ['title', 'singleLine'],
        ['body', 'richTextEditor'],
        ['related', 'entryLinksEditor'],
      ],
    );
  });

  await step('ei.update() changes a widget', async () => {
    ei.controls[0].widgetId = 'slugEditor';
    ei = await ei.update();
    assert.equal(ei.sys.version, 2);
    assert.equal(ei.controls[0].widgetId, 'slugEditor');
    const all = await environment.getEditorInterfaces();
    assert.equal(all.items.length, 1);
  });

  await step('adding a field and re-activating adds its control', async () => {
    ct.fields.push({ id: 'rating', name: 'Rating', type: 'Integer' });
    ct = await (await ct.update()).publish();
    ei = await ct.getEditorInterface();
    assert.equal(ei.sys.version, 3);
    assert.equal(ei.controls[0].widgetId, 'slugEditor');
    assert.equal(ei.controls[3].widgetId, 'numberEditor');
  });

  await step('getSnapshots() lists both activations', async () => {
    const snapshots = await ct.getSnapshots();
    assert.equal(snapshots.items.length, 2);
    assert.equal(snapshots.items[0].sys.snapshotEntityType, 'ContentType');
    assert.equal(snapshots.items[0].snapshot.fields.length, 4);
    const one = await ct.getSnapshot(snapshots.items[1].sys.id);
    assert.equal(one.snapshot.name, 'Article v2');
  });

  await step('an unknown field type is a ValidationFailed', async () => {
    const { details } = await expectContentfulError(
      environment.createContentType({ name: 'Broken', fields: [{ id: 'x', name: 'X', type: 'Float' }] }),
      { name: 'ValidationFailed', status: 422 },
    );
    assert.deepEqual(details.details.errors[0].path, ['fields', 0, 'type']);
    assert.equal(details.details.errors[0].name, 'in');
  });

  await step('delete() while active is refused; unpublish() then delete() removes it', async () => {
    await expectContentfulError(ct.delete(), { name: 'BadRequest', status: 400 });
    ct = await ct.unpublish();
    assert.equal(ct.isPublished(), false);
    await ct.delete();
    await expectContentfulError(environment.getContentType('article'), { name: 'NotFound', status: 404 });
  });

  await step('omitAndDeleteField() on an activated type, as the SDK\'s own suite does it', async () => {
    const bare = await environment.createContentType({ name: 'testentity' });
    assert.equal(bare.isDraft(), true);
    const published = await bare.publish();
    assert.equal(published.isPublished(), true);
    published.fields = [
      { id: 'field', name: 'field', type: 'Text' },
      { id: 'field2delete', name: 'field2delete', type: 'Text' },
      {
        id: 'multiRef',
        name: 'multiRef',
        type: 'Array',
        items: { type: 'ResourceLink', validations: [] },
        allowedResources: [{ type: 'Contentful:Entry', source: 'crn:contentful:::content:spaces/x', contentTypes: ['a'] }],
      },
    ];
    const updated = await published.update();
    assert.equal(updated.isUpdated(), true);
    const republished = await updated.publish();
    assert.equal(republished.isUpdated(), false);
    const deleted = await republished.omitAndDeleteField('field2delete');
    assert.deepEqual(deleted.fields.map((field) => field.id), ['field', 'multiRef']);
    const again = await deleted.publish();
    const editorInterface = await again.getEditorInterface();
    assert.deepEqual(editorInterface.controls.map((control) => control.fieldId), ['field', 'multiRef']);
    await editorInterface.update();
    const unpublished = await republished.unpublish();
    assert.equal(unpublished.isDraft(), true);
    await unpublished.delete();
  });
});
