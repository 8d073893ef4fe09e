import { Buffer } from "node:buffer";
import { LutinError } from "../errors.js";
import type { FeatureSink, SparseFeatures } from "./emotion-features.js";

/**
 * Multinomial logistic regression over hashed sparse features: one weight per (bucket, class), laid out
 * bucket-major so that scoring a feature reads its few class weights side by side.
 *
 * Hand-written rather than taken from a library: the model is a dot product and a softmax, the
 * JavaScript machine-learning libraries we looked at are dense (a 32k-wide dense matrix per message) or
 * unmaintained, and the training must be bit-for-bit reproducible from the committed data.
 */
export interface LinearModel {
  classes: readonly string[];
  buckets: number;
  /** `weights[bucket * classes.length + class]`. */
  weights: Float32Array;
  bias: Float32Array;
}

export interface TrainingExample {
  features: SparseFeatures;
  /** Index into the model's classes. */
  label: number;
  /** Weight of the example in the loss (1 when omitted): a set the rules were tuned on counts less. */
  weight?: number;
}

export interface TrainingOptions {
  classes: readonly string[];
  buckets: number;
  /** Full-batch iterations of Adam. */
  iterations: number;
  learningRate: number;
  /** L2 penalty per weight, per example. */
  l2: number;
  /** Weight of each class's examples in the loss (1 for every class when omitted). */
  classWeights?: readonly number[];
}

/**
 * Full-batch gradient descent with Adam: no sampling, so the same examples in the same order give the
 * same weights on the same runtime (the reproducibility test depends on it).
 */
export function trainLinearModel(
  examples: readonly TrainingExample[],
  options: TrainingOptions,
): LinearModel {
  const classCount = options.classes.length;
  const size = options.buckets * classCount;
  const weights = new Float64Array(size);
  const bias = new Float64Array(classCount);
  const gradient = new Float64Array(size);
  const biasGradient = new Float64Array(classCount);
  const firstMoment = new Float64Array(size + classCount);
  const secondMoment = new Float64Array(size + classCount);
  const scores = new Float64Array(classCount);
  const beta1 = 0.9;
  const beta2 = 0.999;
  const epsilon = 1e-8;
  const classWeights = options.classWeights ?? options.classes.map(() => 1);
  const weightOf = (example: TrainingExample) => (classWeights[example.label] ?? 1) * (example.weight ?? 1);
  let totalWeight = 0;
  for (const example of examples) totalWeight += weightOf(example);
  // Repeated buckets (a character n-gram seen twice) merged once, before the many passes.
  const compact = examples.map((example) => ({ ...mergeDuplicates(example.features), example }));

  const { learningRate, l2 } = options;
  for (let iteration = 1; iteration <= options.iterations; iteration++) {
    gradient.fill(0);
    biasGradient.fill(0);
    for (const { indices, values, example } of compact) {
      for (let c = 0; c < classCount; c++) scores[c] = bias[c] as number;
      const featureCount = indices.length;
      for (let f = 0; f < featureCount; f++) {
        const base = (indices[f] as number) * classCount;
        const value = values[f] as number;
        for (let c = 0; c < classCount; c++)
          scores[c] = (scores[c] as number) + (weights[base + c] as number) * value;
      }
      softmaxInPlace(scores);
      const weight = weightOf(example) / totalWeight;
      for (let c = 0; c < classCount; c++) {
        scores[c] = ((scores[c] as number) - (c === example.label ? 1 : 0)) * weight;
        biasGradient[c] = (biasGradient[c] as number) + (scores[c] as number);
      }
      for (let f = 0; f < featureCount; f++) {
        const base = (indices[f] as number) * classCount;
        const value = values[f] as number;
        for (let c = 0; c < classCount; c++)
          gradient[base + c] = (gradient[base + c] as number) + (scores[c] as number) * value;
      }
    }
    const stepSize = learningRate / (1 - beta1 ** iteration);
    const correction2 = 1 - beta2 ** iteration;
    for (let index = 0; index < size + classCount; index++) {
      const isBias = index >= size;
      const parameter = isBias ? (bias[index - size] as number) : (weights[index] as number);
      const grad = isBias
        ? (biasGradient[index - size] as number)
        : (gradient[index] as number) + l2 * parameter;
      // Buckets no example touched keep a zero gradient and stay exactly 0: skip them.
      if (grad === 0 && firstMoment[index] === 0) continue;
      const m = beta1 * (firstMoment[index] as number) + (1 - beta1) * grad;
      const v = beta2 * (secondMoment[index] as number) + (1 - beta2) * grad * grad;
      firstMoment[index] = m;
      secondMoment[index] = v;
      const updated = parameter - (stepSize * m) / (Math.sqrt(v / correction2) + epsilon);
      if (isBias) bias[index - size] = updated;
      else weights[index] = updated;
    }
  }
  return {
    classes: options.classes,
    buckets: options.buckets,
    weights: Float32Array.from(weights),
    bias: Float32Array.from(bias),
  };
}

function mergeDuplicates(features: SparseFeatures): { indices: Int32Array; values: Float64Array } {
  const merged = new Map<number, number>();
  features.indices.forEach((index, position) => {
    merged.set(index, (merged.get(index) ?? 0) + (features.values[position] as number));
  });
  // In bucket order: the passes then walk the weights forward, which the memory caches reward.
  const indices = Int32Array.from(merged.keys()).sort();
  return { indices, values: Float64Array.from(indices, (index) => merged.get(index) as number) };
}

function softmaxInPlace(scores: Float64Array | Float32Array): void {
  let maximum = Number.NEGATIVE_INFINITY;
  for (const score of scores) if (score > maximum) maximum = score;
  let sum = 0;
  for (let c = 0; c < scores.length; c++) {
    const exponent = Math.exp((scores[c] as number) - maximum);
    scores[c] = exponent;
    sum += exponent;
  }
  for (let c = 0; c < scores.length; c++) scores[c] = (scores[c] as number) / sum;
}

/** Class probabilities, written into `into` (reused across calls: no allocation per message). */
export function predictProbabilities(
  model: LinearModel,
  features: SparseFeatures,
  into: Float64Array = new Float64Array(model.classes.length),
): Float64Array {
  const classCount = model.classes.length;
  for (let c = 0; c < classCount; c++) into[c] = model.bias[c] as number;
  const { indices, values } = features;
  for (let f = 0; f < indices.length; f++) {
    const base = (indices[f] as number) * classCount;
    const value = values[f] as number;
    for (let c = 0; c < classCount; c++)
      into[c] = (into[c] as number) + (model.weights[base + c] as number) * value;
  }
  softmaxInPlace(into);
  return into;
}

/**
 * Scores features as they are read, with no list built in between: the detector's per-message path.
 * Gives the same probabilities as {@link predictProbabilities} over the same features.
 */
export interface StreamingScorer extends FeatureSink {
  reset(): void;
  /** Softmax of the sums so far; the array is reused by the next message. */
  probabilities(): Float64Array;
}

export function createStreamingScorer(model: LinearModel): StreamingScorer {
  const classCount = model.classes.length;
  const scores = new Float64Array(classCount);
  const { weights, bias } = model;
  return {
    reset() {
      for (let c = 0; c < classCount; c++) scores[c] = bias[c] as number;
    },
    add(index, value) {
      const base = index * classCount;
      for (let c = 0; c < classCount; c++)
        scores[c] = (scores[c] as number) + (weights[base + c] as number) * value;
    },
    probabilities() {
      softmaxInPlace(scores);
      return scores;
    },
  };
}

/**
 * The committed form: weights quantised to 16-bit integers with one scale, base64-encoded. The
 * rounding error (under 1/65,000 of the largest weight) changes no prediction on our data sets and
 * keeps the file four times smaller than decimal JSON.
 */
export interface SerializedLinearModel {
  classes: string[];
  buckets: number;
  scale: number;
  bias: number[];
  weights: string;
}

const QUANTISED_MAXIMUM = 32767;

export function serializeLinearModel(model: LinearModel): SerializedLinearModel {
  let largest = 0;
  for (const weight of model.weights) largest = Math.max(largest, Math.abs(weight));
  const scale = largest === 0 ? 1 : largest / QUANTISED_MAXIMUM;
  const quantised = new Int16Array(model.weights.length);
  for (let index = 0; index < model.weights.length; index++) {
    quantised[index] = Math.round((model.weights[index] as number) / scale);
  }
  return {
    classes: [...model.classes],
    buckets: model.buckets,
    scale,
    bias: [...model.bias],
    weights: Buffer.from(quantised.buffer, quantised.byteOffset, quantised.byteLength).toString("base64"),
  };
}

export function deserializeLinearModel(serialized: SerializedLinearModel): LinearModel {
  const bytes = Buffer.from(serialized.weights, "base64");
  const expected = serialized.buckets * serialized.classes.length;
  if (bytes.byteLength !== expected * 2) {
    throw new LutinError(
      "CONFIG_INVALID",
      `emotion model: ${bytes.byteLength / 2} weights for ${serialized.buckets} buckets × ${serialized.classes.length} classes`,
      { hint: "regenerate the model: node --conditions=source --import tsx scripts/train-emotion-model.ts" },
    );
  }
  // Copy into an aligned buffer: a base64-decoded Buffer may start at an odd offset of the pool.
  const quantised = new Int16Array(expected);
  new Uint8Array(quantised.buffer).set(bytes);
  const weights = new Float32Array(expected);
  for (let index = 0; index < expected; index++)
    weights[index] = (quantised[index] as number) * serialized.scale;
  return {
    classes: serialized.classes,
    buckets: serialized.buckets,
    weights,
    bias: Float32Array.from(serialized.bias),
  };
}
