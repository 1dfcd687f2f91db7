// Validation of Thing Descriptions and Thing Models before anything is
// written: strict JSON reading (duplicate names are errors), the W3C TD 1.0 /
// TD 1.1 / TM 1.1 JSON Schemas through valijson, and the rules of the TD
// specification that a JSON Schema cannot express.
#ifndef TINYKG_TD_VALIDATE_H_
#define TINYKG_TD_VALIDATE_H_

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "tinykg/base/status.h"
#include "tinykg/td/jsonld.h"

namespace tinykg::td {

enum class TdKind { kThingDescription, kThingModel };

// Parses JSON text, watching for duplicate member names: a duplicate
// affordance name (in properties/actions/events) or definition name (in
// securityDefinitions/schemaDefinitions) is a problem, since the TD spec
// requires them unique; any other duplicate is a warning (the last value
// wins, as in most JSON readers). Locations are `file` plus the JSON pointer.
// A syntax error is returned as one kParseError with line and column; text
// that is not UTF-8 or nests deeper than kMaxJsonDepth (256) levels is one
// kParseError from CheckJsonText (byte offset, and the JSON pointer for
// depth) and is never parsed.
Result<Json> ParseJsonStrict(std::string_view text, const std::string& file,
                             std::vector<Status>& problems, std::vector<Status>* warnings = nullptr);

// The longest string (in code points) the schemas' "pattern" keywords are
// matched against; a longer one is invalid for its length (std::regex
// recurses per character and backtracks quadratically: a 200 KB value
// overflowed the stack). Security scheme names, icon sizes, language tags,
// dates and times are far shorter.
inline constexpr int kMaxPatternText = 256;

// TM when @type contains "tm:ThingModel", "ThingModel" or the TM class IRI,
// else TD.
TdKind DetectKind(const Json& document);

// The JSON Schemas, loaded once. Not thread-safe.
class TdValidator {
 public:
  // Loads td-1.0-json-schema-validation.json, td-1.1-json-schema-validation.json
  // and tm-1.1-json-schema-validation.json from `schema_dir`. kNotFound /
  // kParseError when one is missing or broken.
  static Result<std::unique_ptr<TdValidator>> Load(const std::string& schema_dir);
  ~TdValidator();
  TdValidator(const TdValidator&) = delete;
  TdValidator& operator=(const TdValidator&) = delete;

  // Appends one kInvalidData status per violation found (location: `file`
  // and the JSON pointer of the offending value). A TD is checked against
  // the TD 1.1 schema; one whose @context names only TD 1.0 is also accepted
  // when it passes the TD 1.0 schema. A TM is checked against the TM schema.
  // Then the spec rules: security names must be defined in
  // securityDefinitions (top level, forms, combo schemes), and a TM's
  // tm:extends parent typed as a Thing Model must not sit at a reserved
  // example domain (it can never be resolved). Returns true when none found.
  // `text`, when given, is the JSON text `document` was parsed from: the walk
  // of the whole document for forms' security names is skipped when the text
  // cannot hold a "security" member other than the top-level one (most TDs:
  // the walk was 3 % of a TD import).
  bool Validate(const Json& document, TdKind kind, const std::string& file,
                std::vector<Status>& problems, std::string_view text = {}) const;

  // On (the default), the TD 1.1 / TM 1.1 schemas are first checked by a
  // checker compiled from them, and valijson walks only a document that
  // checker does not find plainly valid; the problems reported are the same
  // either way. Off: valijson alone (for differential tests).
  void set_compiled_schema_check(bool on);
  // Whether the compiled checker alone finds `document` valid against the
  // schema of `kind` (so valijson is not run for it): for tests and
  // diagnostics.
  bool CompiledCheckFindsValid(const Json& document, TdKind kind) const;

 private:
  struct Schemas;
  TdValidator();
  std::unique_ptr<Schemas> schemas_;
};

}  // namespace tinykg::td

#endif  // TINYKG_TD_VALIDATE_H_
