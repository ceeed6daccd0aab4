// aws-amplify v6 in Node against userpool-server: Auth.Cognito configured
// with userPoolEndpoint pointing at the server. A plain SRP sign-in (the
// harness itself), then CUSTOM_AUTH with a one-time code (the Define/Create/
// Verify handlers of lambdas/, behind serverless-offline): signIn with
// authFlowType CUSTOM_WITHOUT_SRP, confirmSignIn with the code; a wrong
// code gets a new challenge.
//
// Node needs no shim here: Amplify falls back to in-memory storage without
// window.localStorage, and Node 18+ has fetch and crypto.getRandomValues.
import { Amplify } from 'aws-amplify';
import { confirmSignIn, fetchAuthSession, signIn, signOut } from 'aws-amplify/auth';
import { ENDPOINT, assert, customAuthFixture, lastOneTimeCode, run, test, wrongCode } from './lib.mjs';

const fx = customAuthFixture();
const EMAIL = fx.users.amplify;

Amplify.configure({
  Auth: {
    Cognito: {
      userPoolId: fx.poolId,
      userPoolClientId: fx.clientId,
      userPoolEndpoint: ENDPOINT,
    },
  },
});

async function signedInAs(email) {
  const { tokens } = await fetchAuthSession();
  assert(tokens && tokens.idToken, 'tokens after sign-in');
  assert(tokens.idToken.payload.email === email, `id token of ${tokens.idToken.payload.email}`);
  assert(tokens.accessToken.payload.client_id === fx.clientId, 'access token of the client');
}

test('srp_sign_in', async () => {
  const r = await signIn({ username: EMAIL, password: fx.password });
  assert(r.isSignedIn === true && r.nextStep.signInStep === 'DONE', JSON.stringify(r));
  await signedInAs(EMAIL);
  await signOut();
});

test('custom_without_srp_then_confirm_sign_in_with_the_code', async () => {
  const r = await signIn({ username: EMAIL, options: { authFlowType: 'CUSTOM_WITHOUT_SRP' } });
  assert(r.isSignedIn === false, JSON.stringify(r));
  assert(r.nextStep.signInStep === 'CONFIRM_SIGN_IN_WITH_CUSTOM_CHALLENGE', r.nextStep.signInStep);
  assert(r.nextStep.additionalInfo.hint === 'Enter the 6-digit code we sent you', JSON.stringify(r.nextStep));
  assert(!('code' in r.nextStep.additionalInfo), 'the code is private');
  const done = await confirmSignIn({ challengeResponse: lastOneTimeCode(fx.poolId, EMAIL) });
  assert(done.isSignedIn === true && done.nextStep.signInStep === 'DONE', JSON.stringify(done));
  await signedInAs(EMAIL);
  await signOut();
}, ['srp_sign_in']);

test('a_wrong_code_is_refused_with_a_new_challenge', async () => {
  await signIn({ username: EMAIL, options: { authFlowType: 'CUSTOM_WITHOUT_SRP' } });
  const first = lastOneTimeCode(fx.poolId, EMAIL);
  const again = await confirmSignIn({ challengeResponse: wrongCode(first) });
  assert(again.isSignedIn === false, JSON.stringify(again));
  assert(again.nextStep.signInStep === 'CONFIRM_SIGN_IN_WITH_CUSTOM_CHALLENGE', again.nextStep.signInStep);
  const done = await confirmSignIn({ challengeResponse: lastOneTimeCode(fx.poolId, EMAIL) });
  assert(done.isSignedIn === true, JSON.stringify(done));
  await signedInAs(EMAIL);
  await signOut();
}, ['srp_sign_in']);

await run();
