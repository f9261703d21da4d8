// Kontent.ai taxonomy groups through @kontent-ai/management-sdk: addTaxonomy() with a nested term tree,
// listTaxonomies().toAllPromise() across pages, getTaxonomy() by id, codename and external id,
// modifyTaxonomy() with every patch operation, deleteTaxonomy(), and the errors the SDK surfaces.
import { assert, config, expectKontentError, kontentClient, main, step } from './lib.mjs';

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** The term tree as nested [codename, children] pairs (leaves as bare codenames). */
function shape(terms) {
  return terms.map((term) => (term.terms.length ? [term.codename, shape(term.terms)] : term.codename));
}

await main(async () => {
  const pageSize = Number(config('KONTENT_PAGE_SIZE'));
  const client = kontentClient();

  let personas;
  await step('addTaxonomy() creates a group with a nested term tree', async () => {
    const response = await client
      .addTaxonomy()
      .withData({
        name: 'Personas',
        codename: 'personas',
        external_id: 'tax-personas',
        terms: [
          {
            name: 'Coffee expert',
            codename: 'expert',
            external_id: 'term-expert',
            terms: [{ name: 'Barista', terms: [] }, { name: 'Cafe owner', terms: [{ name: 'Roaster', terms: [] }] }],
          },
          { name: 'Coffee enthusiast', terms: [] },
        ],
      })
      .toPromise();
    personas = response.data;
    assert.match(personas.id, GUID);
    assert.equal(personas.name, 'Personas');
    assert.equal(personas.codename, 'personas');
    assert.equal(personas.externalId, 'tax-personas');
    assert.ok(personas.lastModified instanceof Date && !Number.isNaN(personas.lastModified.getTime()));
    assert.deepEqual(shape(personas.terms), [
      ['expert', ['barista', ['cafe_owner', ['roaster']]]],
      'coffee_enthusiast',
    ]);
    assert.equal(personas.terms[0].externalId, 'term-expert');
    assert.equal(personas.terms[1].externalId, undefined);
    assert.ok(!('external_id' in response.rawData.terms[1]), 'unset external_id is absent');
  });

  await step('getTaxonomy() by id, codename and external id', async () => {
    for (const query of [
      client.getTaxonomy().byTaxonomyId(personas.id),
      client.getTaxonomy().byTaxonomyCodename('personas'),
      client.getTaxonomy().byTaxonomyExternalId('tax-personas'),
    ]) {
      const response = await query.toPromise();
      assert.deepEqual(response.rawData, personas._raw);
    }
  });

  const expected = ['personas'];
  await step('listTaxonomies().toAllPromise() walks every page', async () => {
    for (const name of ['Manufacturer', 'Processing', 'Region']) {
      const response = await client.addTaxonomy().withData({ name, terms: [] }).toPromise();
      expected.push(response.data.codename);
    }
    const all = await client.listTaxonomies().toAllPromise();
    assert.equal(all.responses.length, Math.ceil(expected.length / pageSize), 'number of pages');
    assert.deepEqual(
      all.data.items.map((taxonomy) => taxonomy.codename),
      expected,
    );
    assert.deepEqual(all.data.items[0]._raw, personas._raw);
  });

  await step('modifyTaxonomy() addInto at the root, under a term, before and after siblings', async () => {
    const response = await client
      .modifyTaxonomy()
      .byTaxonomyCodename('personas')
      .withData([
        { op: 'addInto', value: { name: 'Newcomer', external_id: 'term-newcomer', terms: [] } },
        {
          op: 'addInto',
          reference: { codename: 'expert' },
          value: { name: 'Trainer' },
          before: { codename: 'barista' },
        },
        {
          op: 'addInto',
          reference: { external_id: 'term-expert' },
          value: { name: 'Critic' },
          after: { codename: 'barista' },
        },
      ])
      .toPromise();
    assert.deepEqual(shape(response.data.terms), [
      ['expert', ['trainer', 'barista', 'critic', ['cafe_owner', ['roaster']]]],
      'coffee_enthusiast',
      'newcomer',
    ]);
    assert.ok(response.data.lastModified >= personas.lastModified);
  });

  await step('modifyTaxonomy() move before, after and under', async () => {
    const response = await client
      .modifyTaxonomy()
      .byTaxonomyId(personas.id)
      .withData([
        { op: 'move', reference: { external_id: 'term-newcomer' }, before: { codename: 'expert' } },
        { op: 'move', reference: { codename: 'roaster' }, after: { codename: 'coffee_enthusiast' } },
        { op: 'move', reference: { codename: 'critic' }, under: { codename: 'coffee_enthusiast' } },
      ])
      .toPromise();
    assert.deepEqual(shape(response.data.terms), [
      'newcomer',
      ['expert', ['trainer', 'barista', 'cafe_owner']],
      ['coffee_enthusiast', ['critic']],
      'roaster',
    ]);
  });

  await step('modifyTaxonomy() replace name, codename and terms; remove', async () => {
    const response = await client
      .modifyTaxonomy()
      .byTaxonomyExternalId('tax-personas')
      .withData([
        { op: 'replace', property_name: 'name', value: 'Audiences' },
        { op: 'replace', property_name: 'codename', value: 'audiences' },
        { op: 'replace', reference: { codename: 'barista' }, property_name: 'name', value: 'Head barista' },
        {
          op: 'replace',
          reference: { codename: 'coffee_enthusiast' },
          property_name: 'terms',
          value: [{ name: 'Home brewer', codename: 'home_brewer', terms: [{ name: 'Beginner' }] }],
        },
        { op: 'remove', reference: { codename: 'roaster' } },
      ])
      .toPromise();
    assert.equal(response.data.name, 'Audiences');
    assert.equal(response.data.codename, 'audiences');
    assert.equal(response.data.terms[1].terms[1].name, 'Head barista');
    assert.deepEqual(shape(response.data.terms), [
      'newcomer',
      ['expert', ['trainer', 'barista', 'cafe_owner']],
      ['coffee_enthusiast', [['home_brewer', ['beginner']]]],
    ]);
    const fetched = await client.getTaxonomy().byTaxonomyCodename('audiences').toPromise();
    assert.deepEqual(fetched.rawData, response.rawData);
  });

  await step('modifyTaxonomy() with an invalid operation is 400 and changes nothing', async () => {
    const before = await client.getTaxonomy().byTaxonomyCodename('audiences').toPromise();
    const error = await expectKontentError(
      client
        .modifyTaxonomy()
        .byTaxonomyCodename('audiences')
        .withData([
          { op: 'replace', property_name: 'name', value: 'Changed' },
          { op: 'move', reference: { codename: 'expert' }, under: { codename: 'barista' } },
        ])
        .toPromise(),
      { status: 400, errorCode: 5 },
    );
    assert.match(error.validationErrors[0].message, /^Invalid operation with index '1': /);
    const after = await client.getTaxonomy().byTaxonomyCodename('audiences').toPromise();
    assert.deepEqual(after.rawData, before.rawData);
  });

  await step('deleteTaxonomy() removes the group; later lookups are 404 (error_code 107)', async () => {
    await client.deleteTaxonomy().byTaxonomyCodename('audiences').toPromise();
    await expectKontentError(client.getTaxonomy().byTaxonomyId(personas.id).toPromise(), {
      status: 404,
      errorCode: 107,
    });
    await expectKontentError(client.deleteTaxonomy().byTaxonomyExternalId('tax-personas').toPromise(), {
      status: 404,
      errorCode: 107,
    });
    const all = await client.listTaxonomies().toAllPromise();
    assert.deepEqual(
      all.data.items.map((taxonomy) => taxonomy.codename),
      expected.slice(1),
    );
  });

  await step('addTaxonomy() without terms is 400 with validation errors', async () => {
    const error = await expectKontentError(client.addTaxonomy().withData({ name: 'No terms' }).toPromise(), {
      status: 400,
      errorCode: 5,
    });
    assert.ok(error.validationErrors.length > 0, 'validationErrors is not empty');
  });
});
