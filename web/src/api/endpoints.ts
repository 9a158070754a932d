// One function per endpoint the app uses. Auth and ops answers are typed from
// docs/openapi.yaml (types.ts); bill and product ones from the SPEC.
import { request, requestWithStatus } from './client';
import type {
  AvailableProducts, BillInquiryResult, BillMenu, ChangeResult, ChangeValidation, OpsStatus,
  PermissionInfo, ProductMenu, User,
} from './types';

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

  opsStatus: (signal?: AbortSignal) =>
    request<OpsStatus>('GET', '/api/v1/ops/status', undefined, { signal }),
};
