/* N distinct P-256 records under one key through the C API: one
 * `ocmf_verify` per record, or one `ocmf_verify_batch` call (threads 1 or
 * 2). Prints ns/record. Run by bench/run.sh, which alternates the modes and
 * (with OCMF_BENCH_BEFORE) an older libocmf, built with -DOCMF_NO_BATCH
 * when that library has no batch entry point.
 *
 *   batch MODE N ROUNDS     MODE: single | batch1 | batch2
 *
 * Every round decodes the key anew (so the batch's table building and the
 * key's first verification are inside the timing, as for a caller with a
 * fresh key) and checks that every record is valid. Prints the median
 * round's wall time and process CPU time per record (on a shared machine
 * the CPU time of the one-thread modes is the steadier number; threads=2
 * shows in the wall time only). */
#define _POSIX_C_SOURCE 199309L
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ocmf.h"

static double now_ns(clockid_t clock) {
    struct timespec t;
    clock_gettime(clock, &t);
    return (double)t.tv_sec * 1e9 + (double)t.tv_nsec;
}

static int cmp_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int main(int argc, char **argv) {
    if (argc != 4) {
        fprintf(stderr, "usage: %s single|batch1|batch2 N ROUNDS\n", argv[0]);
        return 2;
    }
    const char *mode = argv[1];
    long n = atol(argv[2]), rounds = atol(argv[3]);
    if (n <= 0 || rounds <= 0 || rounds > 1000) return 2;
    uint8_t **recs = calloc((size_t)n, sizeof *recs);
    size_t *lens = calloc((size_t)n, sizeof *lens);
    double *times = calloc((size_t)rounds, sizeof *times);
    double *cpu = calloc((size_t)rounds, sizeof *cpu);
    if (!recs || !lens || !times || !cpu) return 2;
    char key[256];
    size_t kl = 0;
    for (long i = 0; i < n; i++) {
        char payload[512], rec[1024];
        size_t rl = 0;
        snprintf(payload, sizeof payload,
                 "{\"FV\":\"1.0\",\"GI\":\"BENCH\",\"GS\":\"G1\",\"PG\":\"T%ld\",\"MS\":\"X1\",\"IS\":false,"
                 "\"IT\":\"NONE\",\"RD\":[{\"TM\":\"2024-01-01T00:00:00,000+0000 S\",\"TX\":\"B\",\"RV\":%ld.%03ld,"
                 "\"RI\":\"1-b:1.8.0\",\"RU\":\"kWh\",\"ST\":\"G\"}]}",
                 i + 1, i / 1000, i % 1000);
        if (ocmf_sign((const uint8_t *)payload, strlen(payload), (const uint8_t *)"c0ffee", 6,
                      (const uint8_t *)"secp256r1", 9, rec, sizeof rec, &rl, key, sizeof key, &kl) != OCMF_RESULT_OK)
            return 2;
        recs[i] = malloc(rl);
        if (recs[i] == NULL) return 2;
        memcpy(recs[i], rec, rl);
        lens[i] = rl;
    }
#ifndef OCMF_NO_BATCH
    ocmf_batch_result *out = calloc((size_t)n, sizeof *out);
    if (out == NULL) return 2;
    size_t threads = strcmp(mode, "batch2") == 0 ? 2 : 1;
#endif
    for (long r = -1; r < rounds; r++) { /* round -1: warm-up */
        double t0 = now_ns(CLOCK_MONOTONIC), c0 = now_ns(CLOCK_PROCESS_CPUTIME_ID);
        ocmf_key *k = NULL;
        if (ocmf_key_parse((const uint8_t *)key, kl, &k) != OCMF_RESULT_OK) return 2;
        long valid = 0;
        if (strcmp(mode, "single") == 0) {
            for (long i = 0; i < n; i++) {
                ocmf_verdict v;
                valid += ocmf_verify(recs[i], lens[i], k, OCMF_PROFILE_INTEROP, &v) == OCMF_RESULT_OK &&
                         v == OCMF_VERDICT_VALID;
            }
        } else {
#ifdef OCMF_NO_BATCH
            fprintf(stderr, "this library has no batch entry point\n");
            return 2;
#else
            if (ocmf_verify_batch((const uint8_t *const *)recs, lens, (size_t)n, k, OCMF_PROFILE_INTEROP, threads,
                                  out) != OCMF_RESULT_OK)
                return 2;
            for (long i = 0; i < n; i++) valid += out[i].code == OCMF_RESULT_OK;
#endif
        }
        ocmf_key_free(k);
        double dt = now_ns(CLOCK_MONOTONIC) - t0, dc = now_ns(CLOCK_PROCESS_CPUTIME_ID) - c0;
        if (valid != n) {
            fprintf(stderr, "only %ld/%ld valid\n", valid, n);
            return 1;
        }
        if (r >= 0) {
            times[r] = dt / (double)n;
            cpu[r] = dc / (double)n;
        }
    }
    qsort(times, (size_t)rounds, sizeof *times, cmp_double);
    qsort(cpu, (size_t)rounds, sizeof *cpu, cmp_double);
    printf("%s %.0f ns/record wall, %.0f ns/record cpu (medians of %ld rounds of %ld P-256 records, one key)\n",
           mode, times[rounds / 2], cpu[rounds / 2], rounds, n);
    return 0;
}
