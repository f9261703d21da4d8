// Contentful environments through contentful-management: create (generated id, given id, cloned from a
// source), get one, list, rename, delete.
import {
  assert,
  config,
  contentfulClient,
  expectContentfulError,
  main,
  step,
  waitForEnvironmentReady,
} from './lib.mjs';

await main(async () => {
  const spaceId = config('CONTENTFUL_SPACE_ID');
  const client = contentfulClient();
  const plain = contentfulClient({ plain: true });
  const space = await step('getSpace()', () => client.getSpace(spaceId));

  await step('getEnvironments() lists master', async () => {
    const environments = await space.getEnvironments();
    assert.equal(environments.sys.type, 'Array');
    assert.deepEqual(environments.items.map((environment) => environment.sys.id), ['master']);
    const master = environments.items[0];
    assert.equal(master.sys.type, 'Environment');
    assert.equal(master.name, 'master');
    assert.equal(master.sys.status?.sys?.id, 'ready');
  });

  let staging;
  await step('createEnvironment({name}) gets a generated id and becomes ready', async () => {
    staging = await space.createEnvironment({ name: 'Staging' });
    assert.equal(staging.sys.type, 'Environment');
    assert.equal(staging.name, 'Staging');
    assert.ok(staging.sys.id && staging.sys.id !== 'master', `id: ${staging.sys.id}`);
    assert.equal(staging.sys.space?.sys?.id, spaceId);
    staging = await waitForEnvironmentReady(space, staging.sys.id);
  });

  await step('createEnvironmentWithId(id, {name}) uses the given id', async () => {
    const qa = await space.createEnvironmentWithId('qa', { name: 'QA' });
    assert.equal(qa.sys.id, 'qa');
    assert.equal(qa.name, 'QA');
    await waitForEnvironmentReady(space, 'qa');
  });

  await step('createEnvironmentWithId(id, {name}, sourceEnvId) copies the source', async () => {
    const qa = await space.getEnvironment('qa');
    await qa.createLocale({ name: 'German', code: 'de-DE', fallbackCode: 'en-US' });
    const copy = await space.createEnvironmentWithId('qa-copy', { name: 'QA copy' }, 'qa');
    assert.equal(copy.sys.id, 'qa-copy');
    const ready = await waitForEnvironmentReady(space, 'qa-copy');
    const locales = await ready.getLocales();
    assert.deepEqual(locales.items.map((locale) => locale.code).sort(), ['de-DE', 'en-US']);
    const masterLocales = await (await space.getEnvironment('master')).getLocales();
    assert.deepEqual(
      masterLocales.items.map((locale) => locale.code),
      ['en-US'],
      'a copy of qa leaves master alone',
    );
  });

  await step('getEnvironment() and getEnvironments() see all four', async () => {
    const qa = await space.getEnvironment('qa');
    assert.equal(qa.name, 'QA');
    const environments = await space.getEnvironments();
    assert.equal(environments.total, 4);
    assert.deepEqual(
      environments.items.map((environment) => environment.sys.id).sort(),
      ['master', 'qa', 'qa-copy', staging.sys.id].sort(),
    );
    const raw = await plain.environment.getMany({ spaceId });
    assert.equal(raw.total, 4);
  });

  await step('environment.update() renames it', async () => {
    const qa = await space.getEnvironment('qa');
    qa.name = 'Quality assurance';
    const updated = await qa.update();
    assert.equal(updated.name, 'Quality assurance');
    assert.ok(updated.sys.version > qa.sys.version, `version ${qa.sys.version} -> ${updated.sys.version}`);
    assert.equal((await space.getEnvironment('qa')).name, 'Quality assurance');
  });

  await step('environment.delete() removes it (then 404 NotFound)', async () => {
    const copy = await space.getEnvironment('qa-copy');
    await copy.delete();
    await expectContentfulError(space.getEnvironment('qa-copy'), { name: 'NotFound', status: 404 });
    await staging.delete();
    const environments = await space.getEnvironments();
    assert.deepEqual(environments.items.map((environment) => environment.sys.id).sort(), ['master', 'qa']);
  });
});
