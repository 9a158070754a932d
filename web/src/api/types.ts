// API types, checked against docs/openapi.yaml. `npm run gen:api` (run by every build)
// turns the document into schema.gen.ts with openapi-typescript; auth and ops types are
// taken from it directly. The bill and product types below are stricter copies (fields
// the screens rely on are required) and `Conforms` makes tsc fail the build when one of
// them uses a field the document does not have, or a type it does not allow.
import type { components, paths } from './schema.gen';

type Schemas = components['schemas'];

/** The `data` of a path's 200 JSON answer, as docs/openapi.yaml declares it. */
export type OkData<P extends keyof paths, M extends keyof paths[P]> = paths[P][M] extends {
  responses: { 200: { content: { 'application/json': { data?: infer D } } } };
}
  ? D
  : never;

/** The JSON request body of a path, as docs/openapi.yaml declares it. */
export type Body<P extends keyof paths, M extends keyof paths[P]> = paths[P][M] extends {
  requestBody: { content: { 'application/json': infer B } };
}
  ? B
  : paths[P][M] extends { requestBody?: { content: { 'application/json': infer B } } }
    ? B
    : never;

export type Permission = Schemas['Permission'];
export type User = Schemas['User'];
export type Tokens = OkData<'/api/v1/auth/login', 'post'>;
export type LoginRequest = Body<'/api/v1/auth/login', 'post'>;
export type RefreshRequest = Body<'/api/v1/auth/refresh', 'post'>;
export type PermissionInfo = NonNullable<OkData<'/api/v1/auth/permissions', 'get'>>[number];
export type OpsStatus = OkData<'/api/v1/ops/status', 'get'>;
export type RouteTraffic = Schemas['RouteTraffic'];
export type ErrorEnvelope = Schemas['Error'];
export type LoginAttempt = NonNullable<OkData<'/api/v1/auth/login-history', 'get'>>['items'][number];
export type CreateUserRequest = Body<'/api/v1/admin/users', 'post'>;

export interface PageInfo {
  number: number;
  size: number;
  totalItems: number;
  totalPages: number;
  hasNext: boolean;
  hasPrevious: boolean;
}

/** true when every key of Mine exists in Doc and Mine is assignable to Doc. */
type Conforms<Mine, Doc> = [Exclude<keyof Mine, keyof Doc>] extends [never]
  ? Mine extends Doc ? true : false
  : false;
type Assert<T extends true> = T;

// ---- bill-inquiry (SPEC §5) ---------------------------------------------------------------
export interface BillMenu {
  customer: { customerId: string; lineNumber: string; customerName: string | null };
  availableMonths: string[]; // "YYYY-MM", newest first
  defaultMonth: string;
  monthsSource: 'KOS' | 'LOCAL';
}

/** A used amount against its allowance; "무제한" means unlimited. */
export interface UsageAmount {
  used: number;
  allowance: number | '무제한';
}

export interface BillInfo {
  lineNumber: string;
  billingMonth: string;
  customerName?: string;
  productCode: string;
  productName: string;
  contractInfo?: { contractType?: string; startDate?: string | null; endDate?: string | null };
  monthlyFee: number;
  usageFee: number;
  discountAmount: number;
  totalAmount: number;
  discounts: { name: string; amount: number }[];
  usage: { voice: UsageAmount; sms: UsageAmount; data: UsageAmount };
  terminationFee?: number;
  deviceInstallment?: number;
  installment?: {
    deviceName: string;
    totalAmount: number;
    monthlyAmount: number;
    remainingAmount: number;
    remainingMonths: number;
  } | null;
  paymentInfo?: {
    billingDate?: string;
    dueDate?: string;
    paymentStatus?: 'PAID' | 'UNPAID' | 'OVERDUE';
    paymentMethod?: string;
  };
}

export interface BillInquiryResult {
  requestId: string;
  status: 'COMPLETED';
  source: 'CACHE' | 'KOS' | 'STALE_CACHE';
  cachedAt?: string;
  billInfo: BillInfo;
}

// ---- product-change (SPEC §6) -------------------------------------------------------------
export interface Product {
  productCode: string;
  productName: string;
  operatorCode?: 'KT' | 'SKT' | 'LGU';
  networkType?: '5G' | 'LTE' | '3G';
  monthlyFee: number;
  dataAllowance?: string;
  voiceAllowance?: string;
  smsAllowance?: string;
  description?: string;
  onSale?: boolean;
  priceDelta?: number;
}

export type AvailableProduct = Product;

export interface ProductMenu {
  customer: {
    customerId: string;
    lineNumber: string;
    customerName: string;
    lineStatus: 'ACTIVE' | 'SUSPENDED' | 'TERMINATED';
  };
  currentProduct: Product;
}

export interface AvailableProducts {
  currentProductCode: string;
  currentProduct?: Product;
  products: Product[];
}

export interface ValidationCheck {
  type: 'PRODUCT_ON_SALE' | 'OPERATOR_MATCH' | 'LINE_ACTIVE' | 'NOT_CURRENT_PRODUCT' | 'CURRENT_PRODUCT_MATCH';
  result: 'PASS' | 'FAIL';
  message?: string;
}

export interface ChangeValidation {
  result: 'PASS' | 'FAIL';
  checks: ValidationCheck[];
  currentProductCode?: string;
}

export interface ProductRef {
  productCode?: string;
  productName?: string;
}

export interface ChangeResult {
  requestId: string;
  status: 'REQUESTED' | 'PRECHECK_FAILED' | 'COMPLETED' | 'FAILED' | 'PENDING';
  lineNumber?: string;
  previousProduct?: ProductRef;
  newProduct?: ProductRef;
  effectiveDate?: string | null;
  kosOrderNumber?: string | null;
  requestedAt?: string;
  processedAt?: string | null;
  resultCode?: string | null;
  resultMessage?: string | null;
  checks?: ValidationCheck[];
}

// ---- history (SPEC §2 pagination) --------------------------------------------------------
/** One page of a list answer (SPEC §2). */
export interface Page<T> {
  items: T[];
  page: PageInfo;
}

export interface BillHistoryItem {
  requestId: string;
  lineNumber?: string | null;
  inquiryMonth?: string | null;
  requestedAt: string;
  finishedAt?: string;
  status: 'COMPLETED' | 'FAILED';
  source?: 'CACHE' | 'KOS' | 'STALE_CACHE' | null;
  resultCode?: string;
  resultSummary?: string;
  /** GET /api/v1/bills/inquiry/{requestId} only */
  billInfo?: BillInfo;
}

/** The query of a history list: a Seoul-day period, a status, a page. */
export interface HistoryQuery {
  from?: string;
  to?: string;
  status?: string;
  page?: number;
  size?: number;
}

export type DocumentChecks = [
  Assert<Conforms<PageInfo, Schemas['PageInfo']>>,
  Assert<Conforms<Omit<BillHistoryItem, 'billInfo'>, Omit<Schemas['BillHistoryItem'], 'billInfo'>>>,
  Assert<Conforms<BillMenu, OkData<'/api/v1/bills/menu', 'get'>>>,
  Assert<Conforms<BillInfo, Schemas['BillInfo']>>,
  Assert<Conforms<BillInquiryResult, OkData<'/api/v1/bills/inquiry', 'post'>>>,
  Assert<Conforms<Product, Schemas['Product']>>,
  Assert<Conforms<ProductMenu, OkData<'/api/v1/products/menu', 'get'>>>,
  Assert<Conforms<AvailableProducts, OkData<'/api/v1/products/available', 'get'>>>,
  Assert<Conforms<ChangeValidation, OkData<'/api/v1/products/change/validation', 'post'>>>,
  Assert<Conforms<ChangeResult, Schemas['ProductChange']>>,
  Assert<Conforms<ValidationCheck, Schemas['ProductCheck']>>,
];

/** Request bodies straight from the document. */
export type BillInquiryRequest = Body<'/api/v1/bills/inquiry', 'post'>;
export type ChangeValidationRequest = Body<'/api/v1/products/change/validation', 'post'>;
export type ChangeRequest = Body<'/api/v1/products/change', 'post'>;
