// CreateAuthChallenge: a random 6-digit code, kept in the private challenge
// parameters (the client sees only a hint). The code "is sent" by being
// recorded in the handlers' log, where the tests read it as a user reads
// their mail.
import { randomInt } from 'node:crypto';
import { record } from './record.mjs';

export const handler = async (event) => {
  const code = String(randomInt(0, 1000000)).padStart(6, '0');
  event.response = {
    publicChallengeParameters: { hint: 'Enter the 6-digit code we sent you' },
    privateChallengeParameters: { code },
    challengeMetadata: `CODE-${event.request.session.length}`,
  };
  record('createAuth', event, event);
  return event;
};
