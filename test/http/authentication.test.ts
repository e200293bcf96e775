import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type KeyLike } from 'jose';
import request from 'supertest';
import { AuthenticateCaller } from '../../src/application/access/authenticate-caller';
import { JoseTokenVerifier } from '../../src/adapters/auth/jose/jose-token-verifier';
import { createApp } from '../../src/adapters/http/koa/create-app';
import { createTestApp, type TestApp } from '../support/http-app';
import { adminToken, bearer, signTestToken } from '../support/tokens';
import { notTheService } from '../support/every-answer-described';
import { agent, anonymousAgent, expectProblem, type Agent } from './http-kit';

let testApp: TestApp;
let http: Agent;

beforeAll(async () => {
  testApp = await createTestApp();
  http = agent(testApp.app);
});

afterAll(() => testApp.close());

const now = () => Math.floor(Date.now() / 1000);

/** Every endpoint that needs a token, with a request that would otherwise succeed or be refused. */
const PROTECTED: [method: 'get' | 'post' | 'patch', path: string][] = [
  ['post', '/customers'],
  ['get', '/customers/someone'],
  ['post', '/customers/someone/deposits'],
  ['get', '/customers/someone/orders'],
  ['post', '/products'],
  ['patch', '/products/something'],
  ['post', '/orders'],
  ['get', '/orders/something'],
  ['post', '/orders/something/cancel'],
];

describe('a request without a token', () => {
  it.each(PROTECTED)('%s %s: 401 with WWW-Authenticate: Bearer', async (method, path) => {
    const response = await anonymousAgent(testApp.app)[method](path).send({ not: 'valid' });

    expectProblem(response, 401, 'UNAUTHENTICATED');
    expect(response.headers['www-authenticate']).toBe('Bearer');
    expect(response.headers['cache-control']).toBe('no-store');
  });

  it('is refused before its body is validated: an anonymous caller learns nothing from 422s', async () => {
    const response = await anonymousAgent(testApp.app)
      .post('/customers')
      .send({ name: '', email: 'nope' });

    expectProblem(response, 401, 'UNAUTHENTICATED');
  });

  it('is refused when it names another scheme', async () => {
    const response = await anonymousAgent(testApp.app)
      .get('/orders/x')
      .set('Authorization', 'Basic YWRtaW46YWRtaW4=');

    expectProblem(response, 401, 'UNAUTHENTICATED');
    expect(response.headers['www-authenticate']).toBe('Bearer');
  });

  it.each([
    ['GET /products', '/products'],
    ['GET /products/{id}', '/products/unknown'],
    ['GET /health', '/health'],
    ['GET /ready', '/ready'],
    ['GET /openapi.json', '/openapi.json'],
    ['GET /docs', '/docs'],
  ])('reaches the public %s', async (_name, path) => {
    const response = await anonymousAgent(testApp.app).get(path);

    expect(response.status).not.toBe(401);
  });
});

describe('a bad token', () => {
  const exp = () => now() + 600;
  const cases: [string, string][] = [
    [
      'signed with another secret',
      signTestToken({ sub: 'a', role: 'admin', exp: exp() }, { secret: 'x'.repeat(40) }),
    ],
    [
      'alg none, unsigned',
      signTestToken({ sub: 'a', role: 'admin', exp: exp() }, { header: { alg: 'none' } }).replace(
        /[^.]+$/,
        '',
      ),
    ],
    [
      'alg none, with a signature',
      signTestToken({ sub: 'a', role: 'admin', exp: exp() }, { header: { alg: 'none' } }),
    ],
    [
      'HS512, an algorithm not allowed',
      signTestToken({ sub: 'a', role: 'admin', exp: exp() }, { header: { alg: 'HS512' } }),
    ],
    [
      'expired beyond the 30 s of skew',
      signTestToken({ sub: 'a', role: 'admin', exp: now() - 60 }),
    ],
    [
      'not yet valid beyond the skew',
      signTestToken({ sub: 'a', role: 'admin', exp: exp(), nbf: now() + 120 }),
    ],
    ['without exp', signTestToken({ sub: 'a', role: 'admin' })],
    ['with an unknown role', signTestToken({ sub: 'a', role: 'root', exp: exp() })],
    ['without a role', signTestToken({ sub: 'a', exp: exp() })],
    ['without sub', signTestToken({ role: 'admin', exp: exp() })],
    ['with a numeric sub', signTestToken({ sub: 42, role: 'customer', exp: exp() })],
    ['that is not a JWT', 'not-a-token'],
    [
      'spelled in base64 rather than base64url',
      adminToken().replace(/-/g, '+').replace(/_/g, '/') + '==',
    ],
    [
      'whose payload is not JSON',
      `${Buffer.from('{"alg":"HS256"}').toString('base64url')}.bm9wZQ.c2ln`,
    ],
  ];

  it.each(cases)('%s: 401, error="invalid_token"', async (_name, token) => {
    const response = await anonymousAgent(testApp.app).get('/customers/a').set(bearer(token));

    expectProblem(response, 401, 'UNAUTHENTICATED');
    expect(response.headers['www-authenticate']).toBe('Bearer error="invalid_token"');
  });

  it('is not needed to be fresh to the second: 10 s past exp is within the skew', async () => {
    const token = signTestToken({ sub: 'a', role: 'admin', exp: now() - 10 });

    const response = await anonymousAgent(testApp.app).get('/customers/a').set(bearer(token));

    expectProblem(response, 404, 'NOT_FOUND');
  });
});

describe('issuer and audience, when configured', () => {
  let checked: TestApp;

  beforeAll(async () => {
    checked = await createTestApp({
      AUTH_JWT_ISSUER: 'https://id.shop',
      AUTH_JWT_AUDIENCE: 'orders',
    });
  });

  afterAll(() => checked.close());

  const claims = { sub: 'a', role: 'admin', exp: now() + 600 };

  it.each([
    ['no iss or aud', claims, 401],
    ['another issuer', { ...claims, iss: 'https://evil', aud: 'orders' }, 401],
    ['another audience', { ...claims, iss: 'https://id.shop', aud: 'billing' }, 401],
    ['both right', { ...claims, iss: 'https://id.shop', aud: 'orders' }, 404],
  ])('%s: %p', async (_name, tokenClaims, status) => {
    const response = await anonymousAgent(checked.app)
      .get('/customers/a')
      .set(bearer(signTestToken(tokenClaims)));

    expect(response.status).toBe(status);
  });
});

describe('authenticated answers', () => {
  it('are never cached: Cache-Control: no-store, on problems too', async () => {
    const created = await http.post('/products').send({ name: 'Lamp', price: 1, stock: 1 });
    const missing = await http.get('/orders/nothing');

    expect(created.headers['cache-control']).toBe('no-store');
    expect(missing.headers['cache-control']).toBe('no-store');
  });
});

/** An identity provider's key set, served locally; `rotate` replaces its key. */
class IdentityProvider {
  private keys: { kid: string; alg: 'RS256' | 'ES256'; privateKey: KeyLike; jwk: object }[] = [];
  private server: Server | null = null;
  fetches = 0;
  /** While set, the key set answers 500. */
  failing = false;

  async addKey(kid: string, alg: 'RS256' | 'ES256'): Promise<void> {
    const { publicKey, privateKey } = await generateKeyPair(alg);
    this.keys.push({
      kid,
      alg,
      privateKey,
      jwk: { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' },
    });
  }

  async rotate(kid: string, alg: 'RS256' | 'ES256'): Promise<void> {
    const old = [...this.keys];
    await this.addKey(kid, alg);
    this.keys = this.keys.filter((key) => !old.includes(key));
  }

  sign(kid: string, claims: Record<string, unknown>, keys = this.keys): Promise<string> {
    const key = keys.find((k) => k.kid === kid);
    if (!key) throw new Error(`no key ${kid}`);
    return new SignJWT(claims).setProtectedHeader({ alg: key.alg, kid }).sign(key.privateKey);
  }

  snapshot() {
    return [...this.keys];
  }

  async url(): Promise<string> {
    this.server = notTheService(
      createServer((_req, res) => {
        this.fetches += 1;
        if (this.failing) {
          res.statusCode = 500;
          res.end();
          return;
        }
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ keys: this.keys.map((key) => key.jwk) }));
      }),
    );
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/jwks.json`;
  }

  close(): Promise<void> {
    return new Promise((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}

describe('tokens of an identity provider (AUTH_JWKS_URL)', () => {
  const idp = new IdentityProvider();
  let jwks: Agent;

  beforeAll(async () => {
    await idp.addKey('rsa-1', 'RS256');
    await idp.addKey('ec-1', 'ES256');
    const verifier = new JoseTokenVerifier({ jwksUrl: await idp.url(), jwksCooldownMs: 0 });
    jwks = anonymousAgent(
      createApp({ ...testApp.deps, authenticateCaller: new AuthenticateCaller(verifier) }),
    );
  });

  afterAll(() => idp.close());

  const claims = () => ({ sub: 'ops', role: 'admin', exp: now() + 600 });

  it('accepts RS256 and ES256 tokens signed with its keys, and fetches the keys once', async () => {
    for (const kid of ['rsa-1', 'ec-1']) {
      const response = await jwks.get('/customers/a').set(bearer(await idp.sign(kid, claims())));
      expectProblem(response, 404, 'NOT_FOUND');
    }
    expect(idp.fetches).toBe(1);
  });

  it('refuses an HS256 token, even one signed with the service secret', async () => {
    const response = await jwks.get('/customers/a').set(bearer(adminToken()));

    expectProblem(response, 401, 'UNAUTHENTICATED');
  });

  it('picks up a rotated key, and refuses the key rotated away', async () => {
    const before = idp.snapshot();
    await idp.rotate('rsa-2', 'RS256');

    const fresh = await jwks.get('/customers/a').set(bearer(await idp.sign('rsa-2', claims())));
    const stale = await jwks
      .get('/customers/a')
      .set(bearer(await idp.sign('rsa-1', claims(), before)));

    expectProblem(fresh, 404, 'NOT_FOUND');
    expectProblem(stale, 401, 'UNAUTHENTICATED');
  });

  it('while the key set fails, checks tokens against the keys it has, without fetching each time', async () => {
    const provider = new IdentityProvider();
    await provider.addKey('rsa-1', 'RS256');
    const verifier = new JoseTokenVerifier({
      jwksUrl: await provider.url(),
      jwksCooldownMs: 0,
      jwksRetryAfterFailureMs: 3_600_000,
    });
    const http = anonymousAgent(
      createApp({ ...testApp.deps, authenticateCaller: new AuthenticateCaller(verifier) }),
    );
    const known = await provider.sign('rsa-1', claims());
    await http.get('/customers/a').set(bearer(known)).expect(404);

    provider.failing = true;
    const keys = provider.snapshot();
    await provider.rotate('rsa-2', 'RS256');
    const unknownKey = await provider.sign('rsa-2', claims());
    const answers = [];
    for (let i = 0; i < 10; i += 1)
      answers.push(await http.get('/customers/a').set(bearer(unknownKey)));
    const stillKnown = await http
      .get('/customers/a')
      .set(bearer(await provider.sign('rsa-1', claims(), keys)));
    await provider.close();

    expect(answers.map((answer) => answer.status)).toEqual([503, ...Array(9).fill(401)]);
    expect(provider.fetches).toBe(2);
    expect(stillKnown.status).toBe(404);
  });

  it('answers 503, not 401, while the key set cannot be fetched', async () => {
    const unreachable = new JoseTokenVerifier({ jwksUrl: 'http://127.0.0.1:9/jwks.json' });
    const app = createApp({
      ...testApp.deps,
      authenticateCaller: new AuthenticateCaller(unreachable),
    });

    const response = await request(app.callback())
      .get('/customers/a')
      .set(bearer(await idp.sign(idp.snapshot()[0]?.kid ?? '', claims())));

    expectProblem(response, 503, 'DEPENDENCY_UNAVAILABLE');
  });

  it('fetches the key set when warmed, before any token, so that the first token waits for no fetch', async () => {
    const provider = new IdentityProvider();
    await provider.addKey('rsa-w', 'RS256');
    try {
      const verifier = new JoseTokenVerifier({ jwksUrl: await provider.url() });
      await verifier.warm();
      expect(provider.fetches).toBe(1);

      const token = await provider.sign('rsa-w', claims());
      expect(await verifier.verify(token)).toMatchObject({ sub: 'ops' });
      expect(provider.fetches).toBe(1);
    } finally {
      await provider.close();
    }
  });
});
