// The three permissions of SPEC §0 with the descriptions GET /api/v1/auth/permissions
// shows, in their canonical order. Entry points: kPermissionCatalogue,
// is_known_permission, canonical_permissions.
#pragma once
#include <array>
#include <string>
#include <string_view>
#include <vector>

namespace phonebill::auth {

struct PermissionInfo {
  std::string_view name;
  std::string_view description;  // Korean, user-facing
};

inline constexpr std::string_view kBillInquiry = "BILL_INQUIRY";
inline constexpr std::string_view kProductChange = "PRODUCT_CHANGE";
inline constexpr std::string_view kAdmin = "ADMIN";

inline constexpr std::array<PermissionInfo, 3> kPermissionCatalogue{{
    {kBillInquiry, "요금 조회: 월별 요금 청구 내역을 조회할 수 있습니다"},
    {kProductChange, "상품 변경: 요금제를 변경할 수 있습니다"},
    {kAdmin, "관리자: 사용자와 권한을 관리하고 운영 현황을 볼 수 있습니다"},
}};

bool is_known_permission(std::string_view name);

// The known names of `names`, each once, in catalogue order (unknown names dropped).
std::vector<std::string> canonical_permissions(const std::vector<std::string>& names);

}  // namespace phonebill::auth
