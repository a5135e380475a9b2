/*
 * Packed arrays: {"dtype": "float16" | "float32", "shape": [...], "data": base64}
 * holding the little-endian, C-order bytes of an array (see ggmm/packing.py).
 * float16 is decoded by bit manipulation (a 65536-entry table built on first use). Pure: no DOM,
 * so it runs under Node too (tests/js/widgets_packing.test.js).
 */

let F16_TABLE = null;

/** The float value of one IEEE 754 half-precision bit pattern (0..65535). */
export function float16ToNumber(h) {
  const sign = h & 0x8000 ? -1 : 1;
  const exponent = (h >> 10) & 0x1f;
  const fraction = h & 0x03ff;
  if (exponent === 0) return sign * Math.pow(2, -14) * (fraction / 1024);
  if (exponent === 31) return fraction ? NaN : sign * Infinity;
  return sign * Math.pow(2, exponent - 15) * (1 + fraction / 1024);
}

function f16Table() {
  if (F16_TABLE === null) {
    F16_TABLE = new Float32Array(65536);
    for (let h = 0; h < 65536; h++) F16_TABLE[h] = float16ToNumber(h);
  }
  return F16_TABLE;
}

/** base64 text -> Uint8Array. */
export function decodeBase64(text) {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

function product(shape) {
  let n = 1;
  for (let i = 0; i < shape.length; i++) n *= shape[i];
  return n;
}

/**
 * Decode a packed array.
 * @returns {{shape: number[], data: Float32Array}} values in C order.
 */
export function unpack(packed) {
  if (!packed || typeof packed.data !== "string" || !Array.isArray(packed.shape)) {
    throw new Error("packing: not a packed array");
  }
  const bytes = decodeBase64(packed.data);
  const n = product(packed.shape);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Float32Array(n);
  let i;
  if (packed.dtype === "float16") {
    if (bytes.byteLength !== 2 * n) throw new Error("packing: float16 data holds " + bytes.byteLength + " bytes, shape needs " + 2 * n);
    const table = f16Table();
    for (i = 0; i < n; i++) out[i] = table[view.getUint16(2 * i, true)];
  } else if (packed.dtype === "float32") {
    if (bytes.byteLength !== 4 * n) throw new Error("packing: float32 data holds " + bytes.byteLength + " bytes, shape needs " + 4 * n);
    for (i = 0; i < n; i++) out[i] = view.getFloat32(4 * i, true);
  } else {
    throw new Error("packing: unknown dtype " + packed.dtype);
  }
  return { shape: packed.shape.slice(), data: out };
}

/** The rows of a decoded 2-D array as plain arrays (what Plotly wants for z). */
export function rows(array) {
  if (array.shape.length !== 2) throw new Error("packing: rows() needs a 2-D array");
  const nr = array.shape[0], nc = array.shape[1], out = new Array(nr);
  for (let r = 0; r < nr; r++) out[r] = Array.prototype.slice.call(array.data.subarray(r * nc, (r + 1) * nc));
  return out;
}

/** Row r of a decoded 2-D array as a Float32Array view. */
export function row(array, r) {
  const nc = array.shape[1];
  return array.data.subarray(r * nc, (r + 1) * nc);
}
