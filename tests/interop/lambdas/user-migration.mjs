// UserMigration: one legacy account, moved in at its first sign-in,
// confirmed, with no welcome message.
import { record } from './record.mjs';

export const LEGACY_USER = 'legacy.joe@example.com';
export const LEGACY_PASSWORD = 'Legacy1234^';

export const handler = async (event) => {
  const known =
    event.triggerSource === 'UserMigration_Authentication' &&
    event.userName === LEGACY_USER &&
    event.request.password === LEGACY_PASSWORD;
  record('userMigration', event, null);
  if (!known) throw new Error('Bad credentials');
  event.response.userAttributes = {
    email: LEGACY_USER,
    email_verified: 'true',
    family_name: 'Legacy',
    'custom:tenant_id': '9876543210',
    'custom:employee_id': '42',
  };
  event.response.finalUserStatus = 'CONFIRMED';
  event.response.messageAction = 'SUPPRESS';
  return event;
};
