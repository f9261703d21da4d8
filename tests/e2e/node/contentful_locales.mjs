// Contentful locales through contentful-management: create (with fallbacks), get one, list, update, delete.
import { assert, config, contentfulClient, expectContentfulError, main, step } from './lib.mjs';

await main(async () => {
  const spaceId = config('CONTENTFUL_SPACE_ID');
  const client = contentfulClient();
  const plain = contentfulClient({ plain: true });
  const environment = await step('getSpace() / getEnvironment(master)', async () =>
    (await client.getSpace(spaceId)).getEnvironment('master'),
  );

  let defaultLocale;
  await step('getLocales() holds the default locale', async () => {
    const locales = await environment.getLocales();
    assert.equal(locales.sys.type, 'Array');
    assert.equal(locales.total, 1);
    defaultLocale = locales.items[0];
    assert.equal(defaultLocale.sys.type, 'Locale');
    assert.equal(defaultLocale.code, 'en-US');
    assert.equal(defaultLocale.default, true);
    assert.equal(defaultLocale.fallbackCode, null);
  });

  let german;
  let austrian;
  await step('createLocale({name, code, fallbackCode})', async () => {
    german = await environment.createLocale({ name: 'German (Germany)', code: 'de-DE', fallbackCode: 'en-US' });
    assert.equal(german.sys.type, 'Locale');
    assert.equal(german.name, 'German (Germany)');
    assert.equal(german.code, 'de-DE');
    assert.equal(german.fallbackCode, 'en-US');
    assert.equal(german.default, false);
    assert.equal(german.contentManagementApi, true);
    assert.equal(german.contentDeliveryApi, true);
    assert.equal(german.sys.environment?.sys?.id, 'master');
    austrian = await environment.createLocale({
      name: 'German (Austria)',
      code: 'de-AT',
      fallbackCode: 'de-DE',
      optional: true,
    });
    assert.equal(austrian.fallbackCode, 'de-DE');
    assert.equal(austrian.optional, true);
  });

  await step('getLocale(id) returns it', async () => {
    const fetched = await environment.getLocale(german.sys.id);
    assert.equal(fetched.code, 'de-DE');
    assert.equal(fetched.sys.version, german.sys.version);
  });

  await step('getLocales() and plain locale.getMany() list all three', async () => {
    const locales = await environment.getLocales();
    assert.equal(locales.total, 3);
    assert.deepEqual(locales.items.map((locale) => locale.code).sort(), ['de-AT', 'de-DE', 'en-US']);
    const raw = await plain.locale.getMany({ spaceId, environmentId: 'master' });
    assert.equal(raw.total, 3);
  });

  await step('locale.update() changes the name and bumps the version', async () => {
    german.name = 'Deutsch';
    const updated = await german.update();
    assert.equal(updated.name, 'Deutsch');
    assert.equal(updated.code, 'de-DE');
    assert.ok(updated.sys.version > german.sys.version, `version ${german.sys.version} -> ${updated.sys.version}`);
    assert.equal((await environment.getLocale(german.sys.id)).name, 'Deutsch');
  });

  await step('locale.delete() removes it (then 404 NotFound)', async () => {
    await austrian.delete();
    await expectContentfulError(environment.getLocale(austrian.sys.id), { name: 'NotFound', status: 404 });
    const locales = await environment.getLocales();
    assert.deepEqual(locales.items.map((locale) => locale.code).sort(), ['de-DE', 'en-US']);
  });
});
