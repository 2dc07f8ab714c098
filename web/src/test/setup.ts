import "@testing-library/jest-dom/vitest";
import "@/app/i18n";

// The app calls its API by same-origin paths ("/api/..."), as a browser allows; Node's Request
// (used by openapi-fetch under Vitest) needs an absolute URL, so tests resolve them on a fixed
// origin. Tests stub `fetch` and see the same paths the app sends.
const BaseRequest = globalThis.Request;
globalThis.Request = class SameOriginRequest extends BaseRequest {
  constructor(input: RequestInfo | URL, init?: RequestInit) {
    const url =
      typeof input === "string" && input.startsWith("/") ? `http://app.test${input}` : input;
    super(url, init);
  }
};
