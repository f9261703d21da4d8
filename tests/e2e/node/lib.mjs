// Shared helpers for the end-to-end scripts: configuration from the environment, named steps, and one
// clear failure message (step, assertion or SDK error with the server's answer) before exiting non-zero.
import assert from 'node:assert/strict';
import { inspect } from 'node:util';

import { createManagementClient, SharedModels } from '@kontent-ai/management-sdk';
import { createClient } from 'contentful-management';

let currentStep = '(setup)';

// The Kontent.ai core SDK logs every failed request with the whole axios error (hundreds of lines). Keep
// its first line and the server's answer, so that a failure report stays readable.
const consoleError = console.error.bind(console);
console.error = (first, ...rest) => {
  if (typeof first === 'string' && first.startsWith('Executing ') && first.includes('Request was retried')) {
    const response = rest[0]?.response;
    consoleError(`[kontent sdk] ${first.trim()} -> ${response?.status} ${JSON.stringify(response?.data)}`);
    return;
  }
  consoleError(first, ...rest);
};

/** A required configuration value from the environment. */
export function config(name) {
  const value = process.env[name];
  if (!value) {
    console.error(`missing environment variable ${name}`);
    process.exit(2);
  }
  return value;
}

/** Run one named step; the name is what a failure report points at. */
export async function step(name, fn) {
  currentStep = name;
  const started = Date.now();
  const result = await fn();
  console.log(`ok   ${name} (${Date.now() - started} ms)`);
  return result;
}

/** Run a whole script: exit 0 when every step passed, else print the first failure and exit 1. */
export async function main(fn) {
  try {
    await fn();
  } catch (error) {
    console.error(`FAIL ${currentStep}`);
    console.error(describe(error));
    process.exit(1);
  }
  process.exit(0);
}

/** A readable account of anything thrown: assertion diffs, SDK errors with status and body, stacks. */
export function describe(error) {
  if (error instanceof assert.AssertionError) {
    // Node keeps its diff under a custom message only for (deep) equality; add the values for the rest.
    const diffed = ['strictEqual', 'deepStrictEqual', 'notStrictEqual', 'notDeepStrictEqual', 'fail'];
    if (error.generatedMessage || diffed.includes(error.operator)) return error.message;
    return [
      error.message,
      `  actual:   ${inspect(error.actual, { depth: 6 })}`,
      `  expected: ${inspect(error.expected, { depth: 6 })} (${error.operator})`,
    ].join('\n');
  }
  if (error instanceof SharedModels.ContentManagementBaseKontentError) {
    const response = axiosOf(error)?.response;
    return [
      'Kontent.ai SDK error',
      `  status: ${response?.status}`,
      `  url: ${response?.config?.method?.toUpperCase()} ${response?.config?.url}`,
      `  errorCode: ${error.errorCode}`,
      `  message: ${error.message}`,
      `  requestId: ${error.requestId}`,
      `  validationErrors: ${JSON.stringify(error.validationErrors)}`,
      `  body: ${JSON.stringify(response?.data)}`,
    ].join('\n');
  }
  if (error?.isAxiosError) {
    const response = error.response;
    return [
      `HTTP error without an SDK mapping: ${error.message}`,
      `  url: ${error.config?.method?.toUpperCase()} ${error.config?.url}`,
      `  status: ${response?.status}`,
      `  body: ${JSON.stringify(response?.data)}`,
    ].join('\n');
  }
  if (error instanceof Error) {
    // contentful-management puts the status, the server's message/details and the request in a JSON message.
    if (error.message.trimStart().startsWith('{')) return `${error.name}: ${error.message}`;
    return error.stack ?? `${error.name}: ${error.message}`;
  }
  return inspect(error, { depth: 6 });
}

// ---------------------------------------------------------------- Kontent.ai

/**
 * The Management SDK pointed at the server. Retries are off (`maxAttempts: 0`) so that errors surface at
 * once; `defaultRetries: true` leaves the SDK's own default retry strategy in place.
 */
export function kontentClient({ apiKey, environmentId, defaultRetries = false } = {}) {
  return createManagementClient({
    environmentId: environmentId ?? config('KONTENT_ENVIRONMENT_ID'),
    apiKey: apiKey ?? config('KONTENT_API_KEY'),
    baseUrl: config('KONTENT_BASE_URL'),
    ...(defaultRetries ? {} : { retryStrategy: { maxAttempts: 0 } }),
  });
}

/** The axios error under an SDK error (the SDK may wrap it once more). */
export function axiosOf(error) {
  const original = error?.originalError;
  if (original?.isAxiosError) return original;
  if (original?.error?.isAxiosError) return original.error;
  return undefined;
}

/**
 * Await a Kontent.ai SDK call that must fail, and check the SDK turned the answer into its error type
 * with `errorCode`, `requestId` and `message` populated.
 */
export async function expectKontentError(promise, { status, errorCode }) {
  let error;
  try {
    const value = await promise;
    const shown = inspect(value?.rawData ?? value, { depth: 4 });
    assert.fail(`expected HTTP ${status} (error_code ${errorCode}) but the call succeeded: ${shown}`);
  } catch (caught) {
    if (caught instanceof assert.AssertionError) throw caught;
    error = caught;
  }
  assert.ok(
    error instanceof SharedModels.ContentManagementBaseKontentError,
    `expected a ContentManagementBaseKontentError, got: ${describe(error)}`,
  );
  const response = axiosOf(error)?.response;
  assert.equal(response?.status, status, `HTTP status\n${describe(error)}`);
  assert.equal(error.errorCode, errorCode, `errorCode\n${describe(error)}`);
  assert.equal(typeof error.requestId, 'string', `requestId\n${describe(error)}`);
  assert.ok(error.requestId.length > 0, `requestId is empty\n${describe(error)}`);
  assert.equal(typeof error.message, 'string', `message\n${describe(error)}`);
  assert.ok(error.message.length > 0, `message is empty\n${describe(error)}`);
  return error;
}

// ---------------------------------------------------------------- Contentful

/**
 * contentful-management pointed at the server (`host` without a scheme, plain HTTP), retries off by default.
 * In 12.18 a bare `createClient(params)` returns the plain client; the nested client with `getSpace()`,
 * `space.getEnvironment()`, … is `{ type: 'legacy' }` (deprecated upstream, still the most used API).
 */
export function contentfulClient({ accessToken, retryOnError = false, plain = false, ...rest } = {}) {
  const params = {
    accessToken: accessToken ?? config('CONTENTFUL_TOKEN'),
    host: config('CONTENTFUL_HOST'),
    insecure: true,
    retryOnError,
    logHandler: quietLogHandler,
    ...rest,
  };
  return createClient(params, { type: plain ? 'plain' : 'legacy' });
}

function quietLogHandler(level, data) {
  if (level === 'error') console.error(`[contentful ${level}]`, data);
}

/** The server's answer inside a contentful-management error (its message is JSON). */
export function contentfulDetails(error) {
  try {
    return JSON.parse(error.message);
  } catch {
    return { unparsed: error?.message };
  }
}

/** Await a contentful-management call that must fail with `name` (the server's `sys.id`) and `status`. */
export async function expectContentfulError(promise, { name, status }) {
  let error;
  try {
    const value = await promise;
    const shown = typeof value?.toPlainObject === 'function' ? value.toPlainObject() : value;
    assert.fail(`expected ${status} ${name} but the call succeeded: ${inspect(shown, { depth: 4 })}`);
  } catch (caught) {
    if (caught instanceof assert.AssertionError) throw caught;
    error = caught;
  }
  assert.ok(error instanceof Error, `expected an Error, got ${inspect(error)}`);
  const details = contentfulDetails(error);
  assert.equal(error.name, name, `error name (sys.id); server said: ${error.name}: ${error.message}`);
  assert.equal(details.status, status, `HTTP status; server said: ${error.message}`);
  assert.equal(typeof details.requestId, 'string', `requestId; server said: ${error.message}`);
  return { error, details };
}

/** Poll an environment until `sys.status.sys.id` is `ready` (what Contentful's own tooling does). */
export async function waitForEnvironmentReady(space, environmentId, { timeoutMs = 15000 } = {}) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const environment = await space.getEnvironment(environmentId);
    if (environment.sys.status?.sys?.id === 'ready') return environment;
    if (Date.now() > deadline) {
      const status = JSON.stringify(environment.sys.status);
      assert.fail(`environment ${environmentId} not ready after ${timeoutMs} ms: ${status}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** A short random suffix for names and ids that must not collide across runs on one database. */
export function unique(prefix = '') {
  return `${prefix}${Math.random().toString(36).slice(2, 8)}`;
}

export { assert };
