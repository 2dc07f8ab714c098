/** The platform's one error shape: `{"error": {"code", "message", "details"}}` with a 4xx/5xx. */
export interface ValidationProblem {
  loc: (string | number)[];
  msg: string;
  type: string;
}

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly details: unknown;

  constructor(status: number, code: string, message: string, details: unknown = null) {
    super(message);
    this.name = "ApiError";
    this.status = status;
    this.code = code;
    this.details = details;
  }

  /** The request never got an answer (offline, the gateway down). */
  static offline(): ApiError {
    return new ApiError(0, "network.offline", "The server could not be reached.");
  }

  /** The field a 422 names (`loc` is ["body", "field", ...]); null for any other error. */
  fieldErrors(): Record<string, string> {
    if (this.code !== "validation_error" || !Array.isArray(this.details)) return {};
    const out: Record<string, string> = {};
    for (const problem of this.details as ValidationProblem[]) {
      const path = problem.loc.filter((part) => part !== "body" && part !== "query");
      const field = path.length ? String(path[0]) : "";
      if (field && !(field in out)) out[field] = problem.type || problem.msg;
    }
    return out;
  }
}

export function isApiError(error: unknown): error is ApiError {
  return error instanceof ApiError;
}

/** An error answer whose body was already parsed (openapi-fetch's `error`): the API's shape,
 * else `http.<status>` (a proxy's HTML 502 included). */
export function errorFromBody(response: Response, body: unknown): ApiError {
  const error = (body as { error?: { code?: string; message?: string; details?: unknown } } | null)
    ?.error;
  if (error?.code) {
    return new ApiError(response.status, error.code, error.message ?? "", error.details ?? null);
  }
  return new ApiError(response.status, `http.${response.status}`, response.statusText);
}

/** Parse any non-2xx answer (a Response nobody has read yet) into an ApiError. */
export async function errorFrom(response: Response): Promise<ApiError> {
  let body: unknown = null;
  try {
    body = await response.clone().json();
  } catch {
    body = null;
  }
  return errorFromBody(response, body);
}
