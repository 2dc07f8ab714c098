/**
 * WORKAROUND until shared/api/client.ts `unwrap` is fixed: openapi-fetch has already read an
 * error answer's body (into `error`) when `unwrap` calls `errorFrom(response)`, whose clone
 * then fails, so every refusal loses its code (a decline would read as "forbidden"). This
 * builds the ApiError from the body openapi-fetch parsed. Replace by `unwrap` once fixed.
 */
import { ApiError } from "@/shared/api/errors";

interface ErrorBody {
  error?: { code?: string; message?: string; details?: unknown };
}

export async function call<T>(
  pending: Promise<{ data?: T; error?: unknown; response: Response }>,
): Promise<T> {
  const { data, error, response } = await pending;
  if (response.ok) return data as T;
  const body = (error ?? null) as ErrorBody | null;
  if (body?.error?.code) {
    const { code, message, details } = body.error;
    throw new ApiError(response.status, code, message ?? "", details ?? null);
  }
  throw new ApiError(response.status, `http.${response.status}`, response.statusText);
}
