// MFA through amazon-cognito-identity-js and aws-amplify v6 against
// userpool-server (cognito-mfa-devices-passwordless.md §10, rows A-F):
// ACIJS's associateSoftwareToken / verifySoftwareToken / setUserMfaPreference
// and its totpRequired, mfaSetup, mfaRequired and selectMFAType callbacks;
// Amplify's CONTINUE_SIGN_IN_WITH_TOTP_SETUP, CONFIRM_SIGN_IN_WITH_TOTP_CODE,
// CONFIRM_SIGN_IN_WITH_EMAIL_CODE, email set-up and MFA selection steps; a
// device remembered through either library signing in without a second
// factor, refreshing with its key, and asked for one again once forgotten.
//
// The pools are made here through the server's JSON API (an administrator's
// calls; this server takes them unsigned). TOTP codes come from a small
// RFC 6238 implementation checked against the RFC's own vectors; each user's
// Authenticator hands out codes for strictly increasing steps inside the
// t-1..t+1 window the server accepts, so no test waits for the clock.
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { AuthenticationDetails, CognitoUser } from 'amazon-cognito-identity-js';
import { Amplify } from 'aws-amplify';
import {
  confirmSignIn,
  fetchAuthSession,
  fetchDevices,
  fetchMFAPreference,
  forgetDevice,
  rememberDevice,
  setUpTOTP,
  signIn as amplifySignIn,
  signOut,
  updateMFAPreference,
  verifyTOTPSetup,
} from 'aws-amplify/auth';
import { ENDPOINT, assert, call, getJson, run, signIn, test, userPool } from './lib.mjs';

const PASSWORD = '1234Abcd^';
const S = {};

// Amplify names a new device after navigator.userAgent when it confirms it;
// Node 20 has no navigator, and Amplify then skips ConfirmDevice silently.
if (typeof globalThis.navigator === 'undefined') {
  globalThis.navigator = { userAgent: 'userpool-interop (Node.js)' };
}

// --- TOTP (RFC 6238: HMAC-SHA1, 6 digits, 30 s) -----------------------------

function base32(text) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = 0;
  let value = 0;
  const out = [];
  for (const ch of text.replace(/=+$/, '')) {
    const i = alphabet.indexOf(ch);
    if (i < 0) throw new Error(`not base32: ${ch}`);
    value = (value << 5) | i;
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  return Buffer.from(out);
}

function totpAt(secret, step) {
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(step));
  const mac = createHmac('sha1', base32(secret)).update(counter).digest();
  const offset = mac[mac.length - 1] & 0x0f;
  const n = (mac.readUInt32BE(offset) & 0x7fffffff) % 1000000;
  return String(n).padStart(6, '0');
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** A user's authenticator app (see the Python suite's twin). */
class Authenticator {
  constructor(secret) {
    this.secret = secret;
    this.last = null;
    this.lastCode = null;
  }

  async code() {
    for (;;) {
      const now = Date.now() / 1000;
      const step = Math.floor(now / 30);
      const into = now - step * 30;
      const low = into < 25 ? step - 1 : step;
      const high = into > 2 ? step + 1 : step;
      const want = this.last === null ? low : Math.max(low, this.last + 1);
      if (want <= high) {
        this.last = want;
        this.lastCode = totpAt(this.secret, want);
        return this.lastCode;
      }
      await sleep(((want - 1) * 30 + 3 - now) * 1000);
    }
  }

  wrong() {
    const step = Math.floor(Date.now() / 30000);
    const taken = new Set([-2, -1, 0, 1, 2].map((k) => totpAt(this.secret, step + k)));
    return ['000000', '111111', '222222', '333333', '444444'].find((c) => !taken.has(c));
  }
}

// --- the administrator's side ---------------------------------------------

async function admin(operation, body) {
  const r = await fetch(`${ENDPOINT}/`, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/x-amz-json-1.1',
      'X-Amz-Target': `AWSCognitoIdentityProviderService.${operation}`,
    },
    body: JSON.stringify(body),
  });
  const data = await r.json();
  if (!r.ok) throw new Error(`${operation} -> HTTP ${r.status}: ${JSON.stringify(data)}`);
  return data;
}

async function quickstartPool(name, mfa, extra = {}) {
  const spec = JSON.parse(readFileSync(new URL('./quickstart-pool.json', import.meta.url), 'utf8'));
  Object.assign(spec, extra, { PoolName: name });
  const poolId = (await admin('CreateUserPool', spec)).UserPool.Id;
  const clientId = (
    await admin('CreateUserPoolClient', {
      UserPoolId: poolId,
      ClientName: `${name}-client`,
      ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_USER_SRP_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
    })
  ).UserPoolClient.ClientId;
  await admin('SetUserPoolMfaConfig', { UserPoolId: poolId, ...mfa });
  return { poolId, clientId, pool: userPool(poolId, clientId) };
}

const QUICKSTART_ATTRIBUTES = [
  { Name: 'family_name', Value: 'Foobar' },
  { Name: 'custom:tenant_id', Value: '1234567890' },
  { Name: 'custom:created_at', Value: '2022-01-01' },
  { Name: 'custom:employee_id', Value: '10' },
  { Name: 'custom:is_admin', Value: 'false' },
];

/** Signed up and confirmed by an administrator. */
async function newUser(p, email, extra = []) {
  await admin('SignUp', {
    ClientId: p.clientId,
    Username: email,
    Password: PASSWORD,
    UserAttributes: [...QUICKSTART_ATTRIBUTES, ...extra],
  });
  await admin('AdminConfirmSignUp', { UserPoolId: p.poolId, Username: email });
}

/** The last `medium` message the user got (asked by internal username: an SMS goes to the phone). */
async function lastMessage(poolId, email, medium) {
  const q = new URLSearchParams({ pool_id: poolId, username: await internalUsername(poolId, email) });
  const sent = (await getJson(`/_outbox?${q}`)).messages.filter((m) => m.medium === medium);
  assert(sent.length > 0, `no ${medium} message in the outbox for ${email}`);
  return sent[sent.length - 1];
}

async function internalUsername(poolId, email) {
  return (await admin('AdminGetUser', { UserPoolId: poolId, Username: email })).Username;
}

async function mfaMembers(poolId, email) {
  const user = await admin('AdminGetUser', { UserPoolId: poolId, Username: email });
  const out = {};
  for (const k of ['UserMFASettingList', 'PreferredMfaSetting', 'MFAOptions']) if (k in user) out[k] = user[k];
  return JSON.stringify(out);
}

/**
 * authenticateUser through ACIJS, resolving at the first callback with its
 * name and arguments (`this` is the callback map, for chaining as ACIJS's
 * README does).
 */
function authenticate(p, email, extra = {}) {
  const user = new CognitoUser({ Username: email, Pool: p.pool });
  const details = new AuthenticationDetails({ Username: email, Password: PASSWORD });
  return new Promise((resolve) => {
    const at = (name) =>
      function (...args) {
        resolve({ name, args, user, callbacks: this });
      };
    user.authenticateUser(details, {
      onSuccess: at('onSuccess'),
      onFailure: at('onFailure'),
      newPasswordRequired: at('newPasswordRequired'),
      mfaRequired: at('mfaRequired'),
      totpRequired: at('totpRequired'),
      customChallenge: at('customChallenge'),
      mfaSetup: at('mfaSetup'),
      selectMFAType: at('selectMFAType'),
      ...extra,
    });
  });
}

/** ACIJS's sendMFACode as a promise of the session. */
function sendMFACode(user, code, type) {
  return new Promise((resolve, reject) =>
    user.sendMFACode(code, { onSuccess: resolve, onFailure: reject }, type),
  );
}

async function expectError(promise, code, message) {
  try {
    await promise;
  } catch (e) {
    const got = e.code || e.name;
    assert(got === code, `expected ${code}, got ${got}: ${e.message}`);
    assert(e.message === message, `message ${JSON.stringify(e.message)}, expected ${JSON.stringify(message)}`);
    return;
  }
  throw new Error(`expected ${code}, but the call succeeded`);
}

// --- tests ------------------------------------------------------------------

test('totp_helper_matches_rfc6238', async () => {
  const secret = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ';
  const got = [59, 1111111109, 1234567890, 2000000000].map((t) => totpAt(secret, Math.floor(t / 30)));
  assert(JSON.stringify(got) === JSON.stringify(['287082', '081804', '005924', '279037']), got.join(','));
});

test('pools', async () => {
  S.opt = await quickstartPool('mfa-optional-node', {
    MfaConfiguration: 'OPTIONAL',
    SoftwareTokenMfaConfiguration: { Enabled: true },
    SmsMfaConfiguration: {
      SmsAuthenticationMessage: 'Your sign-in code is {####}',
      SmsConfiguration: { SnsCallerArn: 'arn:aws:iam::123456789012:role/userpool-sms', ExternalId: 'interop-mfa' },
    },
    EmailMfaConfiguration: { Message: 'Your email sign-in code is {####}', Subject: 'Your sign-in code' },
  });
  S.on = await quickstartPool('awesome-user-pool-node', {
    MfaConfiguration: 'ON',
    SoftwareTokenMfaConfiguration: { Enabled: true },
  });
  const got = await admin('GetUserPoolMfaConfig', { UserPoolId: S.on.poolId });
  assert(got.MfaConfiguration === 'ON' && got.SoftwareTokenMfaConfiguration.Enabled === true, JSON.stringify(got));
});

// A through ACIJS: enrolment while signed in, then totpRequired.
test('acijs_totp_enrol_then_totp_required', async () => {
  const email = 'acijs.totp@example.com';
  await newUser(S.opt, email);
  const { user } = await signIn(S.opt.pool, email, PASSWORD);
  const secret = await new Promise((resolve, reject) =>
    user.associateSoftwareToken({ associateSecretCode: resolve, onFailure: reject }),
  );
  assert(/^[A-Z2-7]{52}$/.test(secret), `SecretCode ${secret}`);
  const totp = new Authenticator(secret);
  const verified = await new Promise((resolve, reject) =>
    user.verifySoftwareToken(totp.wrong(), 'acijs phone', { onSuccess: resolve, onFailure: reject }),
  ).then(
    () => null,
    (e) => e,
  );
  assert(verified && verified.code === 'EnableSoftwareTokenMFAException', `wrong code: ${verified && verified.code}`);
  assert(verified.message === 'Code mismatch and fail enable Software Token MFA', verified.message);
  const first = await totp.code();
  const ok = await new Promise((resolve, reject) =>
    user.verifySoftwareToken(first, 'acijs phone', { onSuccess: resolve, onFailure: reject }),
  );
  assert(ok.Status === 'SUCCESS' && !('Session' in ok), JSON.stringify(ok));
  const set = await call((cb) => user.setUserMfaPreference(null, { PreferredMfa: true, Enabled: true }, cb));
  assert(set === 'SUCCESS', `setUserMfaPreference -> ${set}`);
  assert(
    (await mfaMembers(S.opt.poolId, email)) ===
      JSON.stringify({ UserMFASettingList: ['SOFTWARE_TOKEN_MFA'], PreferredMfaSetting: 'SOFTWARE_TOKEN_MFA' }),
    await mfaMembers(S.opt.poolId, email),
  );

  const next = await authenticate(S.opt, email);
  assert(next.name === 'totpRequired', `callback ${next.name}: ${JSON.stringify(next.args)}`);
  const [challengeName, parameters] = next.args;
  assert(challengeName === 'SOFTWARE_TOKEN_MFA', challengeName);
  const username = await internalUsername(S.opt.poolId, email);
  assert(
    JSON.stringify(parameters) === JSON.stringify({ FRIENDLY_DEVICE_NAME: 'acijs phone', USER_ID_FOR_SRP: username }),
    JSON.stringify(parameters),
  );
  await expectError(
    sendMFACode(next.user, totp.wrong(), 'SOFTWARE_TOKEN_MFA'),
    'CodeMismatchException',
    'Invalid code received for user',
  );
  const code = await totp.code();
  const session = await sendMFACode(next.user, code, 'SOFTWARE_TOKEN_MFA');
  assert(session.isValid() && session.getIdToken().payload.email === email, 'signed in after the TOTP code');
  // The same code again, in a new sign-in: refused as used.
  const again = await authenticate(S.opt, email);
  assert(again.name === 'totpRequired', again.name);
  await expectError(
    sendMFACode(again.user, code, 'SOFTWARE_TOKEN_MFA'),
    'ExpiredCodeException',
    'Your software token has already been used once.',
  );
  S.acijsTotp = { email, totp };
}, ['pools']);

// B through ACIJS: an MFA-ON pool asks a new user to set TOTP up.
test('acijs_mfa_setup_on_an_mfa_on_pool', async () => {
  const email = 'acijs.setup@example.com';
  await newUser(S.on, email);
  const S2 = {};
  const first = await authenticate(S.on, email);
  assert(first.name === 'mfaSetup', `callback ${first.name}: ${JSON.stringify(first.args)}`);
  assert(first.args[0] === 'MFA_SETUP', first.args[0]);
  assert(JSON.stringify(first.args[1]) === JSON.stringify({ MFAS_CAN_SETUP: '["SOFTWARE_TOKEN_MFA"]' }), JSON.stringify(first.args[1]));
  const session = await new Promise((resolve, reject) => {
    first.user.associateSoftwareToken({
      associateSecretCode(secret) {
        S2.totp = new Authenticator(secret);
        S2.totp.code().then((code) => first.user.verifySoftwareToken(code, 'acijs setup', this));
      },
      onSuccess: resolve,
      onFailure: reject,
    });
  });
  assert(session.isValid() && session.getIdToken().payload.email === email, 'tokens after MFA_SETUP');
  assert(
    (await mfaMembers(S.on.poolId, email)) === JSON.stringify({ UserMFASettingList: ['SOFTWARE_TOKEN_MFA'] }),
    await mfaMembers(S.on.poolId, email),
  );
  const next = await authenticate(S.on, email);
  assert(next.name === 'totpRequired', `callback ${next.name}`);
  assert(next.args[1].FRIENDLY_DEVICE_NAME === 'acijs setup', JSON.stringify(next.args[1]));
  const done = await sendMFACode(next.user, await S2.totp.code(), 'SOFTWARE_TOKEN_MFA');
  assert(done.isValid(), 'signed in with TOTP');
}, ['pools']);

// C through ACIJS: SMS_MFA with the code from /_outbox.
test('acijs_mfa_required_with_an_sms_code', async () => {
  const email = 'acijs.sms@example.com';
  await newUser(S.opt, email, [{ Name: 'phone_number', Value: '+14325550042' }]);
  await admin('AdminSetUserMFAPreference', {
    UserPoolId: S.opt.poolId,
    Username: email,
    SMSMfaSettings: { Enabled: true, PreferredMfa: true },
  });
  const first = await authenticate(S.opt, email);
  assert(first.name === 'mfaRequired', `callback ${first.name}`);
  assert(first.args[0] === 'SMS_MFA', first.args[0]);
  const p = first.args[1];
  assert(
    p.CODE_DELIVERY_DELIVERY_MEDIUM === 'SMS' && p.CODE_DELIVERY_DESTINATION === '+*******0042',
    JSON.stringify(p),
  );
  const sms = await lastMessage(S.opt.poolId, email, 'SMS');
  assert(sms.body === `Your sign-in code is ${sms.code}`, sms.body);
  await expectError(
    sendMFACode(first.user, sms.code === '000000' ? '111111' : '000000'),
    'CodeMismatchException',
    'Invalid code or auth state for the user.',
  );
  const session = await sendMFACode(first.user, sms.code);
  assert(session.isValid(), 'signed in with the SMS code');
  const user = await admin('AdminGetUser', { UserPoolId: S.opt.poolId, Username: email });
  const verified = user.UserAttributes.find((a) => a.Name === 'phone_number_verified');
  assert(verified && verified.Value === 'true', JSON.stringify(user.UserAttributes));
}, ['pools']);

// D through ACIJS: SMS and TOTP on, none preferred.
test('acijs_select_mfa_type', async () => {
  const email = 'acijs.select@example.com';
  await newUser(S.opt, email, [{ Name: 'phone_number', Value: '+14325550077' }]);
  const { user } = await signIn(S.opt.pool, email, PASSWORD);
  const totp = new Authenticator(
    await new Promise((resolve, reject) => user.associateSoftwareToken({ associateSecretCode: resolve, onFailure: reject })),
  );
  const code = await totp.code();
  await new Promise((resolve, reject) => user.verifySoftwareToken(code, 'acijs select', { onSuccess: resolve, onFailure: reject }));
  await call((cb) => user.setUserMfaPreference({ Enabled: true, PreferredMfa: false }, null, cb));
  const session = await new Promise((resolve, reject) => {
    const u = new CognitoUser({ Username: email, Pool: S.opt.pool });
    u.authenticateUser(new AuthenticationDetails({ Username: email, Password: PASSWORD }), {
      onSuccess: resolve,
      onFailure: reject,
      selectMFAType(challengeName, parameters) {
        if (challengeName !== 'SELECT_MFA_TYPE' || parameters.MFAS_CAN_CHOOSE !== '["SMS_MFA","SOFTWARE_TOKEN_MFA"]') {
          reject(new Error(`selectMFAType ${challengeName} ${JSON.stringify(parameters)}`));
          return;
        }
        u.sendMFASelectionAnswer('SOFTWARE_TOKEN_MFA', this);
      },
      totpRequired(challengeName) {
        if (challengeName !== 'SOFTWARE_TOKEN_MFA') {
          reject(new Error(`totpRequired ${challengeName}`));
          return;
        }
        totp.code().then((c) => u.sendMFACode(c, this, 'SOFTWARE_TOKEN_MFA'));
      },
      mfaRequired: () => reject(new Error('unexpected SMS_MFA')),
      mfaSetup: () => reject(new Error('unexpected MFA_SETUP')),
    });
  });
  assert(session.isValid() && session.getIdToken().payload.email === email, 'signed in after choosing TOTP');
}, ['pools']);

// B and A through Amplify v6.
function configureAmplify(p) {
  Amplify.configure({
    Auth: { Cognito: { userPoolId: p.poolId, userPoolClientId: p.clientId, userPoolEndpoint: ENDPOINT } },
  });
}

async function signedInAs(email, clientId) {
  const { tokens } = await fetchAuthSession();
  assert(tokens && tokens.idToken, 'tokens after sign-in');
  assert(tokens.idToken.payload.email === email, `id token of ${tokens.idToken.payload.email}`);
  assert(tokens.accessToken.payload.client_id === clientId, 'access token of the client');
}

test('amplify_totp_setup_then_totp_code', async () => {
  const email = 'amplify.setup@example.com';
  await newUser(S.on, email);
  configureAmplify(S.on);
  const r = await amplifySignIn({ username: email, password: PASSWORD });
  assert(r.isSignedIn === false && r.nextStep.signInStep === 'CONTINUE_SIGN_IN_WITH_TOTP_SETUP', JSON.stringify(r));
  const secret = r.nextStep.totpSetupDetails.sharedSecret;
  assert(/^[A-Z2-7]{52}$/.test(secret), secret);
  const uri = r.nextStep.totpSetupDetails.getSetupUri('userpool', email).href;
  assert(uri === `otpauth://totp/userpool:${email}?secret=${secret}&issuer=userpool`, uri);
  const totp = new Authenticator(secret);
  const done = await confirmSignIn({ challengeResponse: await totp.code() });
  assert(done.isSignedIn === true && done.nextStep.signInStep === 'DONE', JSON.stringify(done));
  await signedInAs(email, S.on.clientId);
  const pref = await fetchMFAPreference();
  assert(JSON.stringify(pref.enabled) === '["TOTP"]', JSON.stringify(pref));
  await signOut();

  const again = await amplifySignIn({ username: email, password: PASSWORD });
  assert(again.nextStep.signInStep === 'CONFIRM_SIGN_IN_WITH_TOTP_CODE', JSON.stringify(again));
  const code = await totp.code();
  const finished = await confirmSignIn({ challengeResponse: code });
  assert(finished.isSignedIn === true && finished.nextStep.signInStep === 'DONE', JSON.stringify(finished));
  await signedInAs(email, S.on.clientId);
  await signOut();

  const replay = await amplifySignIn({ username: email, password: PASSWORD });
  assert(replay.nextStep.signInStep === 'CONFIRM_SIGN_IN_WITH_TOTP_CODE', JSON.stringify(replay));
  await expectError(
    confirmSignIn({ challengeResponse: code }),
    'ExpiredCodeException',
    'Your software token has already been used once.',
  );
}, ['pools']);

test('amplify_email_code', async () => {
  const email = 'amplify.email@example.com';
  await newUser(S.opt, email);
  await admin('AdminSetUserMFAPreference', {
    UserPoolId: S.opt.poolId,
    Username: email,
    EmailMfaSettings: { Enabled: true, PreferredMfa: true },
  });
  configureAmplify(S.opt);
  await signOut();
  const r = await amplifySignIn({ username: email, password: PASSWORD });
  assert(r.isSignedIn === false && r.nextStep.signInStep === 'CONFIRM_SIGN_IN_WITH_EMAIL_CODE', JSON.stringify(r));
  const delivery = r.nextStep.codeDeliveryDetails;
  assert(delivery.deliveryMedium === 'EMAIL' && delivery.destination === 'a***@e***', JSON.stringify(delivery));
  const sent = await lastMessage(S.opt.poolId, email, 'EMAIL');
  assert(sent.subject === 'Your sign-in code' && sent.body === `Your email sign-in code is ${sent.code}`, JSON.stringify(sent));
  const done = await confirmSignIn({ challengeResponse: sent.code });
  assert(done.isSignedIn === true && done.nextStep.signInStep === 'DONE', JSON.stringify(done));
  await signedInAs(email, S.opt.clientId);
  await signOut();
}, ['pools']);

// A and D through Amplify: TOTP set up while signed in, then a choice
// between SMS and TOTP once neither is preferred.
test('amplify_set_up_totp_then_mfa_selection', async () => {
  const email = 'amplify.select@example.com';
  await newUser(S.opt, email, [{ Name: 'phone_number', Value: '+14325550099' }]);
  configureAmplify(S.opt);
  await signOut();
  const r = await amplifySignIn({ username: email, password: PASSWORD });
  assert(r.isSignedIn === true && r.nextStep.signInStep === 'DONE', JSON.stringify(r));
  const details = await setUpTOTP();
  assert(/^[A-Z2-7]{52}$/.test(details.sharedSecret), details.sharedSecret);
  const totp = new Authenticator(details.sharedSecret);
  await verifyTOTPSetup({ code: await totp.code(), options: { friendlyDeviceName: 'amplify phone' } });
  await updateMFAPreference({ totp: 'PREFERRED' });
  let pref = await fetchMFAPreference();
  assert(JSON.stringify(pref.enabled) === '["TOTP"]' && pref.preferred === 'TOTP', JSON.stringify(pref));
  await signOut();

  const totpSignIn = await amplifySignIn({ username: email, password: PASSWORD });
  assert(totpSignIn.nextStep.signInStep === 'CONFIRM_SIGN_IN_WITH_TOTP_CODE', JSON.stringify(totpSignIn));
  const done = await confirmSignIn({ challengeResponse: await totp.code() });
  assert(done.isSignedIn === true && done.nextStep.signInStep === 'DONE', JSON.stringify(done));
  await signedInAs(email, S.opt.clientId);
  // Both on, neither preferred: SELECT_MFA_TYPE.
  await updateMFAPreference({ sms: 'ENABLED', totp: 'ENABLED' });
  pref = await fetchMFAPreference();
  assert(JSON.stringify(pref.enabled) === '["SMS","TOTP"]' && pref.preferred === undefined, JSON.stringify(pref));
  await signOut();

  const choose = await amplifySignIn({ username: email, password: PASSWORD });
  assert(choose.nextStep.signInStep === 'CONTINUE_SIGN_IN_WITH_MFA_SELECTION', JSON.stringify(choose));
  assert(JSON.stringify(choose.nextStep.allowedMFATypes) === '["SMS","TOTP"]', JSON.stringify(choose.nextStep));
  const chosen = await confirmSignIn({ challengeResponse: 'TOTP' });
  assert(chosen.nextStep.signInStep === 'CONFIRM_SIGN_IN_WITH_TOTP_CODE', JSON.stringify(chosen));
  const finished = await confirmSignIn({ challengeResponse: await totp.code() });
  assert(finished.isSignedIn === true && finished.nextStep.signInStep === 'DONE', JSON.stringify(finished));
  await signedInAs(email, S.opt.clientId);
  await signOut();
}, ['pools']);

// C through Amplify: an MFA-ON pool whose only factor is email, and a user
// without an email address, is asked for one and then for its code.
test('amplify_email_mfa_setup', async () => {
  const poolId = (await admin('CreateUserPool', { PoolName: 'mfa-email-setup' })).UserPool.Id;
  const clientId = (
    await admin('CreateUserPoolClient', {
      UserPoolId: poolId,
      ClientName: 'mfa-email-setup-client',
      ExplicitAuthFlows: ['ALLOW_USER_SRP_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
    })
  ).UserPoolClient.ClientId;
  await admin('SetUserPoolMfaConfig', {
    UserPoolId: poolId,
    MfaConfiguration: 'ON',
    EmailMfaConfiguration: { Message: 'Your email sign-in code is {####}', Subject: 'Your sign-in code' },
  });
  await admin('SignUp', { ClientId: clientId, Username: 'emily', Password: PASSWORD });
  await admin('AdminConfirmSignUp', { UserPoolId: poolId, Username: 'emily' });
  configureAmplify({ poolId, clientId });
  await signOut();
  const r = await amplifySignIn({ username: 'emily', password: PASSWORD });
  assert(r.isSignedIn === false && r.nextStep.signInStep === 'CONTINUE_SIGN_IN_WITH_EMAIL_SETUP', JSON.stringify(r));
  const asked = await confirmSignIn({ challengeResponse: 'emily@example.com' });
  assert(asked.nextStep.signInStep === 'CONFIRM_SIGN_IN_WITH_EMAIL_CODE', JSON.stringify(asked));
  assert(asked.nextStep.codeDeliveryDetails.destination === 'e***@e***', JSON.stringify(asked.nextStep));
  const sent = await lastMessage(poolId, 'emily', 'EMAIL');
  assert(sent.destination === 'emily@example.com', JSON.stringify(sent));
  const done = await confirmSignIn({ challengeResponse: sent.code });
  assert(done.isSignedIn === true && done.nextStep.signInStep === 'DONE', JSON.stringify(done));
  const user = await admin('AdminGetUser', { UserPoolId: poolId, Username: 'emily' });
  const attrs = Object.fromEntries(user.UserAttributes.map((a) => [a.Name, a.Value]));
  assert(attrs.email === 'emily@example.com' && attrs.email_verified === 'true', JSON.stringify(attrs));
  assert(JSON.stringify(user.UserMFASettingList) === '["EMAIL_OTP"]', JSON.stringify(user));
  await signOut();
}, ['pools']);

// E and F: remembered devices.
test('device_pool', async () => {
  S.dev = await quickstartPool(
    'mfa-devices-node',
    { MfaConfiguration: 'OPTIONAL', SoftwareTokenMfaConfiguration: { Enabled: true } },
    { DeviceConfiguration: { ChallengeRequiredOnNewDevice: true, DeviceOnlyRememberedOnUserPrompt: true } },
  );
});

/** A user of the device pool with TOTP enrolled and preferred (plain API calls). */
async function totpUser(email) {
  await newUser(S.dev, email);
  const signedIn = await admin('InitiateAuth', {
    ClientId: S.dev.clientId,
    AuthFlow: 'USER_PASSWORD_AUTH',
    AuthParameters: { USERNAME: email, PASSWORD },
  });
  const AccessToken = signedIn.AuthenticationResult.AccessToken;
  const totp = new Authenticator((await admin('AssociateSoftwareToken', { AccessToken })).SecretCode);
  await admin('VerifySoftwareToken', { AccessToken, UserCode: await totp.code() });
  await admin('SetUserMFAPreference', { AccessToken, SoftwareTokenMfaSettings: { Enabled: true, PreferredMfa: true } });
  return totp;
}

test('acijs_remembered_device_skips_totp_until_forgotten', async () => {
  const email = 'acijs.device@example.com';
  const totp = await totpUser(email);
  const first = await authenticate(S.dev, email);
  assert(first.name === 'totpRequired', `callback ${first.name}`);
  // The TOTP answer brings NewDeviceMetadata; ACIJS confirms the device itself.
  const answered = await new Promise((resolve, reject) =>
    totp.code().then((code) =>
      first.user.sendMFACode(code, { onSuccess: (...args) => resolve(args), onFailure: reject }, 'SOFTWARE_TOKEN_MFA'),
    ),
  );
  const [signedIn, necessary] = answered;
  assert(signedIn.isValid(), 'signed in with TOTP');
  assert(necessary === true, `userConfirmationNecessary ${necessary}`);
  const key = first.user.deviceKey;
  assert(/^us-east-1_[0-9a-f-]{36}$/.test(key), `device key ${key}`);
  assert(signedIn.getAccessToken().payload.device_key === key, 'the access token names the device');
  const remembered = await new Promise((resolve, reject) =>
    first.user.setDeviceStatusRemembered({ onSuccess: resolve, onFailure: reject }),
  );
  assert(remembered === 'SUCCESS', remembered);

  // A new CognitoUser: ACIJS finds the device in its storage and answers
  // DEVICE_SRP_AUTH / DEVICE_PASSWORD_VERIFIER itself; no TOTP is asked.
  const second = await authenticate(S.dev, email);
  assert(second.name === 'onSuccess', `callback ${second.name}: ${JSON.stringify(second.args[1] || second.args[0])}`);
  const access = second.args[0].getAccessToken();
  assert(access.payload.device_key === key, `device_key ${access.payload.device_key}`);
  const listed = await new Promise((resolve, reject) =>
    second.user.listDevices(60, null, { onSuccess: resolve, onFailure: reject }),
  );
  assert(JSON.stringify(listed.Devices.map((d) => d.DeviceKey)) === JSON.stringify([key]), JSON.stringify(listed));
  const got = await new Promise((resolve, reject) => second.user.getDevice({ onSuccess: resolve, onFailure: reject }));
  assert(got.Device.DeviceKey === key, JSON.stringify(got));
  // F: the refresh goes with the device's key.
  const refreshed = await call((cb) => second.user.refreshSession(second.args[0].getRefreshToken(), cb));
  assert(refreshed.getAccessToken().payload.device_key === key, 'refreshed on the device');

  const forgot = await new Promise((resolve, reject) => second.user.forgetDevice({ onSuccess: resolve, onFailure: reject }));
  assert(forgot === 'SUCCESS', forgot);
  const third = await authenticate(S.dev, email);
  assert(third.name === 'totpRequired', `after ForgetDevice: callback ${third.name}`);
}, ['device_pool']);

test('amplify_remember_device_and_fetch_devices', async () => {
  const email = 'amplify.device@example.com';
  const totp = await totpUser(email);
  configureAmplify(S.dev);
  await signOut();
  const r = await amplifySignIn({ username: email, password: PASSWORD });
  assert(r.nextStep.signInStep === 'CONFIRM_SIGN_IN_WITH_TOTP_CODE', JSON.stringify(r));
  const done = await confirmSignIn({ challengeResponse: await totp.code() });
  assert(done.isSignedIn === true && done.nextStep.signInStep === 'DONE', JSON.stringify(done));
  const key = (await fetchAuthSession()).tokens.accessToken.payload.device_key;
  assert(/^us-east-1_[0-9a-f-]{36}$/.test(key), `device key ${key}`);
  await rememberDevice();
  const devices = await fetchDevices();
  assert(JSON.stringify(devices.map((d) => d.id)) === JSON.stringify([key]), JSON.stringify(devices));
  await signOut();

  // Signed out and in again: the remembered device stands in for the code.
  const again = await amplifySignIn({ username: email, password: PASSWORD });
  assert(again.isSignedIn === true && again.nextStep.signInStep === 'DONE', JSON.stringify(again));
  assert((await fetchAuthSession()).tokens.accessToken.payload.device_key === key, 'signed in on the device');
  // F: GetTokensFromRefreshToken / REFRESH_TOKEN_AUTH with the device's key.
  const refreshed = await fetchAuthSession({ forceRefresh: true });
  assert(refreshed.tokens.accessToken.payload.device_key === key, 'refreshed on the device');
  await forgetDevice();
  await signOut();
  const asked = await amplifySignIn({ username: email, password: PASSWORD });
  assert(asked.nextStep.signInStep === 'CONFIRM_SIGN_IN_WITH_TOTP_CODE', JSON.stringify(asked));
}, ['device_pool']);

await run();
