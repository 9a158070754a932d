// SPEC §2 pagination, history list filters and the shared Outcome → response mapping.
#include <gtest/gtest.h>

#include "core/validation.hpp"
#include "http/history_query.hpp"
#include "http/outcome.hpp"
#include "http/pagination.hpp"

using namespace phonebill;
using namespace phonebill::http;

TEST(PaginationTest, DefaultsAndValues) {
  FieldErrors errors;
  auto defaults = parse_page_request(std::nullopt, std::nullopt, errors);
  EXPECT_EQ(defaults.number, 1);
  EXPECT_EQ(defaults.size, 20);
  auto chosen = parse_page_request(std::string{"3"}, std::string{"100"}, errors);
  EXPECT_TRUE(errors.empty());
  EXPECT_EQ(chosen.number, 3);
  EXPECT_EQ(chosen.size, 100);
  EXPECT_EQ(chosen.offset(), 200);
}

// Every bad field is named; the defaults stay in place.
TEST(PaginationTest, BadValuesAreFieldErrors) {
  for (const char* bad : {"0", "-1", "abc", "1.5", "", "99999999999", "101"}) {
    FieldErrors errors;
    auto page = parse_page_request(std::string{bad}, std::string{bad}, errors);
    bool page_ok = std::string{bad} == "101";  // 101 is a fine page number, not a size
    EXPECT_EQ(errors.list().size(), page_ok ? 1u : 2u) << bad;
    EXPECT_EQ(page.size, 20) << bad;
  }
}

TEST(PaginationTest, PageInfo) {
  auto page = page_info(PageRequest{2, 20}, 41);
  EXPECT_EQ(page.at("totalPages").as_int64(), 3);
  EXPECT_EQ(page.at("totalItems").as_int64(), 41);
  EXPECT_TRUE(page.at("hasNext").as_bool());
  EXPECT_TRUE(page.at("hasPrevious").as_bool());
  auto empty = page_info(PageRequest{}, 0);
  EXPECT_EQ(empty.at("totalPages").as_int64(), 0);
  EXPECT_FALSE(empty.at("hasNext").as_bool());
  EXPECT_FALSE(empty.at("hasPrevious").as_bool());
}

TEST(PaginationTest, CalendarDates) {
  EXPECT_TRUE(is_calendar_date("2026-11-25"));
  EXPECT_FALSE(is_calendar_date("2026-13-01"));
  EXPECT_FALSE(is_calendar_date("2026-11-00"));
  EXPECT_FALSE(is_calendar_date("2026/11/25"));
  EXPECT_FALSE(is_calendar_date("20261125"));
}

// A failure carries Retry-After from details.retryAfterSeconds; both answers are no-store.
TEST(OutcomeTest, RespondMapsFailuresAndValues) {
  Request request;
  request.trace_id = "0123456789abcdef0123456789abcdef";
  auto error = common_error(CommonError::kKosUnavailable);
  error.details = boost::json::object{{"retryAfterSeconds", 7}};
  auto failed = respond(request, Outcome<boost::json::object>{Failure{error}});
  EXPECT_EQ(failed.status, 503);
  auto header = [](const Response& response, std::string_view name) {
    for (const auto& [key, value] : response.headers)
      if (key == name) return value;
    return std::string{};
  };
  EXPECT_EQ(header(failed, "Retry-After"), "7");
  EXPECT_EQ(header(failed, "Cache-Control"), "no-store");
  auto accepted = respond(request, boost::json::object{{"status", "PENDING"}}, 202);
  EXPECT_EQ(accepted.status, 202);
  EXPECT_EQ(header(accepted, "Cache-Control"), "no-store");
  EXPECT_NE(accepted.body.find("\"success\":true"), std::string::npos);
}

// Every 503 says when to come back: KOS failing on this call (no estimate in details)
// gets the default, a stored or zero estimate at least 1 s; other failures get none.
TEST(OutcomeTest, EveryUnavailableAnswerCarriesRetryAfter) {
  Request request;
  request.trace_id = "0123456789abcdef0123456789abcdef";
  auto header = [](const Response& response, std::string_view name) {
    for (const auto& [key, value] : response.headers)
      if (key == name) return value;
    return std::string{};
  };
  auto kos_down = respond(request, Failure{common_error(CommonError::kKosUnavailable)});
  EXPECT_EQ(kos_down.status, 503);
  EXPECT_EQ(header(kos_down, "Retry-After"), "1");
  auto store_down = respond(request, Failure{common_error(CommonError::kServiceUnavailable)});
  EXPECT_EQ(header(store_down, "Retry-After"), "1");
  auto zero =
      respond(request, Failure{common_error(CommonError::kKosUnavailable,
                                            boost::json::object{{"retryAfterSeconds", 0}})});
  EXPECT_EQ(header(zero, "Retry-After"), "1");
  auto timeout = respond(request, Failure{common_error(CommonError::kKosTimeout)});
  EXPECT_EQ(header(timeout, "Retry-After"), "");
  auto missing = respond(request, Failure{common_error(CommonError::kNotFound)});
  EXPECT_EQ(header(missing, "Retry-After"), "");
}

// History filters: every bad field is named at once; good ones are normalised.
TEST(HistoryQueryTest, ValidatesEveryField) {
  const HistoryStatuses statuses{[](std::string_view status) { return status == "DONE"; },
                                 "must be DONE"};
  HistoryQuery good;
  good.line_number = "010-1234-5678";
  good.from = "2026-11-01";
  good.to = "2026-11-25";
  good.status = "DONE";
  good.size = "5";
  FieldErrors none;
  auto filter = validate_history_query(good, "user01", statuses, none);
  EXPECT_TRUE(none.empty());
  EXPECT_EQ(filter.user_id, "user01");
  EXPECT_EQ(filter.line_number, "01012345678");
  EXPECT_EQ(filter.page.size, 5);

  HistoryQuery bad;
  bad.line_number = "12345";
  bad.from = "2026-13-01";
  bad.to = "yesterday";
  bad.status = "NOPE";
  bad.page = "0";
  FieldErrors errors;
  validate_history_query(bad, "user01", statuses, errors);
  std::vector<std::string> fields;
  for (const auto& error : errors.list()) fields.push_back(error.field);
  EXPECT_EQ(fields, (std::vector<std::string>{"lineNumber", "from", "to", "status", "page"}));

  HistoryQuery reversed;
  reversed.from = "2026-11-25";
  reversed.to = "2026-11-01";
  FieldErrors order;
  validate_history_query(reversed, "user01", statuses, order);
  ASSERT_EQ(order.list().size(), 1u);
  EXPECT_EQ(order.list()[0].reason, "must not be after to");
}
