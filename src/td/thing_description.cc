#include "tinykg/td/thing_description.h"

#include <cstdio>

#include "iri.h"

namespace tinykg::td {

struct TdReader::State {
  TdReaderOptions options;
  LocalDocumentLoader loader;
  std::unique_ptr<TdValidator> validator;
  JsonLdProcessor processor;
};

TdReader::TdReader() : state_(std::make_unique<State>()) {}
TdReader::~TdReader() = default;

Result<std::unique_ptr<TdReader>> TdReader::Create(const TdReaderOptions& options) {
  std::unique_ptr<TdReader> reader(new TdReader());
  reader->state_->options = options;
  for (const std::string& dir : options.context_dirs) {
    Result<int> mapped = reader->state_->loader.AddContextDirectory(dir);
    if (!mapped.ok()) return mapped.status();
  }
  for (const std::string& iri : options.ignored_contexts) reader->state_->loader.Ignore(iri);
  if (!options.skip_schema) {
    TINYKG_ASSIGN_OR_RETURN(reader->state_->validator, TdValidator::Load(options.schema_dir));
  }
  return reader;
}

namespace {

void CollectContextIris(const Json& context, std::vector<std::string>& out) {
  if (context.is_string()) {
    out.push_back(context.get<std::string>());
  } else if (context.is_array()) {
    for (const Json& c : context) CollectContextIris(c, out);
  }
}

}  // namespace

TdReadResult TdReader::Read(std::string_view text, const std::string& source) {
  try {
    return ReadUnchecked(text, source);
  } catch (const std::exception& e) {
    // A bug, not a property of the input; never let it escape the module.
    TdReadResult result;
    result.problems.push_back(Internal(std::string("reading the document failed: ") + e.what(),
                                       SourceLocation(source)));
    return result;
  }
}

TdReadResult TdReader::ReadUnchecked(std::string_view text, const std::string& source) {
  TdReadResult result;
  Result<Json> parsed = ParseJsonStrict(text, source, result.problems, &result.warnings);
  if (!parsed.ok()) {
    result.problems.push_back(parsed.status());
    return result;
  }
  const Json& doc = *parsed;
  if (!doc.is_object()) {
    result.problems.push_back(
        InvalidData("a Thing Description must be a JSON object", SourceLocation(source, 0, 0, "/")));
    return result;
  }
  result.kind = DetectKind(doc);
  if (state_->validator) {
    state_->validator->Validate(doc, result.kind, source, result.problems, text);
  }
  if (doc.contains("@context")) {
    std::vector<std::string> iris;
    CollectContextIris(doc["@context"], iris);
    for (const std::string& iri : iris) {
      for (const std::string& ignored : state_->options.ignored_contexts) {
        if (iri == ignored) {
          result.warnings.push_back(InvalidData("context " + iri + " ignored (treated as empty)",
                                                SourceLocation(source, 0, 0, "/@context")));
        }
      }
    }
  }
  if (!result.problems.empty()) return result;

  JsonLdOptions options;
  options.loader = &state_->loader;
  options.jsonld_js_index_compat = state_->options.jsonld_js_index_compat;
  rdf::GraphDocument& gd = result.document;
  auto named_graph_problem = [&](const rdf::Term& graph) {
    return Unsupported("the document produces a named graph (" + graph.ToNTriples() +
                           "); a TD is stored as one graph",
                       SourceLocation(source));
  };
  auto jsonld_problem = [&](const Status& status) {
    return Status(status.code(), "JSON-LD: " + status.message(), SourceLocation(source, 0, 0, "/@context"));
  };
  // The graph's name, before the statements: N-Quads text needs it.
  if (doc.contains("id") && doc["id"].is_string() && IsWellFormedIri(doc["id"].get<std::string>())) {
    gd.iri = doc["id"].get<std::string>();
  } else {
    gd.iri = GraphIriForText(text);
  }
  if (state_->options.nquads_text) {
    const std::string line_end = rdf::NQuadsGraphSuffix(gd.iri);
    rdf::Term named_graph;
    Result<size_t> written =
        state_->processor.ToNQuadsDefaultGraph(doc, options, line_end, result.nquads, &named_graph);
    if (!written.ok()) {
      result.nquads.clear();
      result.problems.push_back(jsonld_problem(written.status()));
      return result;
    }
    if (!named_graph.value.empty()) {
      result.nquads.clear();
      result.problems.push_back(named_graph_problem(named_graph));
      return result;
    }
  } else if (state_->options.keep_quads) {
    Result<std::vector<Quad>> quads = state_->processor.ToRdf(doc, options);
    if (!quads.ok()) {
      result.problems.push_back(jsonld_problem(quads.status()));
      return result;
    }
    for (const Quad& q : *quads) {
      if (!q.in_default_graph()) {
        result.problems.push_back(named_graph_problem(q.graph));
        return result;
      }
    }
    gd.triples.reserve(quads->size());
    for (const Quad& q : *quads) gd.triples.push_back(q.triple);
    result.quads = std::move(quads).value();
  } else {
    // The statements are built once, in document.triples (no Quad between).
    rdf::Term named_graph;
    Result<std::vector<rdf::Triple>> triples = state_->processor.ToRdfDefaultGraph(doc, options, &named_graph);
    if (!triples.ok()) {
      result.problems.push_back(jsonld_problem(triples.status()));
      return result;
    }
    if (!named_graph.value.empty()) {
      result.problems.push_back(named_graph_problem(named_graph));
      return result;
    }
    gd.triples = std::move(triples).value();
  }
  gd.kind = result.kind == TdKind::kThingModel ? rdf::kKindTm : rdf::kKindTd;
  gd.source = source;
  // Only a document that is stored needs its text (a copy of every file).
  if (!state_->options.nquads_text) gd.original_text = std::string(text);
  if (doc.contains("title") && doc["title"].is_string()) gd.label = doc["title"].get<std::string>();
  return result;
}

std::string GraphIriForText(std::string_view text) {
  auto fnv = [&](std::uint64_t seed) {
    std::uint64_t h = seed;
    for (unsigned char c : text) {
      h ^= c;
      h *= 0x100000001b3ULL;
    }
    return h;
  };
  std::uint64_t hi = fnv(0xcbf29ce484222325ULL);
  std::uint64_t lo = fnv(0x84222325cbf29ce4ULL ^ text.size());
  hi = (hi & ~0xF000ULL) | 0x8000ULL;                               // version 8
  lo = (lo & 0x3FFFFFFFFFFFFFFFULL) | 0x8000000000000000ULL;        // RFC variant
  char buf[64];
  std::snprintf(buf, sizeof buf, "urn:uuid:%08x-%04x-%04x-%04x-%012llx",
                static_cast<unsigned>(hi >> 32), static_cast<unsigned>((hi >> 16) & 0xFFFF),
                static_cast<unsigned>(hi & 0xFFFF), static_cast<unsigned>(lo >> 48),
                static_cast<unsigned long long>(lo & 0xFFFFFFFFFFFFULL));
  return buf;
}

Result<std::string> ExportTdText(rdf::Store& store, std::string_view id) {
  TINYKG_ASSIGN_OR_RETURN(rdf::GraphDocument doc, store.Get(id, false));
  if (doc.kind != rdf::kKindTd && doc.kind != rdf::kKindTm) {
    return InvalidArgument("graph " + std::string(id) + " is not a Thing Description (kind " +
                           doc.kind + ")");
  }
  if (doc.original_text.empty()) {
    return InvalidArgument("graph " + std::string(id) + " kept no original text");
  }
  return doc.original_text;
}

}  // namespace tinykg::td
