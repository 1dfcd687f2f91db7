// A JSON-LD 1.1 processor: context processing, expansion and the toRdf
// (deserialize JSON-LD to RDF) algorithms of the W3C JSON-LD 1.1 Processing
// Algorithms and API recommendation, written as a general processor (not a
// Thing-Description special case).
//
// Remote documents (contexts, @import) come only from a DocumentLoader that
// the caller supplies; the processor never touches the network. An IRI the
// loader does not know is a "loading remote context failed" error naming the
// IRI.
//
// Not implemented: compaction, flattening and framing (tinykg only needs
// expansion and toRdf).
#ifndef TINYKG_TD_JSONLD_H_
#define TINYKG_TD_JSONLD_H_

#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tinykg/base/status.h"
#include "tinykg/rdf/triple.h"

namespace tinykg::td {

using Json = nlohmann::json;

// A document a loader returns. `document` is shared: loaders cache parsed
// documents and hand out the same immutable value each time.
struct RemoteDocument {
  std::string document_url;  // the IRI it was loaded as (base for relative IRIs)
  std::shared_ptr<const Json> document;
};

// Resolves IRIs of remote documents. Implementations must not block on the
// network; tinykg's own loader reads local files only.
class DocumentLoader {
 public:
  virtual ~DocumentLoader() = default;
  // kNotFound when the IRI is unknown, kParseError when the document is not
  // JSON, kIoError when a mapped file cannot be read.
  virtual Result<RemoteDocument> Load(std::string_view iri) = 0;
};

// Maps IRIs to local files. Three kinds of entries:
//   * exact IRI -> file (AddFile);
//   * IRI prefix -> directory: IRI = prefix + relative path (AddPrefix), used by
//     the W3C test suite runner;
//   * ignored IRIs that load as an empty context (Ignore), for contexts that
//     cannot be had as JSON-LD (e.g. https://webthings.io/schemas serves HTML).
// Parsed files are cached for the loader's lifetime. Not thread-safe.
class LocalDocumentLoader final : public DocumentLoader {
 public:
  // Adds the well-known WoT context IRIs (TD 1.0, TD 1.1, discovery, hctl,
  // json-schema, wot-security, tinykg) for the files that exist in `dir`
  // under their usual names, plus every "IRI": "file" entry of
  // `dir/index.json` when that file exists. Returns how many IRIs were mapped.
  Result<int> AddContextDirectory(const std::string& dir);
  void AddFile(std::string iri, std::string path);
  void AddPrefix(std::string iri_prefix, std::string dir);
  void Ignore(std::string iri);
  // Makes `iri` load as `document` (no file behind it).
  void AddDocument(std::string iri, Json document);

  Result<RemoteDocument> Load(std::string_view iri) override;

  // The IRIs that have an exact mapping (for "known contexts" hints).
  std::vector<std::string> KnownIris() const;

 private:
  std::map<std::string, std::string, std::less<>> files_;
  std::map<std::string, std::string, std::less<>> prefixes_;
  std::map<std::string, std::shared_ptr<const Json>, std::less<>> cache_;
};

struct JsonLdOptions {
  // Base IRI of the input document; empty means none.
  std::string base;
  // "json-ld-1.1" (default) or "json-ld-1.0".
  std::string processing_mode = "json-ld-1.1";
  // Context applied before the document's own (may be null).
  Json expand_context;
  // Emit triples whose predicate is a blank node.
  bool produce_generalized_rdf = false;
  // "", "i18n-datatype" or "compound-literal".
  std::string rdf_direction;
  // Reproduce jsonld.js (8.x) instead of the spec for property-valued index
  // maps: jsonld.js reads the index key ("@index") from the term definition
  // as redefined by the term's own scoped context, the spec from the active
  // context. They differ only when a scoped context redefines its own term
  // with another @index, as the TD 1.1 context does for nested "properties".
  // For differential testing only.
  bool jsonld_js_index_compat = false;
  // Not owned; may be null (then any remote context is an error).
  DocumentLoader* loader = nullptr;
};

// One RDF statement in a dataset. `graph` has an empty value for the default
// graph; otherwise it is an IRI or a blank node.
struct Quad {
  rdf::Triple triple;
  rdf::Term graph;

  bool in_default_graph() const { return graph.value.empty(); }
  // One N-Quads line without the newline.
  std::string ToNQuads() const;
  friend bool operator==(const Quad&, const Quad&) = default;
};

// A JSON-LD processor with caches for processed contexts; reuse one instance
// across many documents (e.g. an import batch) to process each context once.
// Not thread-safe. The loader (if any) must outlive the processor.
class JsonLdProcessor {
 public:
  JsonLdProcessor();
  ~JsonLdProcessor();
  JsonLdProcessor(const JsonLdProcessor&) = delete;
  JsonLdProcessor& operator=(const JsonLdProcessor&) = delete;

  // The expanded form of `input` (always an array). Errors are kInvalidData
  // (or kNotFound for a missing remote context) with the JSON-LD error code
  // first in the message, e.g. "invalid IRI mapping: ...".
  Result<Json> Expand(const Json& input, const JsonLdOptions& options);

  // The RDF dataset of `input` (expansion, node map generation, deserialize
  // JSON-LD to RDF). Blank nodes are labelled b0, b1, ... in document order.
  Result<std::vector<Quad>> ToRdf(const Json& input, const JsonLdOptions& options);

  // ToRdf for a caller that stores one graph: the default graph's
  // statements, in the order ToRdf gives them, built once in place (no Quad
  // in between). When the document also produces a named graph, its
  // statements are left out and `*named_graph` (if not null) is set to that
  // graph's name (the first one); otherwise to an empty Term. Same errors
  // as ToRdf.
  Result<std::vector<rdf::Triple>> ToRdfDefaultGraph(const Json& input, const JsonLdOptions& options,
                                                     rdf::Term* named_graph);

  // ToRdfDefaultGraph written as N-Quads text: appends to `out` one line per
  // statement, its terms in N-Triples form followed by `line_end` (e.g.
  // " <graph> .\n"), in the same order, without building an rdf::Term per
  // statement (a third of the cost of a statement). Returns how many lines
  // were appended. `named_graph` and the errors as ToRdfDefaultGraph; on an
  // error `out` may hold some of the lines.
  Result<size_t> ToNQuadsDefaultGraph(const Json& input, const JsonLdOptions& options,
                                      std::string_view line_end, std::string& out,
                                      rdf::Term* named_graph);

 private:
  struct Caches;
  std::unique_ptr<Caches> caches_;
};

// The JSON-LD error code at the start of a status message from the processor
// ("invalid IRI mapping"), or "" when the status is OK.
std::string JsonLdErrorCode(const Status& status);

// Writes quads as N-Quads, one per line, each ending in "\n".
std::string ToNQuads(const std::vector<Quad>& quads);

// The JSON Canonicalization Scheme (RFC 8785) form of `value`, as used for
// rdf:JSON literals.
std::string CanonicalJson(const Json& value);

}  // namespace tinykg::td

#endif  // TINYKG_TD_JSONLD_H_
