# Python half of the Keras-export check (docs/keras-export.md): turns each exported folder that
# verify-keras-export.ts wrote into a Keras model, predicts the same fixed input, and compares with tfjs.
# Usage: python verify-keras-export.py <dir written by verify-keras-export.ts> [--tol 1e-4]
# With the tensorflowjs package installed it runs tensorflowjs_converter (tfjs_layers_model -> keras .h5);
# without it, it does what that converter does (tf_keras.models.model_from_json on modelTopology, weights
# set by name) with tf_keras, or else with Keras 3's reader of Keras-2 configs (the one that reads .h5
# files), then saves the model as .h5, as the converter does, and predicts with the reloaded file.
import argparse
import json
import os
import shutil
import subprocess
import sys

import numpy as np

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
import tensorflow as tf  # noqa: E402

keras = tf.keras


def read_weights(folder, manifest):
    """name -> ndarray, decoding the weight files in manifest order as tfjs does."""
    out = {}
    for group in manifest:
        data = b"".join(open(os.path.join(folder, p), "rb").read() for p in group["paths"])
        offset = 0
        for w in group["weights"]:
            if w["dtype"] != "float32" or "quantization" in w:
                raise SystemExit(f"{folder}: weight {w['name']} is {w['dtype']}, this check reads float32 only")
            n = int(np.prod(w["shape"], dtype=np.int64))
            out[w["name"]] = np.frombuffer(data, "<f4", n, offset).reshape(w["shape"])
            offset += 4 * n
        if offset != len(data):
            raise SystemExit(f"{folder}: weight files hold {len(data)} bytes, the manifest describes {offset}")
    return out


def keras2_from_config(topology):
    """A model from a Keras-2-format config (what tfjs writes): tf_keras as the converter, else Keras 3's h5 reader."""
    try:
        import tf_keras

        return tf_keras.models.model_from_json(json.dumps(topology)), "tf_keras.models.model_from_json"
    except ImportError:
        # Keras 3's model_from_json wants Keras-3 configs ("module" keys); its legacy reader is what
        # keras.models.load_model uses for the Keras-2 model_config inside an .h5 file.
        from keras.src.legacy.saving import saving_utils

        return saving_utils.model_from_config(topology), "keras 3 legacy model_from_config"


def load_like_converter(folder, work):
    """The converter's tfjs_layers_model -> Keras step with the installed Keras; returns a reloaded model."""
    spec = json.load(open(os.path.join(folder, "model.json")))
    model, how = keras2_from_config(spec["modelTopology"])
    weights = read_weights(folder, spec["weightsManifest"])
    values, used = [], set()
    for layer in model.layers:
        for w in layer.weights:
            # Keras 3 names a variable "kernel" with path "layer/kernel"; Keras 2 "layer/kernel:0".
            name = getattr(w, "path", w.name).split(":")[0]
            if name not in weights:
                raise SystemExit(f"{folder}: Keras expects weight {name}, model.json has {sorted(weights)}")
            values.append(weights[name])
            used.add(name)
    if used != set(weights):
        raise SystemExit(f"{folder}: weights Keras did not ask for: {sorted(set(weights) - used)}")
    model.set_weights(values)
    path = os.path.join(work, "model.h5")
    model.save(path)
    loader = type(model).__module__.split(".")[0]
    reloaded = sys.modules[loader].models.load_model(path, compile=False)
    return reloaded, f"{how} + set_weights by name, saved as {path} and reloaded with {loader}.models.load_model"


def load_with_converter(folder, work, converter):
    """tensorflowjs_converter's own tfjs_layers_model -> keras (.h5) conversion, then Keras load_model."""
    path = os.path.join(work, "model.h5")
    cmd = [converter, "--input_format=tfjs_layers_model", "--output_format=keras", os.path.join(folder, "model.json"), path]
    subprocess.run(cmd, check=True)
    return keras.models.load_model(path, compile=False), " ".join(cmd)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("dir")
    ap.add_argument("--tol", type=float, default=1e-4)
    ap.add_argument("--no-converter", action="store_true", help="skip tensorflowjs_converter even when installed")
    args = ap.parse_args()
    info = json.load(open(os.path.join(args.dir, "cases.json")))
    converter = None if args.no_converter else shutil.which("tensorflowjs_converter")
    print(f"tensorflow {tf.__version__}, keras {keras.__version__}, tfjs {info['tfjs']} ({info['backend']}), "
          f"converter: {converter or 'not installed: converter step replicated'}")
    worst = 0.0
    for case in info["cases"]:
        name, folder = case["name"], case["dir"]
        work = os.path.join(args.dir, f"{name}.keras-out")
        os.makedirs(work, exist_ok=True)
        model, how = load_with_converter(folder, work, converter) if converter else load_like_converter(folder, work)
        x = np.fromfile(os.path.join(args.dir, f"{name}.input.bin"), "<f4").reshape(case["inputShape"])
        want = np.fromfile(os.path.join(args.dir, f"{name}.tfjs.bin"), "<f4").reshape(case["outputShape"])
        got = model.predict(x, verbose=0)
        if tuple(got.shape) != tuple(want.shape):
            raise SystemExit(f"{name}: Keras output shape {got.shape}, tfjs {want.shape}")
        diff = float(np.max(np.abs(got - want)))
        worst = max(worst, diff)
        classes = sorted({type(l).__name__ for l in model.layers})
        print(f"{name}: {how}\n  layers {classes}\n  output {list(got.shape)}, max |keras - tfjs| = {diff:.3g}")
    ok = worst <= args.tol
    print(f"{'OK' if ok else 'FAIL'}: worst max abs diff {worst:.3g} (tolerance {args.tol:g})")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
