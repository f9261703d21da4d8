// Contentful: who the token belongs to, through contentful-management (nested and plain clients).
import { assert, config, contentfulClient, main, step } from './lib.mjs';

await main(async () => {
  const organizationId = config('CONTENTFUL_ORGANIZATION_ID');
  const client = contentfulClient();
  const plain = contentfulClient({ plain: true });

  let userId;
  await step('getCurrentUser() returns the token owner', async () => {
    const user = await client.getCurrentUser();
    assert.equal(user.sys.type, 'User');
    assert.equal(typeof user.sys.id, 'string');
    assert.ok(user.email.includes('@'), `email: ${user.email}`);
    userId = user.sys.id;
  });

  await step('getOrganizations() lists the organization of the space', async () => {
    const organizations = await client.getOrganizations();
    assert.equal(organizations.sys.type, 'Array');
    assert.ok(organizations.total >= 1);
    const ids = organizations.items.map((organization) => organization.sys.id);
    assert.ok(ids.includes(organizationId), `${organizationId} in ${ids}`);
    const organization = organizations.items.find((item) => item.sys.id === organizationId);
    assert.equal(organization.sys.type, 'Organization');
    assert.equal(typeof organization.name, 'string');
  });

  await step('plain client: user.getCurrent() and organization.getAll()', async () => {
    const user = await plain.user.getCurrent();
    assert.equal(user.sys.id, userId);
    const organizations = await plain.organization.getAll();
    assert.ok(organizations.items.some((organization) => organization.sys.id === organizationId));
  });
});
