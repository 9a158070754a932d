// The table behind result_code.hpp: wire text and Korean message per code.
#include "kos/result_code.hpp"

namespace phonebill::kos {
namespace {

struct CodeInfo {
  KosResultCode code;
  std::string_view text;
  std::string_view message;
};

constexpr CodeInfo kCodeTable[] = {
    {KosResultCode::kSuccess, "0000", "정상 처리되었습니다."},
    {KosResultCode::kBillLineNotFound, "1001", "존재하지 않는 회선입니다."},
    {KosResultCode::kBillLineInactive, "1002", "사용 중인 회선이 아닙니다."},
    {KosResultCode::kBillNotFound, "1003", "해당 월의 청구 내역이 없습니다."},
    {KosResultCode::kChangeLineNotFound, "2001", "존재하지 않는 회선입니다."},
    {KosResultCode::kChangeLineInactive, "2002", "상품을 변경할 수 없는 회선 상태입니다."},
    {KosResultCode::kChangeProductNotFound, "2003", "존재하지 않는 상품입니다."},
    {KosResultCode::kChangeProductDiscontinued, "2004", "판매가 중단된 상품입니다."},
    {KosResultCode::kChangeOperatorMismatch, "2005",
     "다른 통신사의 상품으로는 변경할 수 없습니다."},
    {KosResultCode::kProductLineNotFound, "3001", "존재하지 않는 회선입니다."},
    {KosResultCode::kProductLineNotInService, "3002", "서비스 중인 회선이 아닙니다."},
    {KosResultCode::kProductDataUnavailable, "3003", "상품 정보를 조회할 수 없습니다."},
    {KosResultCode::kInvalidRequest, "9001", "요청 형식이 올바르지 않습니다."},
    {KosResultCode::kSystemError, "9999", "시스템 오류가 발생했습니다. 잠시 후 다시 시도해주세요."},
};

const CodeInfo& info(KosResultCode code) {
  for (const auto& entry : kCodeTable)
    if (entry.code == code) return entry;
  return kCodeTable[std::size(kCodeTable) - 1];  // unreachable for a valid enum value
}

}  // namespace

std::string_view to_text(KosResultCode code) { return info(code).text; }

std::optional<KosResultCode> parse_result_code(std::string_view text) {
  for (const auto& entry : kCodeTable)
    if (entry.text == text) return entry.code;
  return std::nullopt;
}

std::string_view default_message(KosResultCode code) { return info(code).message; }

KosOutcome classify(KosResultCode code) {
  switch (code) {
    case KosResultCode::kSuccess:
      return KosOutcome::kSuccess;
    case KosResultCode::kInvalidRequest:
      return KosOutcome::kRejected;
    case KosResultCode::kSystemError:
      return KosOutcome::kSystemError;
    default:
      return KosOutcome::kBusinessError;
  }
}

bool is_business_error(KosResultCode code) { return classify(code) == KosOutcome::kBusinessError; }

bool counts_as_failure(KosResultCode code) { return code == KosResultCode::kSystemError; }

bool is_retryable(KosResultCode code) { return code == KosResultCode::kSystemError; }

int http_status(KosResultCode code) { return code == KosResultCode::kInvalidRequest ? 400 : 200; }

}  // namespace phonebill::kos
