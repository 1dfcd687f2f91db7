// Full-text discovery over the names, titles and descriptions of devices and
// models (SPARQL CONTAINS over LCASE(STR(...)); named query match-search.rq).
#ifndef TINYKG_MATCH_SEARCH_H_
#define TINYKG_MATCH_SEARCH_H_

#include <string>
#include <string_view>
#include <vector>

#include "tinykg/base/status.h"
#include "tinykg/rdf/store.h"

namespace tinykg::match {

struct SearchHit {
  std::string iri;
  std::string kind;    // "device" or "model"
  std::string name;    // best name
  std::string field;   // local name of the property that matched best (label, title, description, ...)
  std::string text;    // the matching text
  int score = 0;       // 100 exact name, 60 name prefix, 40 name substring, 10 description
};

// Every word of `text` (case-insensitive) must occur in some name or
// description of the resource. Ranked by score, then name; at most `limit`
// hits when limit > 0. kInvalidArgument for empty text.
Result<std::vector<SearchHit>> Search(rdf::Store& store, std::string_view text, int limit = 0);

}  // namespace tinykg::match

#endif  // TINYKG_MATCH_SEARCH_H_
