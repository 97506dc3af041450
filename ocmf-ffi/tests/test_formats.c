/* The other signed-value formats through the C ABI (issue 19): every
 * shared sample (ocmf-core/tests/data/formats/samples.jsonl, converted by
 * corpus_to_tsv.py --formats; ChargePoint's two files as one object, and
 * its one-digit tamper) through ocmf_verify_format gives its
 * independent verdict; the return code, the verdict and the JSON agree; a
 * registry that names a carried key for its meter makes it trusted; what
 * cannot be read is malformed with a 9xx code, never an invalid signature;
 * ocmf_chargepoint_value joins ChargePoint's two files as users have them.
 *
 *   test_formats formats.tsv
 */
#define _POSIX_C_SOURCE 200809L
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ocmf.h"
#include "check.h"
#include "json_mini.h"
#include "tsv.h"

/* ocmf_verify_format into a new heap string (size query, then fill). */
static char *verify_format(const uint8_t *in, size_t len, const ocmf_key *key, const ocmf_registry *reg,
                           uint32_t flags, ocmf_verdict *verdict, ocmf_result *code) {
    size_t need = 0, got = 0;
    *code = ocmf_verify_format(in, len, key, reg, flags, OCMF_LANG_EN, verdict, NULL, 0, &need);
    CHECK_EQ_U(*code, OCMF_RESULT_BUFFER_TOO_SMALL);
    char *buf = malloc(need);
    if (buf == NULL) return NULL;
    *code = ocmf_verify_format(in, len, key, reg, flags, OCMF_LANG_EN, verdict, buf, need, &got);
    CHECK(got + 1 == need && strlen(buf) == got);
    return buf;
}

/* The value of a top-level string member, or "" (into out). */
static const char *member(const char *json, const char *name, char *out, size_t cap) {
    const char *p = json_get(json, name);
    out[0] = 0;
    if (p != NULL) json_str(p, out, cap);
    return out;
}

/* Whether our answer is the sample's independent verdict. */
static int agrees(const char *expected, const char *json) {
    char verdict[64], code[64];
    member(json, "verdict", verdict, sizeof verdict);
    member(json, "code", code, sizeof code);
    if (strcmp(expected, "valid") == 0) return strcmp(verdict, "valid") == 0;
    if (strcmp(expected, "no-key") == 0) return strcmp(verdict, "unsupported") == 0 && strcmp(code, "key_missing") == 0;
    /* A one-digit change inside the signed part (corpus_to_tsv.py). */
    if (strcmp(expected, "tampered") == 0) return strcmp(verdict, "invalid-signature") == 0;
    if (strcmp(expected, "invalid") == 0) {
        const char *sv = json_get(json, "signature_verified");
        return strcmp(verdict, "invalid-signature") == 0 ||
               (strcmp(verdict, "malformed") == 0 &&
                ((sv != NULL && strncmp(sv, "true", 4) == 0) || strcmp(code, "key_invalid_point") == 0));
    }
    return 0;
}

static const char *VERDICTS[] = {"valid", "invalid-signature", "malformed", "unsupported"};

/* Registers `sec1` for `meter` and checks the carried-key value under it. */
static void trust_under(const uint8_t *value, long len, const char *meter, const char *sec1, const char *want) {
    char csv[1024];
    snprintf(csv, sizeof csv, "meter_serial,public_key\n%s,%s\n", meter, sec1);
    ocmf_registry *reg = NULL;
    size_t line = 0;
    CHECK_EQ_U(ocmf_registry_load((const uint8_t *)csv, strlen(csv), &reg, &line), OCMF_RESULT_OK);
    ocmf_verdict v = OCMF_VERDICT_MALFORMED;
    ocmf_result code = 0;
    char *json = verify_format(value, (size_t)len, NULL, reg, OCMF_PROFILE_INTEROP, &v, &code);
    char status[32] = "";
    const char *trust = json ? json_get(json, "trust") : NULL;
    if (trust != NULL) member(trust, "status", status, sizeof status);
    CHECK_STR(status, want);
    CHECK_EQ_U(v, OCMF_VERDICT_VALID);
    free(json);
    ocmf_registry_free(reg);
}

int main(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: %s formats.tsv\n", argv[0]);
        return 2;
    }
    FILE *f = fopen(argv[1], "rb");
    if (f == NULL) {
        perror(argv[1]);
        return 2;
    }
    tsv_entry e;
    int read_entry, total = 0, agree = 0, trusted = 0;
    while ((read_entry = tsv_next(f, &e)) == 1) {
        total++;
        ocmf_key *key = NULL;
        ocmf_result kr = e.key != NULL ? ocmf_key_parse(e.key, (size_t)e.key_len, &key) : OCMF_RESULT_OK;
        if (kr != OCMF_RESULT_OK) {
            /* A given key that is no point on its curve (ISA sign-fail) is
             * the key's own error in C, before any value is read. */
            CHECK_EQ_U(kr, OCMF_RESULT_KEY_INVALID_POINT);
            if (strcmp(e.expected, "invalid") == 0 && kr == OCMF_RESULT_KEY_INVALID_POINT) agree++;
            free(e.value);
            free(e.key);
            continue;
        }
        ocmf_verdict v = 99;
        ocmf_result code = 0;
        char *json = verify_format(e.value, (size_t)e.value_len, key, NULL, OCMF_PROFILE_INTEROP, &v, &code);
        char verdict[64] = "", name[64] = "";
        if (json != NULL) {
            member(json, "verdict", verdict, sizeof verdict);
            member(json, "code", name, sizeof name);
        }
        if (json != NULL && agrees(e.expected, json)) {
            agree++;
        } else {
            fprintf(stderr, "%s: got %s (%s), expected %s\n", e.id, verdict, name, e.expected);
        }
        /* The verdict out-parameter and the return code say what the JSON says. */
        CHECK(v <= OCMF_VERDICT_UNSUPPORTED && strcmp(VERDICTS[v], verdict) == 0);
        if (strcmp(verdict, "valid") == 0) CHECK_EQ_U(code, OCMF_RESULT_OK);
        if (strcmp(verdict, "invalid-signature") == 0) CHECK_EQ_U(code, OCMF_RESULT_INVALID_SIGNATURE);
        /* Every backend gives the same bytes. */
        ocmf_result rb = 0;
        char *ref = verify_format(e.value, (size_t)e.value_len, key, NULL,
                                  OCMF_PROFILE_INTEROP | OCMF_BACKEND_REFERENCE, &v, &rb);
        CHECK(json != NULL && ref != NULL && strcmp(json, ref) == 0);
        CHECK_EQ_U(rb, code);
        free(ref);
        /* A valid value with its key inside: untrusted until the registry
         * names that key for its meter. */
        const char *value = json ? json_get(json, "value") : NULL;
        const char *k = json ? json_get(json, "key") : NULL;
        char src[32] = "", sec1[200] = "", meter[128] = "";
        if (k != NULL) member(k, "source", src, sizeof src);
        if (k != NULL) member(k, "sec1", sec1, sizeof sec1);
        if (value != NULL) member(value, "meter_serial", meter, sizeof meter);
        if (strcmp(verdict, "valid") == 0 && strcmp(src, "carried") == 0 && meter[0] != 0) {
            trust_under(e.value, e.value_len, meter, sec1, "trusted");
            trust_under(e.value, e.value_len, "SOME-OTHER-METER", sec1, "untrusted");
            trusted++;
        }
        free(json);
        ocmf_key_free(key);
        free(e.value);
        free(e.key);
    }
    fclose(f);
    if (read_entry < 0) return 2;
    CHECK_EQ_U(total, 42); /* 41 samples and the ChargePoint tamper */
    CHECK_EQ_U(agree, total);
    CHECK(trusted >= 15);

    /* ChargePoint's two files as users have them (the secrrct text and its
     * binary secrrct.sign), joined by ocmf_chargepoint_value: the value
     * verifies with the given key, and a changed digit does not. */
    {
        FILE *g = fopen(argv[1], "rb");
        CHECK(g != NULL);
        int joined = 0;
        while (g != NULL && tsv_next(g, &e) == 1) {
            char *text = malloc((size_t)e.value_len + 1);
            char *doc = malloc((size_t)e.value_len + 1), hex[1024] = "";
            if (text != NULL && doc != NULL && strcmp(e.expected, "valid") == 0) {
                memcpy(text, e.value, (size_t)e.value_len);
                text[e.value_len] = 0;
                const char *d = text[0] == '{' ? json_get(text, "secrrct") : NULL;
                const char *h = text[0] == '{' ? json_get(text, "signature") : NULL;
                if (d != NULL && h != NULL && json_str(d, doc, (size_t)e.value_len + 1) != (size_t)-1 &&
                    json_str(h, hex, sizeof hex) != (size_t)-1) {
                    uint8_t der[512];
                    size_t n = strlen(hex) / 2;
                    CHECK(n <= sizeof der);
                    for (size_t i = 0; i < n && i < sizeof der; i++) sscanf(hex + 2 * i, "%2hhx", &der[i]);
                    CHECK_EQ_U(der[0], 0x30);
                    ocmf_key *key = NULL;
                    CHECK_EQ_U(ocmf_key_parse(e.key, (size_t)e.key_len, &key), OCMF_RESULT_OK);
                    for (int tamper = 0; tamper < 2; tamper++) {
                        char *at = strstr(doc, "86.6");
                        CHECK(at != NULL);
                        if (tamper && at != NULL) at[3] = '7';
                        size_t need = 0, got = 0;
                        CHECK_EQ_U(ocmf_chargepoint_value((const uint8_t *)doc, strlen(doc), der, n, NULL, 0, &need),
                                   OCMF_RESULT_BUFFER_TOO_SMALL);
                        char *value = malloc(need);
                        CHECK(value != NULL);
                        if (value == NULL) break;
                        CHECK_EQ_U(ocmf_chargepoint_value((const uint8_t *)doc, strlen(doc), der, n, value, need, &got),
                                   OCMF_RESULT_OK);
                        ocmf_verdict v = 99;
                        ocmf_result code = 0;
                        char *json = verify_format((const uint8_t *)value, got, key, NULL, OCMF_PROFILE_INTEROP, &v,
                                                   &code);
                        CHECK_EQ_U(v, tamper ? OCMF_VERDICT_INVALID_SIGNATURE : OCMF_VERDICT_VALID);
                        CHECK_EQ_U(code, tamper ? OCMF_RESULT_INVALID_SIGNATURE : OCMF_RESULT_OK);
                        free(json);
                        free(value);
                    }
                    ocmf_key_free(key);
                    joined++;
                }
            }
            free(text);
            free(doc);
            free(e.value);
            free(e.key);
        }
        if (g != NULL) fclose(g);
        CHECK_EQ_U(joined, 1);
        size_t need = 0;
        CHECK_EQ_U(ocmf_chargepoint_value(NULL, 3, NULL, 0, NULL, 0, &need), OCMF_RESULT_INVALID_ARGUMENT);
        CHECK_EQ_U(ocmf_chargepoint_value((const uint8_t *)"{}", 2, NULL, 0, NULL, 0, NULL),
                   OCMF_RESULT_INVALID_ARGUMENT);
    }

    /* What cannot be read: malformed with a 9xx code, the JSON written. */
    const char *bad[] = {"hello", "AP;0;3;NOT-BASE32;;;", "<signedMeterValue><broken", "{\"signedMeterValues\": []}"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        ocmf_verdict v = 99;
        ocmf_result code = 0;
        char *json = verify_format((const uint8_t *)bad[i], strlen(bad[i]), NULL, NULL, OCMF_PROFILE_INTEROP, &v,
                                   &code);
        CHECK_EQ_U(v, OCMF_VERDICT_MALFORMED);
        CHECK(code >= 900 && code <= 911);
        char name[64] = "";
        if (json != NULL) member(json, "code", name, sizeof name);
        CHECK(strncmp(name, "format_", 7) == 0);
        free(json);
    }
    /* Bad arguments write nothing. */
    size_t need = 0;
    CHECK_EQ_U(ocmf_verify_format(NULL, 3, NULL, NULL, OCMF_PROFILE_INTEROP, OCMF_LANG_EN, NULL, NULL, 0, &need),
               OCMF_RESULT_INVALID_ARGUMENT);
    CHECK_EQ_U(ocmf_verify_format((const uint8_t *)"x", 1, NULL, NULL, OCMF_PROFILE_INTEROP, OCMF_LANG_EN, NULL,
                                  NULL, 0, NULL),
               OCMF_RESULT_INVALID_ARGUMENT);
    CHECK_EQ_U(ocmf_verify_format((const uint8_t *)"x", 1, NULL, NULL, OCMF_PROFILE_INTEROP | 0x400u, OCMF_LANG_EN,
                                  NULL, NULL, 0, &need),
               OCMF_RESULT_INVALID_ARGUMENT);

    printf("formats: %d/%d samples agree, %d carried keys trusted by a registry\n", agree, total, trusted);
    return check_summary("test_formats");
}
