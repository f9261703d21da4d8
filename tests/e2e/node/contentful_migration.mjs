// contentful-migration's library API (`runMigration`) against Headwater over https (the tool builds only
// `https://` URLs; the development certificate is trusted through NODE_EXTRA_CA_CERTS): a migration that
// creates content types and a tag, entries made with contentful-management in between, then a migration
// that edits the type (validations, rename, new fields, moveField, deleteField = omit + delete, editor
// interface control) and rewrites the entries (transformEntries, deriveLinkedEntries, setTagsForEntries),
// then changeFieldId, deleteContentType and editTag.
// The results are checked through contentful-management over plain http on the same server.
import { mkdtempSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { assert, config, contentfulClient, main, step } from './lib.mjs';

const require = createRequire(import.meta.url);
// runMigration writes its error log into the working directory: keep it out of the repository.
process.chdir(mkdtempSync(join(tmpdir(), 'contentful-migration-')));
const { runMigration } = require('contentful-migration');

function slugify(text) {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
}

await main(async () => {
  const spaceId = config('CONTENTFUL_SPACE_ID');
  const accessToken = config('CONTENTFUL_TOKEN');
  const httpsHost = config('CONTENTFUL_HTTPS_HOST');
  const client = contentfulClient();
  const environment = await step('getEnvironment(master) over http', async () =>
    (await client.getSpace(spaceId)).getEnvironment('master'),
  );

  const migrate = (migrationFunction) =>
    runMigration({
      spaceId,
      environmentId: 'master',
      accessToken,
      host: httpsHost,
      yes: true,
      quiet: true,
      retryLimit: 0,
      migrationFunction,
    });

  await step('a second locale (de-DE), so transforms run per locale', async () => {
    await environment.createLocale({ name: 'German', code: 'de-DE', fallbackCode: 'en-US', optional: true });
  });

  await step('runMigration: create content types and a tag', async () => {
    await migrate(function createModel(migration) {
      const post = migration.createContentType('blogPost', {
        name: 'Blog post',
        description: 'Posts',
        displayField: 'title',
      });
      post.createField('title').name('Title').type('Symbol').localized(true).required(true);
      post.createField('body').name('Body').type('Text').localized(true);
      post.createField('authorName').name('Author name').type('Symbol');
      post.createField('category').name('Category').type('Symbol').validations([{ in: ['news', 'howto'] }]);
      post.createField('legacy').name('Legacy').type('Symbol');
      post.createField('views').name('Views').type('Integer');
      const person = migration.createContentType('person', { name: 'Person', displayField: 'name' });
      person.createField('name').name('Name').type('Symbol').required(true);
      migration.createTag('migrated', { name: 'Migrated' }, 'public');
    });
    const post = await environment.getContentType('blogPost');
    assert.deepEqual(
      post.fields.map((f) => f.id),
      ['title', 'body', 'authorName', 'category', 'legacy', 'views'],
    );
    assert.equal(post.sys.publishedVersion, 1);
    assert.equal(post.sys.version, 2);
    const tag = await environment.getTag('migrated');
    assert.equal(tag.name, 'Migrated');
    assert.equal(tag.sys.visibility, 'public');
  });

  const posts = {};
  await step('entries before the edit (two published, one draft)', async () => {
    const make = async (id, fields, publish) => {
      const entry = await environment.createEntryWithId('blogPost', id, { fields });
      posts[id] = publish ? await entry.publish() : entry;
    };
    await make(
      'postOne',
      {
        title: { 'en-US': 'Hello Migrations', 'de-DE': 'Hallo Migrationen' },
        body: { 'en-US': 'First body' },
        authorName: { 'en-US': 'Ada Lovelace' },
        category: { 'en-US': 'news' },
        legacy: { 'en-US': 'to be dropped' },
        views: { 'en-US': 10 },
      },
      true,
    );
    await make(
      'postTwo',
      {
        title: { 'en-US': 'Second Thoughts' },
        authorName: { 'en-US': 'Ada Lovelace' },
        category: { 'en-US': 'howto' },
      },
      false,
    );
    await make(
      'postThree',
      { title: { 'en-US': 'Machines, Thinking?' }, authorName: { 'en-US': 'Alan Turing' } },
      true,
    );
  });

  await step('runMigration: edit the type and transform its entries', async () => {
    await migrate(function editModel(migration) {
      const post = migration.editContentType('blogPost', { description: 'Posts, migrated' });
      post.editField('title').validations([{ size: { max: 80 } }]);
      post.editField('views').name('View count').validations([{ range: { min: 0 } }]);
      post.createField('slug').name('Slug').type('Symbol').validations([{ unique: true }]);
      post
        .createField('author')
        .name('Author')
        .type('Link')
        .localized(true)
        .linkType('Entry')
        .validations([{ linkContentType: ['person'] }]);
      post.moveField('category').toTheTop();
      post.moveField('slug').afterField('title');
      post.deleteField('legacy');
      post.changeFieldControl('body', 'builtin', 'markdown', { helpText: 'Markdown please' });

      migration.transformEntries({
        contentType: 'blogPost',
        from: ['title'],
        to: ['slug'],
        shouldPublish: 'preserve',
        transformEntryForLocale: (fields, locale) =>
          locale === 'en-US' ? { slug: slugify(fields.title['en-US']) } : undefined,
      });
      migration.deriveLinkedEntries({
        contentType: 'blogPost',
        derivedContentType: 'person',
        from: ['authorName'],
        toReferenceField: 'author',
        derivedFields: ['name'],
        identityKey: async (fields) => slugify(fields.authorName['en-US']),
        shouldPublish: 'preserve',
        deriveEntryForLocale: async (fields, locale) =>
          locale === 'en-US' ? { name: fields.authorName['en-US'] } : undefined,
      });
      migration.setTagsForEntries({
        contentType: 'blogPost',
        from: ['category'],
        setTagsForEntry: (fields, entryTags, apiTags) =>
          fields.category ? [...entryTags, apiTags.find((tag) => tag.sys.id === 'migrated')] : undefined,
      });
    });
  });

  await step('the content type after the edit', async () => {
    const post = await environment.getContentType('blogPost');
    assert.equal(post.description, 'Posts, migrated');
    assert.deepEqual(
      post.fields.map((f) => f.id),
      ['category', 'title', 'slug', 'body', 'authorName', 'views', 'author'],
    );
    const byId = Object.fromEntries(post.fields.map((f) => [f.id, f]));
    assert.deepEqual(byId.title.validations, [{ size: { max: 80 } }]);
    assert.equal(byId.views.name, 'View count');
    assert.deepEqual(byId.views.validations, [{ range: { min: 0 } }]);
    assert.deepEqual(byId.author.validations, [{ linkContentType: ['person'] }]);
    assert.equal(byId.author.linkType, 'Entry');
    // setTagsForEntries saves the content type once more without activating it (the tool's own plan)
    assert.equal(post.sys.version, post.sys.publishedVersion + 2);
    const editor = await post.getEditorInterface();
    const body = editor.controls.find((c) => c.fieldId === 'body');
    assert.equal(body.widgetId, 'markdown');
    assert.equal(body.widgetNamespace, 'builtin');
    assert.deepEqual(body.settings, { helpText: 'Markdown please' });
    // (the tool PUTs the control list it read before the migration: the activations' additions and
    // removals in between are overwritten, as they would be on the hosted API)
  });

  await step('the entries after transformEntries / deriveLinkedEntries / setTagsForEntries', async () => {
    const one = await environment.getEntry('postOne');
    assert.equal(one.fields.slug['en-US'], 'hello-migrations');
    assert.equal(one.fields.slug['de-DE'], undefined);
    assert.equal(one.fields.legacy, undefined);
    // deriveLinkedEntries links every locale (so the reference field is localized: the API refuses values
    // for other locales than the default one in a field that is not)
    const ada = { sys: { type: 'Link', linkType: 'Entry', id: 'ada-lovelace' } };
    assert.deepEqual(one.fields.author, { 'en-US': ada, 'de-DE': ada });
    assert.deepEqual(
      one.metadata.tags.map((t) => t.sys.id),
      ['migrated'],
    );
    assert.ok(one.sys.publishedVersion, 'postOne stays published');
    const two = await environment.getEntry('postTwo');
    assert.equal(two.fields.slug['en-US'], 'second-thoughts');
    assert.equal(two.fields.author['en-US'].sys.id, 'ada-lovelace');
    assert.equal(two.sys.publishedVersion, undefined, 'postTwo stays a draft');
    const three = await environment.getEntry('postThree');
    assert.equal(three.fields.slug['en-US'], 'machines-thinking');
    assert.equal(three.fields.author['en-US'].sys.id, 'alan-turing');
    assert.deepEqual(three.metadata.tags, [], 'no category, no tag');
    assert.ok(three.sys.publishedVersion);
    assert.equal(three.sys.version, three.sys.publishedVersion + 1);

    const people = await environment.getEntries({ content_type: 'person', order: 'sys.id' });
    assert.deepEqual(
      people.items.map((p) => [p.sys.id, p.fields.name['en-US']]),
      [
        ['ada-lovelace', 'Ada Lovelace'],
        ['alan-turing', 'Alan Turing'],
      ],
    );
  });

  await step('runMigration: changeFieldId moves the field and its values', async () => {
    await migrate(function renameField(migration) {
      migration.editContentType('blogPost').changeFieldId('views', 'viewCount');
    });
    const post = await environment.getContentType('blogPost');
    assert.deepEqual(
      post.fields.map((f) => f.id),
      ['category', 'title', 'slug', 'body', 'authorName', 'viewCount', 'author'],
    );
    const one = await environment.getEntry('postOne');
    assert.deepEqual(one.fields.viewCount, { 'en-US': 10 });
    assert.equal(one.fields.views, undefined);
    const editor = await post.getEditorInterface();
    assert.ok(editor.controls.some((c) => c.fieldId === 'viewCount'));
    assert.ok(!editor.controls.some((c) => c.fieldId === 'views'));
  });

  await step('runMigration: delete a content type with no entries, rename a tag', async () => {
    await migrate(function cleanUp(migration) {
      const scratch = migration.createContentType('scratch', { name: 'Scratch', displayField: 'label' });
      scratch.createField('label').name('Label').type('Symbol');
    });
    await migrate(function removeScratch(migration) {
      migration.deleteContentType('scratch');
      migration.editTag('migrated', { name: 'Migrated by script' });
    });
    const types = await environment.getContentTypes({ order: 'sys.id' });
    assert.deepEqual(
      types.items.map((t) => t.sys.id),
      ['blogPost', 'person'],
    );
    assert.equal((await environment.getTag('migrated')).name, 'Migrated by script');
  });
});
