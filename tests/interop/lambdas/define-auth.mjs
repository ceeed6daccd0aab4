// DefineAuthChallenge for a one-time code: passwordless (CUSTOM_WITHOUT_SRP)
// goes straight to CUSTOM_CHALLENGE; SRP first (CHALLENGE_NAME=SRP_A) asks for
// PASSWORD_VERIFIER, then CUSTOM_CHALLENGE. A right code issues tokens; a
// wrong one gets a new challenge, three wrong ones fail the sign-in.
import { record } from './record.mjs';

export const handler = async (event) => {
  const session = event.request.session || [];
  const last = session[session.length - 1];
  const wrong = session.filter((s) => s.challengeName === 'CUSTOM_CHALLENGE' && !s.challengeResult).length;
  const r = { challengeName: null, issueTokens: false, failAuthentication: false };
  if (event.request.userNotFound || wrong >= 3) {
    r.failAuthentication = true;
  } else if (last && last.challengeName === 'SRP_A') {
    r.challengeName = 'PASSWORD_VERIFIER';
  } else if (last && last.challengeName === 'PASSWORD_VERIFIER' && !last.challengeResult) {
    r.failAuthentication = true;
  } else if (last && last.challengeName === 'CUSTOM_CHALLENGE' && last.challengeResult) {
    r.issueTokens = true;
  } else {
    r.challengeName = 'CUSTOM_CHALLENGE';
  }
  event.response = r;
  record('defineAuth', event, event);
  return event;
};
