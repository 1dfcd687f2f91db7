// Internal: tinykg's reading of the memory needs a published SeLoC-ML model
// description states ("How to Manage TinyML at Scale", nnet: schema), made
// at load time next to the RDFS closure so that every matchmaking query sees
// them as tkg:ramNeedBytes / tkg:flashNeedBytes, the terms tinykg's own
// model descriptions state. Pure C++ over one document's Triples.
//
// The published shape (SeLoC-ML semantic_description/tflite_models.ttl):
//   M s3n:hasProcedureFeature F .  F ssn-system:inCondition C .
//   C a s3n_extend:RAM (or s3n_extend:Flash) ; schema:minValue 16.784 ;
//     schema:unitCode om:kilobyte .
//   S a sosa_extend:Accelerometer ; ssn_extend:provideInput I .  M ssn:hasInput I .
// The paper's kB is 1000 bytes (RAM = TFLite Micro 2.4's arena_used_bytes() /
// 1000, flash = the file size / 1000), so a figure in om:kilobyte (or with no
// unit, as the paper's queries compare them) becomes round(value * 1000)
// bytes; om:byte, om:kibibyte (1024) are read too; another unit is left
// alone (no need derived). The sensor kinds that feed M's input become
// tkg:inputSensor. Each derived need also gets tkg:needsBasis
// tkg:PublishedMinimum so explain can say where the figure came from.
// Nothing is derived for a model that states tkg:ramNeedBytes /
// tkg:flashNeedBytes itself (tinykg's own descriptions).
#ifndef TINYKG_RDF_PUBLISHED_NEEDS_H_
#define TINYKG_RDF_PUBLISHED_NEEDS_H_

#include <optional>
#include <string>
#include <vector>

#include "tinykg/rdf/triple.h"

namespace tinykg::rdf::internal {

// Bytes per unit of a memory figure: om:kilobyte (and no unit) 1000, om:byte
// 1, om:kibibyte 1024, om:megabyte 1e6; nullopt for another unit.
std::optional<double> BytesPerUnit(const std::string& unit_iri);

// The triples tinykg derives from `doc` (see above), none of them in `doc`.
std::vector<Triple> PublishedModelNeeds(const std::vector<Triple>& doc);

// Whether PublishedModelNeeds reads `t`: the needs of a document are those
// of its triples that feed them (a document read in parts keeps only these).
bool FeedsPublishedNeeds(const Triple& t);

}  // namespace tinykg::rdf::internal

#endif  // TINYKG_RDF_PUBLISHED_NEEDS_H_
