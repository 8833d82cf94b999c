#include "StrataKernels.h"

#if defined(__x86_64__)
#include <immintrin.h>

/*
 * Register-blocked AVX-512 kernels. Columns go in blocks of up to C = 4 zmm (64 floats); the
 * last zmm of a row may be partial and is handled with a lane mask (masked loads read nothing
 * past the row, masked stores write nothing past it). Block shapes are compile-time constants
 * (always_inline helpers called with literals), so the accumulators live in registers.
 */
#define KERNEL __attribute__((target("avx512f,avx512dq,fma")))
#define BLOCK static inline __attribute__((always_inline)) KERNEL

int strata_simd_available(void) {
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("fma");
}

/* Lane masks for the zmm columns of the block starting at column j: full, except a partial last. */
static inline int column_masks(int n, int j, __mmask16 mask[4]) {
    int left = n - j, count = 0;
    while (count < 4 && left > 0) {
        mask[count++] = left >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << left) - 1);
        left -= 16;
    }
    return count;
}

/* The step both kernels are made of: acc[a][c] += s[a * stride] * (the C zmm of row), for a < A. */
BLOCK void accumulate(__m512 acc[8][4], const float *s, long stride, const float *row, int A, int C,
                      const __mmask16 *mask) {
    __m512 v[4];
    for (int c = 0; c < C; c++) v[c] = _mm512_maskz_loadu_ps(mask[c], row + 16 * c);
    for (int a = 0; a < A; a++) {
        __m512 scalar = _mm512_set1_ps(s[a * stride]);
        for (int c = 0; c < C; c++) acc[a][c] = _mm512_fmadd_ps(scalar, v[c], acc[a][c]);
    }
}

/* R rows x C zmm of out = b + x w (optionally ReLU); x, out at the block's first row, w, b, out at its column. */
BLOCK void forward_block(const float *x, int k, const float *w, int n, const float *b, int relu, float *out,
                         int R, int C, const __mmask16 *mask) {
    __m512 acc[8][4];
    for (int c = 0; c < C; c++) {
        __m512 bias = b ? _mm512_maskz_loadu_ps(mask[c], b + 16 * c) : _mm512_setzero_ps();
        for (int r = 0; r < R; r++) acc[r][c] = bias;
    }
    /* Over the inputs p: x[r][p] (one per row) times W's row p. */
    for (int p = 0; p < k; p++) accumulate(acc, x + p, k, w + (long)p * n, R, C, mask);
    for (int r = 0; r < R; r++)
        for (int c = 0; c < C; c++) {
            __m512 v = relu ? _mm512_max_ps(acc[r][c], _mm512_setzero_ps()) : acc[r][c];
            _mm512_mask_storeu_ps(out + (long)r * n + 16 * c, mask[c], v);
        }
}

/* Row blocks: 4 rows for wide column blocks, 8 for narrow ones (enough independent FMA chains), then single rows. */
#define FORWARD_COLUMNS(C, R)                                                                        \
    for (; r + R <= end; r += R)                                                                     \
        forward_block(x + (long)r * k, k, w + j, n, bias, relu, out + (long)r * n + j, R, C, mask);  \
    for (; r < end; r++)                                                                             \
        forward_block(x + (long)r * k, k, w + j, n, bias, relu, out + (long)r * n + j, 1, C, mask);

KERNEL void strata_dense_forward(const float *x, int rows, int k, const float *w, int n,
                                 const float *b, int relu, float *out) {
    __mmask16 mask[4];
    /* Row blocks outside, column blocks inside: the block's x rows stay in L1 for every column block. */
    for (int r0 = 0; r0 < rows; r0 += 8) {
        int end = rows - r0 < 8 ? rows : r0 + 8;
        for (int j = 0; j < n; j += 64) {
            const float *bias = b ? b + j : 0;
            int r = r0;
            switch (column_masks(n, j, mask)) {
            case 4: FORWARD_COLUMNS(4, 4) break;
            case 3: FORWARD_COLUMNS(3, 4) break;
            case 2: FORWARD_COLUMNS(2, 8) break;
            default: FORWARD_COLUMNS(1, 8) break;
            }
        }
    }
}

/* P input columns x C zmm of w -= lr x^T d, summed over all rows; x at the block's first column, d, w at its column. */
BLOCK void update_block(const float *x, int rows, int k, const float *d, int n, __m512 lr, float *w,
                        int P, int C, const __mmask16 *mask) {
    __m512 acc[8][4];
    for (int q = 0; q < P; q++)
        for (int c = 0; c < C; c++) acc[q][c] = _mm512_setzero_ps();
    /* Over the batch rows r: x[r][q] (one per input column) times d's row r. */
    for (int r = 0; r < rows; r++) accumulate(acc, x + (long)r * k, 1, d + (long)r * n, P, C, mask);
    for (int q = 0; q < P; q++)
        for (int c = 0; c < C; c++) {
            float *target = w + (long)q * n + 16 * c;
            __m512 v = _mm512_fnmadd_ps(lr, acc[q][c], _mm512_maskz_loadu_ps(mask[c], target));
            _mm512_mask_storeu_ps(target, mask[c], v);
        }
}

#define UPDATE_COLUMNS(C, P)                                                                         \
    for (; p + P <= k; p += P)                                                                       \
        update_block(x + p, rows, k, d + j, n, rate, w + (long)p * n + j, P, C, mask);               \
    for (; p < k; p++)                                                                               \
        update_block(x + p, rows, k, d + j, n, rate, w + (long)p * n + j, 1, C, mask);

KERNEL void strata_dense_update(const float *x, int rows, int k, const float *d, int n, float lr, float *w) {
    __m512 rate = _mm512_set1_ps(lr);
    __mmask16 mask[4];
    for (int j = 0; j < n; j += 64) {
        int p = 0;
        switch (column_masks(n, j, mask)) {
        case 4: UPDATE_COLUMNS(4, 4) break;
        case 3: UPDATE_COLUMNS(3, 4) break;
        case 2: UPDATE_COLUMNS(2, 8) break;
        default: UPDATE_COLUMNS(1, 8) break;
        }
    }
}

#else

int strata_simd_available(void) { return 0; }
void strata_dense_forward(const float *x, int rows, int k, const float *w, int n, const float *b, int relu, float *out) {
    (void)x; (void)rows; (void)k; (void)w; (void)n; (void)b; (void)relu; (void)out;
}
void strata_dense_update(const float *x, int rows, int k, const float *d, int n, float lr, float *w) {
    (void)x; (void)rows; (void)k; (void)d; (void)n; (void)lr; (void)w;
}

#endif
