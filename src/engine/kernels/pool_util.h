// Window walking shared by AVERAGE_POOL_2D and MAX_POOL_2D (internal).
#ifndef TINYKG_ENGINE_KERNELS_POOL_UTIL_H_
#define TINYKG_ENGINE_KERNELS_POOL_UTIL_H_

#include "tinykg/engine/kernels.h"

namespace tinykg::engine::internal {

struct PoolGeometry {
  std::int32_t batches, in_h, in_w, channels, out_h, out_w;
  PaddedSize ph, pw;
};

// Validates shapes and types (float32 or int8, same for in and out).
inline Status PoolPrepare(const PoolParams& p, const Tensor& input, const Tensor& output,
                          PoolGeometry* g) {
  if (input.shape.rank != 4 || output.shape.rank != 4) return Status::kBadShape;
  if (input.type != output.type ||
      (input.type != DataType::kFloat32 && input.type != DataType::kInt8)) {
    return Status::kBadType;
  }
  g->batches = input.shape[0];
  g->in_h = input.shape[1];
  g->in_w = input.shape[2];
  g->channels = input.shape[3];
  g->ph = ComputePadding(p.padding, g->in_h, p.filter_h, p.stride_h, 1);
  g->pw = ComputePadding(p.padding, g->in_w, p.filter_w, p.stride_w, 1);
  g->out_h = g->ph.out;
  g->out_w = g->pw.out;
  if (output.shape[0] != g->batches || output.shape[1] != g->out_h ||
      output.shape[2] != g->out_w || output.shape[3] != g->channels) {
    return Status::kBadShape;
  }
  return Status::kOk;
}

}  // namespace tinykg::engine::internal

#endif  // TINYKG_ENGINE_KERNELS_POOL_UTIL_H_
