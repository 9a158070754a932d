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
       b.installment_remaining, b.billing_date::text AS billing_date, b.due_date::text AS due_date,
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

// Locks the line so concurrent changes of one line are serialised.
inline constexpr const char* kLockLineName = "kos.lock_line";
inline constexpr const char* kLockLine = R"SQL(
SELECT status, product_code, operator_code FROM lines WHERE line_number = $1 FOR UPDATE)SQL";

inline constexpr const char* kFindProductName = "kos.find_product";
inline constexpr const char* kFindProduct = R"SQL(
SELECT status, operator_code FROM products WHERE product_code = $1)SQL";

// $1 request, $2 line, $3 current, $4 target, $5 previous, $6 status, $7 code, $8 detail,
// $9 effective date (NULL unless completed). Returns nothing if the request id exists.
inline constexpr const char* kInsertOrderName = "kos.insert_order";
inline constexpr const char* kInsertOrder = R"SQL(
INSERT INTO orders (request_id, line_number, current_product_code, target_product_code,
                    previous_product_code, kos_order_number, effective_date, status,
                    result_code, result_detail)
VALUES ($1, $2, $3, $4, $5,
        CASE WHEN $6 = 'COMPLETED'
             THEN 'KOS' || to_char(now() AT TIME ZONE 'Asia/Seoul', 'YYYYMMDD') ||
                  lpad(nextval('order_number_seq')::text, 8, '0') END,
        $9::date, $6, $7, $8)
ON CONFLICT (request_id) DO NOTHING
RETURNING kos_order_number,
          to_char(created_at AT TIME ZONE 'Asia/Seoul', 'YYYY-MM-DD"T"HH24:MI:SS"+09:00"') AS created_at)SQL";

inline constexpr const char* kApplyChangeName = "kos.apply_change";
inline constexpr const char* kApplyChange = R"SQL(
UPDATE lines SET product_code = $2, updated_at = now() WHERE line_number = $1)SQL";

inline constexpr const char* kGenerationStateName = "kos.generation_state";
inline constexpr const char* kGenerationState = R"SQL(
SELECT seed, customer_count, anchor_month, line_count, bill_count FROM generation_meta)SQL";

inline constexpr const char* kGenerationLock = "SELECT pg_advisory_xact_lock(8084001)";
inline constexpr const char* kGenerate = R"SQL(
SELECT line_count, bill_count, duration_ms FROM kos_generate($1::integer, $2::integer, $3::text))SQL";

}  // namespace phonebill::kos_sim::queries
