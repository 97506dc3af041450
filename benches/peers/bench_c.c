/*
 * Peer benchmark, C path: verifies every record of a bench file through
 * libocmf (ocmf_key_parse once per curve, ocmf_verify per record).
 *
 *   bench_c RECORDS.tsv      lines: CURVE \t RECORD \t KEY (no tabs inside)
 *
 * The first 5 records of a curve run once untimed first.
 * Prints one JSON line per curve: {"curve", "n", "ok", "seconds"}.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ocmf.h"

typedef struct {
    char *curve, *record, *key;
} item;

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: %s RECORDS.tsv\n", argv[0]);
        return 2;
    }
    FILE *in = fopen(argv[1], "r");
    if (!in) {
        perror(argv[1]);
        return 2;
    }
    item *items = NULL;
    size_t n = 0, cap = 0;
    char *line = NULL;
    size_t line_cap = 0;
    ssize_t got;
    while ((got = getline(&line, &line_cap, in)) > 0) {
        if (line[got - 1] == '\n') line[got - 1] = '\0';
        char *t1 = strchr(line, '\t'), *t2 = t1 ? strchr(t1 + 1, '\t') : NULL;
        if (!t2) continue;
        *t1 = *t2 = '\0';
        if (n == cap) {
            cap = cap ? cap * 2 : 1024;
            items = realloc(items, cap * sizeof *items);
            if (!items) return 2;
        }
        items[n].curve = strdup(line);
        items[n].record = strdup(t1 + 1);
        items[n].key = strdup(t2 + 1);
        n++;
    }
    free(line);
    fclose(in);
    size_t i = 0;
    while (i < n) {
        size_t j = i;
        while (j < n && strcmp(items[j].curve, items[i].curve) == 0) j++;
        /* Warm-up (not timed): the first records of the curve once. */
        struct ocmf_key *warm = NULL;
        if (ocmf_key_parse((const uint8_t *)items[i].key, strlen(items[i].key), &warm) == OCMF_RESULT_OK) {
            for (size_t k = i; k < j && k < i + 5; k++) {
                ocmf_verdict v;
                (void)ocmf_verify((const uint8_t *)items[k].record, strlen(items[k].record), warm,
                                  OCMF_PROFILE_INTEROP, &v);
            }
        }
        ocmf_key_free(warm);
        double start = now();
        struct ocmf_key *key = NULL;
        size_t ok = 0;
        if (ocmf_key_parse((const uint8_t *)items[i].key, strlen(items[i].key), &key) == OCMF_RESULT_OK) {
            for (size_t k = i; k < j; k++) {
                ocmf_verdict v;
                if (ocmf_verify((const uint8_t *)items[k].record, strlen(items[k].record), key,
                                OCMF_PROFILE_INTEROP, &v) == OCMF_RESULT_OK)
                    ok++;
            }
        }
        ocmf_key_free(key);
        printf("{\"curve\":\"%s\",\"n\":%zu,\"ok\":%zu,\"seconds\":%.6f}\n", items[i].curve, j - i, ok,
               now() - start);
        i = j;
    }
    for (size_t k = 0; k < n; k++) {
        free(items[k].curve);
        free(items[k].record);
        free(items[k].key);
    }
    free(items);
    return 0;
}
