// Calls the server's REST API with the signed-in API key. The key lives in this tab's sessionStorage and travels
// only in the Authorization header, never in a URL.

const KEY = 'lorawan-ns.api-key';

export const apiKey = {
  get: () => sessionStorage.getItem(KEY),
  set: (key) => sessionStorage.setItem(KEY, key),
  clear: () => sessionStorage.removeItem(KEY),
};

/** A refused or failed call: the HTTP status (0: no answer) and the API's own `error` text. */
export class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

/** The path under /api/v1 of segments, each encoded (they may be what the user typed). */
export function path(...segments) {
  return segments.map((segment) => '/' + encodeURIComponent(segment)).join('');
}

/** A query string of the parameters that are neither null nor empty, with its '?'. */
export function query(parameters) {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(parameters)) {
    if (value !== null && value !== undefined && value !== '') {
      search.set(name, value);
    }
  }
  const text = search.toString();
  return text ? '?' + text : '';
}

/** The headers of every call: the key, and JSON. */
export function headers(key = apiKey.get()) {
  return { Authorization: `Bearer ${key}`, Accept: 'application/json' };
}

/** The ApiError for an answer that is not 2xx: its JSON `error` text when it has one. */
export async function refusal(response) {
  let message = `HTTP ${response.status}`;
  try {
    const body = await response.json();
    if (body && typeof body.error === 'string') {
      message = body.error;
    }
  } catch {
    // Not JSON (a proxy's page, say): the status says enough.
  }
  return new ApiError(response.status, message);
}

/** Calls /api/v1 + resource; the answer's JSON, or an ApiError. */
export async function api(resource, { method = 'GET', body, key } = {}) {
  const options = { method, headers: headers(key), cache: 'no-store' };
  if (body !== undefined) {
    options.headers['Content-Type'] = 'application/json';
    options.body = JSON.stringify(body);
  }
  let response;
  try {
    response = await fetch('/api/v1' + resource, options);
  } catch (e) {
    throw new ApiError(0, `the server cannot be reached (${e.message})`);
  }
  if (!response.ok) {
    throw await refusal(response);
  }
  return response.json();
}
