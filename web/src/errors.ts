// What the user is told for every API error code (SPEC §2, §3, §5, §6).
import { ApiError } from './api/client';

export interface ErrorView {
  code: string;
  title: string;
  message: string;
  /** what to do next */
  hint?: string;
  /** a retry button makes sense */
  retryable: boolean;
  retryAfter?: number;
}

const FALLBACK = '요청을 처리하지 못했습니다. 잠시 후 다시 시도해주세요.';

export function describeError(error: unknown): ErrorView {
  if (!(error instanceof ApiError)) {
    return { code: 'CLIENT_ERROR', title: '오류가 발생했습니다', message: FALLBACK, retryable: true };
  }
  const server = error.message || FALLBACK;
  const base = { code: error.code, retryAfter: error.retryAfter };
  switch (error.code) {
    case 'VALIDATION_ERROR': {
      const fields = Array.isArray(error.details)
        ? (error.details as { field?: string; reason?: string }[])
            .map((d) => [d.field, d.reason].filter(Boolean).join(': ')).filter(Boolean)
        : [];
      return { ...base, title: '입력값을 확인해주세요', message: server,
        hint: fields.length ? fields.join(', ') : undefined, retryable: false };
    }
    case 'INVALID_JSON':
    case 'PAYLOAD_TOO_LARGE':
    case 'METHOD_NOT_ALLOWED':
      return { ...base, title: '요청이 올바르지 않습니다', message: server, retryable: false };
    case 'UNAUTHORIZED':
    case 'TOKEN_EXPIRED':
    case 'TOKEN_REVOKED':
    case 'REFRESH_TOKEN_REUSED':
      return { ...base, title: '다시 로그인해주세요', message: '세션이 만료되었습니다. 다시 로그인해주세요.', retryable: false };
    case 'FORBIDDEN':
      return { ...base, title: '접근 권한 없음', message: '서비스 이용 권한이 없습니다.',
        hint: '권한이 필요하면 고객센터(1588-0000)로 문의해주세요.', retryable: false };
    case 'LINE_NOT_OWNED':
      return { ...base, title: '조회할 수 없는 회선입니다', message: '본인 명의의 회선만 조회·변경할 수 있습니다.', retryable: false };
    case 'NOT_FOUND':
      return { ...base, title: '찾을 수 없습니다', message: server, retryable: false };
    case 'LINE_NOT_FOUND':
      return { ...base, title: '회선 정보를 찾을 수 없습니다', message: server,
        hint: '고객센터(1588-0000)로 문의해주세요.', retryable: false };
    case 'BILL_NOT_FOUND':
      return { ...base, title: '요금 정보가 없습니다', message: '선택한 월의 청구 내역이 없습니다.',
        hint: '다른 월을 선택해주세요.', retryable: false };
    case 'LINE_INACTIVE':
      return { ...base, title: '이용이 정지된 회선입니다', message: server,
        hint: '회선 상태는 고객센터(1588-0000)에서 확인할 수 있습니다.', retryable: false };
    case 'RATE_LIMITED':
      return { ...base, title: '요청이 너무 많습니다', message: '잠시 후 다시 시도해주세요.',
        hint: error.retryAfter ? `${error.retryAfter}초 후에 다시 시도할 수 있습니다.` : undefined, retryable: true };
    case 'KOS_UNAVAILABLE':
      return { ...base, title: '요금 시스템에 연결할 수 없습니다',
        message: '통신사 시스템(KOS)이 일시적으로 응답하지 않습니다.',
        hint: '잠시 후 다시 시도해주세요.', retryable: true };
    case 'SERVICE_UNAVAILABLE':
      return { ...base, title: '서비스를 일시적으로 이용할 수 없습니다', message: server,
        hint: '잠시 후 다시 시도해주세요.', retryable: true };
    case 'KOS_TIMEOUT':
    case 'UPSTREAM_TIMEOUT':
      return { ...base, title: '응답이 지연되고 있습니다', message: '시스템 응답이 늦어 요청을 완료하지 못했습니다.',
        hint: '잠시 후 다시 시도해주세요.', retryable: true };
    case 'PRECHECK_FAILED':
      return { ...base, title: '사전 검증에 실패했습니다', message: server, retryable: false };
    case 'PRODUCT_NOT_FOUND':
      return { ...base, title: '상품을 찾을 수 없습니다', message: server, hint: '다른 상품을 선택해주세요.', retryable: false };
    case 'PRODUCT_DISCONTINUED':
      return { ...base, title: '판매가 종료된 상품입니다', message: server, hint: '다른 상품을 선택해주세요.', retryable: false };
    case 'OPERATOR_MISMATCH':
      return { ...base, title: '변경할 수 없는 상품입니다', message: server,
        hint: '같은 통신사의 상품으로만 변경할 수 있습니다.', retryable: false };
    case 'CHANGE_IN_PROGRESS':
      return { ...base, title: '처리 중인 변경 요청이 있습니다', message: server,
        hint: '이전 요청이 끝난 뒤 다시 시도해주세요.', retryable: true };
    case 'IDEMPOTENCY_KEY_REUSED':
      return { ...base, title: '중복된 요청입니다', message: server, hint: '처음부터 다시 진행해주세요.', retryable: false };
    case 'USER_ALREADY_EXISTS':
      return { ...base, title: '이미 있는 아이디입니다', message: '같은 아이디의 사용자가 이미 등록되어 있습니다.',
        hint: '다른 아이디를 입력해주세요.', retryable: false };
    case 'USER_NOT_FOUND':
      return { ...base, title: '사용자를 찾을 수 없습니다', message: '그런 아이디의 사용자가 없습니다.',
        hint: '아이디를 확인해주세요.', retryable: false };
    case 'NETWORK_ERROR':
      return { ...base, title: '네트워크 오류', message: server, retryable: true };
    case 'INTERNAL_ERROR':
    default:
      return { ...base, title: '오류가 발생했습니다', message: server || FALLBACK, retryable: true };
  }
}
