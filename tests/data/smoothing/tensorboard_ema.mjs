// SPDX-License-Identifier: GPL-3.0-or-later
// Writes the reference numbers of tst_charts::emaMatchesTensorBoard: TensorBoard's scalar smoothing
// (tensorboard/components/vz_line_chart2, the debiased EMA), run by a JavaScript engine as TensorBoard runs
// it, over the fixture's scalars as TensorBoard's EventAccumulator read them.
// Usage: node tensorboard_ema.mjs ../../fixtures/tensorboard/ground_truth.json > tensorboard_ema.json
import { readFileSync } from 'node:fs';

function smooth(values, weight) {
  let last = values.length > 0 ? 0 : NaN;
  let accumulated = 0;
  const constant = values.every((v) => v === values[0]);
  return values.map((v) => {
    if (constant || !Number.isFinite(v)) return v;
    last = last * weight + (1 - weight) * v;
    accumulated++;
    const debias = weight === 1 ? 1 : 1 - Math.pow(weight, accumulated);
    return last / debias;
  });
}

const encode = (v) => (Number.isNaN(v) ? 'NaN' : v === Infinity ? 'Infinity' : v === -Infinity ? '-Infinity' : v);
const decode = (v) => (v === 'nan' ? NaN : v === 'inf' ? Infinity : v === '-inf' ? -Infinity : v);
const truth = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const out = [];
for (const [run, tag] of [['run_a', 'loss'], ['run_a', 'acc'], ['run_a', 'edge/nan_inf'], ['run_b', 'loss']]) {
  const values = truth.runs[run].plugin_accumulator[tag].points.map((p) => decode(p[2]));
  for (const weight of [0, 0.6, 0.9, 0.99, 0.999]) {
    out.push({ run, tag, weight, input: values.map(encode), smoothed: smooth(values, weight).map(encode) });
  }
}
out.push({ run: 'constant', tag: 'c', weight: 0.6, input: [3, 3, 3], smoothed: smooth([3, 3, 3], 0.6) });
process.stdout.write(JSON.stringify(out, null, 0) + '\n');
