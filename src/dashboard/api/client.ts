import type { ApiErrorBody } from "./types.js";

/** An error reply of the API, in the service's one shape, or a network failure (status 0). */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly field: string | undefined;

  constructor(status: number, code: string, message: string, field?: string) {
    super(message);
    this.name = "ApiError";
    this.status = status;
    this.code = code;
    this.field = field;
  }
}

let csrfToken = "";
let onSignedOut: () => void = () => {};

/** The session's CSRF token, sent with every state-changing request. */
export function setCsrfToken(token: string): void {
  csrfToken = token;
}

/** Called when the server says the session is gone (401), so the app can show sign-in. */
export function onUnauthorized(handler: () => void): void {
  onSignedOut = handler;
}

function isErrorBody(value: unknown): value is ApiErrorBody {
  if (typeof value !== "object" || value === null || !("error" in value)) return false;
  const error = (value as { error: unknown }).error;
  return typeof error === "object" && error !== null && "code" in error;
}

export type Query = Record<string, string | number | boolean | string[] | null | undefined>;

/** `?a=1&b=x&b=y`, leaving out empty values; arrays repeat the name. */
export function queryString(query: Query = {}): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) {
    if (value === undefined || value === null || value === "" || value === false) continue;
    if (Array.isArray(value)) for (const v of value) params.append(name, v);
    else params.set(name, String(value));
  }
  const text = params.toString();
  return text ? `?${text}` : "";
}

type Method = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

async function request<T>(method: Method, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { accept: "application/json" };
  let payload: string | Blob | undefined;
  if (method !== "GET") {
    headers["x-csrf-token"] = csrfToken;
    if (body instanceof Blob) {
      // A file goes as it is (the server reads its type from its bytes).
      headers["content-type"] = body.type || "application/octet-stream";
      payload = body;
    } else {
      // Always a JSON body: the server refuses `content-type: application/json` with none.
      headers["content-type"] = "application/json";
      payload = JSON.stringify(body ?? {});
    }
  }
  let response: Response;
  try {
    response = await fetch(path, { method, headers, body: payload, credentials: "same-origin" });
  } catch {
    throw new ApiError(0, "network_error", "The server could not be reached. Try again.");
  }
  if (response.status === 204) return undefined as T;
  const data: unknown = await response.json().catch(() => null);
  if (!response.ok) {
    // Sign-in and "who am I" answer 401 as a matter of course; elsewhere it means the session ended.
    if (response.status === 401 && !path.startsWith("/api/auth/") && path !== "/api/session") {
      onSignedOut();
    }
    if (isErrorBody(data)) {
      const { code, message, field } = data.error;
      throw new ApiError(response.status, code, message, field);
    }
    throw new ApiError(response.status, "http_error", `The server answered ${response.status}.`);
  }
  return data as T;
}

export const api = {
  get: <T>(path: string, query?: Query) => request<T>("GET", path + queryString(query)),
  post: <T>(path: string, body?: unknown) => request<T>("POST", path, body),
  put: <T>(path: string, body?: unknown) => request<T>("PUT", path, body),
  patch: <T>(path: string, body?: unknown) => request<T>("PATCH", path, body),
  delete: <T>(path: string) => request<T>("DELETE", path),
};

/** A message for people: the API's own, or a generic one. */
export function errorMessage(error: unknown): string {
  if (error instanceof ApiError) return error.message;
  return "Something went wrong. Try again.";
}
