// PreSignUp: confirm every new user at once and mark the email verified.
import { record } from './record.mjs';

export const handler = async (event) => {
  event.response.autoConfirmUser = true;
  event.response.autoVerifyEmail = true;
  record('preSignUp', event, event);
  return event;
};
