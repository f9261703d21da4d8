// Contentful spaces through contentful-management: create in an organization, get one, list, rename, delete.
import { assert, config, contentfulClient, expectContentfulError, main, step, unique } from './lib.mjs';

await main(async () => {
  const organizationId = config('CONTENTFUL_ORGANIZATION_ID');
  const client = contentfulClient();
  const plain = contentfulClient({ plain: true });
  const name = unique('E2E JS space ');

  let space;
  await step('createSpace({name, defaultLocale}, organizationId)', async () => {
    space = await client.createSpace({ name, defaultLocale: 'en-US' }, organizationId);
    assert.equal(space.sys.type, 'Space');
    assert.match(space.sys.id, /^[a-z0-9]+$/);
    assert.equal(space.name, name);
    assert.equal(typeof space.sys.version, 'number');
  });

  await step('getSpace() and plain space.get() return it', async () => {
    const fetched = await client.getSpace(space.sys.id);
    assert.equal(fetched.name, name);
    assert.equal(fetched.sys.version, space.sys.version);
    const raw = await plain.space.get({ spaceId: space.sys.id });
    assert.equal(raw.name, name);
  });

  await step('getSpaces() lists it', async () => {
    const spaces = await client.getSpaces();
    assert.equal(spaces.sys.type, 'Array');
    assert.ok(spaces.total >= spaces.items.length);
    assert.ok(
      spaces.items.some((item) => item.sys.id === space.sys.id),
      `${space.sys.id} not in the first page: ${spaces.items.map((item) => item.sys.id)}`,
    );
  });

  await step('the new space has a master environment with the default locale', async () => {
    const master = await space.getEnvironment('master');
    assert.equal(master.sys.id, 'master');
    const locales = await master.getLocales();
    assert.deepEqual(
      locales.items.map((locale) => [locale.code, locale.default]),
      [['en-US', true]],
    );
  });

  await step('space.update() renames it and bumps the version', async () => {
    space.name = `${name} (renamed)`;
    const updated = await space.update();
    assert.equal(updated.name, `${name} (renamed)`);
    assert.ok(updated.sys.version > space.sys.version, `version ${space.sys.version} -> ${updated.sys.version}`);
    const fetched = await client.getSpace(space.sys.id);
    assert.equal(fetched.name, `${name} (renamed)`);
    space = updated;
  });

  await step('space.delete() removes it (then 404 NotFound)', async () => {
    await space.delete();
    await expectContentfulError(client.getSpace(space.sys.id), { name: 'NotFound', status: 404 });
    const spaces = await client.getSpaces();
    assert.ok(!spaces.items.some((item) => item.sys.id === space.sys.id));
  });
});
