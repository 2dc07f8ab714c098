/**
 * The one API client: openapi-fetch over the generated types of the gateway's OpenAPI
 * (`schema.ts`, from `make web-api`), so a path or a body the API does not have is a type error.
 *
 * Every request carries the in-memory access token. A 401 on a request that carried one triggers
 * one refresh (shared by every request that failed at the same moment) and one retry; if the
 * refresh fails the session ends and the app shows sign-in. A signed-in user never sees the 401.
 */
import createClient from "openapi-fetch";
import { session, storedRefreshToken, type TokenAnswer } from "@/shared/session/session";
import { ApiError, errorFromBody } from "./errors";
import type { paths } from "./schema";

let refreshing: Promise<boolean> | null = null;

/** Exchange the stored refresh token for new tokens; false (and signed out) if it is refused. */
export function refreshSession(): Promise<boolean> {
  refreshing ??= (async () => {
    const token = storedRefreshToken();
    if (!token) {
      session.signedOut();
      return false;
    }
    try {
      const response = await fetch("/api/auth/refresh", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ refresh_token: token }),
      });
      if (!response.ok) {
        // Only a refusal ends the session; a gateway that is down keeps the token for later.
        if (response.status === 401 || response.status === 403) session.signedOut();
        else session.restored();
        return false;
      }
      session.signedIn((await response.json()) as TokenAnswer);
      return true;
    } catch {
      session.restored();
      return false;
    } finally {
      refreshing = null;
    }
  })();
  return refreshing;
}

function withToken(request: Request): Request {
  const token = session.get().accessToken;
  const next = new Request(request);
  if (token) next.headers.set("authorization", `Bearer ${token}`);
  return next;
}

/** fetch with the bearer token, one refresh-and-retry on 401, and offline as an ApiError. */
export async function authFetch(input: Request): Promise<Response> {
  const retry = input.clone();
  const hadToken = session.get().accessToken !== null;
  let response: Response;
  try {
    response = await fetch(withToken(input));
    if (response.status === 401 && hadToken && (await refreshSession())) {
      response = await fetch(withToken(retry));
    }
  } catch {
    throw ApiError.offline();
  }
  return response;
}

export const api = createClient<paths>({ baseUrl: "", fetch: authFetch });

/** Each money-moving request carries one of these; the same key on a retry moves nothing twice. */
export function newIdempotencyKey(): string {
  return crypto.randomUUID();
}

/** The body of a 2xx answer, or the API's error thrown as an ApiError (for TanStack Query). */
export async function unwrap<T>(
  call: Promise<{ data?: T; error?: unknown; response: Response }>,
): Promise<T> {
  // openapi-fetch has already read (and parsed) an error's body: use its `error`, the
  // response's body can no longer be read.
  const { data, error, response } = await call;
  if (!response.ok) throw errorFromBody(response, error);
  return data as T;
}
