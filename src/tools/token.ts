import { signToken } from '../adapters/auth/jose/jose-token-issuer';
import { ConfigError } from '../config/config';
import { loadTokenConfig, TOKEN_USAGE } from '../config/token-config';

/** `npm run token`: mints a bearer token for operators and tests. */
async function main(): Promise<void> {
  const config = loadTokenConfig(process.argv.slice(2));
  if (config.help) {
    process.stdout.write(`${TOKEN_USAGE}\n`);
    return;
  }
  process.stdout.write(`${await signToken(config.secret, config.request)}\n`);
}

main().catch((error: unknown) => {
  const message =
    error instanceof ConfigError ? `${error.message}\n\n${TOKEN_USAGE}` : String(error);
  process.stderr.write(`${message}\n`);
  process.exit(2);
});
