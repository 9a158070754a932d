// Every SQL statement kos-sim runs, prepared by name (STYLE §7). The schema and the
// generator live in db/kos/.
#pragma once

namespace phonebill::kos_sim::queries {

inline constexpr const char* kFindBillName = "kos.find_bill";
inline constexpr const char* kFindBill = R"SQL(
SELECT l.status AS line_status, c.customer_name, l.contract_type,
       l.contract_start_date::text AS contract_start_date,
       l.contract_end_date::text AS contract_end_date,
       l.device_name, l.installment_total, l.installment_monthly,
       b.billing_month, b.monthly_fee, b.usage_fee, b.discount_total, b.device_installment,
       b.total_amount, b.voice_used_minutes, b.voice_allowance_minutes, b.sms_used,
       b.sms_allowance, b.data_used_mb, b.data_allowance_mb, b.termination_fee,
       b.installment_remaining, b.installment_remaining_months,
       b.billing_date::text AS billing_date, b.due_date::text AS due_date,
       b.product_code, b.product_name, b.payment_status, b.payment_method,
       b.discounts::text AS discounts
FROM lines l
JOIN customers c ON c.customer_id = l.customer_id
LEFT JOIN bills b ON b.line_number = l.line_number AND b.billing_month = $2
WHERE l.line_number = $1)SQL";

inline constexpr const char* kAvailableMonthsName = "kos.available_months";
inline constexpr const char* kAvailableMonths = R"SQL(
SELECT l.status AS line_status, b.billing_month
FROM lines l
LEFT JOIN bills b ON b.line_number = l.line_number
WHERE l.line_number = $1
ORDER BY b.billing_month DESC)SQL";

inline constexpr const char* kProductInquiryName = "kos.product_inquiry";
inline constexpr const char* kProductInquiry = R"SQL(
SELECT l.status AS line_status, l.customer_id, c.customer_name, l.contract_type,
       l.contract_start_date::text AS contract_start_date,
       l.contract_end_date::text AS contract_end_date,
       p.product_code, p.product_name, p.operator_code, p.network_type, p.monthly_fee,
       p.data_allowance_gb, p.voice_allowance_minutes, p.sms_allowance, p.status, p.description
FROM lines l
JOIN customers c ON c.customer_id = l.customer_id
LEFT JOIN products p ON p.product_code = l.product_code
WHERE l.line_number = $1)SQL";

inline constexpr const char* kCatalogueName = "kos.catalogue";
inline constexpr const char* kCatalogue = R"SQL(
SELECT product_code, product_name, operator_code, network_type, monthly_fee,
       data_allowance_gb, voice_allowance_minutes, sms_allowance, status, description
FROM products
ORDER BY display_order, product_code)SQL";

inline constexpr const char* kFindOrderName = "kos.find_order";
inline constexpr const char* kFindOrder = R"SQL(
SELECT request_id, line_number, current_product_code, target_product_code,
       previous_product_code, kos_order_number, effective_date::text AS effective_date,
       status, result_code, result_detail,
       to_char(created_at AT TIME ZONE 'Asia/Seoul', 'YYYY-MM-DD"T"HH24:MI:SS"+09:00"') AS created_at
FROM orders
WHERE request_id = $1)SQL";

// The whole change, atomic and idempotent on the request id (db/kos/004).
inline constexpr const char* kChangeProductName = "kos.change_product";
inline constexpr const char* kChangeProduct = R"SQL(
SELECT request_id, line_number, current_product_code, target_product_code,
       previous_product_code, kos_order_number, effective_date::text AS effective_date,
       status, result_code, result_detail,
       to_char(created_at AT TIME ZONE 'Asia/Seoul', 'YYYY-MM-DD"T"HH24:MI:SS"+09:00"') AS created_at
FROM kos_change_product($1, $2, $3, $4))SQL";

// Regenerates under an advisory lock only when seed, count or month changed (db/kos/002).
inline constexpr const char* kEnsureGeneratedName = "kos.ensure_generated";
inline constexpr const char* kEnsureGenerated = R"SQL(
SELECT seed, customer_count, anchor_month, line_count, bill_count, duration_ms,
       generated_at::text AS generated_at
FROM kos_ensure_generated($1::integer, $2::integer, $3::text))SQL";

}  // namespace phonebill::kos_sim::queries
