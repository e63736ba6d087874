// A real OpenID provider for the SSO tests: panva's oidc-provider (OpenID certified), configured here.
//
// Everything the protocol does is the library's: discovery, authorization code flow with PKCE,
// state and nonce, signed ID tokens (RS256, keys published at the JWKS endpoint), userinfo. The one
// thing configured for tests is the sign-in screen: instead of a form, the person is the account
// named by the request's `login_hint` (the test says who signs in), and consent is given.
//
// Environment: PORT, ACCOUNTS (JSON: account id -> claims), CLIENTS (JSON: list of client
// metadata), ID_TOKEN_TTL (seconds, default 3600).
import Provider from 'oidc-provider';

const port = Number(process.env.PORT);
const accounts = JSON.parse(process.env.ACCOUNTS || '{}');
const clients = JSON.parse(process.env.CLIENTS || '[]');
const issuer = `http://127.0.0.1:${port}`;

const provider = new Provider(issuer, {
  clients,
  pkce: { required: () => true },
  findAccount: async (ctx, id) => (accounts[id] ? { accountId: id, claims: async () => ({ sub: id, ...accounts[id] }) } : undefined),
  claims: {
    openid: ['sub'],
    email: ['email', 'email_verified'],
    profile: ['name', 'given_name', 'family_name', 'groups'],
  },
  features: { devInteractions: { enabled: false } },
  interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
  ttl: { IdToken: Number(process.env.ID_TOKEN_TTL || 3600) },
  cookies: { keys: ['oidc-test-provider-cookie-key'] },
});

provider.use(async (ctx, next) => {
  if (!ctx.path.startsWith('/interaction/')) return next();
  const details = await provider.interactionDetails(ctx.req, ctx.res);
  const accountId = details.params.login_hint;
  if (!accounts[accountId]) {
    ctx.status = 400;
    ctx.body = `unknown login_hint: ${accountId}`;
    return undefined;
  }
  const grant = new provider.Grant({ accountId, clientId: details.params.client_id });
  grant.addOIDCScope(details.params.scope);
  const grantId = await grant.save();
  const target = await provider.interactionResult(ctx.req, ctx.res, { login: { accountId }, consent: { grantId } }, { mergeWithLastSubmission: false });
  ctx.redirect(target);
  return undefined;
});

provider.listen(port, '127.0.0.1', () => console.log(`ready ${issuer}`));
