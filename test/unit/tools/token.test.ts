import { signToken } from '../../../src/adapters/auth/jose/jose-token-issuer';
import { JoseTokenVerifier } from '../../../src/adapters/auth/jose/jose-token-verifier';
import { AuthenticateCaller } from '../../../src/application/access/authenticate-caller';
import { ConfigError } from '../../../src/config/config';
import { loadTokenConfig } from '../../../src/config/token-config';
import { TEST_AUTH_SECRET } from '../../support/tokens';

const env = { AUTH_JWT_SECRET: TEST_AUTH_SECRET };

describe('npm run token', () => {
  it('mints a token the service accepts, for the role and subject asked', async () => {
    const config = loadTokenConfig(['--role', 'customer', '--sub', 'c-42', '--ttl', '15m'], env);
    if (config.help) throw new Error('not a help request');

    const token = await signToken(config.secret, config.request);
    const caller = await new AuthenticateCaller(
      new JoseTokenVerifier({ secret: TEST_AUTH_SECRET }),
    ).execute(token);

    expect(caller).toEqual({ role: 'customer', subject: 'c-42', customerId: 'c-42' });
    const claims = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString());
    expect(claims.exp - claims.iat).toBe(15 * 60);
  });

  it('signs iss and aud when they are configured, as the service then checks them', async () => {
    const config = loadTokenConfig(['--role', 'admin', '--sub', 'ops'], {
      ...env,
      AUTH_JWT_ISSUER: 'https://id.shop',
      AUTH_JWT_AUDIENCE: 'orders',
    });
    if (config.help) throw new Error('not a help request');
    const verifier = new JoseTokenVerifier({
      secret: TEST_AUTH_SECRET,
      issuer: 'https://id.shop',
      audience: 'orders',
    });

    expect(await verifier.verify(await signToken(config.secret, config.request))).toMatchObject({
      sub: 'ops',
      role: 'admin',
      iss: 'https://id.shop',
      aud: 'orders',
    });
  });

  it.each([
    [['--role', 'root', '--sub', 'x'], env, '--role'],
    [['--role', 'admin'], env, '--sub'],
    [['--role', 'admin', '--sub', 'x', '--ttl', 'forever'], env, '--ttl'],
    [['--role', 'admin', '--sub', 'x'], {}, 'AUTH_JWT_SECRET'],
    [['--role', 'admin', '--sub', 'x'], { AUTH_JWT_SECRET: 'short' }, 'AUTH_JWT_SECRET'],
    [['--bogus'], env, 'arguments'],
  ])('refuses %p, naming the problem', (args, environment, named) => {
    expect(() => loadTokenConfig(args, environment)).toThrow(ConfigError);
    expect(() => loadTokenConfig(args, environment)).toThrow(named);
  });
});
