// Contentful error handling through contentful-management: error.name is the server's sys.id and the
// JSON error message carries status, message, details and requestId.
import { assert, config, contentfulClient, expectContentfulError, main, step } from './lib.mjs';

await main(async () => {
  const spaceId = config('CONTENTFUL_SPACE_ID');
  const client = contentfulClient();

  await step('a bad token is 401 AccessTokenInvalid', async () => {
    const stranger = contentfulClient({ accessToken: 'CFPAT-this-token-does-not-exist' });
    await expectContentfulError(stranger.getCurrentUser(), { name: 'AccessTokenInvalid', status: 401 });
    await expectContentfulError(stranger.getSpace(spaceId), { name: 'AccessTokenInvalid', status: 401 });
  });

  const space = await step('getSpace()', () => client.getSpace(spaceId));
  const environment = await step('getEnvironment(master)', () => space.getEnvironment('master'));

  await step('unknown space, environment and locale are 404 NotFound', async () => {
    const { details } = await expectContentfulError(client.getSpace('nosuchspace00'), {
      name: 'NotFound',
      status: 404,
    });
    assert.equal(details.details?.type, 'Space');
    await expectContentfulError(space.getEnvironment('no-such-environment'), { name: 'NotFound', status: 404 });
    await expectContentfulError(environment.getLocale('nosuchlocale00'), { name: 'NotFound', status: 404 });
  });

  await step('an update with a stale version is 409 VersionMismatch', async () => {
    const first = await client.getSpace(spaceId);
    const second = await client.getSpace(spaceId);
    first.name = 'Renamed once';
    await first.update();
    second.name = 'Renamed from a stale copy';
    await expectContentfulError(second.update(), { name: 'VersionMismatch', status: 409 });
    assert.equal((await client.getSpace(spaceId)).name, 'Renamed once');

    const locale = await environment.createLocale({ name: 'Dutch', code: 'nl-NL', fallbackCode: 'en-US' });
    const stale = await environment.getLocale(locale.sys.id);
    locale.name = 'Nederlands';
    await locale.update();
    stale.name = 'Flemish';
    await expectContentfulError(stale.update(), { name: 'VersionMismatch', status: 409 });
  });

  await step('a duplicate locale code is 422 ValidationFailed', async () => {
    const { details } = await expectContentfulError(
      environment.createLocale({ name: 'Dutch again', code: 'nl-NL', fallbackCode: 'en-US' }),
      { name: 'ValidationFailed', status: 422 },
    );
    const errors = details.details?.errors;
    assert.ok(Array.isArray(errors) && errors.length > 0, `details.errors: ${JSON.stringify(details.details)}`);
    assert.equal(errors[0].name, 'taken', JSON.stringify(errors));
  });

  await step('deleting the default locale is 403 DefaultLocaleNotDeletable', async () => {
    const locales = await environment.getLocales();
    const defaultLocale = locales.items.find((locale) => locale.default);
    assert.ok(defaultLocale, 'there is a default locale');
    await expectContentfulError(defaultLocale.delete(), { name: 'DefaultLocaleNotDeletable', status: 403 });
    const after = await environment.getLocales();
    assert.ok(after.items.some((locale) => locale.code === defaultLocale.code), 'the default locale is still there');
  });
});
