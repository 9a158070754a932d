// BillService::find_inquiry and history (SPEC §5): owner-only lookups, the shared
// history filter rules, line ownership, and a store that cannot answer.
#include "bill_service_fixture.hpp"

namespace phonebill::bill {
namespace {

HistoryRecord record(std::string id, std::string user, std::string status = "COMPLETED") {
  HistoryRecord record;
  record.request_id = std::move(id);
  record.user_id = std::move(user);
  record.line_number = kLine;
  record.billing_month = "2026-11";
  record.status = std::move(status);
  return record;
}

class BillLookupsTest : public BillServiceTest {
 protected:
  Result<HistoryRecord, BillStatus> find(std::string id, security::VerifiedToken who = caller()) {
    return run(service_.find_inquiry(std::move(who), std::move(id), info()));
  }
  Result<HistoryPage, BillStatus> history(history::HistoryQuery query,
                                          security::VerifiedToken who = caller()) {
    return run(service_.history(std::move(who), std::move(query), info()));
  }
};

// The owner reads their inquiry back.
TEST_F(BillLookupsTest, OwnerFindsTheirInquiry) {
  store_.records.push_back(record("req-9", "user01"));
  auto found = find("req-9");
  ASSERT_TRUE(found);
  EXPECT_EQ(found->request_id, "req-9");
}

// Another user's inquiry id answers like a missing one: ids reveal nothing.
TEST_F(BillLookupsTest, AnotherUsersInquiryIsNotFound) {
  store_.records.push_back(record("req-9", "user02"));
  EXPECT_EQ(find("req-9").error().status, BillStatus::kNotFound);
  EXPECT_EQ(find("req-unknown").error().status, BillStatus::kNotFound);
}

// A store that cannot answer: storage unavailable (503 at the edge).
TEST_F(BillLookupsTest, StoreDownIsStorageUnavailable) {
  store_.down = true;
  EXPECT_EQ(find("req-9").error().status, BillStatus::kStorageUnavailable);
  EXPECT_EQ(history({}).error().status, BillStatus::kStorageUnavailable);
}

// The caller's history, filtered by status, paged.
TEST_F(BillLookupsTest, HistoryIsTheCallersFilteredAndPaged) {
  store_.records = {record("a", "user01", "FAILED"), record("b", "user01"), record("c", "user02"),
                    record("d", "user01")};
  history::HistoryQuery query;
  query.status = "COMPLETED";
  query.size = "1";
  auto page = history(query);
  ASSERT_TRUE(page);
  EXPECT_EQ(page->total, 2);
  ASSERT_EQ(page->items.size(), 1u);
  EXPECT_EQ(page->items[0].request_id, "b");
  EXPECT_EQ(page->request.size, 1);
  EXPECT_EQ(store_.filters.at(0).user_id, "user01");
}

// Every bad filter is named at once (the shared rules of src/history); an unknown
// status is one of them.
TEST_F(BillLookupsTest, HistoryFilterErrorsAreInvalidInput) {
  history::HistoryQuery query;
  query.status = "DONE";
  query.from = "2026-1-1";
  query.size = "101";
  auto refused = history(query);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().status, BillStatus::kInvalidInput);
  std::vector<std::string> fields;
  auto refusal = refused.error();  // a copy: error() answers by value
  for (const auto& error : refusal.fields.list()) fields.push_back(error.field);
  EXPECT_EQ(fields, (std::vector<std::string>{"from", "status", "size"}));
  EXPECT_TRUE(store_.filters.empty());
}

// Another customer's line in the filter is not owned.
TEST_F(BillLookupsTest, HistoryOfAnotherLineIsNotOwned) {
  history::HistoryQuery query;
  query.line_number = "01087654321";
  EXPECT_EQ(history(query).error().status, BillStatus::kLineNotOwned);
}

// A token without BILL_INQUIRY reads nothing.
TEST_F(BillLookupsTest, MissingPermissionIsForbidden) {
  auto who = caller();
  who.permissions.clear();
  EXPECT_EQ(find("req-9", who).error().status, BillStatus::kForbidden);
  EXPECT_EQ(history({}, who).error().status, BillStatus::kForbidden);
}

}  // namespace
}  // namespace phonebill::bill
