// Kontent.ai content types and snippets through @kontent-ai/management-sdk: add (one element of each type),
// list with toAllPromise() across pages, view by codename, modify with every op, delete, and errors.
import { assert, expectKontentError, kontentClient, main, step } from './lib.mjs';

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

function codenames(response) {
  return response.data.elements.map((element) => element.codename);
}

await main(async () => {
  const client = kontentClient();

  let snippet;
  await step('addContentTypeSnippet() prefixes element codenames', async () => {
    const response = await client
      .addContentTypeSnippet()
      .withData((builder) => ({
        name: 'Metadata',
        codename: 'metadata',
        external_id: 'metadata-snippet',
        elements: [
          builder.textElement({ name: 'Meta title', type: 'text', maximum_text_length: { value: 60, applies_to: 'characters' } }),
          builder.multipleChoiceElement({
            name: 'Robots',
            type: 'multiple_choice',
            mode: 'multiple',
            options: [{ name: 'No index' }, { name: 'No follow', codename: 'nofollow' }],
          }),
        ],
      }))
      .toPromise();
    snippet = response.data;
    assert.match(snippet.id, GUID);
    assert.deepEqual(codenames(response), ['metadata__meta_title', 'metadata__robots']);
  });

  await step('addContentTypeSnippet() a second snippet', async () => {
    await client
      .addContentTypeSnippet()
      .withData((builder) => ({ name: 'Spare', elements: [builder.numberElement({ name: 'Weight', type: 'number' })] }))
      .toPromise();
  });

  let article;
  await step('addContentType() with one element of each type and content groups', async () => {
    const response = await client
      .addContentType()
      .withData((builder) => ({
        name: 'Article',
        codename: 'article',
        external_id: 'article-type',
        content_groups: [{ name: 'Content', external_id: 'content' }, { name: 'SEO', codename: 'seo' }],
        elements: [
          builder.textElement({ name: 'Title', codename: 'title', type: 'text', content_group: { external_id: 'content' } }),
          builder.richTextElement({
            name: 'Body',
            type: 'rich_text',
            allowed_blocks: ['text', 'tables'],
            allowed_formatting: ['unstyled', 'bold'],
            allowed_content_types: [{ codename: 'article' }],
            content_group: { external_id: 'content' },
          }),
          builder.numberElement({ name: 'Reading time', type: 'number', content_group: { codename: 'seo' } }),
          builder.dateTimeElement({ name: 'Published', type: 'date_time', content_group: { codename: 'seo' } }),
          builder.multipleChoiceElement({
            name: 'Tone',
            type: 'multiple_choice',
            mode: 'single',
            options: [{ name: 'Formal' }, { name: 'Casual' }],
            content_group: { codename: 'seo' },
          }),
          builder.assetElement({
            name: 'Images',
            type: 'asset',
            asset_count_limit: { value: 3, condition: 'at_most' },
            content_group: { codename: 'seo' },
          }),
          builder.linkedItemsElement({ name: 'Related', type: 'modular_content', content_group: { codename: 'seo' } }),
          builder.subpagesElement({ name: 'Pages', type: 'subpages', content_group: { codename: 'seo' } }),
          builder.taxonomyElement({
            name: 'Tags',
            type: 'taxonomy',
            taxonomy_group: { external_id: 'tags-later' },
            content_group: { codename: 'seo' },
          }),
          builder.urlSlugElement({
            name: 'Slug',
            type: 'url_slug',
            depends_on: { element: { codename: 'title' } },
            content_group: { codename: 'seo' },
          }),
          builder.customElement({
            name: 'Color',
            type: 'custom',
            source_url: 'https://example.com/color',
            json_parameters: '{"palette": "warm"}',
            content_group: { codename: 'seo' },
          }),
          builder.guidelinesElement({ type: 'guidelines', guidelines: 'Write well.', content_group: { codename: 'seo' } }),
          builder.snippetElement({ type: 'snippet', snippet: { codename: 'metadata' }, content_group: { codename: 'seo' } }),
        ],
      }))
      .toPromise();
    article = response.data;
    assert.equal(article.codename, 'article');
    assert.equal(article.elements.length, 13);
    assert.deepEqual(
      article.elements.map((element) => element.type),
      ['text', 'rich_text', 'number', 'date_time', 'multiple_choice', 'asset', 'modular_content', 'subpages',
        'taxonomy', 'url_slug', 'custom', 'guidelines', 'snippet'],
    );
    const [content, seo] = article.contentGroups;
    assert.equal(content.codename, 'content');
    assert.equal(article.elements[0].content_group.id, content.id);
    assert.equal(article.elements[12].content_group.id, seo.id);
    assert.deepEqual(article.elements[1].allowed_content_types, [{ id: article.id }]);
    assert.deepEqual(article.elements[12].snippet, { id: snippet.id });
    assert.ok(article.lastModified instanceof Date && !Number.isNaN(article.lastModified.getTime()));
  });

  await step('addContentType() two more types, then listContentTypes().toAllPromise() pages through all', async () => {
    for (const name of ['Page', 'Author']) {
      await client.addContentType().withData(() => ({ name, elements: [] })).toPromise();
    }
    const all = await client.listContentTypes().toAllPromise();
    assert.deepEqual(all.data.items.map((type) => type.codename), ['article', 'page', 'author']);
    assert.ok(all.responses.length >= 2, 'more than one page was fetched');
    const snippets = await client.listContentTypeSnippets().toAllPromise();
    assert.deepEqual(snippets.data.items.map((item) => item.codename), ['metadata', 'spare']);
  });

  await step('viewContentType() by codename, id and external id', async () => {
    for (const query of [
      client.viewContentType().byTypeCodename('article'),
      client.viewContentType().byTypeId(article.id),
      client.viewContentType().byTypeExternalId('article-type'),
    ]) {
      const response = await query.toPromise();
      assert.deepEqual(response.rawData, article._raw);
    }
    const viewed = await client.viewContentTypeSnippet().byTypeCodename('metadata').toPromise();
    assert.equal(viewed.data.id, snippet.id);
  });

  await step('modifyContentType() with addInto, move, replace and remove', async () => {
    const response = await client
      .modifyContentType()
      .byTypeCodename('article')
      .withData([
        { op: 'replace', path: '/name', value: 'Story' },
        { op: 'replace', path: '/elements/codename:title/guidelines', value: 'Keep it short.' },
        {
          op: 'addInto',
          path: '/elements',
          value: { name: 'Subtitle', type: 'text', external_id: 'sub', content_group: { codename: 'content' } },
          after: { codename: 'title' },
        },
        { op: 'addInto', path: '/elements/codename:tone/options', value: { name: 'Playful' } },
        { op: 'move', path: '/elements/codename:reading_time', before: { codename: 'title' } },
        { op: 'remove', path: '/elements/codename:pages' },
        { op: 'addInto', path: '/elements/codename:body/allowed_blocks', value: ['images'] },
        { op: 'remove', path: '/elements/codename:body/allowed_blocks/tables' },
      ])
      .toPromise();
    assert.equal(response.data.name, 'Story');
    assert.deepEqual(codenames(response).slice(0, 4), ['reading_time', 'title', 'subtitle', 'body']);
    assert.ok(!codenames(response).includes('pages'));
    assert.equal(response.data.elements[1].guidelines, 'Keep it short.');
    assert.deepEqual(response.data.elements[3].allowed_blocks, ['text', 'images']);
    const tone = response.data.elements.find((element) => element.codename === 'tone');
    assert.deepEqual(tone.options.map((option) => option.codename), ['formal', 'casual', 'playful']);
  });

  await step('modifyContentTypeSnippet() renames and keeps prefixes', async () => {
    const response = await client
      .modifyContentTypeSnippet()
      .byTypeCodename('metadata')
      .withData([
        { op: 'replace', path: '/codename', value: 'meta' },
        { op: 'addInto', path: '/elements', value: { name: 'Keywords', type: 'text' } },
      ])
      .toPromise();
    assert.deepEqual(codenames(response), ['meta__meta_title', 'meta__robots', 'meta__keywords']);
  });

  await step('errors: invalid patch, unknown type, snippet in use', async () => {
    await expectKontentError(
      client
        .modifyContentType()
        .byTypeCodename('article')
        .withData([{ op: 'move', path: '/elements/codename:title', before: { codename: 'title' } }])
        .toPromise(),
      { status: 400, errorCode: 5 },
    );
    await expectKontentError(client.viewContentType().byTypeCodename('nope').toPromise(), { status: 404, errorCode: 105 });
    await expectKontentError(client.deleteContentTypeSnippet().byTypeCodename('meta').toPromise(), {
      status: 400,
      errorCode: 0,
    });
    // A snippet edit that would clash with an element of a type using the snippet is refused.
    await client
      .modifyContentType()
      .byTypeCodename('article')
      .withData([
        {
          op: 'addInto',
          path: '/elements',
          value: { name: 'Own', type: 'text', codename: 'meta__own', content_group: { codename: 'content' } },
        },
      ])
      .toPromise();
    const clash = await expectKontentError(
      client
        .modifyContentTypeSnippet()
        .byTypeCodename('meta')
        .withData([{ op: 'addInto', path: '/elements', value: { name: 'Own', type: 'text' } }])
        .toPromise(),
      { status: 400, errorCode: 5 },
    );
    assert.match(clash.validationErrors[0].message, /content type 'article' uses this snippet/);
  });

  await step('deleteContentType() then deleteContentTypeSnippet()', async () => {
    await client.deleteContentType().byTypeId(article.id).toPromise();
    await expectKontentError(client.viewContentType().byTypeId(article.id).toPromise(), { status: 404, errorCode: 105 });
    await client.deleteContentTypeSnippet().byTypeExternalId('metadata-snippet').toPromise();
    await expectKontentError(client.viewContentTypeSnippet().byTypeId(snippet.id).toPromise(), {
      status: 404,
      errorCode: 105,
    });
  });
});
