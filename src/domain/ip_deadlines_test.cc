#include "domain/ip_deadlines.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "domain/ip.h"

namespace stio::domain {
namespace {

CivilDate D(const char* s) { return *ParseCivilDate(s); }
std::string F(const CivilDate& d) { return FormatCivilDate(d); }

const IpRules& Rules() {
  static const IpRules rules = [] {
    std::ifstream in(std::string(STIO_SOURCE_DIR) + "/data/ip/deadline_rules.json");
    std::stringstream ss;
    ss << in.rdbuf();
    auto r = ParseIpRules(nlohmann::json::parse(ss.str()));
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return *r;
  }();
  return rules;
}

TEST(CalendarTest, MonthEndsAndLeapYears) {
  EXPECT_EQ(F(AddMonths(D("2024-08-31"), 6)), "2025-02-28");
  EXPECT_EQ(F(AddMonths(D("2023-08-31"), 6)), "2024-02-29");
  EXPECT_EQ(F(AddMonths(D("2025-03-31"), -1)), "2025-02-28");
  EXPECT_EQ(F(AddMonths(D("2025-01-15"), -6)), "2024-07-15");
  EXPECT_EQ(F(AddMonths(D("2025-12-31"), 2)), "2026-02-28");
  EXPECT_EQ(F(AddYears(D("2024-02-29"), 1)), "2025-02-28");
  EXPECT_EQ(F(AddYears(D("2024-02-29"), 4)), "2028-02-29");
  EXPECT_EQ(DaysBetween(D("2024-02-28"), D("2024-03-01")), 2);
  EXPECT_EQ(DaysBetween(D("2100-02-28"), D("2100-03-01")), 1);  // 2100 is not a leap year
  EXPECT_EQ(DaysBetween(D("2000-02-28"), D("2000-03-01")), 2);  // 2000 is
  EXPECT_EQ(DaysFromCivil(D("1970-01-01")), 0);
  EXPECT_EQ(F(AddDays(D("2025-11-22"), 90)), "2026-02-20");
  EXPECT_EQ(F(AddDays(D("2024-02-28"), 1)), "2024-02-29");
  EXPECT_EQ(F(AddDays(D("2000-01-01"), -1)), "1999-12-31");
  for (const char* s : {"1900-03-01", "1969-12-31", "2024-02-29", "2100-12-31"}) {
    EXPECT_EQ(F(CivilFromDays(DaysFromCivil(D(s)))), s);
  }
  EXPECT_FALSE(ParseCivilDate("2025-02-29").ok());
  EXPECT_FALSE(ParseCivilDate("2025-13-01").ok());
  EXPECT_FALSE(ParseCivilDate("2025-1-01").ok());
  EXPECT_FALSE(ParseCivilDate("2025-01-0x").ok());
  EXPECT_TRUE(ParseCivilDate("2024-02-29").ok());
}

TEST(IpRulesTest, ShippedFileHasEveryKind) {
  for (const char* k :
       {"patent", "utility_solution", "industrial_design", "trademark", "collective_mark",
        "certification_mark", "geographical_indication", "plant_variety", "layout_design"}) {
    EXPECT_NE(Rules().Find(k), nullptr) << k;
  }
  EXPECT_EQ(Rules().Find("patent")->term_years, 20);
  EXPECT_EQ(Rules().Find("industrial_design")->renewal_count, 2);
  EXPECT_EQ(Rules().grace_months, 6);
  EXPECT_FALSE(ParseIpRules(nlohmann::json::object()).ok());
  auto bad = ParseIpRules(nlohmann::json::parse(
      R"({"kinds": [{"kind": "x", "term": {"years": 5}, "maintenance": "sometimes"}]})"));
  EXPECT_EQ(bad.status().field(), "maintenance");
}

IpFacts Patent() {
  IpFacts f;
  f.kind = "patent";
  f.filing = D("2010-03-15");
  f.grant = D("2014-06-30");
  f.status = "granted";
  f.paid_up_to = 5;
  return f;
}

TEST(IpScheduleTest, PatentAnnuityWindowGraceAndLapse) {
  // Year 6 is due on the 5th grant anniversary; the window opens 6 months before.
  auto s = ComputeSchedule(Rules(), Patent(), D("2018-06-01"));
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_EQ(s->status, "in_force");
  ASSERT_EQ(s->deadlines.size(), 2u);
  EXPECT_EQ(s->deadlines[0].type, "annuity");
  EXPECT_EQ(s->deadlines[0].number, 6);
  EXPECT_EQ(F(s->deadlines[0].due), "2019-06-30");
  EXPECT_EQ(F(s->deadlines[0].window_opens), "2018-12-30");
  EXPECT_EQ(F(*s->deadlines[0].grace_ends), "2019-12-30");
  EXPECT_EQ(s->deadlines[0].surcharge_percent_per_month, 10);
  EXPECT_EQ(s->deadlines[1].type, "expiry");
  EXPECT_EQ(F(s->deadlines[1].due), "2030-03-15");
  EXPECT_FALSE(s->at_risk);

  s = ComputeSchedule(Rules(), Patent(), D("2019-01-10"));
  EXPECT_EQ(s->status, "due");
  EXPECT_FALSE(s->at_risk);  // 171 days left
  s = ComputeSchedule(Rules(), Patent(), D("2019-05-20"));
  EXPECT_TRUE(s->at_risk);  // 41 days left

  s = ComputeSchedule(Rules(), Patent(), D("2019-07-01"));  // one day late
  EXPECT_EQ(s->status, "grace");
  EXPECT_TRUE(s->at_risk);
  EXPECT_EQ(*s->surcharge_percent_now, 10);
  s = ComputeSchedule(Rules(), Patent(), D("2019-08-31"));  // two months and a day late
  EXPECT_EQ(*s->surcharge_percent_now, 30);
  s = ComputeSchedule(Rules(), Patent(), D("2019-12-30"));  // the last day of grace
  EXPECT_EQ(s->status, "grace");
  EXPECT_EQ(*s->surcharge_percent_now, 60);

  s = ComputeSchedule(Rules(), Patent(), D("2019-12-31"));
  EXPECT_EQ(s->status, "lapsed");
  EXPECT_TRUE(s->free_to_use);
  EXPECT_FALSE(s->at_risk);
  EXPECT_TRUE(s->deadlines.empty());
}

TEST(IpScheduleTest, PatentPaidToTheEndExpiresAndIsFreeToUse) {
  IpFacts f = Patent();
  f.paid_up_to = 16;  // the 16th anniversary (2030-06-30) is after the term's end
  auto s = ComputeSchedule(Rules(), f, D("2029-12-01"));
  EXPECT_EQ(s->status, "in_force");
  ASSERT_EQ(s->deadlines.size(), 1u);
  EXPECT_EQ(s->deadlines[0].type, "expiry");
  s = ComputeSchedule(Rules(), f, D("2030-03-15"));
  EXPECT_EQ(s->status, "expired");
  EXPECT_TRUE(s->free_to_use);
  EXPECT_EQ(F(*s->term_ends), "2030-03-15");
}

TEST(IpScheduleTest, GrantOnLeapDayAndMonthEnd) {
  IpFacts f = Patent();
  f.filing = D("2019-08-31");
  f.grant = D("2024-02-29");
  f.paid_up_to = 1;
  auto s = ComputeSchedule(Rules(), f, D("2024-06-01"));
  EXPECT_EQ(F(s->deadlines[0].due), "2025-02-28");
  EXPECT_EQ(F(s->deadlines[0].window_opens), "2024-08-28");
  EXPECT_EQ(F(*s->deadlines[0].grace_ends), "2025-08-28");
  EXPECT_EQ(F(*s->term_ends), "2039-08-31");
}

TEST(IpScheduleTest, PatentApplicationDeadlines) {
  IpFacts f;
  f.kind = "patent";
  f.priority = D("2024-08-31");
  f.filing = D("2025-02-28");
  f.status = "filed";
  auto s = ComputeSchedule(Rules(), f, D("2025-03-01"));
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->status, "application");
  ASSERT_EQ(s->deadlines.size(), 2u);
  EXPECT_EQ(s->deadlines[0].type, "publication");  // in the 19th month from priority
  EXPECT_EQ(F(s->deadlines[0].window_opens), "2026-02-28");
  EXPECT_EQ(F(s->deadlines[0].due), "2026-03-31");
  EXPECT_FALSE(s->deadlines[0].owner_action);
  EXPECT_EQ(s->deadlines[1].type, "examination_request");  // 42 months from priority
  EXPECT_EQ(F(s->deadlines[1].due), "2028-02-29");

  // Filed from 2026-04-01 (Law 131/2025): 36 months.
  f.priority.reset();
  f.filing = D("2026-04-01");
  s = ComputeSchedule(Rules(), f, D("2026-04-02"));
  EXPECT_EQ(F(s->deadlines.back().due), "2029-04-01");
  EXPECT_NE(s->deadlines.back().source.find("131/2025"), std::string::npos);
  s = ComputeSchedule(Rules(), f, D("2029-03-15"));
  EXPECT_TRUE(s->at_risk);
  s = ComputeSchedule(Rules(), f, D("2029-04-02"));
  EXPECT_EQ(s->status, "withdrawn");

  // Published: third parties may oppose within 9 months.
  f.publication = D("2027-11-30");
  f.status = "examination_requested";
  s = ComputeSchedule(Rules(), f, D("2027-12-01"));
  ASSERT_EQ(s->deadlines.size(), 1u);
  EXPECT_EQ(s->deadlines[0].type, "opposition_end");
  EXPECT_EQ(F(s->deadlines[0].due), "2028-08-30");
}

TEST(IpScheduleTest, UtilitySolutionExaminationIn36Months) {
  IpFacts f;
  f.kind = "utility_solution";
  f.filing = D("2023-05-31");
  auto s = ComputeSchedule(Rules(), f, D("2023-06-01"));
  EXPECT_EQ(F(s->deadlines.back().due), "2026-05-31");
}

TEST(IpScheduleTest, DesignRenewalsThenExpiry) {
  IpFacts f;
  f.kind = "industrial_design";
  f.filing = D("2015-01-31");
  f.grant = D("2016-03-01");
  f.status = "granted";
  auto s = ComputeSchedule(Rules(), f, D("2019-09-01"));
  EXPECT_EQ(s->status, "due");
  ASSERT_EQ(s->deadlines.size(), 1u);
  EXPECT_EQ(s->deadlines[0].type, "renewal");
  EXPECT_EQ(s->deadlines[0].number, 1);
  EXPECT_EQ(F(s->deadlines[0].due), "2020-01-31");
  EXPECT_EQ(F(s->deadlines[0].window_opens), "2019-07-31");
  s = ComputeSchedule(Rules(), f, D("2020-08-01"));
  EXPECT_EQ(s->status, "expired");
  EXPECT_FALSE(s->free_to_use);  // designs are not in the free-to-use finder
  f.renewals_done = 2;
  s = ComputeSchedule(Rules(), f, D("2029-12-01"));
  EXPECT_EQ(s->status, "in_force");
  EXPECT_EQ(F(*s->term_ends), "2030-01-31");
  ASSERT_EQ(s->deadlines.size(), 1u);
  EXPECT_EQ(s->deadlines[0].type, "expiry");
  f.renewals_done = 3;
  EXPECT_EQ(ComputeSchedule(Rules(), f, D("2029-12-01")).status().field(), "renewals_done");
}

TEST(IpScheduleTest, TrademarkRenewsWithoutLimit) {
  IpFacts f;
  f.kind = "trademark";
  f.filing = D("2000-02-29");
  f.grant = D("2001-07-01");
  f.status = "granted";
  f.renewals_done = 2;
  auto s = ComputeSchedule(Rules(), f, D("2029-10-01"));
  EXPECT_EQ(s->status, "due");
  EXPECT_EQ(s->deadlines[0].number, 3);
  EXPECT_EQ(F(s->deadlines[0].due), "2030-02-28");
}

TEST(IpScheduleTest, IndefiniteAndTerminal) {
  IpFacts f;
  f.kind = "geographical_indication";
  f.filing = D("2005-01-01");
  f.grant = D("2007-01-01");
  f.status = "granted";
  auto s = ComputeSchedule(Rules(), f, D("2090-01-01"));
  EXPECT_EQ(s->status, "in_force");
  EXPECT_TRUE(s->deadlines.empty());
  f.kind = "patent";
  f.status = "invalidated";
  EXPECT_EQ(ComputeSchedule(Rules(), f, D("2010-01-01"))->status, "invalidated");
}

TEST(IpScheduleTest, ContradictoryFactsNameTheField) {
  IpFacts f = Patent();
  f.grant = D("2009-01-01");
  EXPECT_EQ(ComputeSchedule(Rules(), f, D("2020-01-01")).status().field(), "grant_date");
  f = Patent();
  f.priority = D("2011-01-01");
  EXPECT_EQ(ComputeSchedule(Rules(), f, D("2020-01-01")).status().field(), "priority_date");
  f.kind = "copyright";
  EXPECT_EQ(ComputeSchedule(Rules(), f, D("2020-01-01")).status().field(), "kind");
}

TEST(IpClassTest, NormalizesAndRefuses) {
  EXPECT_EQ(*NormalizeIpClass("ipc", "a01b1/00"), "A01B 1/00");
  EXPECT_EQ(*NormalizeIpClass("ipc", " H04L  29/06 "), "H04L 29/06");
  EXPECT_EQ(*NormalizeIpClass("ipc", "C05F"), "C05F");
  EXPECT_EQ(*NormalizeIpClass("ipc", "A01B 0001/00"), "A01B 1/00");
  for (const char* bad : {"Z01B 1/00", "A1B 1/00", "A01B 1", "A01B /00", "A01B 1/0", "A01", ""}) {
    EXPECT_FALSE(NormalizeIpClass("ipc", bad).ok()) << bad;
  }
  EXPECT_EQ(*NormalizeIpClass("nice", "09"), "9");
  EXPECT_EQ(*NormalizeIpClass("nice", "45"), "45");
  for (const char* bad : {"0", "46", "3a", "", "100"}) {
    EXPECT_FALSE(NormalizeIpClass("nice", bad).ok()) << bad;
  }
  EXPECT_EQ(*NormalizeIpClass("locarno", "2-01"), "02-01");
  EXPECT_EQ(*NormalizeIpClass("locarno", "32-99"), "32-99");
  for (const char* bad : {"33-01", "00-01", "06-1", "0601", "-01", "06-0x"}) {
    EXPECT_FALSE(NormalizeIpClass("locarno", bad).ok()) << bad;
  }
  EXPECT_FALSE(NormalizeIpClass("none", "30").ok());
}

}  // namespace
}  // namespace stio::domain
