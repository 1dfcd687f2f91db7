// Internal: move-only RAII handles for every librdf type tinykg uses, and the
// World that owns the librdf_world and captures its log messages. Never
// included from a public header.
#ifndef TINYKG_RDF_REDLAND_HANDLES_H_
#define TINYKG_RDF_REDLAND_HANDLES_H_

#include <redland.h>

#include <functional>
#include <iterator>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "tinykg/base/status.h"
#include "tinykg/rdf/store.h"
#include "tinykg/rdf/triple.h"

namespace tinykg::rdf::internal {

// Calls `Free` on a non-null pointer; a null handle is fine to destroy.
template <typename T, void (*Free)(T*)>
struct Deleter {
  void operator()(T* p) const {
    if (p != nullptr) Free(p);
  }
};

using WorldPtr = std::unique_ptr<librdf_world, Deleter<librdf_world, librdf_free_world>>;
using StoragePtr = std::unique_ptr<librdf_storage, Deleter<librdf_storage, librdf_free_storage>>;
using ModelPtr = std::unique_ptr<librdf_model, Deleter<librdf_model, librdf_free_model>>;
using ParserPtr = std::unique_ptr<librdf_parser, Deleter<librdf_parser, librdf_free_parser>>;
using SerializerPtr =
    std::unique_ptr<librdf_serializer, Deleter<librdf_serializer, librdf_free_serializer>>;
using NodePtr = std::unique_ptr<librdf_node, Deleter<librdf_node, librdf_free_node>>;
using StatementPtr =
    std::unique_ptr<librdf_statement, Deleter<librdf_statement, librdf_free_statement>>;
using StreamPtr = std::unique_ptr<librdf_stream, Deleter<librdf_stream, librdf_free_stream>>;
using IteratorPtr = std::unique_ptr<librdf_iterator, Deleter<librdf_iterator, librdf_free_iterator>>;
using QueryPtr = std::unique_ptr<librdf_query, Deleter<librdf_query, librdf_free_query>>;
using QueryResultsPtr =
    std::unique_ptr<librdf_query_results, Deleter<librdf_query_results, librdf_free_query_results>>;
using UriPtr = std::unique_ptr<librdf_uri, Deleter<librdf_uri, librdf_free_uri>>;

// One librdf world. Its logger collects messages instead of printing them;
// callers take them with TakeErrors()/TakeWarnings() and attach them to the
// Status they return.
class World {
 public:
  // Returns null when librdf cannot create a world.
  static std::unique_ptr<World> Create();
  ~World() = default;
  World(const World&) = delete;
  World& operator=(const World&) = delete;

  librdf_world* get() const { return world_.get(); }

  // Messages of level error/fatal since the last call, with their locator
  // ("line L, column C: text") when Raptor gave one.
  std::vector<std::string> TakeErrors();
  std::vector<std::string> TakeWarnings();
  bool HasErrors() const {
    for (const auto& m : messages_) {
      if (m.error) return true;
    }
    return false;
  }
  // The first captured error as a located Status of `code` (the file name
  // is `source`), or `fallback` when nothing was captured.
  Status ErrorStatus(StatusCode code, const std::string& source, const std::string& fallback);

  // Every message gathered so far, taken out; PutBackMessages puts them back
  // in front (a query that lets other threads use the world meanwhile keeps
  // its own).
  struct Message {
    bool error;
    std::string text;
    long line;
    long column;
  };
  std::vector<Message> TakeMessages() { return std::exchange(messages_, {}); }
  void PutBackMessages(std::vector<Message> kept) {
    kept.insert(kept.end(), std::make_move_iterator(messages_.begin()), std::make_move_iterator(messages_.end()));
    messages_ = std::move(kept);
  }

  // Term <-> node conversion. Returned nodes are new and owned by the caller.
  NodePtr NewNode(const Term& term) const;
  static Term TermOf(librdf_node* node);
  // A new statement (owned by the caller), or null on failure.
  StatementPtr NewStatement(const Triple& triple) const;
  static Triple TripleOf(librdf_statement* statement);

  // Reads query results into `out` (bindings, boolean or triples). `stop`,
  // asked after each row (every 1,024 let one 1 MB literal repeated by a
  // cross product take a gigabyte past a byte bound), ends the reading early
  // (a deadline, a bound). An error
  // Rasqal logged while the rows were read is returned.
  Status Collect(librdf_query_results* results, QueryResult& out, const std::function<bool()>& stop);

 private:
  World() = default;
  static int LogHandler(void* user_data, librdf_log_message* message);

  WorldPtr world_;
  std::vector<Message> messages_;
};

}  // namespace tinykg::rdf::internal

#endif  // TINYKG_RDF_REDLAND_HANDLES_H_
