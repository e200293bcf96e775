// Preloaded with `node -r` by a test: as the process exits, it writes on stderr, as one JSON line,
// the OpenTelemetry modules the process loaded.
const { sep } = require('node:path');

process.on('exit', () => {
  const marker = `${sep}@opentelemetry${sep}`;
  const loaded = Object.keys(require.cache).filter((path) => path.includes(marker));
  process.stderr.write(`${JSON.stringify({ openTelemetryModules: loaded })}\n`);
});
