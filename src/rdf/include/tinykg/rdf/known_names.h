// The task, sensor kind and runtime names people type, and the IRIs the
// graph uses for them: one table (known_names.cc, the same terms
// ontology/tinykg.ttl declares; tests/rdf/known_names_test.cc checks the two
// agree) with the aliases every command accepts. `import model --task`,
// `import board|td --sensor/--runtime`, `match --task/--sensor/--runtime`,
// `bench select --task`, `train --task/--sensor` and `deploy --task` all
// resolve through ResolveName, so a name one command takes, every command
// takes, and a misspelt one is an error everywhere.
#ifndef TINYKG_RDF_KNOWN_NAMES_H_
#define TINYKG_RDF_KNOWN_NAMES_H_

#include <string>
#include <string_view>
#include <vector>

#include "tinykg/base/status.h"

namespace tinykg::rdf {

enum class NameKind { kTask, kSensor, kRuntime };

// "task", "sensor" or "runtime".
std::string_view NameKindWord(NameKind kind);

// The IRI of a known name: its local name ("KeywordSpotting"), label
// ("keyword spotting"), prefixed name (tkg:KeywordSpotting,
// sosa_extend:Microphone, sosa_extend::Microphone) or an alias ("kws",
// "mic", "tflm"), compared without case, '-', '_' and spaces. A full IRI
// (with "://" or "urn:") is taken as given, legacy TinyML namespace
// normalised: a vocabulary of one's own stays possible. kInvalidArgument
// for anything else: "unknown task 'KeywordSpoting': did you mean
// KeywordSpotting?" and the known names.
Result<std::string> ResolveName(NameKind kind, std::string_view text);

// ResolveName for text read from files (a model's sidecar): a known name's
// IRI, else the name in CamelCase under the kind's namespace (tkg: for
// tasks and runtimes, sosa_extend: for sensors). Never fails.
std::string NameIriLenient(NameKind kind, std::string_view text);

// The known IRIs of a kind, in the table's order.
std::vector<std::string> KnownNameIris(NameKind kind);

}  // namespace tinykg::rdf

#endif  // TINYKG_RDF_KNOWN_NAMES_H_
