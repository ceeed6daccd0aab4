// openid-client 6 against the hosted OAuth endpoints of a pool's domain
// (cognito-oauth.md §14 T6), and aws-jwt-verify's JwtRsaVerifier on the tokens
// it gets (T7). The server runs with the pools' issuer set to its own URL
// (run.sh: $OAUTH_ISSUER_OPTION), so that discovery from
// http://127.0.0.1:<port>/<poolId>/.well-known/openid-configuration finds the
// issuer it was fetched under, as OIDC demands. The sign-in form is driven with
// fetch, cookies carried by hand. The pool comes from fixture_oauth.py
// ($OAUTH_FIXTURE).
import { readFileSync } from 'node:fs';
import * as oidc from 'openid-client';
import { JwtRsaVerifier } from 'aws-jwt-verify';
import { validateCognitoJwtFields } from 'aws-jwt-verify/cognito-verifier';
import { assert, ENDPOINT, run, test } from './lib.mjs';

function oauthFixture() {
  const path = process.env.OAUTH_FIXTURE;
  if (!path) throw new Error('OAUTH_FIXTURE is not set (run tests/interop/run.sh)');
  return JSON.parse(readFileSync(path, 'utf8'));
}

const fx = oauthFixture();
const ISSUER = `${ENDPOINT}/${fx.poolId}`;
const BASE = `${ENDPOINT}/${fx.domain}`;
const S = {};

/** Cookies by hand: name=value pairs from Set-Cookie, sent back on each request. */
class Jar {
  constructor() {
    this.cookies = new Map();
  }
  take(response) {
    for (const line of response.headers.getSetCookie()) {
      const [pair, ...attrs] = line.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      const expired = attrs.some((a) => /^\s*max-age\s*=\s*0\s*$/i.test(a));
      if (expired || value === '' || value === '""') this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }
  header() {
    return [...this.cookies].map(([n, v]) => `${n}=${v}`).join('; ');
  }
}

async function get(url, jar) {
  const r = await fetch(url, { redirect: 'manual', headers: jar.cookies.size ? { cookie: jar.header() } : {} });
  jar.take(r);
  return r;
}

function locationOf(r, what) {
  assert(r.status === 302, `${what}: expected 302, got ${r.status}`);
  const loc = r.headers.get('location');
  assert(loc, `${what}: 302 without Location`);
  return new URL(loc, r.url || BASE).toString();
}

function decodeHtml(s) {
  return s
    .replace(/&quot;/g, '"')
    .replace(/&#x27;|&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&#x2F;|&#47;/g, '/')
    .replace(/&#x3D;|&#61;/g, '=')
    .replace(/&amp;/g, '&');
}

function attr(tag, name) {
  const m = tag.match(new RegExp(`\\s${name.replace(/[[\]]/g, '\\$&')}\\s*=\\s*("([^"]*)"|'([^']*)'|([^\\s>]+))`, 'i'));
  return m ? decodeHtml(m[2] ?? m[3] ?? m[4]) : null;
}

/** The sign-in form of a /login page: its action and the _csrf value. */
function signInForm(html) {
  const inputs = html.match(/<input\b[^>]*>/gi) || [];
  const csrf = inputs.find((t) => attr(t, 'name') === '_csrf');
  assert(csrf && attr(csrf, 'value'), 'no _csrf input on the sign-in page');
  assert(inputs.some((t) => attr(t, 'name') === 'username' && attr(t, 'id') === 'signInFormUsername'), 'no #signInFormUsername');
  assert(inputs.some((t) => attr(t, 'name') === 'password' && attr(t, 'id') === 'signInFormPassword'), 'no #signInFormPassword');
  const form = (html.match(/<form\b[^>]*>/gi) || []).find((t) => /cognitoSignInForm/.test(t)) || (html.match(/<form\b[^>]*>/i) || [])[0];
  assert(form, 'no form on the sign-in page');
  return { action: attr(form, 'action'), csrf: attr(csrf, 'value') };
}

/** authorize -> /login -> POST the form -> the callback URL with code and state. */
async function signInThroughTheForm(authorizeUrl) {
  const jar = new Jar();
  const login = locationOf(await get(authorizeUrl, jar), 'authorize');
  assert(login.startsWith(`${BASE}/login?`), `authorize sent the browser to ${login}`);
  const page = await get(login, jar);
  assert(page.status === 200, `GET /login -> ${page.status}`);
  const form = signInForm(await page.text());
  const action = form.action ? new URL(form.action, login).toString() : login;
  assert(action.startsWith(`${BASE}/login`), `form action ${action}`);
  const body = new URLSearchParams({
    _csrf: form.csrf,
    username: fx.username,
    password: fx.password,
    cognitoAsfData: '',
    signInSubmitButton: 'Sign in',
  });
  const r = await fetch(action, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: jar.header() },
    body,
  });
  const callback = locationOf(r, 'POST /login');
  assert(callback.startsWith(fx.callback), `sign-in sent the browser to ${callback}`);
  return new URL(callback);
}

function accessVerifier(clientId, scope) {
  const v = JwtRsaVerifier.create({
    issuer: ISSUER,
    audience: null,
    jwksUri: `${ISSUER}/.well-known/jwks.json`,
    scope,
    customJwtCheck: ({ payload }) => validateCognitoJwtFields(payload, { tokenUse: 'access', clientId }),
  });
  v.cacheJwks(S.jwks);
  return v;
}

function idVerifier() {
  const v = JwtRsaVerifier.create({
    issuer: ISSUER,
    audience: fx.clientId,
    jwksUri: `${ISSUER}/.well-known/jwks.json`,
    customJwtCheck: ({ payload }) => validateCognitoJwtFields(payload, { tokenUse: 'id', clientId: fx.clientId }),
  });
  v.cacheJwks(S.jwks);
  return v;
}

test('discovery_from_the_local_issuer', async () => {
  S.config = await oidc.discovery(new URL(ISSUER), fx.clientId, undefined, oidc.None(), {
    execute: [oidc.allowInsecureRequests],
  });
  const meta = S.config.serverMetadata();
  assert(meta.issuer === ISSUER, `issuer ${meta.issuer}`);
  assert(meta.jwks_uri === `${ISSUER}/.well-known/jwks.json`, `jwks_uri ${meta.jwks_uri}`);
  for (const [member, path] of [
    ['authorization_endpoint', '/oauth2/authorize'],
    ['token_endpoint', '/oauth2/token'],
    ['userinfo_endpoint', '/oauth2/userInfo'],
    ['revocation_endpoint', '/oauth2/revoke'],
    ['end_session_endpoint', '/logout'],
  ]) {
    assert(meta[member] === `${BASE}${path}`, `${member} ${meta[member]}, expected ${BASE}${path}`);
  }
  const jwks = await fetch(meta.jwks_uri);
  assert(jwks.status === 200, `jwks_uri -> ${jwks.status}`);
  S.jwks = await jwks.json();
});

test('code_flow_with_pkce_state_and_nonce', async () => {
  const verifier = oidc.randomPKCECodeVerifier();
  const state = oidc.randomState();
  const nonce = oidc.randomNonce();
  const url = oidc.buildAuthorizationUrl(S.config, {
    redirect_uri: fx.callback,
    scope: 'openid email profile',
    code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    state,
    nonce,
  });
  const callback = await signInThroughTheForm(url.toString());
  assert(callback.searchParams.get('state') === state, `state ${callback.searchParams.get('state')}`);
  const tokens = await oidc.authorizationCodeGrant(S.config, callback, {
    pkceCodeVerifier: verifier,
    expectedState: state,
    expectedNonce: nonce,
    idTokenExpected: true,
  });
  assert(tokens.token_type.toLowerCase() === 'bearer' && tokens.expires_in === 3600, JSON.stringify(tokens));
  assert(tokens.refresh_token, 'no refresh token');
  const claims = tokens.claims();
  assert(claims.aud === fx.clientId && claims.nonce === nonce, JSON.stringify(claims));
  assert(claims['cognito:username'] === fx.username, JSON.stringify(claims));
  S.tokens = tokens;
  S.sub = claims.sub;
}, ['discovery_from_the_local_issuer']);

test('aws_jwt_verify_accepts_the_oauth_tokens', async () => {
  const access = await accessVerifier(fx.clientId, ['openid', 'email', 'profile']).verify(S.tokens.access_token);
  assert(access.token_use === 'access' && access.client_id === fx.clientId, JSON.stringify(access));
  assert(access.username === fx.username && access.sub === S.sub, JSON.stringify(access));
  const id = await idVerifier().verify(S.tokens.id_token);
  assert(id.aud === fx.clientId && id.token_use === 'id' && id.sub === S.sub, JSON.stringify(id));
}, ['code_flow_with_pkce_state_and_nonce']);

test('user_info_subject_matches', async () => {
  const info = await oidc.fetchUserInfo(S.config, S.tokens.access_token, S.sub);
  assert(info.sub === S.sub && info.username === fx.username, JSON.stringify(info));
  assert(info.email === fx.email && info.email_verified === 'true', JSON.stringify(info));
}, ['code_flow_with_pkce_state_and_nonce']);

test('refresh_keeps_the_grant', async () => {
  const refreshed = await oidc.refreshTokenGrant(S.config, S.tokens.refresh_token);
  const before = S.tokens.access_token.split('.')[1];
  const was = JSON.parse(Buffer.from(before, 'base64url').toString());
  const now = await accessVerifier(fx.clientId, ['openid']).verify(refreshed.access_token);
  assert(now.origin_jti === was.origin_jti && now.auth_time === was.auth_time, JSON.stringify(now));
  assert(new Set(now.scope.split(' ')).size === 3, `scope ${now.scope}`);
  assert(refreshed.id_token, 'no ID token on refresh');
  const id = await idVerifier().verify(refreshed.id_token);
  assert(id.sub === S.sub, JSON.stringify(id));
}, ['aws_jwt_verify_accepts_the_oauth_tokens']);

test('client_credentials_m2m_token', async () => {
  for (const auth of [oidc.ClientSecretBasic(fx.m2mSecret), oidc.ClientSecretPost(fx.m2mSecret)]) {
    const m2m = await oidc.discovery(new URL(ISSUER), fx.m2mClientId, undefined, auth, {
      execute: [oidc.allowInsecureRequests],
    });
    const tokens = await oidc.clientCredentialsGrant(m2m, { scope: 'interop-api/read' });
    assert(!tokens.id_token && !tokens.refresh_token, JSON.stringify(Object.keys(tokens)));
    const claims = await accessVerifier(fx.m2mClientId, ['interop-api/read']).verify(tokens.access_token);
    assert(claims.sub === fx.m2mClientId && claims.scope === 'interop-api/read', JSON.stringify(claims));
    assert(!('username' in claims) && !('origin_jti' in claims), JSON.stringify(claims));
    const all = await oidc.clientCredentialsGrant(m2m);
    const every = await accessVerifier(fx.m2mClientId, fx.m2mScopes).verify(all.access_token);
    assert(new Set(every.scope.split(' ')).size === fx.m2mScopes.length, `scope ${every.scope}`);
  }
}, ['discovery_from_the_local_issuer']);

test('revocation_ends_the_refresh_token', async () => {
  await oidc.tokenRevocation(S.config, S.tokens.refresh_token);
  let refused;
  try {
    await oidc.refreshTokenGrant(S.config, S.tokens.refresh_token);
  } catch (e) {
    refused = e;
  }
  assert(refused, 'the revoked refresh token still refreshes');
  assert(refused.error === 'invalid_grant', `refused with ${refused.error || refused.message}`);
  const r = await fetch(S.config.serverMetadata().userinfo_endpoint, {
    headers: { authorization: `Bearer ${S.tokens.access_token}` },
  });
  assert(r.status === 401, `userInfo after revocation -> ${r.status}`);
}, ['user_info_subject_matches', 'refresh_keeps_the_grant']);

await run();
