// CustomMessage: the sign-up message in the app's own words; {####} is
// where Cognito puts the code.
import { record } from './record.mjs';

export const handler = async (event) => {
  if (event.triggerSource === 'CustomMessage_SignUp') {
    event.response.emailSubject = 'Welcome to Interop';
    event.response.emailMessage = `Interop says hello: your code is ${event.request.codeParameter}.`;
  }
  record('customMessage', event, event);
  return event;
};
