// Action plans and their targets: review (what a target lacks, duplicates) and scorecard
// (progress and feasibility of every target, from the indicator's observed values; progress.h).
//
// A plan belongs to a province on the map it was adopted on (`province_era`): Sóc Trăng's plan
// stays a plan of pre-2025 province 94, and GetPlan() names the 2025 province that carries it
// over (Cần Thơ, 92, since 2025-07-01). Its observed values are those recorded for province 94;
// on the 2025 map they are part of Cần Thơ's figures (indicators.h: aggregation).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "core/clock.h"
#include "domain/common.h"

namespace stio::domain {

Result<Json> CreatePlan(storage::Transaction& tx, const Actor& actor, const Clock& clock,
                        const Json& input);
Result<Json> UpdatePlan(storage::Transaction& tx, const Actor& actor, const Clock& clock,
                        int64_t id, const Json& patch);
// The plan with its targets and, for a plan of a pre-2025 province, `carried_over_to`.
Result<Json> GetPlan(storage::Transaction& tx, int64_t id);
Result<ListResult> ListPlans(storage::Transaction& tx, const std::optional<std::string>& province,
                             const ListParams& params);

// Target input: {text_vi, code?, indicator? (code), baseline_value?, baseline_year?, target_value?,
// target_year?, direction? (1 | -1; default the indicator's), legal_basis?, responsible_agency?,
// solutions?, budget_vnd?, data_source?, note?}.
Result<Json> CreateTarget(storage::Transaction& tx, const Actor& actor, const Clock& clock,
                          int64_t plan_id, const Json& input);
Result<Json> UpdateTarget(storage::Transaction& tx, const Actor& actor, const Clock& clock,
                          int64_t id, const Json& patch);
Status DeleteTarget(storage::Transaction& tx, const Actor& actor, const Clock& clock, int64_t id);

// -> {plan_id, targets: N, issues: [{target_id, code, problems: ["no_legal_basis", ...]}],
//     duplicates: [{kind: "same_indicator"|"similar_wording", target_ids: [a, b], similarity}]}
Result<Json> ReviewPlan(storage::Transaction& tx, int64_t plan_id);
// Token Jaccard similarity of two texts after text::MatchKey (0..1).
double WordingSimilarity(std::string_view a, std::string_view b);

// -> {plan, unit, year, targets: [{target, observed: [{year, value}], assessment}], summary}.
// For a plan carried over to a 2025 province, each target also has `successor_observed`: the same
// indicator on the successor province (its pre-2025 years include this province's values).
Result<Json> PlanScorecard(storage::Transaction& tx, const Clock& clock, int64_t plan_id);

// Loads data/plans/plans.json (data elements, indicators, plans with targets) when its checksum
// changed: missing data elements and indicators are created, the plans of the file are replaced.
// Returns the number of plans (re)loaded (0 if the file was already current).
Result<int> LoadPlanData(storage::Database& db, const std::string& data_dir, const Clock& clock);

}  // namespace stio::domain
