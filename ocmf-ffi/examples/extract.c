/* README example: check every charging session in an OCPP log (or any
 * container: TPS XML, PTB JSON, OCMF or hex records) against a trusted-key
 * registry, from C.
 *
 *   cc extract.c $(pkg-config --cflags --libs ocmf) -o extract
 *   ./extract examples/ocpp/stations.log examples/ocpp/registry.csv
 *
 * Prints one summary line, then the canonical JSON (the same bytes as
 * `ocmf extract --json` and every other binding). Exit status: 0 every
 * session valid and the whole input read, 1 some session not valid,
 * 2 unreadable input or registry, usage or API error.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <ocmf.h>

/* Reads a whole file; NULL on failure. */
static uint8_t *slurp(const char *path, size_t *len) {
    FILE *f = fopen(path, "rb");
    if (f == NULL) return NULL;
    uint8_t *buf = NULL;
    size_t cap = 0, n = 0, got;
    do {
        if (n + 65536 > cap) {
            cap = (n + 65536) * 2;
            uint8_t *grown = realloc(buf, cap);
            if (grown == NULL) break;
            buf = grown;
        }
        got = fread(buf + n, 1, cap - n, f);
        n += got;
    } while (got > 0);
    fclose(f);
    *len = n;
    return buf;
}

int main(int argc, char **argv) {
    if (argc < 2 || argc > 3) {
        fprintf(stderr, "usage: %s INPUT [REGISTRY]\n", argv[0]);
        return 2;
    }
    size_t in_len = 0, reg_len = 0;
    uint8_t *in = slurp(argv[1], &in_len);
    if (in == NULL) {
        fprintf(stderr, "cannot read %s\n", argv[1]);
        return 2;
    }

    /* Load the registry once; it is immutable and may be shared by threads. */
    ocmf_registry *registry = NULL;
    if (argc == 3) {
        uint8_t *text = slurp(argv[2], &reg_len);
        size_t line = 0;
        ocmf_result r = text ? ocmf_registry_load(text, reg_len, &registry, &line) : OCMF_RESULT_IO;
        if (r != OCMF_RESULT_OK) {
            char msg[512];
            size_t n = 0;
            if (text == NULL || ocmf_registry_error_message(text, reg_len, OCMF_LANG_EN, msg, sizeof msg, &n) !=
                                    r)
                snprintf(msg, sizeof msg, "%s", ocmf_result_message(r, OCMF_LANG_EN));
            fprintf(stderr, "%s: %s (code %u, line %zu)\n", argv[2], msg, (unsigned)r, line);
            free(text);
            free(in);
            return 2;
        }
        free(text);
    }

    /* Ask for the size, then fill. */
    ocmf_extract_summary sum;
    size_t need = 0, len = 0;
    ocmf_result code = ocmf_extract(in, in_len, NULL, registry, OCMF_PROFILE_INTEROP, OCMF_LANG_EN, NULL, NULL, 0,
                                    &need);
    char *json = code == OCMF_RESULT_BUFFER_TOO_SMALL ? malloc(need) : NULL;
    if (json != NULL)
        code = ocmf_extract(in, in_len, NULL, registry, OCMF_PROFILE_INTEROP, OCMF_LANG_EN, &sum, json, need, &len);
    ocmf_registry_free(registry); /* NULL-safe */
    free(in);
    if (json == NULL || code == OCMF_RESULT_INVALID_ARGUMENT || code == OCMF_RESULT_BUFFER_TOO_SMALL ||
        code == OCMF_RESULT_INTERNAL) {
        fprintf(stderr, "call failed: %s\n", ocmf_result_message(code, OCMF_LANG_EN));
        free(json);
        return 2;
    }

    printf("%zu values, %zu duplicates, %zu errors (first: %s); %zu sessions: %zu valid, %zu incomplete, "
           "%zu invalid, %zu malformed\n",
           sum.values, sum.duplicates, sum.errors, ocmf_result_message(code, OCMF_LANG_EN), sum.sessions, sum.valid,
           sum.incomplete, sum.invalid, sum.malformed);
    printf("%s\n", json);
    free(json);
    if (code != OCMF_RESULT_OK || sum.sessions == 0) return 2;
    return sum.valid == sum.sessions ? 0 : 1;
}
