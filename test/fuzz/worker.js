"use strict";
// One fuzz case at a time, in a worker thread (the parent kills the worker when a case runs too long).
const { parentPort, workerData } = require("node:worker_threads");
const lib = require(workerData.dist);
const TARGETS = require("./targets.js");

const isCaptureError = (e) => e instanceof lib.CaptureError;

function runTarget(t, arg, escapes, refusals) {
  try {
    return { ok: true, value: t.run ? t.run(lib, arg) : t.onCapture(lib, arg) };
  } catch (e) {
    if (isCaptureError(e)) return { ok: false, captureError: e };
    if (t.refuses && e && t.refuses.test(String(e.message))) {
      refusals.push(t.name);
      return { ok: false };
    }
    escapes.push({ target: t.name, error: `${e && e.name}: ${e && e.message}`, stack: String(e && e.stack).split("\n").slice(0, 6).join("\n") });
    return { ok: false };
  }
}

parentPort.on("message", (c) => {
  const t0 = performance.now();
  const escapes = [];
  const refusals = [];
  let records = -1;
  let strictThrew = false;
  const bytes = new Uint8Array(c.bytes);
  let cap = null;
  for (const t of TARGETS) {
    if (t.run) {
      if (c.readsOnly && t.name === "readCapture no tcp/app") continue;
      const r = runTarget(t, bytes, escapes, refusals);
      if (t.name === "readCapture lax") {
        if (r.ok) {
          cap = r.value;
          records = cap.length;
        }
      } else if (t.name === "readCapture strict") strictThrew = !r.ok && r.captureError !== undefined;
    } else if (cap && !c.readsOnly) runTarget(t, cap, escapes, refusals);
  }
  parentPort.postMessage({ id: c.id, escapes, refusals, records, strictThrew, ms: performance.now() - t0 });
});
