// The amplify_redirect suite's web app: aws-amplify v6 configured for the
// hosted UI of a pool's domain on userpool-server over HTTPS (path mode,
// `127.0.0.1:<tls-port>/<domain>`), with buttons for signInWithRedirect,
// a forced refresh and signOut, and the session's facts written into the DOM
// for the Selenium test to read. The pool's names come from ./config.json,
// which the test writes next to the bundle.
import { Amplify } from 'aws-amplify';
import { fetchAuthSession, signInWithRedirect, signOut } from 'aws-amplify/auth';
import { Hub } from 'aws-amplify/utils';

const $ = (id) => document.getElementById(id);
const show = (id, text) => {
  $(id).textContent = text;
};
const fail = (where, err) => {
  show('error', `${where}: ${err && err.name}: ${err && err.message}`);
};

// Every auth event, in order: the test reads `signInWithRedirect`,
// `tokenRefresh`, `signedOut`.
Hub.listen('auth', ({ payload }) => {
  const item = document.createElement('li');
  item.textContent = payload.event;
  $('hub').append(item);
  if (payload.event === 'signInWithRedirect') void render('signedIn');
  if (payload.event === 'signInWithRedirect_failure') fail('signInWithRedirect_failure', payload.data && payload.data.error);
});

async function render(state, options) {
  try {
    const { tokens } = await fetchAuthSession(options);
    if (!tokens || !tokens.idToken) {
      show('state', 'signedOut');
      return;
    }
    const id = tokens.idToken.payload;
    show('username', String(id['cognito:username']));
    show('sub', String(id.sub));
    show('idToken', tokens.idToken.toString());
    show('accessToken', tokens.accessToken.toString());
    show('state', state);
  } catch (err) {
    fail('fetchAuthSession', err);
  }
}

const config = await (await fetch('./config.json')).json();
Amplify.configure({
  Auth: {
    Cognito: {
      userPoolId: config.userPoolId,
      userPoolClientId: config.userPoolClientId,
      userPoolEndpoint: config.userPoolEndpoint,
      loginWith: {
        oauth: {
          domain: config.domain,
          scopes: config.scopes,
          redirectSignIn: [config.appUrl],
          redirectSignOut: [config.appUrl],
          responseType: 'code',
        },
      },
    },
  },
});

$('signIn').addEventListener('click', () => {
  signInWithRedirect().catch((err) => fail('signInWithRedirect', err));
});
$('refresh').addEventListener('click', async () => {
  const before = $('idToken').textContent;
  await render('refreshed', { forceRefresh: true });
  show('refreshed', String($('idToken').textContent !== '' && $('idToken').textContent !== before));
});
$('signOut').addEventListener('click', () => {
  show('state', 'signingOut');
  signOut().catch((err) => fail('signOut', err));
});

// On the redirect back with ?code=, Amplify completes the flow itself and
// Hub says `signInWithRedirect`; otherwise the stored session (if any).
if (!new URLSearchParams(window.location.search).has('code')) await render('signedIn');
