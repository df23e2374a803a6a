// Single-precision GEMM peak of this machine through OpenBLAS: the best rate of C = A·B on
// square matrices of the given sizes, OpenBLAS threaded (OPENBLAS_NUM_THREADS / argv[1]).
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <cblas.h>
void openblas_set_num_threads(int);
char *openblas_get_corename(void);
static double now(void) { struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t); return t.tv_sec + t.tv_nsec * 1e-9; }
int main(int argc, char **argv) {
    int threads = argc > 1 ? atoi(argv[1]) : 1, repeats = argc > 2 ? atoi(argv[2]) : 3;
    openblas_set_num_threads(threads);
    int sizes[] = {2048, 3072, 4096};
    double best = 0;
    for (int s = 0; s < 3; s++) {
        int n = sizes[s];
        float *a = malloc(sizeof(float) * n * n), *b = malloc(sizeof(float) * n * n), *c = malloc(sizeof(float) * n * n);
        for (long i = 0; i < (long)n * n; i++) { a[i] = (i % 7) * 0.1f; b[i] = (i % 5) * 0.1f; c[i] = 0; }
        for (int r = 0; r < repeats; r++) {
            double t = now();
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, n, n, n, 1, a, n, b, n, 0, c, n);
            double rate = 2.0 * n * n * (double)n / (now() - t);
            if (rate > best) best = rate;
        }
        free(a); free(b); free(c);
    }
    printf("{\"sgemm_peak_flops_per_second\": %.4e, \"threads\": %d, \"openblas_core\": \"%s\"}\n", best, threads, openblas_get_corename());
    return 0;
}
