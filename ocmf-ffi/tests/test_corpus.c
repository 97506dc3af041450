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
#include "tsv.h"

static const char *verdict_name(ocmf_verdict v) {
    switch (v) {
    case OCMF_VERDICT_VALID: return "valid";
    case OCMF_VERDICT_INVALID_SIGNATURE: return "invalid-signature";
    case OCMF_VERDICT_MALFORMED: return "malformed";
    case OCMF_VERDICT_UNSUPPORTED: return "unsupported";
    default: return "?";
    }
}

/* The canonical report of one record on `profile` (with a backend flag, if
 * any), malloc'ed; NULL when the call fails for the caller's reason. */
static char *report_on(const uint8_t *rec, long rec_len, const uint8_t *key, long key_len,
                       uint32_t profile, ocmf_result *code) {
    size_t need = 0, len = 0;
    size_t klen = key_len >= 0 ? (size_t)key_len : 0;
    *code = ocmf_verify_report(rec, (size_t)rec_len, key, klen, profile, OCMF_LANG_EN, NULL, 0, &need);
    if (*code != OCMF_RESULT_BUFFER_TOO_SMALL) return NULL;
    char *json = malloc(need);
    if (json == NULL) return NULL;
    *code = ocmf_verify_report(rec, (size_t)rec_len, key, klen, profile, OCMF_LANG_EN, json, need, &len);
    return json;
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
    int total = 0, agree = 0, parse_only = 0, parsed = 0, cross = 0, reference = 0;
    /* Every checked record, for one batch per backend at the end. */
    ocmf_batch_item items[1024];
    uint8_t *owned[2048];
    size_t n_items = 0, n_owned = 0;
    tsv_entry e;
    int read_entry;
    while ((read_entry = tsv_next(f, &e)) == 1) {
        const char *id = e.id, *expected = e.expected;
        uint8_t *rec = e.value, *key = e.key;
        long rec_len = e.value_len, key_len = e.key_len;
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
        /* The reference backend (RustCrypto's own ECDSA) gives the same
         * report, byte for byte; so does every other backend. */
        const uint32_t flags[] = {OCMF_BACKEND_REFERENCE, OCMF_BACKEND_PURE_RUST, OCMF_BACKEND_NATIVE,
                                  OCMF_BACKEND_AUTO};
        for (size_t b = 0; b < sizeof flags / sizeof flags[0]; b++) {
            ocmf_result rb = 0;
            char *other = report_on(rec, rec_len, key, key_len, OCMF_PROFILE_INTEROP | flags[b], &rb);
            CHECK_EQ_U(rb, code);
            CHECK(other != NULL && json != NULL && strcmp(other, json) == 0);
            if (b == 0 && other != NULL && json != NULL && strcmp(other, json) == 0) reference++;
            free(other);
        }
        /* The decoded-key route must agree whenever the key decodes. */
        ocmf_key *k = NULL;
        ocmf_result kr = key_len >= 0 ? ocmf_key_parse(key, (size_t)key_len, &k) : OCMF_RESULT_OK;
        if (kr == OCMF_RESULT_OK) {
            ocmf_verdict v = 99;
            ocmf_result r2 = ocmf_verify(rec, (size_t)rec_len, k, OCMF_PROFILE_INTEROP, &v);
            CHECK_EQ_U(r2, code);
            CHECK_STR(verdict_name(v), got);
            ocmf_verdict vr = 99;
            r2 = ocmf_verify(rec, (size_t)rec_len, k, OCMF_PROFILE_INTEROP | OCMF_BACKEND_REFERENCE, &vr);
            CHECK_EQ_U(r2, code);
            CHECK_EQ_U(vr, v);
            cross++;
        } else {
            CHECK(k == NULL);
        }
        ocmf_key_free(k);
        free(json);
        if (n_items < sizeof items / sizeof items[0]) {
            items[n_items].record = rec;
            items[n_items].record_len = (size_t)rec_len;
            items[n_items].key = NULL;
            items[n_items].key_text = key;
            items[n_items].key_text_len = key_len >= 0 ? (size_t)key_len : 0;
            n_items++;
            owned[n_owned++] = rec;
            owned[n_owned++] = key;
        } else {
            free(rec);
            free(key);
        }
    }
    fclose(f);
    if (read_entry < 0) return 2;
    /* One batch per backend over every checked record: the same answers. */
    static ocmf_batch_result by_default[1024], by_reference[1024];
    CHECK_EQ_U(ocmf_verify_batch_items(items, n_items, OCMF_PROFILE_INTEROP, 2, by_default), OCMF_RESULT_OK);
    CHECK_EQ_U(ocmf_verify_batch_items(items, n_items, OCMF_PROFILE_INTEROP | OCMF_BACKEND_REFERENCE, 2,
                                       by_reference),
               OCMF_RESULT_OK);
    int valid = 0, batch_agree = 0;
    for (size_t i = 0; i < n_items; i++) {
        if (memcmp(&by_default[i], &by_reference[i], sizeof by_default[i]) == 0) batch_agree++;
        if (by_default[i].verdict == OCMF_VERDICT_VALID) valid++;
    }
    CHECK_EQ_U(batch_agree, n_items);
    CHECK(valid > 0 && (size_t)valid < n_items);
    /* An unknown backend flag is the call's own error, not a silent AUTO. */
    ocmf_batch_result none[1];
    CHECK_EQ_U(ocmf_verify_batch_items(items, 1, OCMF_PROFILE_INTEROP | 0x400u, 1, none),
               OCMF_RESULT_INVALID_ARGUMENT);
    for (size_t i = 0; i < n_owned; i++) free(owned[i]);
    CHECK_EQ_U(agree, total);
    CHECK_EQ_U(parsed, parse_only);
    CHECK(total > 0);
    CHECK_EQ_U(reference, total);
    printf("corpus: %d/%d verdicts agree, %d/%d parse-only records parse, %d cross-checked with a decoded key, "
           "%d/%d reports identical on the reference backend, %d/%zu batch rows identical\n",
           agree, total, parsed, parse_only, cross, reference, total, batch_agree, n_items);
    return check_summary("test_corpus");
}
