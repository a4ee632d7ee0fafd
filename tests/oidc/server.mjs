// A real OpenID Connect server for authctl's integration tests: oidc-provider with its
// development interactions (any login and password sign in), on a free loopback port.
// Prints the port as the first line of stdout, then serves until killed or until its
// stdin closes (so a test binary that dies takes it along). Usage: node server.mjs KEYDIR:
// the clients' private keys, made afresh for each run, are written there as PKCS#8 PEM
// (ec.pem, rsa.pem, ed.pem); the server knows only their public halves.
//
// Clients (secret "s3cret" where there is one):
//   cc-post    client_secret_post   client_credentials
//   cc-basic   client_secret_basic  client_credentials
//   web-basic  client_secret_basic  authorization_code, refresh_token (native: any loopback port)
//   web-post   client_secret_post   authorization_code, refresh_token, device_code
//   public     none                 authorization_code (PKCE), refresh_token, device_code
//   jwt-ec     private_key_jwt ES256 client_credentials           (key ec.pem, kid "ec1")
//   jwt-rsa    private_key_jwt PS256 client_credentials           (key rsa.pem, kid "rsa1")
//   bearer     none                 jwt-bearer (RFC 7523 §2.1)     (key ed.pem, kid "ed1")
//   exchanger  client_secret_basic  token-exchange (RFC 8693): trades an access token of
//                                   this server for one of its own
//
// oidc-provider has no jwt-bearer or token-exchange grant of its own: both are registered
// below with its registerGrantType, checking what RFC 7523 and RFC 8693 require.
import { generateKeyPairSync } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import http from 'node:http';
import { join } from 'node:path';
import { createLocalJWKSet, jwtVerify } from 'jose';
import Provider, { errors } from 'oidc-provider';

const keyDir = process.argv[2];
if (!keyDir) throw new Error('usage: node server.mjs KEYDIR');
// A key pair per client that signs; the private half goes to KEYDIR for authctl.
const keyPair = (file, kid, type, options) => {
  const { privateKey, publicKey } = generateKeyPairSync(type, options);
  writeFileSync(join(keyDir, file), privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
  return { keys: [{ ...publicKey.export({ format: 'jwk' }), kid }] };
};
const ecJwks = keyPair('ec.pem', 'ec1', 'ec', { namedCurve: 'P-256' });
const rsaJwks = keyPair('rsa.pem', 'rsa1', 'rsa', { modulusLength: 2048 });
const edJwks = keyPair('ed.pem', 'ed1', 'ed25519');

const JWT_BEARER = 'urn:ietf:params:oauth:grant-type:jwt-bearer';
const TOKEN_EXCHANGE = 'urn:ietf:params:oauth:grant-type:token-exchange';
const ACCESS_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:access_token';

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

const signing = (id, alg, jwks) => ({
  client_id: id,
  token_endpoint_auth_method: 'private_key_jwt',
  token_endpoint_auth_signing_alg: alg,
  jwks,
  grant_types: ['client_credentials'],
  redirect_uris: [],
  response_types: [],
});

// An access token for the client that asked, as client_credentials makes them.
const issue = async (ctx, scope, extra = {}) => {
  const token = new ctx.oidc.provider.ClientCredentials({ client: ctx.oidc.client, scope });
  const value = await token.save();
  ctx.body = { access_token: value, expires_in: token.expiration, token_type: 'Bearer', scope, ...extra };
};

// RFC 7523 §2.1, §3: the assertion is signed by a key of the client it names as issuer
// and subject, is for this server's token endpoint, and is short-lived.
const jwtBearer = async (ctx, next) => {
  const { client, params } = ctx.oidc;
  const tokenEndpoint = ctx.oidc.urlFor('token');
  try {
    await jwtVerify(params.assertion, createLocalJWKSet(client.jwks), {
      issuer: client.clientId,
      subject: client.clientId,
      audience: [tokenEndpoint, ctx.oidc.provider.issuer],
      maxTokenAge: '5m',
      requiredClaims: ['exp', 'jti'],
    });
  } catch (e) {
    throw new errors.InvalidGrant(`assertion refused: ${e.code ?? e.message}`);
  }
  await issue(ctx, params.scope || undefined);
  await next();
};

// RFC 8693: the subject token must be an access token this server issued and still
// honours; the new token is the exchanging client's own.
const tokenExchange = async (ctx, next) => {
  const { params } = ctx.oidc;
  if (params.subject_token_type !== ACCESS_TOKEN_TYPE) {
    throw new errors.InvalidRequest(`subject_token_type must be ${ACCESS_TOKEN_TYPE}`);
  }
  const subject = await ctx.oidc.provider.ClientCredentials.find(params.subject_token);
  if (!subject || subject.isExpired) throw new errors.InvalidRequest('subject_token is not a token of this server');
  await issue(ctx, params.scope || undefined, {
    issued_token_type: ACCESS_TOKEN_TYPE,
    // Echoed so a test can see what arrived; a real server would bind it into the token.
    audience: params.audience,
  });
  await next();
};

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
      signing('jwt-ec', 'ES256', ecJwks),
      signing('jwt-rsa', 'PS256', rsaJwks),
      {
        client_id: 'bearer',
        token_endpoint_auth_method: 'none',
        jwks: edJwks,
        grant_types: [JWT_BEARER],
        redirect_uris: [],
        response_types: [],
      },
      { ...machine('exchanger', 'client_secret_basic'), grant_types: [TOKEN_EXCHANGE] },
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
  provider.registerGrantType(JWT_BEARER, jwtBearer, ['assertion', 'scope']);
  provider.registerGrantType(TOKEN_EXCHANGE, tokenExchange, [
    'subject_token', 'subject_token_type', 'audience', 'scope',
  ]);
  // Plain http on loopback: say so, or oidc-provider insists on secure cookies.
  provider.proxy = false;
  server.on('request', provider.callback());
  process.stdout.write(`${port}\n`);
});
// Nothing more is written to stdout; a reader that went away is no reason to stop.
process.stdout.on('error', () => {});
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
