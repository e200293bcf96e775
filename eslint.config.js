// @ts-check
const js = require('@eslint/js');
const tseslint = require('typescript-eslint');

/** Libraries that belong in adapters (or, for inversify, in the composition root) only. */
const FRAMEWORKS = [
  'inversify',
  'koa*',
  'mysql2*',
  'ioredis',
  'bullmq',
  'amqplib',
  'pino',
  'zod',
  'rate-limiter-flexible',
  'jose',
  '*helmet',
  '@opentelemetry/*',
];
const OUTER_LAYERS = ['**/adapters/**', '**/config/**'];

const ONLY_CONFIG_READS_ENV = {
  selector: "MemberExpression[object.name='process'][property.name='env']",
  message: 'Only src/config/config.ts reads process.env.',
};

const restrict = (patterns, message) => ({
  'no-restricted-imports': ['error', { patterns: [{ group: patterns, message }] }],
});

module.exports = tseslint.config(
  {
    ignores: [
      'dist/',
      'dist-bench/',
      'coverage/',
      'node_modules/',
      'bench/results/',
      'test/openapi/generated/',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: {
        process: 'readonly',
        console: 'readonly',
        require: 'readonly',
        module: 'writable',
        __dirname: 'readonly',
      },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      'no-restricted-syntax': ['error', ONLY_CONFIG_READS_ENV],
    },
  },
  // The dependency rule: domain imports nothing, application imports only the domain.
  {
    files: ['src/domain/**/*.ts'],
    rules: restrict(
      ['**/application/**', ...OUTER_LAYERS, 'node:*', ...FRAMEWORKS],
      'The domain is pure: no I/O, no frameworks, no outer layers.',
    ),
  },
  {
    files: ['src/application/**/*.ts'],
    rules: restrict(
      [...OUTER_LAYERS, ...FRAMEWORKS],
      'Use cases know ports, never adapters or frameworks.',
    ),
  },
  {
    files: ['src/adapters/**/*.ts'],
    rules: restrict(['**/config/**', 'inversify'], 'Adapters never see the composition root.'),
  },
  // Inversify's own binding calls take any identifier and any list of tokens: bindings.ts checks them.
  {
    files: ['src/**/*.ts'],
    ignores: ['src/config/bindings.ts', 'src/config/config.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        ONLY_CONFIG_READS_ENV,
        {
          selector:
            'CallExpression[callee.property.name=/^to(ResolvedValue|ConstantValue|DynamicValue)$/]',
          message: 'Bind through src/config/bindings.ts, whose identifiers the compiler checks.',
        },
      ],
    },
  },
  {
    files: [
      'src/config/config.ts',
      'test/**/*.ts',
      'bench/**/*.ts',
      'scripts/**/*.ts',
      'loadtests/**/*.ts',
    ],
    rules: { 'no-restricted-syntax': 'off' },
  },
  { files: ['**/*.js', '**/*.cjs'], rules: { '@typescript-eslint/no-require-imports': 'off' } },
);
