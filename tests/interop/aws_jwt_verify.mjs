// Verifies one token with aws-jwt-verify's CognitoJwtVerifier, as a backend
// would: the Python suites hand it what a browser obtained.
// stdin: {"poolId", "clientId", "tokenUse", "token", "jwks"}; stdout: the
// verified claims as JSON; exit 1 with the verifier's error otherwise.
// The JWKS is cached into the verifier: it would otherwise fetch it from
// cognito-idp.<region>.amazonaws.com (cognito-protocol.md §6.7).
import { CognitoJwtVerifier } from 'aws-jwt-verify';

let input = '';
for await (const chunk of process.stdin) input += chunk;
const { poolId, clientId, tokenUse, token, jwks } = JSON.parse(input);
const verifier = CognitoJwtVerifier.create({ userPoolId: poolId, tokenUse, clientId });
verifier.cacheJwks(jwks);
try {
  process.stdout.write(JSON.stringify(await verifier.verify(token)));
} catch (e) {
  process.stderr.write(`aws-jwt-verify refused the ${tokenUse} token: ${e.message}\n`);
  process.exit(1);
}
