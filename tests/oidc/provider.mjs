// The tests' OpenID Connect provider: the certified `oidc-provider` package, unmodified, on a loopback port over plain
// http. Started by tests/Likeperson.Tests/Infrastructure/TestProvider.cs as
//   node provider.mjs <port> <keys.json>
// where keys.json is {"keys": [private JWKs]} (the first signs). Clients:
//   likeperson-web  the web sign-in: authorization code + PKCE, client_secret_post, redirect <loopback, any port>/signin-oidc,
//                   post-logout redirect <loopback, any port>/signout-callback-oidc (a "native" client: RFC 8252 loopback ports)
// Users: any login at the development login form is a user whose `sub` is that login (name "User <login>").
// Access tokens are JWTs for the resource https://likeperson.test/api (audience likeperson-api) or, to test a wrong
// audience, https://other.test/api (audience other-api).
// Test control (loopback only, never in a real provider): POST /__test/keys re-reads keys.json and serves the new key
// set from then on (key rotation without losing sessions or the port).
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import Provider from 'oidc-provider';

const [port, keysFile] = process.argv.slice(2);
const issuer = `http://127.0.0.1:${port}`;

const resources = {
  'https://likeperson.test/api': { audience: 'likeperson-api', scope: 'api' },
  'https://other.test/api': { audience: 'other-api', scope: 'api' },
};

function configuration() {
  return {
    jwks: JSON.parse(readFileSync(keysFile, 'utf8')),
    clients: [{
      client_id: 'likeperson-web',
      client_secret: 'likeperson-web-secret',
      application_type: 'native',
      grant_types: ['authorization_code'],
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_post',
      redirect_uris: ['http://127.0.0.1/signin-oidc'],
      post_logout_redirect_uris: ['http://127.0.0.1/signout-callback-oidc'],
    }],
    cookies: { keys: ['likeperson-test-provider-cookie-key'] },
    claims: { openid: ['sub'], profile: ['name'] },
    async findAccount(_ctx, sub) {
      return { accountId: sub, async claims() { return { sub, name: `User ${sub}` }; } };
    },
    features: {
      devInteractions: { enabled: true },
      rpInitiatedLogout: { enabled: true },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => 'https://likeperson.test/api',
        useGrantedResource: () => true,
        getResourceServerInfo(_ctx, indicator) {
          const r = resources[indicator];
          if (!r) throw new Provider.errors.InvalidTarget();
          return { audience: r.audience, scope: r.scope, accessTokenFormat: 'jwt', accessTokenTTL: 600, jwt: { sign: { alg: 'RS256' } } };
        },
      },
    },
    pkce: { required: () => true },
    ttl: { Session: 3600, Interaction: 600, Grant: 3600, AuthorizationCode: 60, IdToken: 600, AccessToken: 600 },
  };
}

let handle = new Provider(issuer, configuration()).callback();
const server = createServer((req, res) => {
  if (req.method === 'POST' && req.url === '/__test/keys') {
    handle = new Provider(issuer, configuration()).callback(); // the in-memory store is per process: sessions and grants remain
    res.writeHead(204).end();
    return;
  }
  handle(req, res);
});
server.listen(Number(port), '127.0.0.1', () => console.log(`listening ${issuer}`));
process.stdin.on('end', () => process.exit(0)); // the test process went away
process.stdin.resume();
