// PreSignUp that refuses every sign-up: Cognito answers
// UserLambdaValidationException "PreSignUp failed with error Domain not allowed."
import { record } from './record.mjs';

export const handler = async (event) => {
  record('preSignUpReject', event, null);
  throw new Error('Domain not allowed');
};
