#include "tinykg/engine/network.h"

#include <cmath>

#include "tinykg/engine/gradients.h"

namespace tinykg::engine {
namespace {

// [h, w, c] -> [1, h, w, c]; anything else -> [1, n].
Shape Batched(const Shape& s) {
  if (s.rank == 3) return Shape{1, s[0], s[1], s[2]};
  return Shape{1, s.Elements()};
}

}  // namespace

Status Network::Build(Shape input, std::span<const LayerSpec> layers, Arena& arena) {
  if (layers.empty() || layers.size() > static_cast<std::size_t>(kMaxLayers)) {
    return Status::kInvalidArgument;
  }
  if (input.rank != 1 && input.rank != 3) return Status::kBadShape;
  const std::size_t mark = arena.persistent_used();
  layer_count_ = 0;
  input_shape_ = input;
  Shape cur = input;
  std::size_t total = 0;
  std::size_t largest = static_cast<std::size_t>(input.Elements());
  for (std::size_t i = 0; i < layers.size(); ++i) {
    const LayerSpec& spec = layers[i];
    if (spec.units <= 0 || spec.kernel <= 0 || spec.stride <= 0) return Status::kInvalidArgument;
    LayerShapes& ls = shapes_[i];
    ls.in = cur;
    Shape out;
    std::size_t bias = static_cast<std::size_t>(spec.units);
    if (spec.kind == LayerKind::kDense) {
      ls.filter = Shape{spec.units, cur.Elements()};
      out = Shape{spec.units};
    } else if (spec.kind == LayerKind::kNormalize) {
      const std::int32_t channels = cur.rank == 3 ? cur[2] : cur.Elements();
      ls.filter = Shape{channels};
      out = cur;
      bias = static_cast<std::size_t>(channels);
    } else {
      if (cur.rank != 3) return Status::kBadShape;
      const PaddedSize ph = ComputePadding(spec.padding, cur[0], spec.kernel, spec.stride, 1);
      const PaddedSize pw = ComputePadding(spec.padding, cur[1], spec.kernel, spec.stride, 1);
      if (ph.out <= 0 || pw.out <= 0) return Status::kBadShape;
      if (spec.kind == LayerKind::kConv2D) {
        ls.filter = Shape{spec.units, spec.kernel, spec.kernel, cur[2]};
        out = Shape{ph.out, pw.out, spec.units};
      } else {
        ls.filter = Shape{1, spec.kernel, spec.kernel, cur[2] * spec.units};
        out = Shape{ph.out, pw.out, cur[2] * spec.units};
        bias = static_cast<std::size_t>(cur[2] * spec.units);
      }
    }
    specs_[i] = spec;
    out_shapes_[i] = out;
    offsets_[i] = total;
    weight_counts_[i] = static_cast<std::size_t>(ls.filter.Elements());
    total += weight_counts_[i] + bias;
    const auto out_n = static_cast<std::size_t>(out.Elements());
    if (out_n > largest) largest = out_n;
    cur = out;
  }
  params_ = arena.Persistent<float>(total);
  grads_ = arena.Persistent<float>(total);
  input_ = arena.Persistent<float>(static_cast<std::size_t>(input.Elements()));
  back_a_ = arena.Persistent<float>(largest);
  back_b_ = arena.Persistent<float>(largest);
  bool ok = params_.data() != nullptr && grads_.data() != nullptr && input_.data() != nullptr &&
            back_a_.data() != nullptr && back_b_.data() != nullptr;
  for (std::size_t i = 0; ok && i < layers.size(); ++i) {
    outputs_[i] = arena.Persistent<float>(static_cast<std::size_t>(out_shapes_[i].Elements()));
    ok = outputs_[i].data() != nullptr;
    normalized_[i] = {};
    if (ok && layers[i].kind == LayerKind::kNormalize) {
      normalized_[i] = arena.Persistent<float>(static_cast<std::size_t>(out_shapes_[i].Elements()));
      ok = normalized_[i].data() != nullptr;
    }
  }
  if (!ok) {
    arena.RewindPersistent(mark);
    return Status::kOutOfMemory;
  }
  layer_count_ = static_cast<int>(layers.size());
  return Status::kOk;
}

std::span<float> Network::layer_weights(int i) {
  const auto k = static_cast<std::size_t>(i);
  return params_.subspan(offsets_[k], weight_counts_[k]);
}

std::span<float> Network::layer_bias(int i) {
  const auto k = static_cast<std::size_t>(i);
  const std::size_t start = offsets_[k] + weight_counts_[k];
  const std::size_t end =
      k + 1 < static_cast<std::size_t>(layer_count_) ? offsets_[k + 1] : params_.size();
  return params_.subspan(start, end - start);
}

void Network::Initialize(Pcg32& rng) {
  for (int i = 0; i < layer_count_; ++i) {
    const LayerSpec& spec = specs_[static_cast<std::size_t>(i)];
    const Shape& f = shapes_[static_cast<std::size_t>(i)].filter;
    if (spec.kind == LayerKind::kNormalize) {  // identity scale, no shift
      for (float& w : layer_weights(i)) w = 1.0f;
      for (float& b : layer_bias(i)) b = 0.0f;
      continue;
    }
    float fan_in = 0.0f, fan_out = 0.0f;
    if (spec.kind == LayerKind::kDense) {
      fan_in = static_cast<float>(f[1]);
      fan_out = static_cast<float>(f[0]);
    } else if (spec.kind == LayerKind::kConv2D) {
      fan_in = static_cast<float>(f[1] * f[2] * f[3]);
      fan_out = static_cast<float>(f[1] * f[2] * f[0]);
    } else {
      fan_in = static_cast<float>(f[1] * f[2]);
      fan_out = static_cast<float>(f[1] * f[2] * spec.units);
    }
    const bool relu_like = spec.activation == Activation::kRelu ||
                           spec.activation == Activation::kRelu6;
    const float limit = relu_like ? std::sqrt(6.0f / fan_in) : std::sqrt(6.0f / (fan_in + fan_out));
    for (float& w : layer_weights(i)) w = rng.Uniform(-limit, limit);
    for (float& b : layer_bias(i)) b = 0.0f;
  }
}

std::span<float> Network::LayerInput(int i) const {
  return i == 0 ? input_ : outputs_[static_cast<std::size_t>(i) - 1];
}

Tensor Network::InTensor(int i) const { return FloatTensor(LayerInput(i), Batched(shapes_[static_cast<std::size_t>(i)].in)); }

Tensor Network::OutTensor(int i) const {
  const auto k = static_cast<std::size_t>(i);
  return FloatTensor(outputs_[k], Batched(out_shapes_[k]));
}

std::span<const float> Network::Forward(std::span<const float> input) {
  const std::size_t n = input.size() < input_.size() ? input.size() : input_.size();
  for (std::size_t i = 0; i < n; ++i) input_[i] = input[i];
  for (int i = 0; i < layer_count_; ++i) {
    const auto k = static_cast<std::size_t>(i);
    const LayerSpec& spec = specs_[k];
    if (spec.kind == LayerKind::kDense) {
      // Straight to the float kernel: no tensor views to build per step.
      FullyConnectedFloat(spec.activation, LayerInput(i).data(), layer_weights(i).data(), layer_bias(i).data(),
                          outputs_[k].data(), 1, shapes_[k].filter[1], spec.units);
      continue;
    }
    if (spec.kind == LayerKind::kNormalize) {
      inv_std_[k] = LayerNormFloat(spec.activation, LayerInput(i).subspan(0, outputs_[k].size()),
                                   static_cast<std::size_t>(shapes_[k].filter[0]), layer_weights(i), layer_bias(i),
                                   normalized_[k], outputs_[k]);
      continue;
    }
    Tensor x = InTensor(i);
    Tensor y = OutTensor(i);
    Tensor w = FloatTensor(layer_weights(i), shapes_[k].filter);
    std::span<float> bias_values = layer_bias(i);
    Tensor b = FloatTensor(bias_values, Shape{static_cast<std::int32_t>(bias_values.size())});
    // Shapes were validated by Build, so the kernels cannot fail here.
    ConvParams cp;
    cp.padding = spec.padding;
    cp.stride_h = cp.stride_w = spec.stride;
    cp.activation = spec.activation;
    cp.depth_multiplier = spec.units;
    if (spec.kind == LayerKind::kConv2D) {
      (void)Conv2D(cp, x, w, &b, y);
    } else {
      (void)DepthwiseConv2D(cp, x, w, &b, y);
    }
  }
  return output();
}

void Network::Backward(std::span<const float> d_output, int first_trainable) {
  std::span<float> g = back_a_;
  std::span<float> other = back_b_;
  const std::size_t n_out = output_size();
  for (std::size_t i = 0; i < n_out; ++i) g[i] = i < d_output.size() ? d_output[i] : 0.0f;
  for (int i = layer_count_ - 1; i >= first_trainable && i >= 0; --i) {
    const auto k = static_cast<std::size_t>(i);
    const LayerSpec& spec = specs_[k];
    const auto out_n = static_cast<std::size_t>(out_shapes_[k].Elements());
    const auto in_n = static_cast<std::size_t>(shapes_[k].in.Elements());
    std::span<float> g_out = g.subspan(0, out_n);
    ActivationBackward(spec.activation, outputs_[k], g_out);
    const bool want_input = i > first_trainable;
    std::span<float> d_in = want_input ? other.subspan(0, in_n) : std::span<float>{};
    std::span<float> dw = grads_.subspan(offsets_[k], weight_counts_[k]);
    const std::size_t bias_start = offsets_[k] + weight_counts_[k];
    const std::size_t bias_end =
        k + 1 < static_cast<std::size_t>(layer_count_) ? offsets_[k + 1] : grads_.size();
    std::span<float> db = grads_.subspan(bias_start, bias_end - bias_start);
    if (spec.kind == LayerKind::kNormalize) {
      LayerNormBackward(normalized_[k], inv_std_[k], static_cast<std::size_t>(shapes_[k].filter[0]), layer_weights(i),
                        g_out, dw, db, d_in);
    } else if (spec.kind == LayerKind::kDense) {
      (void)FullyConnectedBackward(1, static_cast<std::int32_t>(in_n), spec.units, LayerInput(i).subspan(0, in_n),
                                   layer_weights(i), g_out, dw, db, d_in);
    } else {
      const Tensor x = InTensor(i);
      ConvParams cp;
      cp.padding = spec.padding;
      cp.stride_h = cp.stride_w = spec.stride;
      cp.depth_multiplier = spec.units;
      const Tensor w = FloatTensor(layer_weights(i), shapes_[k].filter);
      const Tensor dy = FloatTensor(g_out, Batched(out_shapes_[k]));
      const Tensor dwt = FloatTensor(dw, shapes_[k].filter);
      const Tensor dbt = FloatTensor(db, Shape{static_cast<std::int32_t>(db.size())});
      const Tensor dxt = FloatTensor(d_in, Batched(shapes_[k].in));
      if (spec.kind == LayerKind::kConv2D) {
        (void)Conv2DBackward(cp, x, w, dy, &dwt, &dbt, want_input ? &dxt : nullptr);
      } else {
        (void)DepthwiseConv2DBackward(cp, x, w, dy, &dwt, &dbt, want_input ? &dxt : nullptr);
      }
    }
    std::span<float> t = g;
    g = other;
    other = t;
  }
}

void Network::ZeroGradients() {
  for (float& g : grads_) g = 0.0f;
}

std::int64_t Network::macs() const {
  std::int64_t total = 0;
  for (int i = 0; i < layer_count_; ++i) {
    const auto k = static_cast<std::size_t>(i);
    std::int64_t per_output = 1;  // kNormalize: one scale multiply per value
    if (specs_[k].kind == LayerKind::kDense) {
      per_output = shapes_[k].in.Elements();
    } else if (specs_[k].kind == LayerKind::kConv2D) {
      per_output = shapes_[k].filter[1] * shapes_[k].filter[2] * shapes_[k].filter[3];
    } else if (specs_[k].kind == LayerKind::kDepthwiseConv2D) {
      per_output = shapes_[k].filter[1] * shapes_[k].filter[2];
    }
    total += per_output * out_shapes_[k].Elements();
  }
  return total;
}

MemoryReport Network::memory() const {
  MemoryReport m;
  m.weights = params_.size() * sizeof(float);
  m.gradients = grads_.size() * sizeof(float);
  std::size_t acts = input_.size();
  for (int i = 0; i < layer_count_; ++i) {
    acts += outputs_[static_cast<std::size_t>(i)].size() + normalized_[static_cast<std::size_t>(i)].size();
  }
  m.activations = acts * sizeof(float);
  m.scratch = (back_a_.size() + back_b_.size()) * sizeof(float);
  return m;
}

}  // namespace tinykg::engine
