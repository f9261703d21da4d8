// Kontent.ai: environment information and renaming through @kontent-ai/management-sdk.
import { assert, config, kontentClient, main, step } from './lib.mjs';

await main(async () => {
  const environmentId = config('KONTENT_ENVIRONMENT_ID');
  const projectName = config('KONTENT_PROJECT_NAME');
  const client = kontentClient();

  await step('environmentInformation() describes the environment', async () => {
    const response = await client.environmentInformation().toPromise();
    assert.equal(response.data.project.id, environmentId);
    assert.equal(response.data.project.name, projectName);
    assert.equal(response.data.project.environment, 'Production');
  });

  await step('modifyEnvironment() renames it', async () => {
    const response = await client
      .modifyEnvironment()
      .withData([{ op: 'rename_environment', value: 'Staging' }])
      .toPromise();
    assert.equal(response.data.id, environmentId);
    assert.equal(response.data.name, 'Staging');
    assert.equal(response.data.isProduction, true);
  });

  await step('environmentInformation() shows the new name', async () => {
    const response = await client.environmentInformation().toPromise();
    assert.equal(response.data.project.environment, 'Staging');
  });
});
