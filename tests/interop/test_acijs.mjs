// amazon-cognito-identity-js against userpool-server: sign-up and
// confirmation through the library, then SRP sign-in (its default flow),
// attributes, refresh, and the errors an app must tell apart.
import { CognitoUser, CognitoUserAttribute } from 'amazon-cognito-identity-js';
import { assert, call, fixture, lastCode, run, signIn, test, userPool } from './lib.mjs';

const fx = fixture();
const pool = userPool(fx.poolId, fx.clientId);
const EMAIL = 'acijs.jane@example.com';
const PASSWORD = '1234Abcd^';
const S = {};

test('sign_up', async () => {
  const r = await call((cb) => pool.signUp(EMAIL, PASSWORD, quickstartAttributes(), null, cb));
  assert(r.userConfirmed === false, 'userConfirmed is false');
  assert(r.codeDeliveryDetails && r.codeDeliveryDetails.DeliveryMedium === 'EMAIL', JSON.stringify(r.codeDeliveryDetails));
});

function quickstartAttributes() {
  return [
    ['family_name', 'Foobar'],
    ['custom:tenant_id', '1234567890'],
    ['custom:created_at', '2022-01-01'],
    ['custom:employee_id', '10'],
    ['custom:is_admin', 'false'],
  ].map(([Name, Value]) => new CognitoUserAttribute({ Name, Value }));
}

test('confirm_registration', async () => {
  const code = await lastCode(fx.poolId, EMAIL);
  const user = new CognitoUser({ Username: EMAIL, Pool: pool });
  // ACIJS always sends ForceAliasCreation; here false.
  const r = await call((cb) => user.confirmRegistration(code, false, cb));
  assert(r === 'SUCCESS', `confirmRegistration -> ${r}`);
}, ['sign_up']);

// ACIJS's README confirms with forceAliasCreation = true, so many apps send
// ForceAliasCreation: true. In a pool without alias attributes (this one has
// email as the username) Cognito has no alias to move and confirms normally.
test('confirm_registration_force_alias_true', async () => {
  const email = 'acijs.force@example.com';
  await call((cb) => pool.signUp(email, PASSWORD, quickstartAttributes(), null, cb));
  const code = await lastCode(fx.poolId, email);
  const user = new CognitoUser({ Username: email, Pool: pool });
  const r = await call((cb) => user.confirmRegistration(code, true, cb));
  assert(r === 'SUCCESS', `confirmRegistration -> ${r}`);
}, ['sign_up']);

test('srp_sign_in', async () => {
  const { session, user } = await signIn(pool, EMAIL, PASSWORD);
  assert(session.isValid(), 'session is valid');
  const access = session.getAccessToken();
  assert(access.getJwtToken().split('.').length === 3, 'access token is a JWT');
  assert(access.payload.client_id === fx.clientId, `client_id ${access.payload.client_id}`);
  assert(session.getIdToken().payload.email === EMAIL, 'id token carries the email');
  assert(session.getRefreshToken().getToken(), 'refresh token');
  S.session = session;
  S.user = user;
}, ['confirm_registration']);

test('wrong_password_is_not_authorized', async () => {
  try {
    await signIn(pool, EMAIL, 'Wrong123^x');
  } catch (e) {
    assert(e.code === 'NotAuthorizedException', `got ${e.code}: ${e.message}`);
    assert(e.message === 'Incorrect username or password.', `message ${e.message}`);
    return;
  }
  throw new Error('a wrong password signed in');
}, ['confirm_registration']);

test('unknown_user', async () => {
  try {
    await signIn(pool, 'ghost@example.com', PASSWORD);
  } catch (e) {
    // UserNotFoundException with PreventUserExistenceErrors LEGACY (the API
    // default), NotAuthorizedException with ENABLED.
    assert(['UserNotFoundException', 'NotAuthorizedException'].includes(e.code), `got ${e.code}: ${e.message}`);
    return;
  }
  throw new Error('an unknown user signed in');
});

test('get_user_attributes', async () => {
  const attrs = await call((cb) => S.user.getUserAttributes(cb));
  const byName = Object.fromEntries(attrs.map((a) => [a.getName(), a.getValue()]));
  assert(byName.email === EMAIL && byName.email_verified === 'true', JSON.stringify(byName));
  assert(byName['custom:tenant_id'] === '1234567890', JSON.stringify(byName));
}, ['srp_sign_in']);

test('refresh_session', async () => {
  const next = await call((cb) => S.user.refreshSession(S.session.getRefreshToken(), cb));
  assert(next.isValid(), 'refreshed session is valid');
  assert(next.getAccessToken().getJwtToken() !== S.session.getAccessToken().getJwtToken(), 'a new access token');
}, ['srp_sign_in']);

test('global_sign_out', async () => {
  const old = S.session.getAccessToken().getJwtToken();
  await new Promise((resolve, reject) => S.user.globalSignOut({ onSuccess: resolve, onFailure: reject }));
  // ACIJS dropped its cached session; the server must refuse the old token too.
  try {
    await call((cb) => pool.client.request('GetUser', { AccessToken: old }, cb));
  } catch (e) {
    assert(e.code === 'NotAuthorizedException', `got ${e.code}: ${e.message}`);
    return;
  }
  throw new Error('the old access token still works after global sign-out');
}, ['refresh_session', 'get_user_attributes']);

test('confirmed_fixture_user_signs_in', async () => {
  const { session } = await signIn(pool, fx.username, fx.password);
  assert(session.isValid(), 'session is valid');
});

await run();
