// Kontent.ai rate limiting against a server run with `--rate-limits emulate` (10 requests/second per
// environment): without retries a burst meets 429 / error_code 10000 with a numeric Retry-After; with the
// SDK's default retry strategy every request of a burst eventually succeeds.
import { assert, axiosOf, config, describe, kontentClient, main, step } from './lib.mjs';
import { SharedModels } from '@kontent-ai/management-sdk';

// 25 > 2 × 10: even a burst that straddles a one-second window boundary exceeds one window's budget.
const BURST_WITHOUT_RETRIES = 25;
const BURST_WITH_RETRIES = 15;

await main(async () => {
  await step(`${BURST_WITHOUT_RETRIES} concurrent requests without retries meet 429`, async () => {
    const client = kontentClient();
    const results = await Promise.allSettled(
      Array.from({ length: BURST_WITHOUT_RETRIES }, () => client.environmentInformation().toPromise()),
    );
    const rejected = results.filter((result) => result.status === 'rejected').map((result) => result.reason);
    const limited = rejected.filter((error) => axiosOf(error)?.response?.status === 429);
    const unexpected = rejected.filter((error) => axiosOf(error)?.response?.status !== 429);
    assert.equal(unexpected.length, 0, `only 429s may fail:\n${unexpected.map(describe).join('\n')}`);
    assert.ok(limited.length >= 1, `expected at least one 429 among ${BURST_WITHOUT_RETRIES} requests`);
    assert.ok(results.some((result) => result.status === 'fulfilled'), 'some requests are within the budget');
    for (const error of limited) {
      assert.ok(error instanceof SharedModels.ContentManagementBaseKontentError, describe(error));
      assert.equal(error.errorCode, 10000, describe(error));
      assert.ok(error.requestId, `requestId\n${describe(error)}`);
      assert.ok(error.message, `message\n${describe(error)}`);
      const retryAfter = axiosOf(error).response.headers['retry-after'];
      assert.match(String(retryAfter), /^\d+$/, `Retry-After is a number of seconds: ${retryAfter}`);
    }
    console.log(`     ${limited.length} of ${BURST_WITHOUT_RETRIES} were limited`);
  });

  await step(`${BURST_WITH_RETRIES} concurrent requests with the default retry strategy all succeed`, async () => {
    const client = kontentClient({
      environmentId: config('KONTENT_RETRY_ENVIRONMENT_ID'),
      apiKey: config('KONTENT_RETRY_API_KEY'),
      defaultRetries: true,
    });
    const started = Date.now();
    const results = await Promise.allSettled(
      Array.from({ length: BURST_WITH_RETRIES }, () => client.environmentInformation().toPromise()),
    );
    const failed = results.filter((result) => result.status === 'rejected').map((result) => describe(result.reason));
    assert.deepEqual(failed, [], 'every request eventually succeeds');
    console.log(`     burst done in ${Date.now() - started} ms`);
  });
});
