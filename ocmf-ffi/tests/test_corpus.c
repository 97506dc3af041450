/* Every record of vectors/real.jsonl through the C API.
 *
 * Input: the file scripts/ci/c converts from real.jsonl with python3 (the
 * expected verdict is vectors/expected.jsonl's, written by scripts/expected-verdicts):
 *   <id> TAB <expected> TAB <record length> TAB <key length or -1> LF
 *   <record bytes><key bytes> LF
 * expected is valid | invalid-signature | malformed | unsupported | parse-only.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ocmf.h"
#include "check.h"

static const char *verdict_name(ocmf_verdict v) {
    switch (v) {
    case OCMF_VERDICT_VALID: return "valid";
    case OCMF_VERDICT_INVALID_SIGNATURE: return "invalid-signature";
    case OCMF_VERDICT_MALFORMED: return "malformed";
    case OCMF_VERDICT_UNSUPPORTED: return "unsupported";
    default: return "?";
    }
}

/* The value of the top-level "verdict" key of a report (an unescaped
 * `"verdict":"` cannot occur inside a JSON string value). */
static int report_verdict(const char *json, char *out, size_t cap) {
    const char *p = strstr(json, "\"verdict\":\"");
    if (p == NULL) return 0;
    p += strlen("\"verdict\":\"");
    const char *e = strchr(p, '"');
    if (e == NULL || (size_t)(e - p) >= cap) return 0;
    memcpy(out, p, (size_t)(e - p));
    out[e - p] = 0;
    return 1;
}

static unsigned long report_code(const char *json) {
    const char *p = strstr(json, "\"code\":");
    return p == NULL ? 99999UL : strtoul(p + strlen("\"code\":"), NULL, 10);
}

int main(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: %s corpus.tsv\n", argv[0]);
        return 2;
    }
    FILE *f = fopen(argv[1], "rb");
    if (f == NULL) {
        perror(argv[1]);
        return 2;
    }
    int total = 0, agree = 0, parse_only = 0, parsed = 0, cross = 0;
    char id[256], expected[64];
    long rec_len, key_len;
    while (fscanf(f, "%255[^\t]\t%63[^\t]\t%ld\t%ld\n", id, expected, &rec_len, &key_len) == 4) {
        uint8_t *rec = malloc((size_t)rec_len + 1);
        uint8_t *key = key_len >= 0 ? malloc((size_t)key_len + 1) : NULL;
        if (rec == NULL || fread(rec, 1, (size_t)rec_len, f) != (size_t)rec_len ||
            (key_len >= 0 && (key == NULL || fread(key, 1, (size_t)key_len, f) != (size_t)key_len)) ||
            fgetc(f) != '\n') {
            fprintf(stderr, "%s: truncated corpus file\n", id);
            free(rec);
            free(key);
            fclose(f);
            return 2;
        }
        if (strcmp(expected, "parse-only") == 0) {
            /* Records without any key: they must parse (corpus.rs does the same). */
            parse_only++;
            size_t need = 0;
            ocmf_result r = ocmf_inspect(rec, (size_t)rec_len, OCMF_LANG_EN, NULL, 0, &need);
            CHECK_EQ_U(r, OCMF_RESULT_BUFFER_TOO_SMALL);
            char *buf = malloc(need);
            size_t len = 0;
            r = buf ? ocmf_inspect(rec, (size_t)rec_len, OCMF_LANG_EN, buf, need, &len) : OCMF_RESULT_INTERNAL;
            if (r == OCMF_RESULT_OK && len + 1 == need) {
                parsed++;
            } else {
                fprintf(stderr, "%s: parse-only record did not parse: %u\n", id, (unsigned)r);
            }
            free(buf);
            free(rec);
            free(key);
            continue;
        }
        total++;
        /* The canonical report through the key-text route. */
        size_t need = 0;
        ocmf_result code = ocmf_verify_report(rec, (size_t)rec_len, key, key_len >= 0 ? (size_t)key_len : 0,
                                              OCMF_PROFILE_INTEROP, OCMF_LANG_EN, NULL, 0, &need);
        CHECK_EQ_U(code, OCMF_RESULT_BUFFER_TOO_SMALL);
        char *json = malloc(need);
        size_t len = 0;
        code = json ? ocmf_verify_report(rec, (size_t)rec_len, key, key_len >= 0 ? (size_t)key_len : 0,
                                         OCMF_PROFILE_INTEROP, OCMF_LANG_EN, json, need, &len)
                    : OCMF_RESULT_INTERNAL;
        char got[64] = "";
        if (code < 700 && report_verdict(json, got, sizeof got) && strcmp(got, expected) == 0 &&
            report_code(json) == code && len + 1 == need && strlen(json) == len) {
            agree++;
        } else {
            fprintf(stderr, "%s: got %s (code %u), expected %s\n", id, got, (unsigned)code, expected);
        }
        /* The decoded-key route must agree whenever the key decodes. */
        ocmf_key *k = NULL;
        ocmf_result kr = key_len >= 0 ? ocmf_key_parse(key, (size_t)key_len, &k) : OCMF_RESULT_OK;
        if (kr == OCMF_RESULT_OK) {
            ocmf_verdict v = 99;
            ocmf_result r2 = ocmf_verify(rec, (size_t)rec_len, k, OCMF_PROFILE_INTEROP, &v);
            CHECK_EQ_U(r2, code);
            CHECK_STR(verdict_name(v), got);
            cross++;
        } else {
            CHECK(k == NULL);
        }
        ocmf_key_free(k);
        free(json);
        free(rec);
        free(key);
    }
    fclose(f);
    CHECK_EQ_U(agree, total);
    CHECK_EQ_U(parsed, parse_only);
    CHECK(total > 0);
    printf("corpus: %d/%d verdicts agree, %d/%d parse-only records parse, %d cross-checked with a decoded key\n",
           agree, total, parsed, parse_only, cross);
    return check_summary("test_corpus");
}
