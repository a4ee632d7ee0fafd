// A real OpenID Connect server for authctl's integration tests: oidc-provider with its
// development interactions (any login and password sign in), on a free loopback port.
// Prints the port as the first line of stdout, then serves until killed or until its
// stdin closes (so a test binary that dies takes it along).
//
// Clients (secret "s3cret" where there is one):
//   cc-post    client_secret_post   client_credentials
//   cc-basic   client_secret_basic  client_credentials
//   web-basic  client_secret_basic  authorization_code, refresh_token (native: any loopback port)
//   web-post   client_secret_post   authorization_code, refresh_token, device_code
//   public     none                 authorization_code (PKCE), refresh_token, device_code
import http from 'node:http';
import Provider from 'oidc-provider';

const DEVICE = 'urn:ietf:params:oauth:grant-type:device_code';
const loopback = ['http://127.0.0.1/callback'];
const interactive = (id, auth, extra = {}) => ({
  client_id: id,
  token_endpoint_auth_method: auth,
  ...(auth === 'none' ? {} : { client_secret: 's3cret' }),
  application_type: 'native',
  redirect_uris: loopback,
  grant_types: ['authorization_code', 'refresh_token', DEVICE],
  response_types: ['code'],
  ...extra,
});
const machine = (id, auth) => ({
  client_id: id,
  client_secret: 's3cret',
  token_endpoint_auth_method: auth,
  grant_types: ['client_credentials'],
  redirect_uris: [],
  response_types: [],
});

const server = http.createServer();
server.listen(0, '127.0.0.1', () => {
  const { port } = server.address();
  const issuer = `http://127.0.0.1:${port}`;
  const provider = new Provider(issuer, {
    cookies: { keys: ['authctl-tests-only'] },
    clients: [
      machine('cc-post', 'client_secret_post'),
      machine('cc-basic', 'client_secret_basic'),
      interactive('web-basic', 'client_secret_basic'),
      interactive('web-post', 'client_secret_post'),
      interactive('public', 'none'),
    ],
    features: {
      devInteractions: { enabled: true },
      clientCredentials: { enabled: true },
      deviceFlow: { enabled: true },
      revocation: { enabled: true },
    },
    scopes: ['openid', 'offline_access', 'api:read'],
    issueRefreshToken: async (_ctx, client) => client.grantTypeAllowed('refresh_token'),
    rotateRefreshToken: true,
    ttl: { AccessToken: 600, ClientCredentials: 600, IdToken: 600, DeviceCode: 120 },
  });
  // Plain http on loopback: say so, or oidc-provider insists on secure cookies.
  provider.proxy = false;
  server.on('request', provider.callback());
  process.stdout.write(`${port}\n`);
});
// Nothing more is written to stdout; a reader that went away is no reason to stop.
process.stdout.on('error', () => {});
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
