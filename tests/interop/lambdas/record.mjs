// What the interop handlers saw and answered, one JSON line per invocation,
// appended to $INTEROP_LAMBDA_LOG (run.sh sets it) for the tests to read:
// the events Cognito sent, and CreateAuthChallenge's private code, which
// the client never sees. A UserMigration password is never written.
import { appendFileSync } from 'node:fs';

export function record(fn, event, result) {
  const file = process.env.INTEROP_LAMBDA_LOG;
  if (!file) return;
  const seen = structuredClone(event);
  if (seen.request && 'password' in seen.request) seen.request.password = '[redacted]';
  appendFileSync(file, `${JSON.stringify({ fn, event: seen, response: result && result.response })}\n`);
}
