// Deadlines of intellectual property rights, computed from rules held as data
// (data/ip/deadline_rules.json, loaded into the ip_rules table; see docs/ip-deadlines.md).
//
// Pure functions: no database, no clock. Dates are ISO "YYYY-MM-DD" on the proleptic Gregorian
// calendar; adding months clamps to the end of the month (2024-08-31 + 6 months = 2025-02-28).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/status.h"

namespace stio::domain {

struct CivilDate {
  int year = 1970;
  int month = 1;  // 1..12
  int day = 1;    // 1..DaysInMonth

  auto operator<=>(const CivilDate&) const = default;
};

Result<CivilDate> ParseCivilDate(std::string_view iso);  // exactly YYYY-MM-DD
std::string FormatCivilDate(const CivilDate& d);
int DaysInMonth(int year, int month);
CivilDate AddMonths(const CivilDate& d, int months);  // clamps the day to the month's end
CivilDate AddYears(const CivilDate& d, int years);    // 29 Feb -> 28 Feb in common years
int64_t DaysFromCivil(const CivilDate& d);            // days since 1970-01-01
int64_t DaysBetween(const CivilDate& from, const CivilDate& to);  // to - from
CivilDate CivilFromDays(int64_t days);                            // inverse of DaysFromCivil
CivilDate AddDays(const CivilDate& d, int64_t days);

// One kind of right, as read from the rules file.
struct IpRule {
  std::string kind;  // patent, utility_solution, industrial_design, trademark, ...
  int term_years = 0;
  bool indefinite = false;
  std::string term_from = "filing";  // filing | grant
  std::string maintenance = "none";  // annuity | renewal | none
  int first_years_paid = 1;          // annuity: validity years paid with the grant fee
  int renewal_count = 0;             // -1: without limit
  int renewal_years = 0;
  int publication_month = 0;   // 0: none; else published in this month from priority
  int examination_months = 0;  // 0: no examination request
  struct Change {
    std::string filed_from;  // applications filed on or after this date
    int months = 0;
  };
  std::vector<Change> examination_changes;
  int opposition_months = 0;          // 0: none
  std::string opposition_filed_from;  // applies to applications filed on or after
  std::string classes = "none";       // ipc | nice | locarno | none
  bool free_to_use_when_ended = false;
  nlohmann::json sources = nlohmann::json::object();  // rule part -> legal source
};

struct IpRules {
  int payment_window_months = 6;
  int grace_months = 6;
  double surcharge_percent_per_month = 10;
  std::vector<IpRule> kinds;

  const IpRule* Find(std::string_view kind) const;
};

// Parses the rules document (the whole file). Errors name the kind and the part at fault.
Result<IpRules> ParseIpRules(const nlohmann::json& doc);

// What the engine needs to know about one asset.
struct IpFacts {
  std::string kind;
  std::optional<CivilDate> filing;
  std::optional<CivilDate> priority;
  std::optional<CivilDate> publication;
  std::optional<CivilDate> grant;
  // Recorded status: filed | published | examination_requested | granted | refused | withdrawn
  // | lapsed | expired | invalidated. "granted" means in force; the engine derives due/grace.
  std::string status = "filed";
  int paid_up_to = 0;     // annuities: validity years paid (counted from the grant date)
  int renewals_done = 0;  // renewable rights
};

struct IpDeadline {
  std::string type;  // publication | opposition_end | examination_request | annuity | renewal
                     // | expiry
  int number = 0;    // annuity: the validity year to pay for; renewal: the renewal's number
  CivilDate window_opens;
  CivilDate due;
  std::optional<CivilDate> grace_ends;  // payable late until this date, with a surcharge
  double surcharge_percent_per_month = 0;
  bool owner_action = true;  // false for the office's own steps (publication) and expiry
  std::string source;
  nlohmann::json ToJson() const;
};

struct IpSchedule {
  // application | in_force | due | grace | lapsed | expired | refused | withdrawn | invalidated
  std::string status;
  std::optional<CivilDate> term_ends;  // the end of protection if every fee is paid
  bool at_risk = false;                // in grace, or an owner's deadline within the horizon
  bool free_to_use = false;            // a patent or utility solution that ended or lapsed
  std::optional<double> surcharge_percent_now;  // in grace: months late x surcharge
  std::vector<IpDeadline> deadlines;  // upcoming, earliest first (overdue ones in grace too)
  nlohmann::json ToJson() const;
};

// The schedule of one asset on `today`; `at_risk_days`: an owner's deadline within that many days
// makes the asset at risk. InvalidArgument naming the field if the facts contradict each other.
Result<IpSchedule> ComputeSchedule(const IpRules& rules, const IpFacts& facts,
                                   const CivilDate& today, int at_risk_days = 60);

}  // namespace stio::domain
