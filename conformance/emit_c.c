/*
 * C-library emitter: one canonical JSON report per case, one per line, via
 * ocmf_verify_report() of the built libocmf.
 *
 *   emit_c CASES.tsv > reports.txt
 *
 * Each input line: ID \t HEX(record) \t HEX(key)|- \t PROFILE \t LANG, where
 * PROFILE/LANG are the numeric ocmf_profile/ocmf_lang values. Hex keeps any
 * byte (NUL, newline, tab) of the record intact.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ocmf.h"

static int hexval(int c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/* Decodes hex field `s` (length `n`) in place; returns the byte count or -1. */
static long unhex(char *s, size_t n) {
    if (n % 2 != 0) return -1;
    for (size_t i = 0; i < n / 2; i++) {
        int hi = hexval((unsigned char)s[2 * i]), lo = hexval((unsigned char)s[2 * i + 1]);
        if (hi < 0 || lo < 0) return -1;
        s[i] = (char)(hi * 16 + lo);
    }
    return (long)(n / 2);
}

int main(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: %s CASES.tsv\n", argv[0]);
        return 2;
    }
    FILE *in = fopen(argv[1], "r");
    if (!in) {
        perror(argv[1]);
        return 2;
    }
    char *line = NULL;
    size_t line_cap = 0;
    size_t buf_cap = 1 << 16;
    char *buf = malloc(buf_cap);
    if (!buf) return 2;
    long lineno = 0;
    ssize_t got;
    while ((got = getline(&line, &line_cap, in)) > 0) {
        lineno++;
        if (line[got - 1] == '\n') line[--got] = '\0';
        char *fields[5];
        char *p = line;
        for (int i = 0; i < 5; i++) {
            fields[i] = p;
            char *tab = strchr(p, '\t');
            if (i < 4) {
                if (!tab) {
                    fprintf(stderr, "line %ld: expected 5 fields\n", lineno);
                    return 2;
                }
                *tab = '\0';
                p = tab + 1;
            }
        }
        long rec_len = unhex(fields[1], strlen(fields[1]));
        long key_len = 0;
        int has_key = strcmp(fields[2], "-") != 0;
        if (has_key) key_len = unhex(fields[2], strlen(fields[2]));
        if (rec_len < 0 || key_len < 0) {
            fprintf(stderr, "line %ld: bad hex\n", lineno);
            return 2;
        }
        uint32_t profile = (uint32_t)strtoul(fields[3], NULL, 10);
        uint32_t lang = (uint32_t)strtoul(fields[4], NULL, 10);
        for (;;) {
            size_t out_len = 0;
            ocmf_result rc = ocmf_verify_report((const uint8_t *)fields[1], (size_t)rec_len,
                                                has_key ? (const uint8_t *)fields[2] : NULL,
                                                (size_t)key_len, profile, lang, buf, buf_cap, &out_len);
            if (rc == OCMF_RESULT_BUFFER_TOO_SMALL) {
                char *bigger = realloc(buf, out_len);
                if (!bigger) return 2;
                buf = bigger;
                buf_cap = out_len;
                continue;
            }
            if ((uint32_t)rc >= 700) {
                fprintf(stderr, "line %ld (%s): ocmf_verify_report returned %u\n", lineno, fields[0],
                        (unsigned)rc);
                return 1;
            }
            fwrite(buf, 1, out_len, stdout);
            fputc('\n', stdout);
            break;
        }
    }
    free(line);
    free(buf);
    fclose(in);
    return fflush(stdout) == 0 ? 0 : 3;
}
