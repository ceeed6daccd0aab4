// amazon-cognito-identity-js and CUSTOM_AUTH with a one-time code (the
// Define/Create/Verify handlers of lambdas/, behind serverless-offline):
// passwordless (CUSTOM_WITHOUT_SRP: initiateAuth with the username only), SRP
// first then the code (setAuthenticationFlowType('CUSTOM_AUTH') and
// authenticateUser with the password), and wrong answers refused.
import { AuthenticationDetails, CognitoUser } from 'amazon-cognito-identity-js';
import {
  assert,
  customAuthFixture,
  lambdaRecords,
  lastOneTimeCode,
  run,
  test,
  userPool,
  wrongCode,
} from './lib.mjs';

const fx = customAuthFixture();
const pool = userPool(fx.poolId, fx.clientId);
const EMAIL = fx.users.acijs;

/**
 * Signs in with `start` (initiateAuth or authenticateUser), answering each
 * CUSTOM_CHALLENGE with answers.shift() (a function of the right code);
 * resolves to {session, challenges} or rejects with Cognito's error.
 */
function customSignIn(start, details, answers, challenges = []) {
  const user = new CognitoUser({ Username: EMAIL, Pool: pool });
  user.setAuthenticationFlowType('CUSTOM_AUTH');
  return new Promise((resolve, reject) => {
    const callbacks = {
      onSuccess: (session) => resolve({ session, challenges }),
      onFailure: (err) => reject(err),
      customChallenge: (parameters) => {
        challenges.push(parameters);
        const answer = answers.shift();
        if (!answer) return reject(new Error('more challenges than answers'));
        user.sendCustomChallengeAnswer(answer(lastOneTimeCode(fx.poolId, EMAIL)), callbacks);
      },
      newPasswordRequired: () => reject(new Error('unexpected NEW_PASSWORD_REQUIRED')),
      mfaRequired: () => reject(new Error('unexpected SMS_MFA')),
      totpRequired: () => reject(new Error('unexpected SOFTWARE_TOKEN_MFA')),
    };
    user[start](details, callbacks);
  });
}

function checkChallenge(parameters) {
  assert(parameters.hint === 'Enter the 6-digit code we sent you', JSON.stringify(parameters));
  assert(!('code' in parameters), 'the code is private');
  assert(typeof parameters.USERNAME === 'string' && parameters.USERNAME.length > 0, 'USERNAME');
}

function sessionEvents(fn) {
  return lambdaRecords(fn).filter((r) => r.event.userPoolId === fx.poolId && r.event.request.userAttributes.email === EMAIL);
}

test('custom_without_srp_signs_in_with_the_code', async () => {
  const before = sessionEvents('defineAuth').length;
  const details = new AuthenticationDetails({ Username: EMAIL });
  const { session, challenges } = await customSignIn('initiateAuth', details, [(code) => code]);
  assert(challenges.length === 1, `${challenges.length} challenges`);
  checkChallenge(challenges[0]);
  assert(session.isValid(), 'session is valid');
  assert(session.getIdToken().payload.email === EMAIL, 'id token of the user');
  const defines = sessionEvents('defineAuth').slice(before).map((r) => r.event.request.session);
  assert(defines.length === 2, `Define ran ${defines.length} times`);
  assert(defines[0].length === 0, `first Define saw ${JSON.stringify(defines[0])}`);
  const last = defines[1];
  assert(
    last.length === 1 && last[0].challengeName === 'CUSTOM_CHALLENGE' && last[0].challengeResult === true &&
      last[0].challengeMetadata === 'CODE-0',
    `second Define saw ${JSON.stringify(last)}`,
  );
});

test('srp_then_custom_signs_in_with_password_and_code', async () => {
  const before = sessionEvents('defineAuth').length;
  const details = new AuthenticationDetails({ Username: EMAIL, Password: fx.password });
  const { session, challenges } = await customSignIn('authenticateUser', details, [(code) => code]);
  assert(challenges.length === 1, `${challenges.length} challenges`);
  checkChallenge(challenges[0]);
  assert(session.isValid(), 'session is valid');
  const sessions = sessionEvents('defineAuth').slice(before).map((r) => r.event.request.session.map((s) => s.challengeName));
  assert(
    JSON.stringify(sessions) ===
      JSON.stringify([['SRP_A'], ['SRP_A', 'PASSWORD_VERIFIER'], ['SRP_A', 'PASSWORD_VERIFIER', 'CUSTOM_CHALLENGE']]),
    `Define saw ${JSON.stringify(sessions)}`,
  );
});

test('a_wrong_code_gets_a_new_challenge_and_then_the_right_one_signs_in', async () => {
  const details = new AuthenticationDetails({ Username: EMAIL });
  const codes = [];
  const { session, challenges } = await customSignIn('initiateAuth', details, [
    (code) => (codes.push(code), wrongCode(code)),
    (code) => (codes.push(code), code),
  ]);
  assert(challenges.length === 2, `${challenges.length} challenges`);
  assert(session.isValid(), 'session is valid');
  const verified = sessionEvents('verifyAuth').slice(-2).map((r) => r.response.answerCorrect);
  assert(JSON.stringify(verified) === '[false,true]', `Verify answered ${JSON.stringify(verified)}`);
});

test('three_wrong_codes_are_refused', async () => {
  const details = new AuthenticationDetails({ Username: EMAIL });
  const wrong = (code) => wrongCode(code);
  try {
    await customSignIn('initiateAuth', details, [wrong, wrong, wrong]);
  } catch (e) {
    assert(e.code === 'NotAuthorizedException', `${e.code}: ${e.message}`);
    assert(e.message === 'Incorrect username or password.', e.message);
    return;
  }
  throw new Error('signed in with wrong codes');
});

test('a_wrong_password_first_is_refused_before_any_code', async () => {
  const before = sessionEvents('createAuth').length;
  const details = new AuthenticationDetails({ Username: EMAIL, Password: 'Wrong1234^' });
  try {
    await customSignIn('authenticateUser', details, []);
  } catch (e) {
    assert(e.code === 'NotAuthorizedException', `${e.code}: ${e.message}`);
    assert(sessionEvents('createAuth').length === before, 'no code was made');
    return;
  }
  throw new Error('signed in with a wrong password');
});

await run();
