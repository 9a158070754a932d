// product-change's edge table (SPEC §2, §6): each ProductStatus as its HTTP answer —
// status, SPEC code and Korean text — in one place, and a change record rendered as the
// answer it gives (200 COMPLETED, 202 PENDING, or its refusal with requestId, checks,
// kosResultCode). Entry points: product_answer, respond_refusal, respond_change.
#pragma once
#include "change_record.hpp"
#include "core/result.hpp"
#include "http/api_error.hpp"
#include "product_status.hpp"

namespace phonebill::product {

// The one table: ProductStatus → {HTTP status, code, Korean text}. kChangeCompleted is
// 200 "OK", kChangePending 202 "PENDING" (a change's resultCode).
http::ApiError product_answer(ProductStatus status);

// The error envelope of a refusal (its fields as VALIDATION_ERROR details, retry_after
// as Retry-After).
http::Response respond_refusal(const http::Request& request, const Refusal<ProductStatus>& refusal);

// A change record as the change, a replay of its key, answer: 200 / 202 with the change,
// else the refusal it stands for with its details (KOS's own message for a refusal KOS
// explained).
http::Response respond_change(const http::Request& request, const ChangeRecord& record);

}  // namespace phonebill::product
