// Shared helpers for the Node interop tests: the same PASS/FAIL line protocol
// as harness.py (run.sh counts the lines), the outbox, and an SRP sign-in
// through amazon-cognito-identity-js.
//
// No polyfills are needed on Node 18+: ACIJS imports isomorphic-unfetch (which
// brings node-fetch), takes its random numbers from globalThis.crypto, and
// falls back to in-memory storage when there is no window.localStorage.
import { readFileSync } from 'node:fs';
import {
  AuthenticationDetails,
  CognitoUser,
  CognitoUserPool,
} from 'amazon-cognito-identity-js';

export const ENDPOINT = (process.env.COGNITO_ENDPOINT || 'http://127.0.0.1:9229').replace(/\/$/, '');

/** The pool, app client and confirmed user tests/interop/fixture.py made. */
export function fixture() {
  const path = process.env.INTEROP_FIXTURE;
  if (!path) throw new Error('INTEROP_FIXTURE is not set (run tests/interop/run.sh)');
  return JSON.parse(readFileSync(path, 'utf8'));
}

const tests = [];
const passed = new Set();

export function test(name, fn, needs = []) {
  tests.push({ name, fn, needs });
}

export async function run() {
  let failed = 0;
  for (const { name, fn, needs } of tests) {
    const blocked = needs.filter((n) => !passed.has(n));
    if (blocked.length) {
      console.log(`FAIL ${name}: blocked by ${blocked.join(', ')}`);
      failed += 1;
      continue;
    }
    try {
      await fn();
      console.log(`PASS ${name}`);
      passed.add(name);
    } catch (e) {
      const code = e && (e.code || e.name);
      console.log(`FAIL ${name}: ${code ? `${code}: ` : ''}${e && e.message}`);
      failed += 1;
    }
  }
  process.exitCode = failed ? 1 : 0;
}

export function assert(cond, message) {
  if (!cond) throw new Error(`assertion failed: ${message}`);
}

export async function getJson(path) {
  const r = await fetch(`${ENDPOINT}${path}`);
  if (!r.ok) throw new Error(`GET ${path} -> HTTP ${r.status}`);
  return r.json();
}

export async function lastCode(poolId, username) {
  const q = new URLSearchParams({ pool_id: poolId, username });
  const { messages } = await getJson(`/_outbox?${q}`);
  assert(messages.length > 0, `no message in the outbox for ${username}`);
  return messages[messages.length - 1].code;
}

export function userPool(poolId, clientId) {
  return new CognitoUserPool({ UserPoolId: poolId, ClientId: clientId, endpoint: `${ENDPOINT}/` });
}

/** USER_SRP_AUTH through ACIJS; resolves to the CognitoUserSession. */
export function signIn(pool, username, password) {
  const user = new CognitoUser({ Username: username, Pool: pool });
  const details = new AuthenticationDetails({ Username: username, Password: password });
  return new Promise((resolve, reject) => {
    user.authenticateUser(details, {
      onSuccess: (session) => resolve({ session, user }),
      onFailure: (err) => reject(err),
      newPasswordRequired: () => reject(new Error('unexpected NEW_PASSWORD_REQUIRED')),
      mfaRequired: () => reject(new Error('unexpected SMS_MFA')),
      totpRequired: () => reject(new Error('unexpected SOFTWARE_TOKEN_MFA')),
      customChallenge: () => reject(new Error('unexpected CUSTOM_CHALLENGE')),
      mfaSetup: () => reject(new Error('unexpected MFA_SETUP')),
      selectMFAType: () => reject(new Error('unexpected SELECT_MFA_TYPE')),
    });
  });
}

/** Wraps a node-style ACIJS call in a promise. */
export function call(fn) {
  return new Promise((resolve, reject) => fn((err, data) => (err ? reject(err) : resolve(data))));
}

/** What the interop Lambda handlers recorded ({fn, event, response}), oldest first. */
export function lambdaRecords(fn) {
  const path = process.env.INTEROP_LAMBDA_LOG;
  if (!path) throw new Error('INTEROP_LAMBDA_LOG is not set (run tests/interop/run.sh)');
  let text = '';
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    if (e.code !== 'ENOENT') throw e;
  }
  return text
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l))
    .filter((r) => !fn || r.fn === fn);
}

/**
 * The one-time code CreateAuthChallenge made last for `email` in pool
 * `poolId`: its private challenge parameter, which only the handlers' log
 * shows (the client gets a hint).
 */
export function lastOneTimeCode(poolId, email) {
  const made = lambdaRecords('createAuth').filter(
    (r) => r.event.userPoolId === poolId && r.event.request.userAttributes.email === email,
  );
  assert(made.length > 0, `CreateAuthChallenge made no code for ${email}`);
  return made[made.length - 1].response.privateChallengeParameters.code;
}

/** The CUSTOM_AUTH fixture tests/interop/fixture_custom_auth.py made. */
export function customAuthFixture() {
  const path = process.env.CUSTOM_AUTH_FIXTURE;
  if (!path) throw new Error('CUSTOM_AUTH_FIXTURE is not set (run tests/interop/run.sh)');
  return JSON.parse(readFileSync(path, 'utf8'));
}

/** A wrong code: never the right one. */
export function wrongCode(code) {
  return code === '000000' ? '111111' : '000000';
}
