// The API client: JSON envelopes (SPEC §2), bearer tokens, transparent refresh.
//
// Token handling (docs/web.md, "Session"):
// - the access token lives in memory only (this module), never in storage;
// - the refresh token lives in sessionStorage (this tab, until it closes), or in
//   localStorage when the user ticked 자동 로그인 (autoLogin: the server keeps such a
//   session 24 h);
// - the access token is refreshed 60 s before it expires, and once more on a 401
//   TOKEN_EXPIRED; refreshes are serialised (one in flight per tab, and across tabs with
//   the Web Locks API when the refresh token is shared through localStorage), because
//   the server rotates refresh tokens and treats a reused one as theft;
// - any other 401 ends the local session and the app returns to the login screen.
import type { Tokens, User } from './types';

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly details: unknown;
  readonly traceId?: string;
  readonly retryAfter?: number;

  constructor(status: number, code: string, message: string, details?: unknown, traceId?: string,
    retryAfter?: number) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.details = details;
    this.traceId = traceId;
    this.retryAfter = retryAfter;
  }
}

const REFRESH_KEY = 'phonebill.refreshToken';
const AUTO_KEY = 'phonebill.autoLogin';
const REFRESH_MARGIN_MS = 60_000;

export interface SessionState {
  user: User | null;
  /** true while the stored refresh token is being exchanged at start-up */
  restoring: boolean;
  /** why the last session ended without a logout (shown on the login screen) */
  endedReason: string | null;
}

let accessToken: string | null = null;
let accessExpiresAt = 0;
let refreshTimer: ReturnType<typeof setTimeout> | undefined;
let refreshing: Promise<boolean> | null = null;
let state: SessionState = { user: null, restoring: false, endedReason: null };
const listeners = new Set<() => void>();

function setState(patch: Partial<SessionState>) {
  state = { ...state, ...patch };
  listeners.forEach((listener) => listener());
}

export const session = {
  subscribe(listener: () => void) {
    listeners.add(listener);
    return () => listeners.delete(listener);
  },
  get: () => state,
  hasToken: () => accessToken !== null,
};

function storage(autoLogin: boolean): Storage {
  return autoLogin ? window.localStorage : window.sessionStorage;
}

function storedRefreshToken(): { token: string; autoLogin: boolean } | null {
  try {
    const fromSession = window.sessionStorage.getItem(REFRESH_KEY);
    if (fromSession) return { token: fromSession, autoLogin: false };
    const fromLocal = window.localStorage.getItem(REFRESH_KEY);
    if (fromLocal && window.localStorage.getItem(AUTO_KEY) === 'true') {
      return { token: fromLocal, autoLogin: true };
    }
  } catch {
    // storage disabled: the session lasts as long as the page
  }
  return null;
}

function storeRefreshToken(token: string | undefined, autoLogin: boolean) {
  try {
    clearStoredTokens();
    if (!token) return;
    storage(autoLogin).setItem(REFRESH_KEY, token);
    if (autoLogin) window.localStorage.setItem(AUTO_KEY, 'true');
  } catch {
    // storage disabled
  }
}

function clearStoredTokens() {
  try {
    window.sessionStorage.removeItem(REFRESH_KEY);
    window.localStorage.removeItem(REFRESH_KEY);
    window.localStorage.removeItem(AUTO_KEY);
  } catch {
    // storage disabled
  }
}

function expiryOf(tokens: Tokens): number {
  if (tokens?.accessTokenExpiresAt) {
    const at = Date.parse(tokens.accessTokenExpiresAt);
    if (!Number.isNaN(at)) return at;
  }
  return Date.now() + (tokens?.expiresIn ?? 1800) * 1000;
}

function adoptTokens(tokens: Tokens, autoLogin: boolean) {
  if (!tokens?.accessToken) throw new ApiError(500, 'INTERNAL_ERROR', '로그인 응답이 올바르지 않습니다');
  accessToken = tokens.accessToken;
  accessExpiresAt = expiryOf(tokens);
  storeRefreshToken(tokens.refreshToken, autoLogin);
  scheduleRefresh();
}

function scheduleRefresh() {
  clearTimeout(refreshTimer);
  if (!accessToken) return;
  const delay = Math.max(5_000, accessExpiresAt - Date.now() - REFRESH_MARGIN_MS);
  refreshTimer = setTimeout(() => {
    void refreshTokens();
  }, Math.min(delay, 2_147_000_000));
}

/** Forgets the session locally. `reason` is shown on the login screen. */
export function endLocalSession(reason: string | null = null) {
  clearTimeout(refreshTimer);
  accessToken = null;
  accessExpiresAt = 0;
  clearStoredTokens();
  try {
    window.sessionStorage.removeItem('phonebill.flow');
  } catch {
    // storage disabled
  }
  setState({ user: null, restoring: false, endedReason: reason });
}

// ---- transport ----------------------------------------------------------------------------

interface Envelope<T> {
  success: boolean;
  data?: T;
  message?: string;
  error?: { code: string; message: string; details?: unknown; traceId?: string };
}

async function send<T>(method: string, path: string, body: unknown, token: string | null,
  extraHeaders?: Record<string, string>, signal?: AbortSignal): Promise<{ data: T; status: number }> {
  const headers: Record<string, string> = { Accept: 'application/json', ...extraHeaders };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (token) headers.Authorization = `Bearer ${token}`;
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      cache: 'no-store',
      signal,
    });
  } catch (error) {
    if ((error as Error)?.name === 'AbortError') throw error;
    throw new ApiError(0, 'NETWORK_ERROR', '서버에 연결할 수 없습니다. 네트워크 연결을 확인해주세요.');
  }
  let envelope: Envelope<T> | null = null;
  const type = response.headers.get('Content-Type') ?? '';
  if (type.includes('json')) {
    try {
      envelope = (await response.json()) as Envelope<T>;
    } catch {
      envelope = null;
    }
  }
  const retryAfterHeader = response.headers.get('Retry-After');
  const retryAfter = retryAfterHeader ? Number(retryAfterHeader) || undefined : undefined;
  if (!response.ok || !envelope || envelope.success === false) {
    const error = envelope?.error;
    throw new ApiError(
      response.status,
      error?.code ?? (response.ok ? 'INTERNAL_ERROR' : `HTTP_${response.status}`),
      error?.message ?? '요청을 처리하지 못했습니다. 잠시 후 다시 시도해주세요.',
      error?.details,
      error?.traceId ?? response.headers.get('X-Request-Id') ?? undefined,
      retryAfter,
    );
  }
  return { data: envelope.data as T, status: response.status };
}

/** Exchanges the stored refresh token for a new pair. Resolves false when it cannot. */
export function refreshTokens(): Promise<boolean> {
  if (refreshing) return refreshing;
  const run = async (): Promise<boolean> => {
    const stored = storedRefreshToken();
    if (!stored) return false;
    try {
      const { data } = await send<Tokens>('POST', '/api/v1/auth/refresh',
        { refreshToken: stored.token }, null);
      adoptTokens(data, stored.autoLogin);
      if (data?.user) setState({ user: data.user });
      return true;
    } catch (error) {
      if (error instanceof ApiError && (error.status === 401 || error.status === 400)) {
        endLocalSession('세션이 만료되었습니다. 다시 로그인해주세요.');
      }
      return false;
    }
  };
  const locked = async (): Promise<boolean> => {
    const stored = storedRefreshToken();
    // A refresh token shared with other tabs (localStorage) is rotated under a lock.
    if (stored?.autoLogin && typeof navigator !== 'undefined' && 'locks' in navigator) {
      return navigator.locks.request('phonebill-refresh', run);
    }
    return run();
  };
  refreshing = locked().finally(() => {
    refreshing = null;
  });
  return refreshing;
}

export interface RequestOptions {
  headers?: Record<string, string>;
  signal?: AbortSignal;
  /** public endpoints (login): no token, no refresh */
  anonymous?: boolean;
}

/** Sends an authenticated request; refreshes and retries once on 401 TOKEN_EXPIRED. */
export async function request<T>(method: string, path: string, body?: unknown,
  options: RequestOptions = {}): Promise<T> {
  return (await requestWithStatus<T>(method, path, body, options)).data;
}

export async function requestWithStatus<T>(method: string, path: string, body?: unknown,
  options: RequestOptions = {}): Promise<{ data: T; status: number }> {
  if (options.anonymous) return send<T>(method, path, body, null, options.headers, options.signal);
  if (refreshing) await refreshing;
  if (accessToken && Date.now() > accessExpiresAt - 5_000) await refreshTokens();
  try {
    return await send<T>(method, path, body, accessToken, options.headers, options.signal);
  } catch (error) {
    if (!(error instanceof ApiError) || error.status !== 401) throw error;
    if (error.code === 'TOKEN_EXPIRED' && (await refreshTokens())) {
      try {
        return await send<T>(method, path, body, accessToken, options.headers, options.signal);
      } catch (retryError) {
        if (retryError instanceof ApiError && retryError.status === 401) {
          endLocalSession('세션이 만료되었습니다. 다시 로그인해주세요.');
        }
        throw retryError;
      }
    }
    endLocalSession(error.code === 'TOKEN_REVOKED'
      ? '로그아웃되었거나 다른 곳에서 세션이 종료되었습니다. 다시 로그인해주세요.'
      : '세션이 만료되었습니다. 다시 로그인해주세요.');
    throw error;
  }
}

// ---- session operations -----------------------------------------------------------------

export async function login(userId: string, password: string, autoLogin: boolean): Promise<User> {
  const data = await request<Tokens>('POST', '/api/v1/auth/login', { userId, password, autoLogin },
    { anonymous: true });
  adoptTokens(data, autoLogin);
  const user = data?.user ?? (await request<User>('GET', '/api/v1/auth/me'));
  setState({ user, endedReason: null });
  return user;
}

/** Ends the session on the server (every token of it stops working), then locally. */
export async function logout(): Promise<void> {
  try {
    if (accessToken) await send('POST', '/api/v1/auth/logout', undefined, accessToken);
  } catch {
    // the session is ended locally whatever the server said
  } finally {
    endLocalSession(null);
  }
}

/** At start-up: resumes a stored session (refresh token → new access token → /me). */
export async function restoreSession(): Promise<void> {
  if (!storedRefreshToken()) return;
  setState({ restoring: true });
  try {
    if (await refreshTokens()) {
      const user = await request<User>('GET', '/api/v1/auth/me');
      setState({ user });
    }
  } catch {
    // left logged out
  } finally {
    setState({ restoring: false });
  }
}

/** Re-reads the current user (after a plan change, for example). */
export async function reloadUser(): Promise<void> {
  const user = await request<User>('GET', '/api/v1/auth/me');
  setState({ user });
}

/** For tests and diagnostics only: the current access token's expiry. */
export function accessTokenExpiresAt(): number {
  return accessExpiresAt;
}
