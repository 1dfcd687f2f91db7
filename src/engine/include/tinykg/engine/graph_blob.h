// A frozen graph as one flat, position-independent byte blob: the part of an
// imported model a device runs in place from flash.
//
// SerializeGraph writes nodes [0, cut] of a Graph (operators, shapes,
// quantization, and the constant tensors' bytes) into a caller buffer;
// LoadGraphBlob fills a Graph from such a blob WITHOUT copying: constant
// tensors and quantization parameters point into the blob, which must stay
// alive and unchanged while the Graph is used (on a device it is .rodata in
// flash; on the host any 16-byte aligned buffer). Only the non-constant
// tensors need RAM, placed afterwards by Graph::Plan from the arena.
//
// Layout (little-endian, all offsets from the blob's first byte, every
// payload 16-byte aligned): a 32-byte header ("TKGB", version, counts, input
// and output tensor, cut node, total size), one 48-byte record per tensor,
// one 56-byte record per node, then the payloads (constant data, scales, zero
// points). The blob depends on no pointer of the process that wrote it.
#ifndef TINYKG_ENGINE_GRAPH_BLOB_H_
#define TINYKG_ENGINE_GRAPH_BLOB_H_

#include <cstddef>
#include <span>

#include "tinykg/engine/graph.h"
#include "tinykg/engine/status.h"

namespace tinykg::engine {

inline constexpr std::size_t kGraphBlobAlignment = 16;

// Writes nodes [0, cut] of `graph` and the tensors they use (the graph input
// among them; the cut node's output becomes the blob graph's output) into
// `out`, and the blob's size into `*size`. With an empty `out` only the size
// is computed (kOk); kOutOfMemory when `out` is non-empty but too small,
// kInvalidArgument for a cut outside the graph or a graph without input.
// Non-constant tensors are written without data: they are planned anew.
Status SerializeGraph(Graph& graph, int cut, std::span<std::byte> out, std::size_t* size);

// Fills the empty `graph` from `blob` (which must be kGraphBlobAlignment
// aligned and outlive the graph) and sets `*cut` to the index of its last
// node. kInvalidArgument for a blob that is not one (bad magic, version,
// offsets outside it, misaligned), kOutOfMemory past the Graph's
// capacities. The graph still needs Plan() before Invoke().
Status LoadGraphBlob(std::span<const std::byte> blob, Graph& graph, int* cut);

}  // namespace tinykg::engine

#endif  // TINYKG_ENGINE_GRAPH_BLOB_H_
