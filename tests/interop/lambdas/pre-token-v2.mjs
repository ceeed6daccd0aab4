// PreTokenGeneration V2_0: a claim in the ID token, a claim and a scope in
// the access token.
import { record } from './record.mjs';

export const handler = async (event) => {
  event.response = {
    claimsAndScopeOverrideDetails: {
      idTokenGeneration: { claimsToAddOrOverride: { tenant_tier: 'gold' } },
      accessTokenGeneration: {
        claimsToAddOrOverride: { app_role: 'reader' },
        scopesToAdd: ['interop/read'],
      },
    },
  };
  record('preTokenV2', event, event);
  return event;
};
