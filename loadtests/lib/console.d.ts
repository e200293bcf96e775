// k6 gives scripts a console, but @types/k6 does not declare one and the DOM lib (which would) is
// left out on purpose: k6 has no DOM.
declare const console: {
  log(...data: unknown[]): void;
  info(...data: unknown[]): void;
  warn(...data: unknown[]): void;
  error(...data: unknown[]): void;
};
