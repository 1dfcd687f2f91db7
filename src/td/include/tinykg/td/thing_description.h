// Thing Descriptions and Thing Models in: text -> validated document ->
// rdf::GraphDocument (one named graph per TD/TM), and back out as the exact
// text that was imported.
#ifndef TINYKG_TD_THING_DESCRIPTION_H_
#define TINYKG_TD_THING_DESCRIPTION_H_

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "tinykg/base/status.h"
#include "tinykg/rdf/store.h"
#include "tinykg/td/jsonld.h"
#include "tinykg/td/validate.h"

namespace tinykg::td {

struct TdReaderOptions {
  // Directories searched for contexts (see LocalDocumentLoader::
  // AddContextDirectory); later ones win for the same IRI.
  std::vector<std::string> context_dirs;
  // Directory with the TD/TM JSON Schemas (ontology/schemas).
  std::string schema_dir;
  // Context IRIs to treat as empty (e.g. https://webthings.io/schemas, which
  // is not a JSON-LD context); each use is reported as a warning.
  std::vector<std::string> ignored_contexts;
  // Skip JSON Schema validation (rules and JSON-LD still apply).
  bool skip_schema = false;
  // See JsonLdOptions::jsonld_js_index_compat (differential tests only).
  bool jsonld_js_index_compat = false;
  // Also return the toRdf output as TdReadResult::quads. Off, the statements
  // are only in document.triples (moved, not copied: a batch that needs one
  // copy does not pay for two).
  bool keep_quads = true;
  // The statements as N-Quads text in TdReadResult::nquads (graph: the
  // document's IRI) instead of rdf::Triples in document.triples, which stays
  // empty, as does document.original_text (not copied); keep_quads is then
  // ignored. For a caller that only prints them (`import td --dry-run
  // --format nquads`): no rdf::Term is built.
  bool nquads_text = false;
};

// What reading one document produced. `problems` non-empty means the
// document is rejected (nothing of it may be written); warnings never reject.
struct TdReadResult {
  rdf::GraphDocument document;  // valid only when problems is empty
  TdKind kind = TdKind::kThingDescription;
  std::vector<Quad> quads;      // the toRdf output (default graph only); empty without keep_quads
  std::string nquads;           // with nquads_text: one line per statement, each ending in "\n"
  std::vector<Status> problems;
  std::vector<Status> warnings;
  bool ok() const { return problems.empty(); }
};

// Reads TDs/TMs. Holds the schemas, the context loader and the JSON-LD
// processor's context cache, so one reader should serve a whole batch.
// Not thread-safe.
class TdReader {
 public:
  // kNotFound when the schema directory or a context directory is missing.
  static Result<std::unique_ptr<TdReader>> Create(const TdReaderOptions& options);
  ~TdReader();
  TdReader(const TdReader&) = delete;
  TdReader& operator=(const TdReader&) = delete;

  // Parses `text` (the whole file; kept verbatim as original_text), checks it
  // (strict JSON, schema, spec rules), converts it with JSON-LD toRdf and
  // fills a GraphDocument: iri = the TD's "id" when it is an absolute IRI,
  // else GraphIriForText(text); kind td or tm; label = title; source =
  // `source`. Every problem carries `source` and a JSON pointer.
  TdReadResult Read(std::string_view text, const std::string& source);

 private:
  TdReader();
  TdReadResult ReadUnchecked(std::string_view text, const std::string& source);
  struct State;
  std::unique_ptr<State> state_;
};

// "urn:uuid:..." derived from the bytes of `text` (stable across runs and
// machines; RFC 9562 version 8 layout over a 128-bit FNV-1a hash).
std::string GraphIriForText(std::string_view text);

// The document exactly as imported (byte for byte) for graph `id`.
// kNotFound when there is no such graph, kInvalidArgument when the graph is
// not a TD/TM or kept no original text.
Result<std::string> ExportTdText(rdf::Store& store, std::string_view id);

}  // namespace tinykg::td

#endif  // TINYKG_TD_THING_DESCRIPTION_H_
