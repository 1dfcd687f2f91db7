// Namespace IRIs used across tinykg. The tinykg vocabulary itself is defined
// in ontology/tinykg.ttl; these constants must match it.
#ifndef TINYKG_RDF_VOCAB_H_
#define TINYKG_RDF_VOCAB_H_

namespace tinykg::vocab {

inline constexpr char kRdf[] = "http://www.w3.org/1999/02/22-rdf-syntax-ns#";
inline constexpr char kRdfs[] = "http://www.w3.org/2000/01/rdf-schema#";
inline constexpr char kXsd[] = "http://www.w3.org/2001/XMLSchema#";
inline constexpr char kOwl[] = "http://www.w3.org/2002/07/owl#";
inline constexpr char kDcterms[] = "http://purl.org/dc/terms/";
inline constexpr char kSchema[] = "https://schema.org/";
inline constexpr char kSosa[] = "http://www.w3.org/ns/sosa/";
inline constexpr char kSsn[] = "http://www.w3.org/ns/ssn/";
inline constexpr char kSsnSystem[] = "http://www.w3.org/ns/ssn/systems/";
inline constexpr char kS3n[] = "http://w3id.org/s3n/";
inline constexpr char kTd[] = "https://www.w3.org/2019/wot/td#";
inline constexpr char kHctl[] = "https://www.w3.org/2019/wot/hypermedia#";
inline constexpr char kJsonSchema[] = "https://www.w3.org/2019/wot/json-schema#";
inline constexpr char kWotSec[] = "https://www.w3.org/2019/wot/security#";
inline constexpr char kTm[] = "https://www.w3.org/2019/wot/tm#";
inline constexpr char kOm[] = "http://www.ontology-of-units-of-measure.org/resource/om-2/";

// The published TinyML schema (SeLoC-ML), current namespace generation.
inline constexpr char kNnet[] = "https://w3id.org/tinyml-schema/neural-network-schema#";
inline constexpr char kSosaExtend[] = "https://w3id.org/tinyml-schema/neural-network-schema/sosa_extend/";
inline constexpr char kS3nExtend[] = "https://w3id.org/tinyml-schema/neural-network-schema/s3n_extend/";
inline constexpr char kSsnExtend[] = "https://w3id.org/tinyml-schema/neural-network-schema/ssn_extend/";

// tinykg's own vocabulary (prefix tkg:) and the base for resources it mints.
inline constexpr char kTkg[] = "https://w3id.org/tinykg/ontology#";
inline constexpr char kTkgResource[] = "https://w3id.org/tinykg/id/";

}  // namespace tinykg::vocab

#endif  // TINYKG_RDF_VOCAB_H_
