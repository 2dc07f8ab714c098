/**
 * Tests only, imported before anything that loads the API client: Node's Request (undici) does
 * not resolve a relative URL as a browser does, and the client asks for "/api/…" on the page's
 * origin. This Request resolves it against jsdom's location first.
 */
const NodeRequest = globalThis.Request;

class PageRequest extends NodeRequest {
  constructor(input: RequestInfo | URL, init?: RequestInit) {
    const url =
      typeof input === "string" && input.startsWith("/") ? new URL(input, location.href) : input;
    super(url, init);
  }
}

globalThis.Request = PageRequest;

export {};
