#include "tinykg/rdf/export.h"

#include <serd/serd.h>

#include <algorithm>
#include <unordered_map>
#include <vector>

#include "tinykg/rdf/vocab.h"

namespace tinykg::rdf {
namespace {

constexpr std::string_view kInferredPrefix = "urn:tinykg:inferred:";

bool IsInferred(std::string_view graph) { return graph.substr(0, kInferredPrefix.size()) == kInferredPrefix; }

// Serd's output goes to the sink as it comes (a page at a time); the first
// failure is kept and ends the writing (serd sees 0 bytes written).
struct SinkState {
  const ExportSink* sink;
  Status status;
};

size_t WriteToSink(const void* buf, size_t len, void* stream) {
  auto* state = static_cast<SinkState*>(stream);
  if (!state->status.ok()) return 0;
  state->status = (*state->sink)(std::string_view(static_cast<const char*>(buf), len));
  return state->status.ok() ? len : 0;
}

bool AllDigits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// Serd writes xsd:integer, xsd:boolean and (with a '.') xsd:decimal
// literals bare, as Turtle allows for those forms; a lexical form outside
// Turtle's INTEGER / DECIMAL / true|false grammar must stay quoted or the
// document would not parse. True when the bare form is safe.
bool BareFormIsValid(std::string_view lexical, std::string_view local) {
  std::string_view digits = lexical;
  if (!digits.empty() && (digits.front() == '+' || digits.front() == '-')) digits.remove_prefix(1);
  if (local == "integer") return AllDigits(digits);
  if (local == "decimal") {
    const std::size_t dot = digits.find('.');
    return dot != std::string_view::npos && (dot == 0 || AllDigits(digits.substr(0, dot))) &&
           AllDigits(digits.substr(dot + 1));
  }
  if (local == "boolean") return lexical == "true" || lexical == "false";
  return true;
}

SerdNode Node(SerdType type, const std::string& text) {
  return serd_node_from_substring(type, reinterpret_cast<const uint8_t*>(text.data()), text.size());
}

// One export: the writer, its environment (the prefixes) and where the
// bytes go.
class Exporter {
 public:
  Exporter(const ExportOptions& options, const ExportSink& sink)
      : options_(options),
        prefixed_(options.syntax == Syntax::kTurtle || options.syntax == Syntax::kTriG),
        state_{&sink, Status::Ok()} {
    const SerdSyntax syntax = options.syntax == Syntax::kTriG       ? SERD_TRIG
                              : options.syntax == Syntax::kNTriples ? SERD_NTRIPLES
                              : options.syntax == Syntax::kNQuads   ? SERD_NQUADS
                                                                    : SERD_TURTLE;
    env_ = serd_env_new(nullptr);
    writer_ =
        serd_writer_new(syntax, static_cast<SerdStyle>(SERD_STYLE_ABBREVIATED | SERD_STYLE_CURIED | SERD_STYLE_BULK),
                        env_, nullptr, WriteToSink, &state_);
    if (prefixed_) {
      for (const auto& [prefix, ns] : DefaultPrefixes()) {
        const SerdNode name = Node(SERD_LITERAL, prefix);
        const SerdNode uri = Node(SERD_URI, ns);
        serd_writer_set_prefix(writer_, &name, &uri);
      }
    }
  }
  ~Exporter() {
    serd_writer_free(writer_);
    serd_env_free(env_);
  }
  Exporter(const Exporter&) = delete;
  Exporter& operator=(const Exporter&) = delete;

  // Writes `triples` of `graph` (sorted here by subject and predicate, so
  // the writer can group them).
  Status WriteGraph(const std::string& graph, std::vector<const Triple*>& triples) {
    std::stable_sort(triples.begin(), triples.end(), [](const Triple* a, const Triple* b) {
      if (a->subject.kind != b->subject.kind) return a->subject.kind < b->subject.kind;
      if (a->subject.value != b->subject.value) return a->subject.value < b->subject.value;
      return a->predicate.value < b->predicate.value;
    });
    const bool quads = options_.syntax == Syntax::kTriG || options_.syntax == Syntax::kNQuads;
    const SerdNode graph_node = Node(SERD_URI, graph);
    std::string datatype;
    for (const Triple* t : triples) {
      const SerdNode s = Node(t->subject.is_blank() ? SERD_BLANK : SERD_URI, t->subject.value);
      const SerdNode p = Node(SERD_URI, t->predicate.value);
      const SerdNode o = Node(t->object.is_blank() ? SERD_BLANK
                              : t->object.is_iri() ? SERD_URI
                                                   : SERD_LITERAL,
                              t->object.value);
      SerdNode dt = SERD_NODE_NULL;
      SerdNode lang = SERD_NODE_NULL;
      if (t->object.is_literal() && !t->object.language.empty()) {
        lang = Node(SERD_LITERAL, t->object.language);
      } else if (t->object.is_literal() && !t->object.datatype.empty()) {
        const std::string& type = t->object.datatype;
        const std::string_view xsd = vocab::kXsd;
        if (prefixed_ && type.compare(0, xsd.size(), xsd) == 0 &&
            !BareFormIsValid(t->object.value, type.substr(xsd.size()))) {
          // As a CURIE serd does not recognise the type and keeps the quotes.
          datatype = "xsd:" + type.substr(xsd.size());
          dt = Node(SERD_CURIE, datatype);
        } else {
          dt = Node(SERD_URI, type);
        }
      }
      const SerdStatus written = serd_writer_write_statement(writer_, 0, quads ? &graph_node : nullptr, &s, &p, &o,
                                                             dt.buf ? &dt : nullptr, lang.buf ? &lang : nullptr);
      TINYKG_RETURN_IF_ERROR(state_.status);
      if (written != SERD_SUCCESS) return Internal("cannot write " + t->ToNTriples());
    }
    return Status::Ok();
  }

  Status Finish() {
    serd_writer_finish(writer_);
    return state_.status;
  }

 private:
  const ExportOptions& options_;
  const bool prefixed_;  // Turtle and TriG: DefaultPrefixes() declared
  SinkState state_;
  SerdEnv* env_ = nullptr;
  SerdWriter* writer_ = nullptr;
};

}  // namespace

Status ExportStore(Store& store, const ExportOptions& options, const ExportSink& sink) {
  if (options.syntax == Syntax::kRdfXml) {
    return InvalidArgument("export writes turtle, trig, ntriples or nquads, not rdfxml");
  }
  if (!options.graph.empty()) TINYKG_RETURN_IF_ERROR(store.Get(options.graph, false).status());
  TINYKG_ASSIGN_OR_RETURN(std::vector<Store::Quad> quads, store.AllQuads());
  // The graphs in the store's order, each with its statements.
  std::vector<std::string> order;
  std::unordered_map<std::string, std::vector<const Triple*>> by_graph;
  const std::string inferred_of_graph = options.graph.empty() ? "" : InferredGraphOf(options.graph);
  for (const Store::Quad& q : quads) {
    if (q.graph == kCatalogGraph) continue;
    const bool inferred = IsInferred(q.graph);
    if (inferred && !options.inferred) continue;
    if (!options.graph.empty() && q.graph != options.graph && !(inferred && q.graph == inferred_of_graph)) continue;
    auto [it, fresh] = by_graph.try_emplace(q.graph);
    if (fresh) order.push_back(q.graph);
    it->second.push_back(&q.triple);
  }
  Exporter exporter(options, sink);
  for (const std::string& graph : order) TINYKG_RETURN_IF_ERROR(exporter.WriteGraph(graph, by_graph[graph]));
  return exporter.Finish();
}

}  // namespace tinykg::rdf
