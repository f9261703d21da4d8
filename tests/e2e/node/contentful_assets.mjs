// Contentful uploads and assets through contentful-management: createUpload / getUpload / delete,
// createAssetFromFiles (uploads on `hostUpload`), processForAllLocales over two locales in parallel,
// the served file, publish / unpublish / archive / unarchive / delete, and an asset from an `upload` URL.
import { assert, config, contentfulClient, expectContentfulError, main, step } from './lib.mjs';

// Two tiny GIFs (1×1 and 3×2), built from their header fields.
function gif(width, height) {
  const header = Buffer.from('GIF89a', 'latin1');
  const size = Buffer.alloc(4);
  size.writeUInt16LE(width, 0);
  size.writeUInt16LE(height, 2);
  const rest = Buffer.from([0x80, 0x00, 0x00, 0, 0, 0, 255, 255, 255, 0x2c, 0, 0, 0, 0, 1, 0, 1, 0, 0, 2, 2, 0x44, 1, 0, 0x3b]);
  return Buffer.concat([header, size, rest]);
}

await main(async () => {
  const spaceId = config('CONTENTFUL_SPACE_ID');
  const host = config('CONTENTFUL_HOST');
  const client = contentfulClient({ hostUpload: host });
  const environment = await step('getSpace() / getEnvironment(master)', async () =>
    (await client.getSpace(spaceId)).getEnvironment('master'),
  );
  await step('createLocale(de-DE)', async () => {
    await environment.createLocale({ name: 'German', code: 'de-DE', fallbackCode: 'en-US' });
  });

  await step('createUpload() / getUpload() / upload.delete()', async () => {
    const upload = await environment.createUpload({ file: Buffer.from('plain bytes') });
    assert.equal(upload.sys.type, 'Upload');
    assert.match(upload.sys.expiresAt, /^\d{4}-\d\d-\d\dT00:00:00\.000Z$/);
    const fetched = await environment.getUpload(upload.sys.id);
    assert.equal(fetched.sys.id, upload.sys.id);
    await fetched.delete();
    await expectContentfulError(environment.getUpload(upload.sys.id), { name: 'NotFound', status: 404 });
  });

  const english = gif(1, 1);
  const german = gif(3, 2);
  let asset = await step('createAssetFromFiles() with a file per locale', async () => {
    const created = await environment.createAssetFromFiles({
      fields: {
        title: { 'en-US': 'Pixel', 'de-DE': 'Pixel' },
        file: {
          'en-US': { contentType: 'image/gif', fileName: 'pixel.gif', file: english },
          'de-DE': { contentType: 'image/gif', fileName: 'pixel-de.gif', file: german },
        },
      },
    });
    assert.equal(created.sys.type, 'Asset');
    assert.equal(created.sys.version, 1);
    assert.equal(created.fields.file['en-US'].uploadFrom.sys.linkType, 'Upload');
    return created;
  });

  asset = await step('processForAllLocales() (both locales in parallel, one version)', async () => {
    const processed = await asset.processForAllLocales({ processingCheckWait: 100 });
    const latest = await environment.getAsset(asset.sys.id);
    assert.equal(latest.sys.version, 3);
    for (const [locale, bytes, width, height] of [
      ['en-US', english, 1, 1],
      ['de-DE', german, 3, 2],
    ]) {
      const file = latest.fields.file[locale];
      assert.ok(file.url.startsWith(`http://${host}/files/${spaceId}/${asset.sys.id}/`), file.url);
      assert.deepEqual(file.details, { size: bytes.length, image: { width, height } });
      assert.equal(file.uploadFrom, undefined);
      const response = await fetch(file.url);
      assert.equal(response.status, 200);
      assert.equal(response.headers.get('content-type'), 'image/gif');
      assert.deepEqual(Buffer.from(await response.arrayBuffer()), bytes);
    }
    assert.ok(processed.sys.version >= 2);
    return latest;
  });

  asset = await step('asset.publish()', async () => {
    const published = await asset.publish();
    assert.equal(published.sys.publishedVersion, 3);
    assert.equal(published.sys.version, 4);
    assert.equal(published.isPublished(), true);
    return published;
  });

  await step('a published asset cannot be archived or deleted', async () => {
    await expectContentfulError(asset.archive(), { name: 'BadRequest', status: 400 });
    await expectContentfulError(asset.delete(), { name: 'BadRequest', status: 400 });
  });

  asset = await step('unpublish() / archive() / unarchive()', async () => {
    const unpublished = await asset.unpublish();
    assert.equal(unpublished.sys.publishedVersion, undefined);
    const archived = await unpublished.archive();
    assert.equal(archived.isArchived(), true);
    assert.equal(archived.sys.archivedVersion, 5);
    const unarchived = await archived.unarchive();
    assert.equal(unarchived.isArchived(), false);
    assert.equal(unarchived.sys.version, 7);
    return unarchived;
  });

  await step('asset.update() then delete()', async () => {
    asset.fields.description = { 'en-US': 'A single pixel' };
    const updated = await asset.update();
    assert.equal(updated.sys.version, 8);
    assert.equal(updated.fields.description['en-US'], 'A single pixel');
    assert.ok(updated.fields.file['en-US'].url);
    await updated.delete();
    await expectContentfulError(environment.getAsset(asset.sys.id), { name: 'NotFound', status: 404 });
  });

  await step('createAssetWithId() from an upload URL, processed offline', async () => {
    const created = await environment.createAssetWithId('remote-asset', {
      fields: {
        file: {
          'en-US': { contentType: 'image/png', fileName: 'remote.png', upload: 'https://images.example.invalid/remote.png' },
        },
      },
    });
    const processed = await created.processForLocale('en-US', { processingCheckWait: 100 });
    const file = processed.fields.file['en-US'];
    assert.deepEqual(file.details, { size: 0 });
    const response = await fetch(file.url, { redirect: 'manual' });
    assert.equal(response.status, 302);
    assert.equal(response.headers.get('location'), 'https://images.example.invalid/remote.png');
  });
});
