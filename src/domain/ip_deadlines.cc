#include "domain/ip_deadlines.h"

#include <algorithm>
#include <charconv>

namespace stio::domain {
namespace {

using Json = nlohmann::json;

bool Leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

Result<int> IntOf(const Json& obj, const char* key, int fallback, const std::string& where) {
  auto it = obj.find(key);
  if (it == obj.end()) return fallback;
  if (!it->is_number_integer()) {
    return Status::InvalidArgument(where + ": '" + key + "' must be an integer", key);
  }
  return it->get<int>();
}

std::string StrOf(const Json& obj, const char* key, const std::string& fallback = "") {
  auto it = obj.find(key);
  return it != obj.end() && it->is_string() ? it->get<std::string>() : fallback;
}

}  // namespace

int DaysInMonth(int year, int month) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (month == 2 && Leap(year)) return 29;
  return kDays[(month - 1) % 12];
}

Result<CivilDate> ParseCivilDate(std::string_view s) {
  auto bad = [&] {
    return Status::InvalidArgument("'" + std::string(s.substr(0, 40)) +
                                   "' is not a date written YYYY-MM-DD");
  };
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return bad();
  CivilDate d;
  auto num = [&](size_t pos, size_t len, int& out) {
    for (size_t i = pos; i < pos + len; ++i) {
      if (s[i] < '0' || s[i] > '9') return false;
    }
    std::from_chars(s.data() + pos, s.data() + pos + len, out);
    return true;
  };
  if (!num(0, 4, d.year) || !num(5, 2, d.month) || !num(8, 2, d.day)) return bad();
  if (d.year < 1 || d.month < 1 || d.month > 12 || d.day < 1 ||
      d.day > DaysInMonth(d.year, d.month)) {
    return bad();
  }
  return d;
}

std::string FormatCivilDate(const CivilDate& d) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", d.year, d.month, d.day);
  return buf;
}

CivilDate AddMonths(const CivilDate& d, int months) {
  int total = d.year * 12 + (d.month - 1) + months;
  CivilDate r;
  r.year = total / 12;
  r.month = total % 12 + 1;
  r.day = std::min(d.day, DaysInMonth(r.year, r.month));
  return r;
}

CivilDate AddYears(const CivilDate& d, int years) { return AddMonths(d, 12 * years); }

int64_t DaysFromCivil(const CivilDate& d) {
  // H. Hinnant's days_from_civil.
  int64_t y = d.year - (d.month <= 2 ? 1 : 0);
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const int64_t yoe = y - era * 400;
  const int64_t mp = (d.month + 9) % 12;
  const int64_t doy = (153 * mp + 2) / 5 + d.day - 1;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

CivilDate CivilFromDays(int64_t n) {
  // H. Hinnant's civil_from_days.
  n += 719468;
  const int64_t era = (n >= 0 ? n : n - 146096) / 146097;
  const int64_t doe = n - era * 146097;
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int64_t mp = (5 * doy + 2) / 153;
  CivilDate out;
  out.day = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  out.month = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  out.year = static_cast<int>(yoe + era * 400 + (out.month <= 2 ? 1 : 0));
  return out;
}

CivilDate AddDays(const CivilDate& d, int64_t days) {
  return CivilFromDays(DaysFromCivil(d) + days);
}

int64_t DaysBetween(const CivilDate& from, const CivilDate& to) {
  return DaysFromCivil(to) - DaysFromCivil(from);
}

const IpRule* IpRules::Find(std::string_view kind) const {
  for (const IpRule& r : kinds) {
    if (r.kind == kind) return &r;
  }
  return nullptr;
}

Result<IpRules> ParseIpRules(const Json& doc) {
  if (!doc.is_object()) return Status::InvalidArgument("the IP rules are not a JSON object");
  IpRules rules;
  STIO_ASSIGN_OR_RETURN(rules.payment_window_months,
                        IntOf(doc, "payment_window_months", 6, "rules"));
  STIO_ASSIGN_OR_RETURN(rules.grace_months, IntOf(doc, "grace_months", 6, "rules"));
  if (auto it = doc.find("surcharge_percent_per_month"); it != doc.end()) {
    if (!it->is_number()) {
      return Status::InvalidArgument("'surcharge_percent_per_month' must be a number",
                                     "surcharge_percent_per_month");
    }
    rules.surcharge_percent_per_month = it->get<double>();
  }
  if (rules.payment_window_months < 0 || rules.grace_months < 0 ||
      rules.payment_window_months > 24 || rules.grace_months > 24) {
    return Status::InvalidArgument("payment window and grace must be 0 to 24 months");
  }
  auto kinds = doc.find("kinds");
  if (kinds == doc.end() || !kinds->is_array() || kinds->empty()) {
    return Status::InvalidArgument("the IP rules have no 'kinds' list", "kinds");
  }
  for (const Json& k : *kinds) {
    if (!k.is_object()) return Status::InvalidArgument("each kind must be an object", "kinds");
    IpRule r;
    r.kind = StrOf(k, "kind");
    if (r.kind.empty()) return Status::InvalidArgument("a kind has no 'kind' name", "kind");
    if (rules.Find(r.kind)) {
      return Status::InvalidArgument("kind '" + r.kind + "' is listed twice", "kind");
    }
    const std::string where = "kind " + r.kind;
    const Json term = k.value("term", Json::object());
    STIO_ASSIGN_OR_RETURN(r.term_years, IntOf(term, "years", 0, where + " term"));
    r.indefinite = term.value("indefinite", false);
    r.term_from = StrOf(term, "from", "filing");
    if (r.term_from != "filing" && r.term_from != "grant") {
      return Status::InvalidArgument(where + ": term.from must be filing or grant", "term");
    }
    if (!r.indefinite && (r.term_years <= 0 || r.term_years > 100)) {
      return Status::InvalidArgument(where + ": term.years must be 1 to 100", "term");
    }
    r.sources["term"] = StrOf(term, "source");
    r.maintenance = StrOf(k, "maintenance", "none");
    if (r.maintenance == "annuity") {
      const Json a = k.value("annuity", Json::object());
      STIO_ASSIGN_OR_RETURN(r.first_years_paid, IntOf(a, "first_years_paid", 1, where));
      r.sources["annuity"] = StrOf(a, "source");
    } else if (r.maintenance == "renewal") {
      const Json a = k.value("renewal", Json::object());
      STIO_ASSIGN_OR_RETURN(r.renewal_count, IntOf(a, "count", 0, where + " renewal"));
      STIO_ASSIGN_OR_RETURN(r.renewal_years, IntOf(a, "years", 0, where + " renewal"));
      if (r.renewal_years <= 0 || r.renewal_count < -1) {
        return Status::InvalidArgument(where + ": renewal needs years > 0 and count >= -1",
                                       "renewal");
      }
      r.sources["renewal"] = StrOf(a, "source");
    } else if (r.maintenance != "none") {
      return Status::InvalidArgument(where + ": maintenance must be annuity, renewal or none",
                                     "maintenance");
    }
    if (auto p = k.find("publication"); p != k.end()) {
      STIO_ASSIGN_OR_RETURN(r.publication_month, IntOf(*p, "month", 0, where + " publication"));
      r.sources["publication"] = StrOf(*p, "source");
    }
    if (auto e = k.find("examination_request"); e != k.end()) {
      STIO_ASSIGN_OR_RETURN(r.examination_months,
                            IntOf(*e, "months", 0, where + " examination_request"));
      r.sources["examination_request"] = StrOf(*e, "source");
      for (const Json& c : e->value("changes", Json::array())) {
        IpRule::Change ch;
        ch.filed_from = StrOf(c, "filed_from");
        if (!ParseCivilDate(ch.filed_from).ok()) {
          return Status::InvalidArgument(where + ": examination change needs filed_from YYYY-MM-DD",
                                         "examination_request");
        }
        STIO_ASSIGN_OR_RETURN(ch.months, IntOf(c, "months", 0, where + " examination change"));
        r.examination_changes.push_back(ch);
        r.sources["examination_request_from_" + ch.filed_from] = StrOf(c, "source");
      }
    }
    if (auto o = k.find("opposition"); o != k.end()) {
      STIO_ASSIGN_OR_RETURN(r.opposition_months, IntOf(*o, "months", 0, where + " opposition"));
      r.opposition_filed_from = StrOf(*o, "filed_from");
      r.sources["opposition"] = StrOf(*o, "source");
    }
    r.classes = StrOf(k, "classes", "none");
    if (r.classes != "ipc" && r.classes != "nice" && r.classes != "locarno" &&
        r.classes != "none") {
      return Status::InvalidArgument(where + ": classes must be ipc, nice, locarno or none",
                                     "classes");
    }
    r.free_to_use_when_ended = k.value("free_to_use_when_ended", false);
    rules.kinds.push_back(std::move(r));
  }
  return rules;
}

Json IpDeadline::ToJson() const {
  Json j = {{"type", type},
            {"window_opens", FormatCivilDate(window_opens)},
            {"due", FormatCivilDate(due)},
            {"grace_ends", grace_ends ? Json(FormatCivilDate(*grace_ends)) : Json(nullptr)},
            {"surcharge_percent_per_month", surcharge_percent_per_month},
            {"owner_action", owner_action},
            {"source", source}};
  if (number > 0) j["number"] = number;
  return j;
}

Json IpSchedule::ToJson() const {
  Json d = Json::array();
  for (const IpDeadline& x : deadlines) d.push_back(x.ToJson());
  return {{"status", status},
          {"term_ends", term_ends ? Json(FormatCivilDate(*term_ends)) : Json(nullptr)},
          {"at_risk", at_risk},
          {"free_to_use", free_to_use},
          {"surcharge_percent_now",
           surcharge_percent_now ? Json(*surcharge_percent_now) : Json(nullptr)},
          {"deadlines", std::move(d)}};
}

namespace {

std::string Src(const IpRule& r, const char* part) {
  auto it = r.sources.find(part);
  return it != r.sources.end() && it->is_string() ? it->get<std::string>() : "";
}

// A payment (annuity or renewal) due on `due`: the status it gives the right on `today`.
// Returns "in_force", "due", "grace" or "ended"; sets the surcharge when in grace.
std::string PaymentState(const IpRules& rules, const CivilDate& due, const CivilDate& today,
                         std::optional<double>* surcharge) {
  const CivilDate opens = AddMonths(due, -rules.payment_window_months);
  const CivilDate grace_end = AddMonths(due, rules.grace_months);
  if (today < opens) return "in_force";
  if (today <= due) return "due";
  if (today <= grace_end) {
    int late = 1;
    while (AddMonths(due, late) < today) ++late;
    *surcharge = late * rules.surcharge_percent_per_month;
    return "grace";
  }
  return "ended";
}

IpDeadline Payment(const IpRules& rules, std::string type, int number, const CivilDate& due,
                   std::string source) {
  IpDeadline d;
  d.type = std::move(type);
  d.number = number;
  d.due = due;
  d.window_opens = AddMonths(due, -rules.payment_window_months);
  d.grace_ends = AddMonths(due, rules.grace_months);
  d.surcharge_percent_per_month = rules.surcharge_percent_per_month;
  d.source = std::move(source);
  return d;
}

IpDeadline Plain(std::string type, const CivilDate& opens, const CivilDate& due, bool owner,
                 std::string source) {
  IpDeadline d;
  d.type = std::move(type);
  d.window_opens = opens;
  d.due = due;
  d.owner_action = owner;
  d.source = std::move(source);
  return d;
}

}  // namespace

Result<IpSchedule> ComputeSchedule(const IpRules& rules, const IpFacts& f, const CivilDate& today,
                                   int at_risk_days) {
  const IpRule* rule = rules.Find(f.kind);
  if (!rule) return Status::InvalidArgument("no deadline rules for kind '" + f.kind + "'", "kind");
  if (!f.filing) return Status::InvalidArgument("the filing date is required", "filing_date");
  if (f.priority && *f.priority > *f.filing) {
    return Status::InvalidArgument("the priority date is after the filing date", "priority_date");
  }
  if (f.publication && *f.publication < *f.filing) {
    return Status::InvalidArgument("the publication date is before the filing date",
                                   "publication_date");
  }
  if (f.grant && *f.grant < *f.filing) {
    return Status::InvalidArgument("the grant date is before the filing date", "grant_date");
  }
  if (f.paid_up_to < 0) return Status::InvalidArgument("paid_up_to must be >= 0", "paid_up_to");
  if (f.renewals_done < 0 ||
      (rule->maintenance == "renewal" && rule->renewal_count >= 0 &&
       f.renewals_done > rule->renewal_count) ||
      (rule->maintenance != "renewal" && f.renewals_done > 0)) {
    return Status::InvalidArgument("more renewals than the rules allow for " + f.kind,
                                   "renewals_done");
  }

  IpSchedule s;
  const std::string& st = f.status;
  if (st == "refused" || st == "withdrawn" || st == "invalidated") {
    s.status = st;
    return s;
  }
  const CivilDate basis = f.priority.value_or(*f.filing);
  auto finish = [&]() {
    std::sort(s.deadlines.begin(), s.deadlines.end(),
              [](const IpDeadline& a, const IpDeadline& b) { return a.due < b.due; });
    if (s.status == "grace") s.at_risk = true;
    for (const IpDeadline& d : s.deadlines) {
      if (!d.owner_action) continue;
      const int64_t left = DaysBetween(today, d.due);
      if (left >= 0 && left <= at_risk_days) s.at_risk = true;
    }
    if (s.status == "lapsed" || s.status == "expired") {
      s.at_risk = false;
      s.free_to_use = rule->free_to_use_when_ended;
    }
    return s;
  };

  if (!f.grant) {  // an application
    if (st == "lapsed" || st == "expired") {
      s.status = st;
      return finish();
    }
    s.status = "application";
    if (rule->publication_month > 0 && !f.publication) {
      const CivilDate due = AddMonths(basis, rule->publication_month);
      if (due >= today) {
        s.deadlines.push_back(Plain("publication", AddMonths(basis, rule->publication_month - 1),
                                    due, false, Src(*rule, "publication")));
      }
    }
    if (rule->opposition_months > 0 && f.publication &&
        FormatCivilDate(*f.filing) >= rule->opposition_filed_from) {
      const CivilDate due = AddMonths(*f.publication, rule->opposition_months);
      if (due >= today) {
        s.deadlines.push_back(
            Plain("opposition_end", *f.publication, due, false, Src(*rule, "opposition")));
      }
    }
    if (rule->examination_months > 0 && st != "examination_requested") {
      int months = rule->examination_months;
      std::string source = Src(*rule, "examination_request");
      const std::string filed = FormatCivilDate(*f.filing);
      for (const IpRule::Change& c : rule->examination_changes) {
        if (filed >= c.filed_from) {
          months = c.months;
          source = Src(*rule, ("examination_request_from_" + c.filed_from).c_str());
        }
      }
      const CivilDate due = AddMonths(basis, months);
      s.deadlines.push_back(Plain("examination_request", *f.filing, due, true, source));
      if (today > due) s.status = "withdrawn";  // deemed withdrawn (Law on IP Art. 113)
    }
    return finish();
  }

  // A granted right.
  const CivilDate start = rule->term_from == "grant" ? *f.grant : *f.filing;
  if (rule->indefinite) {
    s.status = (st == "lapsed" || st == "expired") ? st : "in_force";
    return finish();
  }
  if (st == "lapsed" || st == "expired") {
    s.status = st;
    s.term_ends = AddYears(start, rule->term_years);
    return finish();
  }
  const CivilDate term_end = AddYears(start, rule->term_years);
  if (rule->maintenance == "annuity") {
    s.term_ends = term_end;
    const int paid = std::max(f.paid_up_to, rule->first_years_paid);
    const CivilDate due = AddYears(*f.grant, paid);
    if (due >= term_end) {
      s.status = today >= term_end ? "expired" : "in_force";
    } else {
      std::string state = PaymentState(rules, due, today, &s.surcharge_percent_now);
      s.status = state == "ended" ? "lapsed" : state;
      if (state != "ended") {
        s.deadlines.push_back(Payment(rules, "annuity", paid + 1, due, Src(*rule, "annuity")));
      }
    }
  } else if (rule->maintenance == "renewal") {
    const CivilDate current_end =
        AddYears(start, rule->term_years + f.renewals_done * rule->renewal_years);
    s.term_ends = current_end;
    const bool can_renew = rule->renewal_count < 0 || f.renewals_done < rule->renewal_count;
    if (!can_renew) {
      s.status = today >= current_end ? "expired" : "in_force";
    } else {
      std::string state = PaymentState(rules, current_end, today, &s.surcharge_percent_now);
      s.status = state == "ended" ? "expired" : state;
      if (state != "ended") {
        s.deadlines.push_back(
            Payment(rules, "renewal", f.renewals_done + 1, current_end, Src(*rule, "renewal")));
      }
    }
  } else {
    s.term_ends = term_end;
    s.status = today >= term_end ? "expired" : "in_force";
  }
  if (s.status != "expired" && s.status != "lapsed" && s.term_ends &&
      (rule->maintenance != "renewal" ||
       (rule->renewal_count >= 0 && f.renewals_done >= rule->renewal_count))) {
    s.deadlines.push_back(Plain("expiry", *s.term_ends, *s.term_ends, false, Src(*rule, "term")));
  }
  return finish();
}

}  // namespace stio::domain
