// `stio ir ...`: build, run and evaluate search over BEIR-format test collections.
//
//   index --corpus FILE --out DIR [--stopwords FILE] [--title-weight W]
//       FILE: JSON Lines {"_id", "title", "text"} per line, plain or gzip (detected by content).
//   run --index DIR --queries FILE --out RUN [--k 100] [--mode any|all] [--tag NAME]
//       FILE: JSON Lines {"_id", "text"}; RUN: TREC format "qid Q0 docid rank score tag".
//   eval --qrels FILE --run RUN
//       FILE: BEIR TSV "query-id<TAB>corpus-id<TAB>score" with a header line. Prints MRR@10,
//       nDCG@10 (linear gains, as trec_eval) and Recall@100, averaged over the queries in qrels.
//
// RunIrCommand takes the arguments after "ir", writes results to `out` and errors to `err`, and
// returns a process exit code (0 ok, 1 runtime error, 2 usage error). Thread-safety: reentrant.
#pragma once

#include <ostream>
#include <string>
#include <vector>

namespace stio::search {

int RunIrCommand(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

}  // namespace stio::search
