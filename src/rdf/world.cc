#include <string>

#include "redland_handles.h"

namespace tinykg::rdf::internal {

std::unique_ptr<World> World::Create() {
  std::unique_ptr<World> world(new World());
  world->world_.reset(librdf_new_world());
  if (!world->world_) return nullptr;
  librdf_world_set_logger(world->world_.get(), world.get(), &World::LogHandler);
  librdf_world_open(world->world_.get());
  return world;
}

int World::LogHandler(void* user_data, librdf_log_message* message) {
  auto* self = static_cast<World*>(user_data);
  librdf_log_level level = librdf_log_message_level(message);
  const char* text = librdf_log_message_message(message);
  raptor_locator* locator = librdf_log_message_locator(message);
  Message m;
  m.error = level >= LIBRDF_LOG_ERROR;
  m.text = text ? text : "unknown librdf error";
  m.line = locator ? raptor_locator_line(locator) : -1;
  m.column = locator ? raptor_locator_column(locator) : -1;
  // Keep a bounded number: a broken file can produce thousands.
  if (self->messages_.size() < 1000) self->messages_.push_back(std::move(m));
  return 1;  // handled: librdf prints nothing
}

std::vector<std::string> World::TakeErrors() {
  std::vector<std::string> out;
  std::vector<Message> rest;
  for (auto& m : messages_) {
    if (!m.error) {
      rest.push_back(std::move(m));
      continue;
    }
    std::string where;
    if (m.line > 0) where = "line " + std::to_string(m.line) + (m.column > 0 ? ", column " + std::to_string(m.column) : "") + ": ";
    out.push_back(where + m.text);
  }
  messages_ = std::move(rest);
  return out;
}

std::vector<std::string> World::TakeWarnings() {
  std::vector<std::string> out;
  std::vector<Message> rest;
  for (auto& m : messages_) {
    if (m.error) {
      rest.push_back(std::move(m));
    } else {
      out.push_back(m.text);
    }
  }
  messages_ = std::move(rest);
  return out;
}

Status World::ErrorStatus(StatusCode code, const std::string& source, const std::string& fallback) {
  for (const auto& m : messages_) {
    if (!m.error) continue;
    SourceLocation where(source, m.line > 0 ? m.line : 0, m.column > 0 ? m.column : 0);
    std::string text = m.text;
    messages_.clear();
    return Status(code, text, where);
  }
  messages_.clear();
  return Status(code, fallback, SourceLocation(source));
}

NodePtr World::NewNode(const Term& term) const {
  librdf_world* w = world_.get();
  const auto* value = reinterpret_cast<const unsigned char*>(term.value.c_str());
  switch (term.kind) {
    case TermKind::kIri:
      return NodePtr(librdf_new_node_from_uri_string(w, value));
    case TermKind::kBlank:
      return NodePtr(librdf_new_node_from_blank_identifier(w, value));
    case TermKind::kLiteral: {
      if (!term.language.empty()) {
        return NodePtr(librdf_new_node_from_typed_counted_literal(
            w, value, term.value.size(), term.language.c_str(), term.language.size(), nullptr));
      }
      UriPtr datatype;
      if (!term.datatype.empty() && term.datatype != "http://www.w3.org/2001/XMLSchema#string") {
        datatype.reset(librdf_new_uri(
            w, reinterpret_cast<const unsigned char*>(term.datatype.c_str())));
      }
      return NodePtr(librdf_new_node_from_typed_counted_literal(w, value, term.value.size(),
                                                                nullptr, 0, datatype.get()));
    }
  }
  return nullptr;
}

Term World::TermOf(librdf_node* node) {
  if (librdf_node_is_resource(node)) {
    return Term::Iri(reinterpret_cast<const char*>(librdf_uri_as_string(librdf_node_get_uri(node))));
  }
  if (librdf_node_is_blank(node)) {
    return Term::Blank(reinterpret_cast<const char*>(librdf_node_get_blank_identifier(node)));
  }
  size_t len = 0;
  const unsigned char* value = librdf_node_get_literal_value_as_counted_string(node, &len);
  std::string lexical(reinterpret_cast<const char*>(value), len);
  const char* lang = librdf_node_get_literal_value_language(node);
  librdf_uri* dt = librdf_node_get_literal_value_datatype_uri(node);
  return Term::Literal(std::move(lexical),
                       dt ? reinterpret_cast<const char*>(librdf_uri_as_string(dt)) : "",
                       lang ? lang : "");
}

StatementPtr World::NewStatement(const Triple& triple) const {
  NodePtr s = NewNode(triple.subject);
  NodePtr p = NewNode(triple.predicate);
  NodePtr o = NewNode(triple.object);
  if (!s || !p || !o) return nullptr;
  // librdf_new_statement_from_nodes takes ownership of the three nodes.
  return StatementPtr(
      librdf_new_statement_from_nodes(world_.get(), s.release(), p.release(), o.release()));
}

Triple World::TripleOf(librdf_statement* statement) {
  return Triple{TermOf(librdf_statement_get_subject(statement)),
                TermOf(librdf_statement_get_predicate(statement)),
                TermOf(librdf_statement_get_object(statement))};
}

Status World::Collect(librdf_query_results* results, QueryResult& out, const std::function<bool()>& stop) {
  if (librdf_query_results_is_boolean(results)) {
    out.kind = QueryResult::Kind::kBoolean;
    out.boolean = librdf_query_results_get_boolean(results) > 0;
  } else if (librdf_query_results_is_graph(results)) {
    out.kind = QueryResult::Kind::kGraph;
    StreamPtr stream(librdf_query_results_as_stream(results));
    for (; stream && !librdf_stream_end(stream.get()); librdf_stream_next(stream.get())) {
      out.triples.push_back(TripleOf(librdf_stream_get_object(stream.get())));
      if (stop && stop()) break;
    }
  } else {
    out.kind = QueryResult::Kind::kBindings;
    int count = librdf_query_results_get_bindings_count(results);
    for (int i = 0; i < count; ++i) {
      const char* name = librdf_query_results_get_binding_name(results, i);
      out.variables.push_back(name ? name : "");
    }
    while (!librdf_query_results_finished(results)) {
      std::vector<std::optional<Term>> row(static_cast<size_t>(count));
      for (int i = 0; i < count; ++i) {
        librdf_node* node = librdf_query_results_get_binding_value(results, i);
        if (node) {
          row[static_cast<size_t>(i)] = TermOf(node);
          librdf_free_node(node);
        }
      }
      out.rows.push_back(std::move(row));
      if (stop && stop()) break;
      if (librdf_query_results_next(results)) break;
    }
  }
  if (HasErrors()) return ErrorStatus(StatusCode::kInvalidArgument, "query", "query failed");
  return Status::Ok();
}

}  // namespace tinykg::rdf::internal
