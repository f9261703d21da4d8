// Contentful tags and the small listings through contentful-management: createTag (default private and
// public), getTag, getTags with paging, tag.update(), tag.delete(); organization spaces and users, space
// users, webhooks and roles.
import { assert, config, contentfulClient, expectContentfulError, main, step, unique } from './lib.mjs';

await main(async () => {
  const spaceId = config('CONTENTFUL_SPACE_ID');
  const organizationId = config('CONTENTFUL_ORGANIZATION_ID');
  // CONTENTFUL_INSECURE=false: over https (the server's `--https-port`, trusted with NODE_EXTRA_CA_CERTS).
  const insecure = process.env.CONTENTFUL_INSECURE !== 'false';
  const client = contentfulClient({ insecure });
  const plain = contentfulClient({ plain: true, insecure });
  const space = await step('getSpace()', async () => client.getSpace(spaceId));
  const environment = await step('getEnvironment(master)', async () => space.getEnvironment('master'));

  const prefix = unique('tag-');
  let privateTag;
  await step('createTag(id, name) is private by default', async () => {
    privateTag = await environment.createTag(`${prefix}-a`, `Tag ${prefix} A`);
    assert.equal(privateTag.sys.type, 'Tag');
    assert.equal(privateTag.sys.id, `${prefix}-a`);
    assert.equal(privateTag.name, `Tag ${prefix} A`);
    assert.equal(privateTag.sys.visibility, 'private');
    assert.equal(privateTag.sys.version, 1);
    assert.equal(privateTag.sys.environment.sys.id, 'master');
    assert.equal(privateTag.sys.space.sys.id, spaceId);
  });

  await step('createTag(id, name, "public")', async () => {
    const tag = await environment.createTag(`${prefix}-b`, `Tag ${prefix} B`, 'public');
    assert.equal(tag.sys.visibility, 'public');
  });

  await step('createTag with a taken id is a VersionMismatch', async () => {
    await expectContentfulError(environment.createTag(`${prefix}-a`, 'Another name'), {
      name: 'VersionMismatch',
      status: 409,
    });
  });

  await step('getTag(id)', async () => {
    const tag = await environment.getTag(`${prefix}-a`);
    assert.equal(tag.name, `Tag ${prefix} A`);
    assert.equal(tag.sys.id, `${prefix}-a`);
  });

  await step('getTags() lists them; {limit: 1} pages', async () => {
    for (let index = 0; index < 3; index++) {
      await environment.createTag(`${prefix}-c${index}`, `Tag ${prefix} C${index}`);
    }
    const tags = await environment.getTags();
    assert.equal(tags.total, 5);
    assert.equal(tags.items.length, 5);
    const page = await environment.getTags({ limit: 1 });
    assert.equal(page.items.length, 1);
    assert.equal(page.total, 5);
    const some = await environment.getTags({ 'sys.id[in]': `${prefix}-a,${prefix}-b` });
    assert.deepEqual(some.items.map((tag) => tag.sys.id).sort(), [`${prefix}-a`, `${prefix}-b`]);
  });

  await step('tag.update() renames and bumps the version', async () => {
    privateTag.name = `Renamed ${prefix}`;
    const updated = await privateTag.update();
    assert.equal(updated.name, `Renamed ${prefix}`);
    assert.equal(updated.sys.id, `${prefix}-a`);
    assert.equal(updated.sys.version, 2);
    assert.equal(updated.sys.visibility, 'private');
    privateTag = updated;
  });

  await step('tag.delete() removes it; getTag then fails with NotFound', async () => {
    await privateTag.delete();
    await expectContentfulError(environment.getTag(`${prefix}-a`), { name: 'NotFound', status: 404 });
    const rest = await environment.getTags({ limit: 1000 });
    await Promise.all(rest.items.map((tag) => tag.delete()));
    assert.equal((await environment.getTags()).total, 0);
  });

  await step('plain client: tag.createWithId / getMany / update / delete', async () => {
    const params = { spaceId, environmentId: 'master', tagId: `${prefix}-p` };
    const created = await plain.tag.createWithId(params, { name: `Plain ${prefix}`, sys: { visibility: 'public' } });
    assert.equal(created.sys.visibility, 'public');
    const updated = await plain.tag.update(params, { ...created, name: `Plain renamed ${prefix}` });
    assert.equal(updated.sys.version, 2);
    const all = await plain.tag.getMany({ spaceId, environmentId: 'master' });
    assert.equal(all.total, 1);
    await plain.tag.delete({ ...params, version: updated.sys.version });
  });

  let userId;
  await step('organization.getSpaces() includes the space', async () => {
    const organization = await client.getOrganization(organizationId);
    const spaces = await organization.getSpaces();
    assert.ok(spaces.items.some((item) => item.sys.id === spaceId));
    assert.equal(typeof spaces.total, 'number');
  });

  await step('organization.getUsers() / getUser(id)', async () => {
    const organization = await client.getOrganization(organizationId);
    const users = await organization.getUsers();
    assert.ok(users.total >= 1);
    userId = (await client.getCurrentUser()).sys.id;
    assert.ok(users.items.some((user) => user.sys.id === userId));
    const user = await organization.getUser(userId);
    assert.equal(user.sys.id, userId);
    assert.equal(user.sys.type, 'User');
  });

  await step('space.getSpaceUsers() / getSpaceUser(id)', async () => {
    const users = await space.getSpaceUsers();
    assert.ok(users.items.some((user) => user.sys.id === userId));
    const user = await space.getSpaceUser(userId);
    assert.equal(user.sys.id, userId);
  });

  await step('space.getWebhooks() and space.getRoles() answer empty lists', async () => {
    const webhooks = await space.getWebhooks();
    assert.equal(webhooks.total, 0);
    assert.deepEqual(webhooks.items, []);
    const roles = await space.getRoles();
    assert.equal(roles.total, 0);
    assert.deepEqual(roles.items, []);
  });
});
