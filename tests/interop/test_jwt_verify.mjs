// aws-jwt-verify against tokens from an SRP sign-in (amazon-cognito-identity-js),
// with the JWKS fetched from userpool-server and cached into the verifier
// (the verifier would otherwise fetch it from cognito-idp.<region>.amazonaws.com).
import { CognitoJwtVerifier } from 'aws-jwt-verify';
import { assert, fixture, getJson, run, signIn, test, userPool } from './lib.mjs';

const fx = fixture();
const S = {};

function verifier(tokenUse) {
  const v = CognitoJwtVerifier.create({ userPoolId: fx.poolId, tokenUse, clientId: fx.clientId });
  v.cacheJwks(S.jwks);
  return v;
}

function tamper(token) {
  const [h, p, s] = token.split('.');
  const claims = JSON.parse(Buffer.from(p, 'base64url').toString());
  claims.sub = '00000000-0000-4000-8000-000000000000';
  return [h, Buffer.from(JSON.stringify(claims)).toString('base64url'), s].join('.');
}

async function rejects(promise, what) {
  try {
    await promise;
  } catch (e) {
    return e;
  }
  throw new Error(`${what} was accepted`);
}

test('fetch_jwks', async () => {
  S.jwks = await getJson(`/${fx.poolId}/.well-known/jwks.json`);
  assert(Array.isArray(S.jwks.keys) && S.jwks.keys.length >= 2, 'two keys (access and id)');
  for (const k of S.jwks.keys) {
    assert(k.kty === 'RSA' && k.alg === 'RS256' && k.use === 'sig' && k.kid && k.n && k.e, JSON.stringify(k));
  }
  const oidc = await getJson(`/${fx.poolId}/.well-known/openid-configuration`);
  assert(oidc.issuer === `https://cognito-idp.us-east-1.amazonaws.com/${fx.poolId}`, `issuer ${oidc.issuer}`);
});

test('srp_sign_in', async () => {
  const { session } = await signIn(userPool(fx.poolId, fx.clientId), fx.username, fx.password);
  S.access = session.getAccessToken().getJwtToken();
  S.id = session.getIdToken().getJwtToken();
});

test('verify_access_token', async () => {
  const claims = await verifier('access').verify(S.access);
  assert(claims.token_use === 'access' && claims.client_id === fx.clientId, JSON.stringify(claims));
}, ['fetch_jwks', 'srp_sign_in']);

test('verify_id_token', async () => {
  const claims = await verifier('id').verify(S.id);
  assert(claims.token_use === 'id' && claims.aud === fx.clientId, JSON.stringify(claims));
  assert(claims.email === fx.username, `email ${claims.email}`);
}, ['fetch_jwks', 'srp_sign_in']);

test('tampered_token_rejected', async () => {
  const e = await rejects(verifier('access').verify(tamper(S.access)), 'a tampered access token');
  assert(/signature/i.test(e.name + e.message), `${e.name}: ${e.message}`);
  await rejects(verifier('id').verify(tamper(S.id)), 'a tampered id token');
}, ['verify_access_token', 'verify_id_token']);

test('wrong_token_use_rejected', async () => {
  await rejects(verifier('access').verify(S.id), 'an id token as an access token');
  await rejects(verifier('id').verify(S.access), 'an access token as an id token');
}, ['verify_access_token', 'verify_id_token']);

test('wrong_client_rejected', async () => {
  const v = CognitoJwtVerifier.create({ userPoolId: fx.poolId, tokenUse: 'access', clientId: 'someotherclient' });
  v.cacheJwks(S.jwks);
  await rejects(v.verify(S.access), 'a token for another client');
}, ['verify_access_token']);

await run();
