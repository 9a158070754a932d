// One function per endpoint the app uses. Auth and ops answers are typed from
// docs/openapi.yaml (types.ts); bill and product ones from the SPEC.
import { request, requestWithStatus } from './client';
import type {
  AvailableProducts, BillHistoryItem, BillInquiryResult, BillMenu, ChangeResult, ChangeValidation,
  CreateUserRequest, HistoryQuery, LoginAttempt, OpsStatus, Page, Permission, PermissionInfo,
  ProductMenu, User,
} from './types';

/** "?from=…&status=…&page=2" from the set fields of a history query. */
function query(q: HistoryQuery = {}): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(q)) {
    if (value !== undefined && value !== '' && value !== null) params.set(key, String(value));
  }
  const text = params.toString();
  return text ? `?${text}` : '';
}
const user = (id: string) => `/api/v1/admin/users/${encodeURIComponent(id)}`;

export const api = {
  me: () => request<User>('GET', '/api/v1/auth/me'),
  permissions: () => request<PermissionInfo[]>('GET', '/api/v1/auth/permissions'),

  billMenu: () => request<BillMenu>('GET', '/api/v1/bills/menu'),
  billInquiry: (inquiryMonth: string, lineNumber?: string) =>
    request<BillInquiryResult>('POST', '/api/v1/bills/inquiry', { inquiryMonth, lineNumber }),

  productMenu: () => request<ProductMenu>('GET', '/api/v1/products/menu'),
  availableProducts: () => request<AvailableProducts>('GET', '/api/v1/products/available'),
  validateChange: (targetProductCode: string, lineNumber?: string) =>
    request<ChangeValidation>('POST', '/api/v1/products/change/validation',
      { lineNumber, targetProductCode }),
  changeProduct: (currentProductCode: string, targetProductCode: string, idempotencyKey: string,
    lineNumber?: string) =>
    requestWithStatus<ChangeResult>('POST', '/api/v1/products/change',
      { lineNumber, currentProductCode, targetProductCode },
      { headers: { 'Idempotency-Key': idempotencyKey } }),
  changeStatus: (requestId: string) =>
    request<ChangeResult>('GET', `/api/v1/products/change/${encodeURIComponent(requestId)}`),

  billHistory: (q: HistoryQuery, signal?: AbortSignal) =>
    request<Page<BillHistoryItem>>('GET', `/api/v1/bills/history${query(q)}`, undefined, { signal }),
  billRecord: (requestId: string) =>
    request<BillHistoryItem>('GET', `/api/v1/bills/inquiry/${encodeURIComponent(requestId)}`),
  changeHistory: (q: HistoryQuery, signal?: AbortSignal) =>
    request<Page<ChangeResult>>('GET', `/api/v1/products/history${query(q)}`, undefined, { signal }),
  loginHistory: (q: HistoryQuery, signal?: AbortSignal) =>
    request<Page<LoginAttempt>>('GET', `/api/v1/auth/login-history${query({ page: q.page, size: q.size })}`,
      undefined, { signal }),

  createUser: (body: CreateUserRequest) => request<User>('POST', '/api/v1/admin/users', body),
  setPermissions: (userId: string, permissions: Permission[]) =>
    request<User>('PUT', `${user(userId)}/permissions`, { permissions }),
  unlockUser: (userId: string) => request<User>('POST', `${user(userId)}/unlock`),
  userLoginHistory: (userId: string, q: HistoryQuery = {}) =>
    request<Page<LoginAttempt>>('GET', `${user(userId)}/login-history${query({ page: q.page, size: q.size })}`),

  opsStatus: (signal?: AbortSignal) =>
    request<OpsStatus>('GET', '/api/v1/ops/status', undefined, { signal }),
};
