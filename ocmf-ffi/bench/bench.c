/* Verify one P-256 record N times through the C API (pre-decoded key) and
 * print ns/call. Run by bench/run.sh next to the Rust baseline
 * (examples/bench_rust.rs), which verifies the same record the same way. */
#define _POSIX_C_SOURCE 199309L
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ocmf.h"

/* Same payload and secret as examples/bench_rust.rs: RFC 6979 makes the records identical. */
static const char PAYLOAD[] =
    "{\"FV\":\"1.0\",\"PG\":\"T1\",\"MS\":\"X1\",\"IS\":false,\"IT\":\"NONE\",\"RD\":[{\"TM\":"
    "\"2024-01-01T00:00:00,000+0000 S\",\"TX\":\"B\",\"RV\":1.000,\"RI\":\"1-b:1.8.0\",\"RU\":"
    "\"kWh\",\"ST\":\"G\"}]}";

static double now_ns(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec * 1e9 + (double)t.tv_nsec;
}

int main(int argc, char **argv) {
    long n = argc > 1 ? atol(argv[1]) : 5000;
    char rec[1024], key[256];
    size_t rl = 0, kl = 0;
    if (ocmf_sign((const uint8_t *)PAYLOAD, strlen(PAYLOAD), (const uint8_t *)"01", 2,
                  (const uint8_t *)"secp256r1", 9, rec, sizeof rec, &rl, key, sizeof key, &kl) != OCMF_RESULT_OK)
        return 2;
    ocmf_key *k = NULL;
    if (ocmf_key_parse((const uint8_t *)key, kl, &k) != OCMF_RESULT_OK) return 2;
    ocmf_verdict v;
    for (long i = 0; i < n / 10; i++) ocmf_verify((const uint8_t *)rec, rl, k, OCMF_PROFILE_INTEROP, &v);
    double t0 = now_ns();
    long valid = 0;
    for (long i = 0; i < n; i++)
        valid += ocmf_verify((const uint8_t *)rec, rl, k, OCMF_PROFILE_INTEROP, &v) == OCMF_RESULT_OK &&
                 v == OCMF_VERDICT_VALID;
    double dt = now_ns() - t0;
    ocmf_key_free(k);
    if (valid != n) {
        fprintf(stderr, "only %ld/%ld valid\n", valid, n);
        return 1;
    }
    printf("c-api %.0f ns/call (%ld calls, %zu-byte record)\n", dt / (double)n, n, rl);
    return 0;
}
