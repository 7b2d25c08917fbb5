// A standards peer for Reconnect's sign-in: oidc-provider (an OpenID Certified provider), strict
// where Salesforce is lenient, with its routes mapped to Salesforce's paths.
//
//   node oidc_peer.mjs <port> <access token lifetime in seconds>
//
// One public native client, `reconnect-test`, with PKCE S256 required, refresh tokens rotated on
// every use (a consumed one revokes the whole grant), RFC 7009 revocation that wants the client
// to name itself, and userinfo only for tokens with the openid scope. Salesforce's own parts are
// added around it: the token answer's `instance_url`, `id` and `issued_at`, and a REST API root
// that checks the bearer token the way Salesforce answers a dead one (401 INVALID_SESSION_ID).
// Login and consent are completed without a page, as a signed-in user who allows the app would.
// It prints "listening <port>" once it accepts connections.

import http from 'node:http';
import { Provider } from 'oidc-provider';

const port = Number(process.argv[2]);
const accessTtl = Number(process.argv[3] ?? 3600);
const issuer = `http://127.0.0.1:${port}`;
// Valid Salesforce ids (with their checksums): an org and a user.
const ORG = '00D5g00000PRACTEA5';
const USER = '0055g00000ADMINAA5';

const provider = new Provider(issuer, {
  clients: [
    {
      client_id: 'reconnect-test',
      token_endpoint_auth_method: 'none',
      application_type: 'native',
      redirect_uris: ['http://localhost:1717/OauthRedirect'],
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
    },
  ],
  routes: {
    authorization: '/services/oauth2/authorize',
    token: '/services/oauth2/token',
    revocation: '/services/oauth2/revoke',
    userinfo: '/services/oauth2/userinfo',
    introspection: '/services/oauth2/introspect',
    jwks: '/id/keys',
  },
  // Salesforce's scope names must be known, or the provider drops them.
  scopes: ['openid', 'offline_access', 'api', 'refresh_token', 'web', 'id'],
  pkce: { required: () => true },
  rotateRefreshToken: true,
  // Salesforce issues a refresh token for the refresh_token scope, without offline_access.
  issueRefreshToken: async (ctx, client) => client.grantTypeAllowed('refresh_token'),
  features: { devInteractions: { enabled: false }, revocation: { enabled: true }, userinfo: { enabled: true } },
  findAccount: async (ctx, sub) => ({ accountId: sub, claims: async () => ({ sub }) }),
  interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
  cookies: { keys: ['reconnect-test-peer'] },
  ttl: { AccessToken: accessTtl, AuthorizationCode: 60, RefreshToken: 86400, Interaction: 600, Session: 86400, Grant: 86400 },
});

// Salesforce's token answers also name the instance and the identity URL.
provider.use(async (ctx, next) => {
  await next();
  if (ctx.oidc?.route === 'token' && ctx.status === 200 && ctx.body && typeof ctx.body === 'object') {
    ctx.body.instance_url = issuer;
    ctx.body.id = `${issuer}/id/${ORG}/${USER}`;
    ctx.body.issued_at = String(Date.now());
  }
});

async function interaction(req, res) {
  const details = await provider.interactionDetails(req, res);
  const { prompt, params, session } = details;
  if (prompt.name === 'login') {
    return provider.interactionFinished(req, res, { login: { accountId: USER } }, { mergeWithLastSubmission: false });
  }
  if (prompt.name === 'consent') {
    const grant = details.grantId
      ? await provider.Grant.find(details.grantId)
      : new provider.Grant({ accountId: session.accountId, clientId: params.client_id });
    const missing = prompt.details;
    if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(' '));
    if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims);
    for (const [indicator, scopes] of Object.entries(missing.missingResourceScopes ?? {})) {
      grant.addResourceScope(indicator, scopes.join(' '));
    }
    const grantId = await grant.save();
    return provider.interactionFinished(req, res, { consent: details.grantId ? {} : { grantId } }, { mergeWithLastSubmission: true });
  }
  res.statusCode = 400;
  res.end(`unknown prompt ${prompt.name}`);
}

// The REST API root: a live access token gets the versions, a dead one Salesforce's 401.
async function restApi(req, res) {
  const bearer = (req.headers.authorization ?? '').replace(/^Bearer /, '');
  const token = bearer ? await provider.AccessToken.find(bearer) : undefined;
  res.setHeader('Content-Type', 'application/json');
  if (!token || token.isExpired) {
    res.statusCode = 401;
    res.end(JSON.stringify([{ message: 'Session expired or invalid', errorCode: 'INVALID_SESSION_ID' }]));
    return;
  }
  const path = req.url.split('?')[0].replace(/\/$/, '');
  const body = path === '/services/data'
    ? [{ label: "Spring '25", url: '/services/data/v63.0', version: '63.0' }]
    : { sobjects: '/services/data/v63.0/sobjects', query: '/services/data/v63.0/query' };
  res.end(JSON.stringify(body));
}

const callback = provider.callback();
http
  .createServer((req, res) => {
    const fail = (e) => {
      res.statusCode = 500;
      res.end(String(e));
    };
    if (req.url.startsWith('/interaction/')) return interaction(req, res).catch(fail);
    if (req.url.startsWith('/services/data')) return restApi(req, res).catch(fail);
    return callback(req, res);
  })
  .listen(port, '127.0.0.1', () => console.log(`listening ${port}`));
