// Environment validation through @kontent-ai/management-sdk: startEnvironmentValidation(), polling
// checkEnvironmentValidation() until the task is finished, listEnvironmentValidationIssues().toAllPromise()
// mapped into the SDK's type and variant issue models, the deprecated synchronous POST /validate through the
// SDK's generic post(), and the 404 of an unknown task.
import { assert, config, expectKontentError, kontentClient, main, step } from './lib.mjs';
import { GUID, ZERO_GUID, createContentModel } from './kontent_content_model.mjs';

await main(async () => {
  const client = kontentClient();
  const environmentId = config('KONTENT_ENVIRONMENT_ID');
  const { ids } = await createContentModel(client);

  const start = async () => {
    const started = await client.startEnvironmentValidation().toPromise();
    assert.equal(started.debug.response.status, 202);
    assert.match(started.data.id, GUID);
    let task = started.data;
    for (let attempt = 0; task.status !== 'finished'; attempt += 1) {
      assert.ok(attempt < 50, `validation task ${task.id} did not finish: ${task.status}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
      task = (await client.checkEnvironmentValidation().byTaskId(started.data.id).toPromise()).data;
    }
    return task;
  };

  await step('a clean environment validates with no issues', async () => {
    const item = await client.addContentItem().withData({ name: 'Clean', type: { codename: 'article' } }).toPromise();
    await client
      .upsertLanguageVariant()
      .byItemId(item.data.id)
      .byLanguageId(ZERO_GUID)
      .withData((builder) => ({ elements: [builder.textElement({ element: { codename: 'title' }, value: 'Clean' })] }))
      .toPromise();
    const task = await start();
    assert.equal(task.validation_result, 'no_issues');
    const issues = await client.listEnvironmentValidationIssues().byTaskId(task.id).toAllPromise();
    assert.deepEqual(issues.data.items, []);
  });

  let broken;
  let missingId;
  await step('variant and type issues are listed and mapped into the SDK issue models', async () => {
    broken = (
      await client.addContentItem().withData({ name: 'Dangling', type: { codename: 'article' } }).toPromise()
    ).data;
    const variant = await client
      .upsertLanguageVariant()
      .byItemId(broken.id)
      .byLanguageId(ZERO_GUID)
      .withData((builder) => ({
        elements: [builder.linkedItemsElement({ element: { codename: 'related' }, value: [{ external_id: 'never' }] })],
      }))
      .toPromise();
    missingId = variant.data.elements.find((element) => element.element.id === ids.related).value[0].id;
    await client
      .addContentType()
      .withData((builder) => ({
        name: 'Tagged',
        codename: 'tagged',
        elements: [
          builder.taxonomyElement({
            name: 'Tags',
            codename: 'tags',
            type: 'taxonomy',
            taxonomy_group: { external_id: 'tags-later' },
          }),
        ],
      }))
      .toPromise();

    const task = await start();
    assert.equal(task.validation_result, 'issues_found');
    const all = await client.listEnvironmentValidationIssues().byTaskId(task.id).toAllPromise();
    const typeIssues = all.data.items.filter((issue) => issue.issue_type === 'type_issue');
    const variantIssues = all.data.items.filter((issue) => issue.issue_type === 'variant_issue');
    assert.equal(all.data.items.length, 2);
    assert.equal(typeIssues[0].type.codename, 'tagged');
    assert.equal(typeIssues[0].issues[0].element.codename, 'tags');
    assert.ok(typeIssues[0].issues[0].messages.length > 0);
    const [issue] = variantIssues;
    assert.equal(issue.item.id, broken.id);
    assert.equal(issue.item.codename, 'dangling');
    assert.equal(issue.language.id, ZERO_GUID);
    assert.equal(issue.language.codename, 'default');
    assert.equal(issue.issues[0].element.codename, 'related');
    assert.ok(
      issue.issues[0].messages.some((message) => message.includes(missingId)),
      `a message names the missing item ${missingId}: ${issue.issues[0].messages}`,
    );
  });

  await step('the deprecated synchronous POST /validate through the generic post()', async () => {
    const response = await client.post().withAction(`projects/${environmentId}/validate`).withData({}).toPromise();
    assert.equal(response.debug.response.status, 200);
    const report = response.data;
    assert.equal(report.project.id, environmentId);
    assert.deepEqual(
      report.variant_issues.map((issue) => issue.item.id),
      [broken.id],
    );
    assert.deepEqual(
      report.type_issues.map((issue) => issue.type.codename),
      ['tagged'],
    );
  });

  await step('an unknown task is 404 (error_code 120)', async () => {
    await expectKontentError(
      client.checkEnvironmentValidation().byTaskId('499f0e7d-a1e9-42d2-9bf2-a7336291f8df').toPromise(),
      { status: 404, errorCode: 120 },
    );
  });
});
