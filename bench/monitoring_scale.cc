// monitoring_scale: indicator monitoring at national scale (issue 5), stio beside plain SQLite
// doing the same aggregation, in one run on the same data.
//
// The data (synthetic, labelled as such in docs/benchmarks.md):
//   - 300 data elements and 150 indicators (indicator i = element 2i-1 / element 2i x 1000),
//     created through the domain API (CreateDataElement, CreateIndicator);
//   - for the first `--pairs` indicators (default 15, i.e. 30 elements), one approved value per
//     2025 commune (all 3,321 of data/admin-units) per month for `--years` years (default 10:
//     2016-2025): 30 x 3,321 x 120 = 11,955,600 values. They are written with InsertRecord, the
//     storage call EnterValue itself ends in, because EnterValue (validation rules, outlier check,
//     audit record per value) is too slow for 12M values; its rate is measured below on:
//   - for the other 270 elements, one value per 2025 province per year, entered through
//     EnterValue (drafts, so their figures are provisional);
//   - a plan for Thanh Hóa (38) with 20 targets (CreatePlan, CreateTarget): 10 on indicators
//     aggregated from commune months, 10 on indicators entered per province.
//
// Measured, each on one thread, wall clock and the thread's CPU time per request:
//   (a) the plan scorecard (domain::PlanScorecard, as GET /plans/{id}/scorecard calls it, in one
//       read transaction, the JSON serialised);
//   (b) a dashboard of 10 indicator series (domain::IndicatorSeries, as GET
//       /indicators/{code}/series?unit=&from=&to= calls it), years this-year - 10 .. this year,
//       for each of the 34 provinces and the nation in turn;
//   (c) the same series right after a write to one of its data elements (the first read after
//       a write, when nothing computed before the write may be reused);
//   (d) the first requests after a server start: the figure cache emptied (as in a new process),
//       the dashboard's 10 series for the nation and for one province, cold; then emptied again,
//       domain::WarmFigureCache run as `stio serve` runs it in the background (here in the
//       foreground, timed), and the same 10 + 10 series, checked equal to the cold ones.
// The peer: a separate SQLite database holding the same values in one table, keyed for this
// query (element, province, period, commune; WITHOUT ROWID), answering each series with
// SELECT SUM(value) ... GROUP BY element, year and computing numerator / denominator x factor.
// Every stio figure of the first round and of the scorecard is checked against the peer's before
// any time is reported (relative difference < 1e-9).
//
// usage: monitoring_scale --data DIR [--db PATH] [--pairs 15] [--years 10] [--rounds 70]
//                         [--scorecards 200] [--writes 20] [--reuse] [--start-only]
// --reuse keeps an existing database of the same scale (building one takes minutes).
// --start-only runs (d) alone (no peer: its figures are checked against the cold ones).
#include <sqlite3.h>
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <iostream>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/clock.h"
#include "core/strings.h"
#include "domain/actor.h"
#include "domain/common.h"
#include "domain/indicators.h"
#include "domain/plans.h"
#include "domain/progress.h"
#include "domain/reference.h"
#include "storage/database.h"
#include "storage/schema.h"

namespace {

using stio::Result;
using stio::Status;
using stio::domain::Json;
using stio::storage::Transaction;
using stio::storage::TxMode;
using Steady = std::chrono::steady_clock;

constexpr int kElements = 300;
constexpr int kIndicators = 150;
constexpr int kDashboard = 10;  // series on one dashboard
constexpr double kFactor = 1000;

double Seconds(Steady::time_point since) {
  return std::chrono::duration<double>(Steady::now() - since).count();
}
double ThreadCpuMs() {
  timespec t{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) * 1e3 + static_cast<double>(t.tv_nsec) / 1e6;
}
double LoadAverage() {
  double l[1] = {0};
  return getloadavg(l, 1) == 1 ? l[0] : -1;
}
long PeakRssMiB() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return u.ru_maxrss / 1024;
}

[[noreturn]] void Die(const std::string& what) {
  std::cerr << "monitoring_scale: " << what << "\n";
  std::exit(1);
}
void Check(const Status& s, const std::string& what) {
  if (!s.ok()) Die(what + ": " + s.ToString());
}

std::string Code(const char* prefix, int i) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%s%03d", prefix, i);
  return buf;
}

// Synthetic values: deterministic, positive, different per element, commune and month.
uint64_t Mix(uint64_t x) {
  x ^= x >> 33;
  x *= 0xff51afd7ed558ccdULL;
  x ^= x >> 33;
  x *= 0xc4ceb9fe1a85ec53ULL;
  return x ^ (x >> 33);
}
double Synthetic(int element, size_t unit, int year, int month) {
  const uint64_t h = Mix((static_cast<uint64_t>(element) << 40) ^ (unit << 16) ^
                         static_cast<uint64_t>(year * 12 + month));
  const double base = element % 2 ? 5 + static_cast<double>(unit % 97) : 800 + (unit % 1013);
  const double trend = 1 + 0.04 * (year - 2016);
  return std::round(base * trend * (0.8 + static_cast<double>(h % 400) / 1000.0));
}

struct Stats {
  std::vector<double> wall, cpu;
  void Add(double w, double c) {
    wall.push_back(w);
    cpu.push_back(c);
  }
  static double Pct(std::vector<double> v, double p) {
    if (v.empty()) return 0;
    std::sort(v.begin(), v.end());
    size_t i = static_cast<size_t>(std::ceil(p * static_cast<double>(v.size()))) - 1;
    return v[std::min(i, v.size() - 1)];
  }
  void Print(const char* name) const {
    std::printf(
        "  %-34s n=%5zu  wall p50 %8.2f p95 %8.2f p99 %8.2f max %8.2f | cpu p50 %8.2f "
        "p95 %8.2f p99 %8.2f ms\n",
        name, wall.size(), Pct(wall, .5), Pct(wall, .95), Pct(wall, .99), Pct(wall, 1),
        Pct(cpu, .5), Pct(cpu, .95), Pct(cpu, .99));
  }
};

// ------------------------------------------------------------------------------------------------
// Building the database through the domain API

struct Units {
  std::vector<std::string> provinces;
  std::vector<std::pair<std::string, std::string>> communes;  // (commune, province)
};

Units ReadUnits(stio::storage::Database& db) {
  Units u;
  Check(stio::storage::WithTransaction(
            db, TxMode::kRead,
            [&](Transaction& tx) -> Status {
              STIO_ASSIGN_OR_RETURN(auto p, tx.Query("SELECT code FROM admin_units WHERE "
                                                     "era = '2025' AND level = "
                                                     "'province' ORDER BY code"));
              for (const auto& r : p) u.provinces.push_back(r.Text("code"));
              STIO_ASSIGN_OR_RETURN(auto c, tx.Query("SELECT code, province_code FROM "
                                                     "admin_units WHERE era = '2025' AND "
                                                     "level = 'commune' ORDER BY code"));
              for (const auto& r : c) {
                u.communes.push_back({r.Text("code"), r.Text("province_code")});
              }
              return Status::Ok();
            }),
        "reading the units");
  return u;
}

int64_t Build(stio::storage::Database& db, const Units& units, int pairs, int first_year,
              int years) {
  const stio::domain::Actor admin = stio::domain::Actor::System("bench");
  const stio::Clock& clock = stio::Clock::Real();
  auto t0 = Steady::now();
  Check(stio::storage::WithTransaction(
            db, TxMode::kWrite,
            [&](Transaction& tx) -> Status {
              for (int i = 1; i <= kElements; ++i) {
                STIO_RETURN_IF_ERROR(stio::domain::CreateDataElement(
                                         tx, admin, clock,
                                         {{"code", Code("DE", i)},
                                          {"name_vi", Code("Chỉ tiêu tổng hợp (giả lập) ", i)},
                                          {"name_en", Code("Synthetic measure ", i)},
                                          {"aggregation", "sum"},
                                          {"value_type", "number"}})
                                         .status());
              }
              for (int i = 1; i <= kIndicators; ++i) {
                STIO_RETURN_IF_ERROR(
                    stio::domain::CreateIndicator(tx, admin, clock,
                                                  {{"code", Code("IND", i)},
                                                   {"name_vi", Code("Tỷ lệ giả lập ", i)},
                                                   {"numerator", Code("DE", 2 * i - 1)},
                                                   {"denominator", Code("DE", 2 * i)},
                                                   {"factor", kFactor},
                                                   {"unit", "‰"}})
                        .status());
              }
              return Status::Ok();
            }),
        "creating data elements and indicators");
  std::printf("created %d data elements and %d indicators in %.1f s\n", kElements, kIndicators,
              Seconds(t0));

  // Commune months: one transaction per element.
  const std::string now = stio::FormatTimestamp(clock.Now());
  int64_t bulk = 0;
  t0 = Steady::now();
  for (int e = 1; e <= 2 * pairs; ++e) {
    Check(stio::storage::WithTransaction(
              db, TxMode::kWrite,
              [&](Transaction& tx) -> Status {
                STIO_ASSIGN_OR_RETURN(
                    auto el,
                    tx.QueryOne("SELECT id FROM data_elements WHERE code = ?", {Code("DE", e)}));
                const int64_t id = el.Int("id");
                for (size_t c = 0; c < units.communes.size(); ++c) {
                  for (int y = first_year; y < first_year + years; ++y) {
                    for (int m = 1; m <= 12; ++m) {
                      char period[8];
                      std::snprintf(period, sizeof period, "%04d%02d", y, m);
                      STIO_RETURN_IF_ERROR(
                          stio::domain::InsertRecord(tx, "data_values",
                                                     {{"data_element_id", id},
                                                      {"era", "2025"},
                                                      {"level", "commune"},
                                                      {"unit_code", units.communes[c].first},
                                                      {"period", std::string(period)},
                                                      {"value", Synthetic(e, c, y, m)},
                                                      {"status", "approved"},
                                                      {"entered_by", "bench"},
                                                      {"created_at", now},
                                                      {"updated_at", now}})
                              .status());
                      ++bulk;
                    }
                  }
                }
                return Status::Ok();
              }),
          "loading commune months");
    std::printf("  element %s: %lld values so far, %.0f values/s\n", Code("DE", e).c_str(),
                static_cast<long long>(bulk), static_cast<double>(bulk) / Seconds(t0));
  }
  std::printf("loaded %lld commune-month values (InsertRecord) in %.1f s\n",
              static_cast<long long>(bulk), Seconds(t0));

  // Province years through EnterValue (the product's entry path).
  int64_t entered = 0;
  t0 = Steady::now();
  for (int e = 2 * pairs + 1; e <= kElements; ++e) {
    Check(stio::storage::WithTransaction(db, TxMode::kWrite,
                                         [&](Transaction& tx) -> Status {
                                           for (size_t p = 0; p < units.provinces.size(); ++p) {
                                             for (int y = first_year; y < first_year + years; ++y) {
                                               STIO_RETURN_IF_ERROR(
                                                   stio::domain::EnterValue(
                                                       tx, admin, clock,
                                                       {{"data_element", Code("DE", e)},
                                                        {"unit", units.provinces[p]},
                                                        {"period", std::to_string(y)},
                                                        {"value", Synthetic(e, p, y, 0) * 50},
                                                        {"source", "synthetic (benchmark)"}})
                                                       .status());
                                               ++entered;
                                             }
                                           }
                                           return Status::Ok();
                                         }),
          "entering province years");
  }
  const double enter_s = Seconds(t0);
  std::printf(
      "entered %lld province-year values through EnterValue in %.1f s: %.0f values/s "
      "(12M values would take %.0f min)\n",
      static_cast<long long>(entered), enter_s, static_cast<double>(entered) / enter_s,
      12e6 / (static_cast<double>(entered) / enter_s) / 60);

  // The plan: 10 targets on commune-aggregated indicators, 10 on province-entered ones.
  int64_t plan_id = 0;
  Check(stio::storage::WithTransaction(
            db, TxMode::kWrite,
            [&](Transaction& tx) -> Status {
              STIO_ASSIGN_OR_RETURN(
                  Json plan, stio::domain::CreatePlan(tx, admin, clock,
                                                      {{"code", "BENCH-38"},
                                                       {"name", "Kế hoạch giả lập (benchmark)"},
                                                       {"province_code", "38"},
                                                       {"period_from", 2021},
                                                       {"period_to", 2025}}));
              plan_id = plan["id"];
              for (int k = 0; k < 20; ++k) {
                const int ind = k < 10 ? k + 1 : pairs + k - 9;
                STIO_RETURN_IF_ERROR(
                    stio::domain::CreateTarget(tx, admin, clock, plan_id,
                                               {{"text_vi", Code("Mục tiêu giả lập ", k)},
                                                {"code", Code("T", k + 1)},
                                                {"indicator", Code("IND", ind)},
                                                {"baseline_value", 10.0 + k},
                                                {"baseline_year", 2020},
                                                {"target_value", 20.0 + 3 * k},
                                                {"target_year", 2025},
                                                {"legal_basis", "giả lập"},
                                                {"solutions", "giả lập"},
                                                {"budget_vnd", 1e9},
                                                {"data_source", "giả lập"}})
                        .status());
              }
              return Status::Ok();
            }),
        "creating the plan");
  return plan_id;
}

// ------------------------------------------------------------------------------------------------
// The peer

struct Peer {
  sqlite3* db = nullptr;
  sqlite3_stmt* province = nullptr;
  sqlite3_stmt* nation = nullptr;

  void Exec(const std::string& sql) {
    char* err = nullptr;
    if (sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
      Die("peer: " + std::string(err ? err : "?") + " in " + sql.substr(0, 80));
    }
  }
  void Open(const std::string& path, const std::string& stio_path) {
    std::filesystem::remove(path);
    if (sqlite3_open(path.c_str(), &db) != SQLITE_OK) Die("peer: cannot open " + path);
    auto t0 = Steady::now();
    Exec("PRAGMA journal_mode = WAL");
    Exec(
        "CREATE TABLE facts (element_id INTEGER, province_code TEXT, period TEXT, unit_code "
        "TEXT, value REAL, PRIMARY KEY (element_id, province_code, period, unit_code)) WITHOUT "
        "ROWID");
    Exec("ATTACH '" + stio_path + "' AS s");
    // Commune values with their province, and values recorded for a province itself.
    Exec(
        "INSERT INTO facts SELECT v.data_element_id, a.province_code, v.period, v.unit_code, "
        "v.value FROM s.data_values v JOIN s.admin_units a ON a.era = '2025' AND a.level = "
        "'commune' AND a.code = v.unit_code WHERE v.era = '2025' AND v.level = 'commune' "
        "UNION ALL SELECT v.data_element_id, v.unit_code, v.period, v.unit_code, v.value FROM "
        "s.data_values v WHERE v.era = '2025' AND v.level = 'province' "
        "ORDER BY 1, 2, 3, 4");
    Exec("DETACH s");
    Exec("ANALYZE");
    std::printf("peer: copied the values into its own table and index in %.1f s\n", Seconds(t0));
    const char* by_province =
        "SELECT element_id, CAST(substr(period, 1, 4) AS INTEGER) AS y, SUM(value) FROM facts "
        "WHERE element_id IN (?, ?) AND province_code = ? AND period >= ? AND period < ? "
        "GROUP BY element_id, y";
    const char* by_nation =
        "SELECT element_id, CAST(substr(period, 1, 4) AS INTEGER) AS y, SUM(value) FROM facts "
        "WHERE element_id IN (?, ?) AND period >= ? AND period < ? GROUP BY element_id, y";
    if (sqlite3_prepare_v2(db, by_province, -1, &province, nullptr) != SQLITE_OK ||
        sqlite3_prepare_v2(db, by_nation, -1, &nation, nullptr) != SQLITE_OK) {
      Die(std::string("peer: ") + sqlite3_errmsg(db));
    }
  }
  // year -> numerator / denominator x factor, for years where both have values.
  std::map<int, double> Series(int64_t num_id, int64_t den_id, const std::string& unit, int from,
                               int to) {
    const bool all = unit == "VN";
    sqlite3_stmt* st = all ? nation : province;
    sqlite3_reset(st);
    int k = 1;
    sqlite3_bind_int64(st, k++, num_id);
    sqlite3_bind_int64(st, k++, den_id);
    if (!all) sqlite3_bind_text(st, k++, unit.c_str(), -1, SQLITE_TRANSIENT);
    const std::string lo = std::to_string(from), hi = std::to_string(to + 1);
    sqlite3_bind_text(st, k++, lo.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, k++, hi.c_str(), -1, SQLITE_TRANSIENT);
    std::map<int, double> num, den, out;
    while (sqlite3_step(st) == SQLITE_ROW) {
      (sqlite3_column_int64(st, 0) == num_id ? num : den)[sqlite3_column_int(st, 1)] =
          sqlite3_column_double(st, 2);
    }
    for (const auto& [y, n] : num) {
      auto d = den.find(y);
      if (d != den.end() && d->second != 0) out[y] = n / d->second * kFactor;
    }
    return out;
  }
};

bool Same(double a, double b) { return std::fabs(a - b) <= 1e-9 * std::max(1.0, std::fabs(b)); }

}  // namespace

int main(int argc, char** argv) {
  std::setvbuf(stdout, nullptr, _IOLBF, 0);  // progress shows when the output goes to a file
  std::string data_dir = "data";
  std::string db_path = "/tmp/stio-monitoring-bench.db";
  int pairs = 15, years = 10, rounds = 70, scorecards = 200, writes = 20;
  bool reuse = false, start_only = false;
  for (int i = 1; i < argc; ++i) {
    const std::string k = argv[i];
    if (k == "--reuse") {
      reuse = true;
      continue;
    }
    if (k == "--start-only") {
      start_only = true;
      continue;
    }
    if (i + 1 >= argc) Die("missing value for " + k);
    const std::string v = argv[++i];
    if (k == "--data") {
      data_dir = v;
    } else if (k == "--db") {
      db_path = v;
    } else if (k == "--pairs") {
      pairs = std::stoi(v);
    } else if (k == "--years") {
      years = std::stoi(v);
    } else if (k == "--rounds") {
      rounds = std::stoi(v);
    } else if (k == "--scorecards") {
      scorecards = std::stoi(v);
    } else if (k == "--writes") {
      writes = std::stoi(v);
    } else {
      Die("unknown option " + k);
    }
  }
  if (pairs < kDashboard || pairs + 10 > kIndicators || years < 1 || years > 20) {
    Die("--pairs must be 10..140 and --years 1..20");
  }
  const int this_year = static_cast<int>(
      *stio::ParseInt(stio::FormatTimestamp(stio::Clock::Real().Now()).substr(0, 4)));
  const int first_year = this_year - 10;  // the series page asks for this year - 10 .. this year

  const bool exists = std::filesystem::exists(db_path);
  if (!reuse || !exists) {
    for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(db_path + suffix);
  }
  auto opened = stio::storage::OpenSqlite(db_path);
  if (!opened.ok()) Die(opened.status().ToString());
  stio::storage::Database& db = **opened;
  auto m0 = Steady::now();
  Check(db.Migrate(stio::storage::SqliteMigrations()), "migrating");
  const double migrate_s = Seconds(m0);
  auto ref = stio::domain::LoadReferenceData(db, data_dir, stio::Clock::Real());
  if (!ref.ok()) Die(ref.status().ToString());
  const Units units = ReadUnits(db);
  if (units.provinces.size() != 34 || units.communes.size() < 3000) {
    Die("the reference data should hold 34 provinces and their communes");
  }
  std::printf("machine: %ld CPUs online, load average %.2f at start\n",
              sysconf(_SC_NPROCESSORS_ONLN), LoadAverage());
  std::printf(
      "scale: %zu communes, %zu provinces, %d elements (%d with commune months), %d years "
      "(%d-%d)\n",
      units.communes.size(), units.provinces.size(), kElements, 2 * pairs, years, first_year,
      first_year + years - 1);

  int64_t plan_id = 0;
  int64_t values = 0;
  Check(stio::storage::WithTransaction(
            db, TxMode::kRead,
            [&](Transaction& tx) -> Status {
              STIO_ASSIGN_OR_RETURN(auto n, tx.QueryOne("SELECT COUNT(*) AS n FROM "
                                                        "data_values"));
              values = n.Int("n");
              auto p = tx.Query("SELECT id FROM plans WHERE code = 'BENCH-38'");
              if (p.ok() && !p->empty()) plan_id = (*p)[0].Int("id");
              return Status::Ok();
            }),
        "counting");
  const int64_t want =
      static_cast<int64_t>(2 * pairs) * static_cast<int64_t>(units.communes.size()) * years * 12 +
      static_cast<int64_t>(kElements - 2 * pairs) * 34 * years;
  if (values != want || plan_id == 0) {
    if (values != 0) Die("the database holds another scale; run without --reuse");
    auto t0 = Steady::now();
    plan_id = Build(db, units, pairs, first_year, years);
    std::printf("built the database in %.1f s\n", Seconds(t0));
    values = want;
  } else {
    std::printf("reusing %s (%lld values; migrations took %.1f s)\n", db_path.c_str(),
                static_cast<long long>(values), migrate_s);
  }
  std::printf("database: %lld values, %.0f MiB\n", static_cast<long long>(values),
              static_cast<double>(std::filesystem::file_size(db_path)) / (1 << 20));

  Peer peer;
  if (!start_only) peer.Open(db_path + ".peer", db_path);

  std::map<std::string, int64_t> element_id;
  Check(stio::storage::WithTransaction(
            db, TxMode::kRead,
            [&](Transaction& tx) -> Status {
              STIO_ASSIGN_OR_RETURN(auto rows, tx.Query("SELECT id, code FROM data_elements"));
              for (const auto& r : rows) element_id[r.Text("code")] = r.Int("id");
              return Status::Ok();
            }),
        "element ids");

  std::vector<std::string> dash_units = {"VN"};
  dash_units.insert(dash_units.end(), units.provinces.begin(), units.provinces.end());
  const int from = this_year - 10, to = this_year;

  // One series request as the API handler makes it: a read transaction, the domain call, the
  // JSON serialised.
  auto stio_series = [&](const std::string& ind, const std::string& unit, Json* out) {
    std::string body;
    Check(stio::storage::WithTransaction(
              db, TxMode::kRead,
              [&](Transaction& tx) -> Status {
                STIO_ASSIGN_OR_RETURN(auto u,
                                      stio::domain::MakeUnit(unit, std::nullopt, std::nullopt));
                STIO_ASSIGN_OR_RETURN(
                    Json s, stio::domain::IndicatorSeries(tx, ind, u, std::to_string(from),
                                                          std::to_string(to)));
                body = s.dump();
                if (out) *out = std::move(s);
                return Status::Ok();
              }),
          "series " + ind + " " + unit);
    return body.size();
  };

  // (d) the first requests after a start, cold and after the warm-up.
  auto start_step = [&] {
    std::printf(
        "\n(d) first requests after a start: %d series (IND001-IND%03d), years %d-%d, nation "
        "and province 38, cold, then after the warm-up\n",
        kDashboard, kDashboard, from, to);
    Stats cold_nation, cold_prov, warm_up, warmed_nation, warmed_prov;
    std::vector<Json> cold;
    auto run = [&](const std::string& unit, Stats& stats, bool keep) {
      for (int i = 1; i <= kDashboard; ++i) {
        Json s;
        auto t0 = Steady::now();
        double c0 = ThreadCpuMs();
        stio_series(Code("IND", i), unit, &s);
        stats.Add(Seconds(t0) * 1e3, ThreadCpuMs() - c0);
        if (keep) {
          cold.push_back(std::move(s));
        } else if (s != cold[static_cast<size_t>(i - 1) + (unit == "VN" ? 0 : kDashboard)]) {
          Die("a series after the warm-up differs from the cold one: " + Code("IND", i) + " " +
              unit);
        }
      }
    };
    // Cold: the nation with an empty cache; the province with an empty cache too (after the
    // nation it would find its figures computed).
    stio::domain::ClearFigureCache();
    run("VN", cold_nation, true);
    stio::domain::ClearFigureCache();
    run("38", cold_prov, true);
    // A start with the warm-up.
    stio::domain::ClearFigureCache();
    auto t0 = Steady::now();
    double c0 = ThreadCpuMs();
    auto report = stio::domain::WarmFigureCache(db, stio::Clock::Real(), nullptr);
    if (!report.ok()) Die("warm-up: " + report.status().ToString());
    warm_up.Add(Seconds(t0) * 1e3, ThreadCpuMs() - c0);
    const auto before = stio::domain::GetFigureCacheStats();
    run("VN", warmed_nation, false);
    run("38", warmed_prov, false);
    const auto after = stio::domain::GetFigureCacheStats();
    std::printf(
        "  warm-up: %d indicators (%d skipped), %d series, %lld figures cached, %.1f s wall, "
        "%.1f s CPU\n",
        report->indicators, report->failed, report->series, static_cast<long long>(before.figures),
        warm_up.wall[0] / 1e3, warm_up.cpu[0] / 1e3);
    std::printf(
        "  after the warm-up: %lld figures from the cache, %lld computed; all 20 series equal "
        "to the cold ones\n",
        static_cast<long long>(after.hits - before.hits),
        static_cast<long long>(after.misses - before.misses));
    cold_nation.Print("stio first request, nation, cold");
    warmed_nation.Print("stio first request, nation, warmed");
    cold_prov.Print("stio first request, province, cold");
    warmed_prov.Print("stio first request, province, warmed");
  };
  if (start_only) {
    start_step();
    std::printf("\npeak RSS %ld MiB, load average %.2f at the end\n", PeakRssMiB(), LoadAverage());
    return 0;
  }

  auto peer_series = [&](int i, const std::string& unit) {
    return peer.Series(element_id[Code("DE", 2 * i - 1)], element_id[Code("DE", 2 * i)], unit, from,
                       to);
  };

  // (b) the dashboard. The first round is checked against the peer and reported apart (it is
  // the first request of each series: nothing computed yet).
  std::printf(
      "\n(b) dashboard: %d series (IND001-IND%03d), years %d-%d, %zu units in turn, %d "
      "rounds\n",
      kDashboard, kDashboard, from, to, dash_units.size(), rounds);
  Stats first_prov, first_nation, warm_prov, warm_nation, dash_total, peer_prov, peer_nation,
      peer_dash;
  int checked = 0;
  const double load0 = LoadAverage();
  for (int r = 0; r < rounds; ++r) {
    const std::string& unit = dash_units[static_cast<size_t>(r) % dash_units.size()];
    const bool first_pass = r < static_cast<int>(dash_units.size());
    double dw = 0, dc = 0;
    for (int i = 1; i <= kDashboard; ++i) {
      Json s;
      auto t0 = Steady::now();
      double c0 = ThreadCpuMs();
      stio_series(Code("IND", i), unit, first_pass ? &s : nullptr);
      const double w = Seconds(t0) * 1e3, c = ThreadCpuMs() - c0;
      dw += w;
      dc += c;
      if (first_pass) {
        (unit == "VN" ? first_nation : first_prov).Add(w, c);
        // Check against the peer.
        auto expect = peer_series(i, unit);
        size_t with_value = 0;
        for (const Json& p : s["points"]) {
          const int y = std::stoi(p["period"].get<std::string>());
          auto e = expect.find(y);
          if (p["value"].is_null()) {
            if (e != expect.end()) Die("stio has no value where the peer has one");
            continue;
          }
          ++with_value;
          if (e == expect.end() || !Same(p["value"].get<double>(), e->second)) {
            Die("stio and the peer differ: " + Code("IND", i) + " " + unit + " " +
                std::to_string(y));
          }
          ++checked;
        }
        if (with_value != expect.size() || with_value == 0) Die("missing values in " + unit);
      } else {
        (unit == "VN" ? warm_nation : warm_prov).Add(w, c);
      }
    }
    if (!first_pass) dash_total.Add(dw, dc);
    // The peer, same unit, same series.
    double pw = 0, pc = 0;
    for (int i = 1; i <= kDashboard; ++i) {
      auto t0 = Steady::now();
      double c0 = ThreadCpuMs();
      auto m = peer_series(i, unit);
      if (m.empty()) Die("the peer found nothing");
      const double w = Seconds(t0) * 1e3, c = ThreadCpuMs() - c0;
      pw += w;
      pc += c;
      (unit == "VN" ? peer_nation : peer_prov).Add(w, c);
    }
    peer_dash.Add(pw, pc);
  }
  std::printf("  checked %d figures against the peer: all equal (relative difference < 1e-9)\n",
              checked);
  first_nation.Print("stio first request, nation");
  first_prov.Print("stio first request, province");
  warm_prov.Print("stio series, province (repeat)");
  warm_nation.Print("stio series, nation (repeat)");
  dash_total.Print("stio whole dashboard (10 series)");
  peer_prov.Print("SQLite series, province");
  peer_nation.Print("SQLite series, nation");
  peer_dash.Print("SQLite whole dashboard (10 series)");
  std::printf("  load average %.2f -> %.2f\n", load0, LoadAverage());

  // (a) the scorecard, checked against the peer's yearly figures for the plan's province.
  std::printf("\n(a) plan scorecard: plan %lld, 20 targets, province 38\n",
              static_cast<long long>(plan_id));
  Stats sc_stio, sc_peer;
  Json card;
  for (int r = 0; r < scorecards; ++r) {
    auto t0 = Steady::now();
    double c0 = ThreadCpuMs();
    Check(stio::storage::WithTransaction(
              db, TxMode::kRead,
              [&](Transaction& tx) -> Status {
                STIO_ASSIGN_OR_RETURN(
                    card, stio::domain::PlanScorecard(tx, stio::Clock::Real(), plan_id));
                return card.dump().empty() ? Status::Internal("empty") : Status::Ok();
              }),
          "scorecard");
    sc_stio.Add(Seconds(t0) * 1e3, ThreadCpuMs() - c0);
    // The peer: the same yearly figures and the same assessment (progress.h is pure).
    t0 = Steady::now();
    c0 = ThreadCpuMs();
    std::vector<std::string> statuses;
    for (int k = 0; k < 20; ++k) {
      const int ind = k < 10 ? k + 1 : pairs + k - 9;
      const Json& t = card["targets"][static_cast<size_t>(k)]["target"];
      const int lo = std::min(2020, 2021) - 5;
      const int hi = std::min(this_year, 2025);
      auto m = peer_series(ind, "38");
      stio::domain::TargetInput in{
          t["baseline_value"].get<double>(), 2020, t["target_value"].get<double>(), 2025, 1, {}};
      for (const auto& [y, v] : m) {
        if (y >= lo && y <= hi) in.observed.push_back({y, v});
      }
      statuses.push_back(stio::domain::AssessTarget(in).status);
    }
    sc_peer.Add(Seconds(t0) * 1e3, ThreadCpuMs() - c0);
    if (r == 0) {
      for (int k = 0; k < 20; ++k) {
        const Json& row = card["targets"][static_cast<size_t>(k)];
        if (row["assessment"]["status"] != statuses[static_cast<size_t>(k)]) {
          Die("scorecard status differs from the peer's for target " + std::to_string(k));
        }
        const int ind = k < 10 ? k + 1 : pairs + k - 9;
        auto m = peer_series(ind, "38");
        if (row["observed"].empty()) Die("scorecard target without observations");
        for (const Json& o : row["observed"]) {
          auto e = m.find(o["year"].get<int>());
          if (e == m.end() || !Same(o["value"].get<double>(), e->second)) {
            Die("scorecard observation differs from the peer's");
          }
        }
      }
      std::printf("  checked 20 targets (observations and status) against the peer: equal\n");
    }
  }
  sc_stio.Print("stio PlanScorecard");
  sc_peer.Print("SQLite yearly sums + AssessTarget");

  // (c) the first read after a write. The value written is the one already stored (EnterValue
  // makes it a draft again), so figures do not move, but nothing cached before may be used.
  std::printf("\n(c) first series request after a write to its numerator (%d writes)\n", writes);
  Stats after_prov, after_nation, write_cost;
  const stio::domain::Actor admin = stio::domain::Actor::System("bench");
  for (int w = 0; w < writes; ++w) {
    const size_t c = static_cast<size_t>(w) * 97 % units.communes.size();
    const int y = first_year + w % years, m = 1 + w % 12;
    char period[8];
    std::snprintf(period, sizeof period, "%04d%02d", y, m);
    auto t0 = Steady::now();
    double c0 = ThreadCpuMs();
    Check(stio::storage::WithTransaction(
              db, TxMode::kWrite,
              [&](Transaction& tx) -> Status {
                // An approved value is reopened (with a reason) before it is entered again.
                STIO_ASSIGN_OR_RETURN(
                    auto row, tx.QueryOne("SELECT v.id, v.status FROM data_values v JOIN "
                                          "data_elements e ON e.id = v.data_element_id WHERE "
                                          "e.code = 'DE001' AND v.era = '2025' AND v.level = "
                                          "'commune' AND v.unit_code = ? AND v.period = ?",
                                          {units.communes[c].first, std::string(period)}));
                if (row.Text("status") != "draft") {
                  STIO_RETURN_IF_ERROR(stio::domain::ChangeValueStatus(
                                           tx, admin, stio::Clock::Real(), row.Int("id"), "reopen",
                                           {{"reason", "benchmark correction"}})
                                           .status());
                }
                return stio::domain::EnterValue(tx, admin, stio::Clock::Real(),
                                                {{"data_element", "DE001"},
                                                 {"unit", units.communes[c].first},
                                                 {"period", std::string(period)},
                                                 {"value", Synthetic(1, c, y, m)}})
                    .status();
              }),
          "writing");
    write_cost.Add(Seconds(t0) * 1e3, ThreadCpuMs() - c0);
    // One read per write, the nation and the commune's province in turn, so that each is the
    // first read after the write.
    const std::string unit = w % 2 ? units.communes[c].second : std::string("VN");
    t0 = Steady::now();
    c0 = ThreadCpuMs();
    stio_series("IND001", unit, nullptr);
    (unit == "VN" ? after_nation : after_prov).Add(Seconds(t0) * 1e3, ThreadCpuMs() - c0);
  }
  write_cost.Print("reopen + EnterValue (one value)");
  after_prov.Print("stio series after write, province");
  after_nation.Print("stio series after write, nation");
  start_step();
  std::printf("\npeak RSS %ld MiB, load average %.2f at the end\n", PeakRssMiB(), LoadAverage());
  sqlite3_close(peer.db);
  return 0;
}
