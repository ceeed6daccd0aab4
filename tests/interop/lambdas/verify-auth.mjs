// VerifyAuthChallengeResponse: the answer must be CreateAuthChallenge's code.
import { record } from './record.mjs';

export const handler = async (event) => {
  const expected = event.request.privateChallengeParameters.code;
  event.response.answerCorrect = event.request.challengeAnswer === expected;
  record('verifyAuth', event, event);
  return event;
};
