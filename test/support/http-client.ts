export interface HttpAnswer {
  status: number;
  headers: Headers;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- JSON under test
}

/** A tiny JSON client over fetch for tests that talk to a listening service. */
export function httpClient(baseUrl: string, defaultHeaders: Record<string, string> = {}) {
  return async function request(
    method: string,
    path: string,
    body?: unknown,
    extraHeaders: Record<string, string> = {},
  ): Promise<HttpAnswer> {
    const headers = { ...defaultHeaders, ...extraHeaders };
    const response = await fetch(`${baseUrl}${path}`, {
      method,
      headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      // Not JSON: the raw text is what the test sees.
    }
    return { status: response.status, headers: response.headers, body: parsed };
  };
}
