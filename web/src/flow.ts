// The product-change flow's state between screens (UI.md: sessionStorage `selectedProduct`,
// `changeRequest`), in one sessionStorage entry that logout clears.
import type { ChangeResult, Product } from './api/types';
import type { ErrorView } from './errors';

export interface ChangeFlow {
  current?: Product;
  selected?: Product & { priceDelta?: number };
  /** one Idempotency-Key per confirmed change: a resubmission cannot apply it twice */
  idempotencyKey?: string;
  result?: ChangeResult;
  failure?: ErrorView & { checks?: { type: string; result: string; message?: string }[] };
}

const KEY = 'phonebill.flow';

export function readFlow(): ChangeFlow {
  try {
    return JSON.parse(sessionStorage.getItem(KEY) ?? '{}') as ChangeFlow;
  } catch {
    return {};
  }
}

export function writeFlow(patch: Partial<ChangeFlow>): ChangeFlow {
  const next = { ...readFlow(), ...patch };
  try {
    sessionStorage.setItem(KEY, JSON.stringify(next));
  } catch {
    // storage disabled
  }
  return next;
}

export function clearFlow() {
  try {
    sessionStorage.removeItem(KEY);
  } catch {
    // storage disabled
  }
}

export function newIdempotencyKey(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = (bytes[6] & 0x0f) | 0x40;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
