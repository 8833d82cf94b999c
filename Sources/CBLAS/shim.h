#ifndef STRATA_CBLAS_SHIM_H
#define STRATA_CBLAS_SHIM_H
#include <cblas.h>
/* OpenBLAS extension: pin the thread count so training is per-core and reproducible. */
void openblas_set_num_threads(int num_threads);
#endif
