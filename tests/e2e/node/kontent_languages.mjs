// Kontent.ai languages through @kontent-ai/management-sdk: list (all pages), add, view by every identifier
// form, modify every replaceable property, and the SDK errors of unknown languages and invalid operations.
import { assert, config, expectKontentError, kontentClient, main, step } from './lib.mjs';

const DEFAULT_LANGUAGE_ID = '00000000-0000-0000-0000-000000000000';
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

await main(async () => {
  const pageSize = Number(config('KONTENT_PAGE_SIZE'));
  const client = kontentClient();

  await step('listLanguages() holds only the default language', async () => {
    const response = await client.listLanguages().toPromise();
    assert.equal(response.data.items.length, 1);
    const [language] = response.data.items;
    assert.equal(language.id, DEFAULT_LANGUAGE_ID);
    assert.equal(language.codename, 'default');
    assert.equal(language.isDefault, true);
    assert.equal(language.isActive, true);
    assert.equal(response.data.pagination.continuationToken, null);
  });

  const added = {};
  await step('addLanguage() creates languages (201, defaults filled in)', async () => {
    const german = await client
      .addLanguage()
      .withData({ name: 'German (Germany)', codename: 'de-DE', external_id: 'lang-de', is_active: true })
      .toPromise();
    assert.equal(german.debug.response.status, 201);
    assert.match(german.data.id, GUID);
    assert.equal(german.data.name, 'German (Germany)');
    assert.equal(german.data.codename, 'de-DE');
    assert.equal(german.data.externalId, 'lang-de');
    assert.equal(german.data.isActive, true);
    assert.equal(german.data.isDefault, false);
    assert.equal(german.data.fallbackLanguage?.id, DEFAULT_LANGUAGE_ID, 'fallback defaults to the default language');
    added.german = german.data;

    const french = await client
      .addLanguage()
      .withData({ name: 'French (France)', codename: 'fr-FR', fallback_language: { codename: 'de-DE' } })
      .toPromise();
    assert.equal(french.data.fallbackLanguage?.id, german.data.id, 'fallback given by codename is returned by id');
    assert.equal(french.data.isActive, true, 'is_active defaults to true');
    assert.equal(french.data.externalId, undefined, 'no external_id unless one was given');
    added.french = french.data;

    added.spanish = (
      await client
        .addLanguage()
        .withData({ name: 'Spanish (Spain)', codename: 'es-ES', fallback_language: { id: german.data.id } })
        .toPromise()
    ).data;
    added.czech = (
      await client
        .addLanguage()
        .withData({ name: 'Czech', codename: 'cs-CZ', external_id: 'lang-cs' })
        .toPromise()
    ).data;
  });

  const expectedCodenames = ['default', 'de-DE', 'fr-FR', 'es-ES', 'cs-CZ'];
  await step(`listLanguages() pages by ${pageSize} with x-continuation`, async () => {
    const first = await client.listLanguages().toPromise();
    assert.equal(first.data.items.length, Math.min(pageSize, expectedCodenames.length));
    assert.ok(first.data.pagination.continuationToken, 'first page has a continuation token');

    const next = await client.listLanguages().xContinuationToken(first.data.pagination.continuationToken).toPromise();
    assert.deepEqual(
      next.data.items.map((language) => language.codename),
      expectedCodenames.slice(pageSize, pageSize * 2),
    );
  });

  await step('listLanguages().toAllPromise() walks every page', async () => {
    const all = await client.listLanguages().toAllPromise();
    assert.equal(all.responses.length, Math.ceil(expectedCodenames.length / pageSize), 'number of pages');
    assert.deepEqual(
      all.data.items.map((language) => language.codename),
      expectedCodenames,
    );
    const last = all.responses.at(-1);
    assert.equal(last.data.pagination.continuationToken, null, 'last page has no continuation token');
  });

  await step('viewLanguage() by id, codename and external id', async () => {
    const byId = await client.viewLanguage().byLanguageId(added.german.id).toPromise();
    const byCodename = await client.viewLanguage().byLanguageCodename('de-DE').toPromise();
    const byExternalId = await client.viewLanguage().byExternalId('lang-de').toPromise();
    for (const response of [byId, byCodename, byExternalId]) {
      assert.deepEqual(response.rawData, added.german._raw);
    }
    const defaultLanguage = await client.viewLanguage().byLanguageId(DEFAULT_LANGUAGE_ID).toPromise();
    assert.equal(defaultLanguage.data.isDefault, true);
  });

  await step('viewLanguage() of an unknown language is 404 / error_code 111', async () => {
    await expectKontentError(client.viewLanguage().byLanguageCodename('xx-XX').toPromise(), {
      status: 404,
      errorCode: 111,
    });
    await expectKontentError(
      client.viewLanguage().byLanguageId('7fb1bd15-7e56-4a5e-9b45-b1ed54a1d64a').toPromise(),
      { status: 404, errorCode: 111 },
    );
  });

  await step('modifyLanguage() replaces the name (by id)', async () => {
    const response = await client
      .modifyLanguage()
      .byLanguageId(added.german.id)
      .withData([{ op: 'replace', property_name: 'name', value: 'Deutsch' }])
      .toPromise();
    assert.equal(response.data.name, 'Deutsch');
    assert.equal(response.data.codename, 'de-DE');
    assert.equal(response.data.externalId, 'lang-de');
  });

  await step('modifyLanguage() replaces codename and name together (by codename)', async () => {
    const response = await client
      .modifyLanguage()
      .byLanguageCodename('fr-FR')
      .withData([
        { op: 'replace', property_name: 'codename', value: 'fr-CA' },
        { op: 'replace', property_name: 'name', value: 'French (Canada)' },
      ])
      .toPromise();
    assert.equal(response.data.id, added.french.id);
    assert.equal(response.data.codename, 'fr-CA');
    assert.equal(response.data.name, 'French (Canada)');
    const viewed = await client.viewLanguage().byLanguageCodename('fr-CA').toPromise();
    assert.equal(viewed.data.id, added.french.id);
    await expectKontentError(client.viewLanguage().byLanguageCodename('fr-FR').toPromise(), {
      status: 404,
      errorCode: 111,
    });
  });

  await step('modifyLanguage() replaces the fallback language (by external id)', async () => {
    const response = await client
      .modifyLanguage()
      .byExternalId('lang-cs')
      .withData([{ op: 'replace', property_name: 'fallback_language', value: { codename: 'de-DE' } }])
      .toPromise();
    assert.equal(response.data.id, added.czech.id);
    assert.equal(response.data.fallbackLanguage?.id, added.german.id);
  });

  await step('modifyLanguage() deactivates and reactivates a language', async () => {
    const deactivated = await client
      .modifyLanguage()
      .byLanguageId(added.spanish.id)
      .withData([{ op: 'replace', property_name: 'is_active', value: false }])
      .toPromise();
    assert.equal(deactivated.data.isActive, false);
    const viewed = await client.viewLanguage().byLanguageId(added.spanish.id).toPromise();
    assert.equal(viewed.data.isActive, false);

    const reactivated = await client
      .modifyLanguage()
      .byLanguageId(added.spanish.id)
      .withData([{ op: 'replace', property_name: 'is_active', value: true }])
      .toPromise();
    assert.equal(reactivated.data.isActive, true);
  });

  await step('modifyLanguage() with an unknown fallback is 400 with validation errors', async () => {
    const error = await expectKontentError(
      client
        .modifyLanguage()
        .byLanguageId(added.german.id)
        .withData([{ op: 'replace', property_name: 'fallback_language', value: { codename: 'no-such-language' } }])
        .toPromise(),
      { status: 400, errorCode: 5 },
    );
    assert.ok(error.validationErrors.length > 0, 'validationErrors is not empty');
    assert.ok(error.validationErrors[0].message, 'validation error has a message');
    const unchanged = await client.viewLanguage().byLanguageId(added.german.id).toPromise();
    assert.equal(unchanged.data.fallbackLanguage?.id, DEFAULT_LANGUAGE_ID, 'a rejected patch changes nothing');
  });

  await step('listLanguages().toAllPromise() reflects every change', async () => {
    const all = await client.listLanguages().toAllPromise();
    const byId = Object.fromEntries(all.data.items.map((language) => [language.id, language]));
    assert.equal(all.data.items.length, 5);
    assert.equal(byId[added.german.id].name, 'Deutsch');
    assert.equal(byId[added.french.id].codename, 'fr-CA');
    assert.equal(byId[added.czech.id].fallbackLanguage?.id, added.german.id);
    assert.equal(byId[added.spanish.id].isActive, true);
  });
});
