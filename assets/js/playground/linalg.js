/*
 * Small dense least squares for the spline fits: Householder QR for tall systems, the
 * minimum-norm solution through a Cholesky factorization for wide ones, as torch.linalg.lstsq
 * gives for these shapes. Matrices are row-major Float64Arrays.
 */

/**
 * Least squares min ||A c - y|| by Householder QR (full column rank, rows >= cols), or the
 * minimum-norm solution when rows < cols (as torch.linalg.lstsq for these shapes).
 * @param {Float64Array} A (rows, cols) row-major, not modified
 * @param {Float64Array[]} ys right-hand sides (rows each)
 * @returns {Float64Array[]} solutions (cols each)
 */
export function lstsq(A, rows, cols, ys) {
  if (rows < cols) {
    // minimum norm: c = A^T (A A^T)^{-1} y, by Cholesky of the small Gram matrix
    const G = new Float64Array(rows * rows);
    for (let a = 0; a < rows; a++) {
      for (let b = 0; b <= a; b++) {
        let s = 0;
        for (let c = 0; c < cols; c++) s += A[a * cols + c] * A[b * cols + c];
        G[a * rows + b] = s; G[b * rows + a] = s;
      }
    }
    const L = cholesky(G, rows);
    return ys.map((y) => {
      const z = cholSolve(L, rows, y);
      const c = new Float64Array(cols);
      for (let a = 0; a < rows; a++) for (let q = 0; q < cols; q++) c[q] += A[a * cols + q] * z[a];
      return c;
    });
  }
  // columns without data (B-splines whose support holds no point) are exactly zero: the
  // minimum-norm solution (torch's gelsy with its default rcond) sets their coefficient to 0
  const norms = new Float64Array(cols);
  for (let a = 0; a < rows; a++) for (let q = 0; q < cols; q++) norms[q] += A[a * cols + q] ** 2;
  const maxNorm = Math.sqrt(Math.max(...norms)), keep = [];
  for (let q = 0; q < cols; q++) if (Math.sqrt(norms[q]) > Math.max(rows, cols) * 2.220446049250313e-16 * maxNorm) keep.push(q);
  if (keep.length < cols) {
    const B = new Float64Array(rows * keep.length);
    for (let a = 0; a < rows; a++) keep.forEach((q, r) => { B[a * keep.length + r] = A[a * cols + q]; });
    return lstsq(B, rows, keep.length, ys).map((c) => {
      const full = new Float64Array(cols);
      keep.forEach((q, r) => { full[q] = c[r]; });
      return full;
    });
  }
  const R = Float64Array.from(A), vs = [], betas = new Float64Array(cols);
  for (let q = 0; q < cols; q++) {
    let norm = 0;
    for (let a = q; a < rows; a++) norm += R[a * cols + q] * R[a * cols + q];
    norm = Math.sqrt(norm);
    const v = new Float64Array(rows - q);
    const alpha = R[q * cols + q] > 0 ? -norm : norm;
    for (let a = q; a < rows; a++) v[a - q] = R[a * cols + q];
    v[0] -= alpha;
    let vv = 0;
    for (let a = 0; a < v.length; a++) vv += v[a] * v[a];
    betas[q] = vv > 0 ? 2 / vv : 0;
    vs.push(v);
    for (let c = q; c < cols; c++) {
      let s = 0;
      for (let a = q; a < rows; a++) s += v[a - q] * R[a * cols + c];
      s *= betas[q];
      for (let a = q; a < rows; a++) R[a * cols + c] -= s * v[a - q];
    }
  }
  return ys.map((y0) => {
    const y = Float64Array.from(y0);
    for (let q = 0; q < cols; q++) {
      const v = vs[q];
      let s = 0;
      for (let a = q; a < rows; a++) s += v[a - q] * y[a];
      s *= betas[q];
      for (let a = q; a < rows; a++) y[a] -= s * v[a - q];
    }
    const c = new Float64Array(cols);
    for (let q = cols - 1; q >= 0; q--) {
      let s = y[q];
      for (let r = q + 1; r < cols; r++) s -= R[q * cols + r] * c[r];
      const d = R[q * cols + q];
      c[q] = d !== 0 ? s / d : 0;
    }
    return c;
  });
}

function cholesky(G, n) {
  const L = new Float64Array(n * n);
  for (let a = 0; a < n; a++) {
    for (let b = 0; b <= a; b++) {
      let s = G[a * n + b];
      for (let c = 0; c < b; c++) s -= L[a * n + c] * L[b * n + c];
      L[a * n + b] = a === b ? Math.sqrt(Math.max(s, 1e-300)) : s / L[b * n + b];
    }
  }
  return L;
}

function cholSolve(L, n, y) {
  const z = new Float64Array(n);
  for (let a = 0; a < n; a++) {
    let s = y[a];
    for (let c = 0; c < a; c++) s -= L[a * n + c] * z[c];
    z[a] = s / L[a * n + a];
  }
  for (let a = n - 1; a >= 0; a--) {
    let s = z[a];
    for (let c = a + 1; c < n; c++) s -= L[c * n + a] * z[c];
    z[a] = s / L[a * n + a];
  }
  return z;
}
