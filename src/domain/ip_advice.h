// IP advice (issue 7): a knowledge base of guidance articles written by staff, advisory requests
// (an enterprise asks, staff answer, the thread and its outcome are kept), and a self-assessment
// questionnaire in the manner of WIPO's IP Diagnostics that produces a short report: what the
// enterprise owns, what it should protect, which deadlines it faces.
//
// Articles: staff write; everyone reads and searches the published ones (accent-insensitive
// words in SQL here; published articles are also in the ranked /search index, type "article").
// Requests and assessments: members for their organization, staff for any; a member of another
// organization gets 403.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "core/clock.h"
#include "domain/common.h"

namespace stio::domain {

// --- Articles: {title, summary, body, tags?: [...], kinds?: [kinds of right], published?}
Result<Json> CreateArticle(storage::Transaction& tx, const Actor& actor, const Clock& clock,
                           const Json& input);
Result<Json> UpdateArticle(storage::Transaction& tx, const Actor& actor, const Clock& clock,
                           int64_t id, const Json& patch);
Result<Json> GetArticle(storage::Transaction& tx, const Actor& actor, int64_t id);
// q: accent-insensitive words in the title, summary, tags or body; kind: a kind of right.
Result<ListResult> ListArticles(storage::Transaction& tx, const Actor& actor,
                                const std::optional<std::string>& q,
                                const std::optional<std::string>& kind, const ListParams& params);

// --- Advisory requests: {subject, question, topic?: kind of right | "other", asset_ids?: [...],
// organization_id? (staff)} -> the request with its first message.
Result<Json> CreateAdvisoryRequest(storage::Transaction& tx, const Actor& actor, const Clock& clock,
                                   const Json& input);
Result<Json> GetAdvisoryRequest(storage::Transaction& tx, const Actor& actor, int64_t id);
Result<ListResult> ListAdvisoryRequests(storage::Transaction& tx, const Actor& actor,
                                        const std::optional<std::string>& status,
                                        const ListParams& params);
// {body}: a staff reply marks the request answered and notifies the organization; the
// organization's reply reopens it. Closed requests take no messages.
Result<Json> PostAdvisoryMessage(storage::Transaction& tx, const Actor& actor, const Clock& clock,
                                 int64_t id, const Json& input);
// {outcome}: closes the request (either side).
Result<Json> CloseAdvisoryRequest(storage::Transaction& tx, const Actor& actor, const Clock& clock,
                                  int64_t id, const Json& input);

// --- Self-assessment
// The questions (id, kind yes_no | text, vi, en).
Json AssessmentQuestions();
// {answers: {question id: true|false|text}, organization_id? (staff)} -> the stored report:
// {"owned": [...by kind...], "recommendations": [{"kind","priority","vi","en","basis"}],
//  "deadlines": [...next year's, the first 20...], "deadlines_total", "deadlines_error"? (no rules
//  loaded: the deadlines are unknown), "questions_answered"}.
Result<Json> RunAssessment(storage::Transaction& tx, const Actor& actor, const Clock& clock,
                           const Json& input);
Result<ListResult> ListAssessments(storage::Transaction& tx, const Actor& actor,
                                   const ListParams& params);

}  // namespace stio::domain
