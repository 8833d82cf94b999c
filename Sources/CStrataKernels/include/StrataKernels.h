#ifndef STRATA_KERNELS_H
#define STRATA_KERNELS_H

/*
 * Hand-written AVX-512 kernels for the dense layers of local SGD (StrataLearning's
 * TrainingWorkspace). Every matrix is row-major Float32 with its rows packed (stride = width).
 * The functions exist on every x86-64 build; call them only when strata_simd_available() is 1.
 */

#ifdef __cplusplus
extern "C" {
#endif

/* 1 when this CPU runs the AVX-512F kernels (checked once at run time), else 0. */
int strata_simd_available(void);

/*
 * out[r][j] = b[j] + sum_p x[r][p] * w[p][j]   for r < rows, j < n  (b may be NULL: no bias),
 * clamped at 0 when relu != 0. x is rows x k, w is k x n, out is rows x n.
 */
void strata_dense_forward(const float *x, int rows, int k, const float *w, int n,
                          const float *b, int relu, float *out);

/*
 * w[p][j] -= lr * sum_r x[r][p] * d[r][j]   for p < k, j < n: the SGD step W -= lr * x^T d
 * of a dense layer with inputs x (rows x k) and output gradient d (rows x n).
 */
void strata_dense_update(const float *x, int rows, int k, const float *d, int n, float lr, float *w);

#ifdef __cplusplus
}
#endif

#endif
