// Loaded with `node -r` to run the service from its TypeScript sources in a child process, as
// `node dist/main.js` runs the build: each module is transpiled as it is required (no
// type-checking: npm run typecheck does that), so a test needs no build step before it.
const { readFileSync } = require('node:fs');
const ts = require('typescript');

const compilerOptions = {
  module: ts.ModuleKind.CommonJS,
  target: ts.ScriptTarget.ES2022,
  esModuleInterop: true,
};

require.extensions['.ts'] = (module, filename) => {
  const source = readFileSync(filename, 'utf8');
  const { outputText } = ts.transpileModule(source, { fileName: filename, compilerOptions });
  module._compile(outputText, filename);
};
