import createClient, { type Middleware } from 'openapi-fetch';
import type { components, paths } from './schema';

export type Schemas = components['schemas'];

/** Every /api/v1 call acts in the workspace the person chose (the X-Workspace-Id header). */
let currentWorkspace: string | null = null;
export const setApiWorkspace = (id: string | null) => {
  currentWorkspace = id;
};

const workspaceHeader: Middleware = {
  onRequest({ request }) {
    if (currentWorkspace) request.headers.set('X-Workspace-Id', currentWorkspace);
    return request;
  },
};

// Same origin as the server that serves the app, so the session cookie rides along.
export const api = createClient<paths>({ baseUrl: '' });
api.use(workspaceHeader);

/** An error answered by the API ({"error": {"code", "message", "details"}}) or by the network. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
  }
}

type Result<T> = { data?: T; error?: unknown; response: Response };

// When the server cannot be reached the browser says only "Failed to fetch"; people read this
// instead, in the app's language (I18nProvider keeps it current).
const NO_CONNECTION = { en: 'no connection to the server', id: 'tidak ada koneksi ke server', es: 'no hay conexión con el servidor' } as const;
let language: keyof typeof NO_CONNECTION = 'en';
export const setApiLanguage = (lang: keyof typeof NO_CONNECTION) => {
  language = lang;
};

/** The body of a successful answer, or an ApiError with the API's code and message. */
export async function ok<T>(call: Promise<Result<T>>): Promise<T> {
  let result: Result<T>;
  try {
    result = await call;
  } catch (e) {
    throw new ApiError(0, 'network', e instanceof TypeError ? NO_CONNECTION[language] : e instanceof Error ? e.message : String(e));
  }
  if (result.error !== undefined || !result.response.ok) {
    const body = result.error as { error?: { code?: string; message?: string; details?: Record<string, unknown> } } | undefined;
    throw new ApiError(result.response.status, body?.error?.code ?? `http_${result.response.status}`, body?.error?.message ?? result.response.statusText, body?.error?.details);
  }
  return result.data as T;
}
