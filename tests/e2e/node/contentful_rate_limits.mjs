// Contentful rate limiting against a server run with `--rate-limits emulate` (10 requests/second per
// space): with retryOnError:false a burst fails with RateLimitExceeded; with the SDK's retries (default
// retryLimit, waiting X-Contentful-RateLimit-Reset seconds) every request of a burst succeeds.
import { assert, config, contentfulClient, contentfulDetails, describe, main, step } from './lib.mjs';

// 25 > 2 × 10: even a burst that straddles a one-second window boundary exceeds one window's budget.
const BURST_WITHOUT_RETRIES = 25;
const BURST_WITH_RETRIES = 15;

function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

await main(async () => {
  const spaceId = config('CONTENTFUL_SPACE_ID');

  await step(`${BURST_WITHOUT_RETRIES} concurrent getSpace(), retryOnError:false: RateLimitExceeded`, async () => {
    const client = contentfulClient({ retryOnError: false });
    const results = await Promise.allSettled(
      Array.from({ length: BURST_WITHOUT_RETRIES }, () => client.getSpace(spaceId)),
    );
    const rejected = results.filter((result) => result.status === 'rejected').map((result) => result.reason);
    const unexpected = rejected.filter((error) => error?.name !== 'RateLimitExceeded');
    assert.equal(unexpected.length, 0, `only rate limiting may fail:\n${unexpected.map(describe).join('\n')}`);
    assert.ok(rejected.length >= 1, `expected at least one RateLimitExceeded among ${BURST_WITHOUT_RETRIES}`);
    assert.ok(results.some((result) => result.status === 'fulfilled'), 'some requests are within the budget');
    for (const error of rejected) {
      const details = contentfulDetails(error);
      assert.equal(details.status, 429, error.message);
      assert.ok(details.requestId, `requestId: ${error.message}`);
      assert.ok(details.message, `message: ${error.message}`);
    }
    console.log(`     ${rejected.length} of ${BURST_WITHOUT_RETRIES} were limited`);
  });

  // Start the next burst in a fresh one-second window.
  await sleep(1100);

  await step(`${BURST_WITH_RETRIES} concurrent requests with the default retries all succeed`, async () => {
    let retried = 0;
    const countRetries = (level, data) => {
      if (level === 'warning' && String(data).startsWith('Rate limit')) retried += 1;
    };
    const client = contentfulClient({ retryOnError: true, logHandler: countRetries });
    const space = await client.getSpace(spaceId);
    const started = Date.now();
    const results = await Promise.allSettled(
      Array.from({ length: BURST_WITH_RETRIES }, (_, index) =>
        index % 2 === 0 ? space.getEnvironments() : client.getSpace(spaceId),
      ),
    );
    const failed = results.filter((result) => result.status === 'rejected').map((result) => describe(result.reason));
    assert.deepEqual(failed, [], 'every request eventually succeeds');
    console.log(`     burst done in ${Date.now() - started} ms, ${retried} retries after 429`);
  });
});
