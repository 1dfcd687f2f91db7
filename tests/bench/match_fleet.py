#!/usr/bin/env python3
"""Synthetic fleet for the matchmaking benchmark: N devices and M models in
tinykg's vocabulary (the same properties the shipped graph and the model
importer use), plus one published accuracy record per model.

Deterministic: the same --seed, --devices and --models give the same bytes.
Writes N-Triples (the fastest format to load) to OUT_DIR/fleet-devices.nt and
OUT_DIR/fleet-models.nt.

Shape of the data, chosen so every constraint of matchmaking is exercised:
  - cores from kg/cores.ttl, clock 16-600 MHz, FPU as the core has it;
  - free RAM log-uniform 8 kB .. 2 MB, free flash 32 kB .. 8 MB;
  - 1-4 sensor kinds out of 8; every device offers TFLite Micro, Arm cores
    with DSP also the CMSIS-NN build;
  - models need 2 kB .. 600 kB RAM, 4 kB .. 2 MB flash, 1 or 2 sensor kinds,
    3-8 operators (2 % use an operator no runtime supports), 20 % float.
"""
import argparse
import os
import random

TKG = "https://w3id.org/tinykg/ontology#"
OP = "https://w3id.org/tinykg/op/"
SOSA_EXT = "https://w3id.org/tinyml-schema/neural-network-schema/sosa_extend/"
NNET = "https://w3id.org/tinyml-schema/neural-network-schema#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
TITLE = "https://www.w3.org/2019/wot/td#title"
SCHEMA_NAME = "https://schema.org/name"
DCT = "http://purl.org/dc/terms/"
XSD = "http://www.w3.org/2001/XMLSchema#"
OM = "http://www.ontology-of-units-of-measure.org/resource/om-2/"
DEV = "https://w3id.org/tinykg/id/fleet/device/"
MOD = "https://w3id.org/tinykg/id/fleet/model/"
REC = "https://w3id.org/tinykg/id/fleet/record/"

# (core local name, has FPU, has DSP, clock range MHz)
CORES = [
    ("CortexM0Plus", False, False, (16, 64)),
    ("CortexM3", False, False, (24, 120)),
    ("CortexM4", False, True, (48, 168)),
    ("CortexM4F", True, True, (48, 240)),
    ("CortexM7", True, True, (200, 600)),
    ("CortexM33", True, True, (64, 200)),
    ("RV32IMAC", False, False, (16, 320)),
    ("XtensaLX6", True, False, (80, 240)),
]
SENSORS = ["Microphone", "Camera", "Accelerometer", "Gyroscope", "Magnetometer",
           "Thermometer", "Hygrometer", "Barometer"]
# A task and the sensor kinds its models take.
TASKS = [
    ("KeywordSpotting", ["Microphone"]),
    ("PersonDetection", ["Camera"]),
    ("ImageClassification", ["Camera"]),
    ("GestureRecognition", ["Accelerometer", "Gyroscope"]),
    ("AnomalyDetection", ["Accelerometer"]),
    ("AudioEventDetection", ["Microphone"]),
    ("Regression", ["Thermometer"]),
]
COMMON_OPS = ["CONV_2D", "DEPTHWISE_CONV_2D", "FULLY_CONNECTED", "RESHAPE", "SOFTMAX",
              "AVERAGE_POOL_2D", "MAX_POOL_2D", "ADD", "MUL", "QUANTIZE", "DEQUANTIZE",
              "RELU", "MEAN", "PAD", "CONCATENATION", "LOGISTIC"]
RARE_OP = "CUSTOM_FLEET"  # supported by no runtime


def lit_int(v):
    return f'"{v}"^^<{XSD}integer>'


def lit_dbl(v):
    return f'"{v!r}"^^<{XSD}double>'


def lit_bool(v):
    return f'"{"true" if v else "false"}"^^<{XSD}boolean>'


def lit_str(s):
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def log_uniform(rng, lo, hi):
    import math
    return int(math.exp(rng.uniform(math.log(lo), math.log(hi))))


def write_devices(path, n, rng):
    with open(path, "w") as f:
        for i in range(n):
            d = f"<{DEV}{i:06d}>"
            core, fpu, dsp, (lo, hi) = CORES[rng.randrange(len(CORES))]
            out = [
                (d, f"<{RDF_TYPE}>", f"<{TKG}Device>"),
                (d, f"<{TITLE}>", lit_str(f"fleet-device-{i:06d}")),
                (d, f"<{TKG}coreType>", f"<{TKG}{core}>"),
                (d, f"<{TKG}clockHz>", lit_int(rng.randint(lo, hi) * 1000000)),
                (d, f"<{TKG}hasFpu>", lit_bool(fpu)),
                (d, f"<{TKG}freeRamBytes>", lit_int(log_uniform(rng, 8000, 2000000))),
                (d, f"<{TKG}freeFlashBytes>", lit_int(log_uniform(rng, 32000, 8000000))),
                (d, f"<{TKG}offersRuntime>", f"<{TKG}TFLiteMicro>"),
            ]
            if dsp and core.startswith("Cortex"):
                out.append((d, f"<{TKG}offersRuntime>", f"<{TKG}TFLiteMicroCmsisNn>"))
            for s in rng.sample(SENSORS, rng.randint(1, 4)):
                out.append((d, f"<{TKG}hasSensorKind>", f"<{SOSA_EXT}{s}>"))
            f.write("".join(f"{s} {p} {o} .\n" for s, p, o in out))


def write_models(path, m, rng):
    with open(path, "w") as f:
        for j in range(m):
            mi = f"<{MOD}{j:04d}>"
            task, sensors = TASKS[rng.randrange(len(TASKS))]
            name = f"fleet-model-{j:04d}-{task}"
            is_float = rng.random() < 0.2
            out = [
                (mi, f"<{RDF_TYPE}>", f"<{NNET}NeuralNetwork>"),
                (mi, f"<{SCHEMA_NAME}>", lit_str(name)),
                (mi, f"<{LABEL}>", lit_str(name)),
                (mi, f"<{TKG}task>", f"<{TKG}{task}>"),
                (mi, f"<{TKG}ramNeedBytes>", lit_int(log_uniform(rng, 2000, 600000))),
                (mi, f"<{TKG}flashNeedBytes>", lit_int(log_uniform(rng, 4000, 2000000))),
                (mi, f"<{NNET}hasMultiplyAccumulateOps>", lit_int(log_uniform(rng, 300, 50000000))),
                (mi, f"<{TKG}inputDtype>", f"<{NNET}{'Float32' if is_float else 'Int8'}>"),
            ]
            for s in sensors[: rng.randint(1, len(sensors))]:
                out.append((mi, f"<{TKG}inputSensor>", f"<{SOSA_EXT}{s}>"))
            ops = rng.sample(COMMON_OPS, rng.randint(3, 8))
            if rng.random() < 0.02:
                ops.append(RARE_OP)
            for op in ops:
                out.append((mi, f"<{TKG}usesOperator>", f"<{OP}{op}>"))
            r = f"<{REC}{j:04d}>"
            out += [
                (r, f"<{RDF_TYPE}>", f"<{TKG}BenchmarkRecord>"),
                (r, f"<{TKG}benchmarkedModel>", mi),
                (r, f"<{TKG}metric>", f"<{TKG}Accuracy>"),
                (r, f"<{TKG}value>", lit_dbl(round(rng.uniform(0.6, 0.99), 3))),
                (r, f"<{TKG}unit>", f"<{OM}one>"),
                (r, f"<{TKG}method>", f"<{TKG}Published>"),
                (r, f"<{DCT}source>", lit_str("synthetic fleet generator")),
            ]
            f.write("".join(f"{s} {p} {o} .\n" for s, p, o in out))


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--devices", type=int, default=100000)
    ap.add_argument("--models", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=20240501)
    ap.add_argument("out_dir")
    a = ap.parse_args()
    os.makedirs(a.out_dir, exist_ok=True)
    write_devices(os.path.join(a.out_dir, "fleet-devices.nt"), a.devices, random.Random(a.seed))
    write_models(os.path.join(a.out_dir, "fleet-models.nt"), a.models, random.Random(a.seed + 1))


if __name__ == "__main__":
    main()
