// Kontent.ai error handling through @kontent-ai/management-sdk: 401 for a wrong key, 403 for another
// project's environment, 400 with validation errors; each must become the SDK's own error type.
import { assert, config, expectKontentError, kontentClient, main, step } from './lib.mjs';

await main(async () => {
  const environmentId = config('KONTENT_ENVIRONMENT_ID');
  const otherEnvironmentId = config('KONTENT_OTHER_ENVIRONMENT_ID');
  const client = kontentClient();

  await step('a wrong API key is 401 with errorCode, requestId and message', async () => {
    const wrongKey = kontentClient({ apiKey: 'hwk_ThisKeyDoesNotExistAnywhere0000000000000000' });
    await expectKontentError(wrongKey.environmentInformation().toPromise(), { status: 401, errorCode: 0 });
    await expectKontentError(wrongKey.listLanguages().toPromise(), { status: 401, errorCode: 0 });
  });

  await step("another project's environment is 403 / error_code 4", async () => {
    const trespasser = kontentClient({ environmentId: otherEnvironmentId });
    await expectKontentError(trespasser.environmentInformation().toPromise(), { status: 403, errorCode: 4 });
    await expectKontentError(trespasser.listCollections().toPromise(), { status: 403, errorCode: 4 });
  });

  await step('modifyEnvironment() with an empty name is 400 with validationErrors', async () => {
    const error = await expectKontentError(
      client.modifyEnvironment().withData([{ op: 'rename_environment', value: '' }]).toPromise(),
      { status: 400, errorCode: 5 },
    );
    assert.ok(error.validationErrors.length > 0, 'validationErrors is not empty');
    assert.equal(typeof error.validationErrors[0].message, 'string');
    assert.ok(error.validationErrors[0].message.length > 0);
    const info = await client.environmentInformation().toPromise();
    assert.equal(info.data.project.id, environmentId);
    assert.equal(info.data.project.environment, 'Production', 'a rejected rename changes nothing');
  });

  await step('addLanguage() without a codename is 400 with validationErrors', async () => {
    const error = await expectKontentError(client.addLanguage().withData({ name: 'Nameless' }).toPromise(), {
      status: 400,
      errorCode: 5,
    });
    assert.ok(error.validationErrors.length > 0, 'validationErrors is not empty');
    assert.ok(error.validationErrors[0].message, 'validation error has a message');
  });
});
