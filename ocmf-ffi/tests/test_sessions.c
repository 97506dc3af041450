/* Trusted-key registries, sessions and transports through the C ABI, on the
 * demo OCPP log of examples/ocpp (five stations: CP-1 valid trusted
 * 22.3242 kWh, CP-2 valid trusted 31.2500, CP-3 valid untrusted 22.6770,
 * CP-4 invalid mismatch, CP-5 incomplete; 9 values, 1 duplicate, 1 bad line
 * 14): the same expectations as ocmf-cli/tests/sessions.rs. The log's
 * values in one ocmf_verify_batch_trusted call, row by row against
 * ocmf_verify_trusted. Plus malformed registries, XML and logs, the XML
 * round trip, buffer protocol, and one registry shared by several threads.
 *
 *   test_sessions examples/ocpp/stations.log examples/ocpp/registry.csv
 */
#define _POSIX_C_SOURCE 200809L /* strdup */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ocmf.h"
#include "check.h"
#include "json_mini.h"

static char *LOG;
static size_t LOG_LEN;
static char *KEYS;
static size_t KEYS_LEN;

static char *slurp(const char *path, size_t *len) {
    FILE *f = fopen(path, "rb");
    if (f == NULL) return NULL;
    char *buf = NULL;
    size_t cap = 0, n = 0, got;
    do {
        if (n + 4096 + 1 > cap) {
            cap = (n + 4096 + 1) * 2;
            char *grown = realloc(buf, cap);
            if (grown == NULL) {
                free(buf);
                fclose(f);
                return NULL;
            }
            buf = grown;
        }
        got = fread(buf + n, 1, 4096, f);
        n += got;
    } while (got > 0);
    fclose(f);
    buf[n] = '\0';
    *len = n;
    return buf;
}

/* ---------------------------------------------------------------- calls */

/* ocmf_extract into a new heap string (size query, then fill); NULL on a
 * call failure (the code is in *code either way). */
static char *extract_on(const char *in, size_t len, const ocmf_registry *reg, uint32_t profile, uint32_t lang,
                        ocmf_extract_summary *sum, ocmf_result *code) {
    size_t need = 0, got = 0;
    *code = ocmf_extract(U8(in), len, NULL, reg, profile, lang, sum, NULL, 0, &need);
    if (*code != OCMF_RESULT_BUFFER_TOO_SMALL) return NULL;
    char *buf = malloc(need);
    if (buf == NULL) return NULL;
    *code = ocmf_extract(U8(in), len, NULL, reg, profile, lang, sum, buf, need, &got);
    if (got + 1 != need || strlen(buf) != got) {
        fprintf(stderr, "extract: length %zu, needed %zu\n", got, need);
        free(buf);
        return NULL;
    }
    return buf;
}

static char *to_xml(const char *in, size_t len, ocmf_result *code) {
    size_t need = 0, got = 0;
    *code = ocmf_to_xml(U8(in), len, NULL, 0, &need);
    if (*code != OCMF_RESULT_BUFFER_TOO_SMALL) return NULL;
    char *buf = malloc(need);
    if (buf == NULL) return NULL;
    *code = ocmf_to_xml(U8(in), len, buf, need, &got);
    if (got + 1 != need) {
        free(buf);
        return NULL;
    }
    return buf;
}

static char *session(const ocmf_session_record *recs, size_t n, const ocmf_registry *reg, uint32_t lang,
                     ocmf_session_verdict *verdict, ocmf_result *code) {
    size_t need = 0, got = 0;
    *code = ocmf_session_evaluate(recs, n, NULL, reg, OCMF_PROFILE_INTEROP, lang, verdict, NULL, 0, &need);
    if (*code != OCMF_RESULT_BUFFER_TOO_SMALL) return NULL;
    char *buf = malloc(need);
    if (buf == NULL) return NULL;
    *code = ocmf_session_evaluate(recs, n, NULL, reg, OCMF_PROFILE_INTEROP, lang, verdict, buf, need, &got);
    if (got + 1 != need) {
        free(buf);
        return NULL;
    }
    return buf;
}

static char *trusted(const char *rec, size_t len, const char *key, const ocmf_registry *reg,
                     ocmf_trust *trust, ocmf_result *code) {
    size_t need = 0, got = 0, klen = key ? strlen(key) : 0;
    *code = ocmf_verify_trusted(U8(rec), len, U8(key), klen, reg, OCMF_PROFILE_INTEROP, OCMF_LANG_EN, trust,
                                NULL, 0, &need);
    if (*code != OCMF_RESULT_BUFFER_TOO_SMALL) return NULL;
    char *buf = malloc(need);
    if (buf == NULL) return NULL;
    *code = ocmf_verify_trusted(U8(rec), len, U8(key), klen, reg, OCMF_PROFILE_INTEROP, OCMF_LANG_EN, trust,
                                buf, need, &got);
    if (got + 1 != need) {
        free(buf);
        return NULL;
    }
    return buf;
}

static ocmf_registry *load_keys(void) {
    ocmf_registry *reg = NULL;
    size_t line = 99;
    CHECK_EQ_U(ocmf_registry_load(U8(KEYS), KEYS_LEN, &reg, &line), OCMF_RESULT_OK);
    CHECK_EQ_U(line, 0);
    return reg;
}

/* ---------------------------------------------------------------- the extraction's values */

#define NVALUES 9
static char *RECORD[NVALUES];
static char *KEY[NVALUES]; /* NULL when the value carries none */

static int read_values(const char *json) {
    const char *values = json_get(json_get(json, "extraction"), "values");
    if (json_len(values) != NVALUES) return 0;
    for (size_t i = 0; i < NVALUES; i++) {
        const char *v = json_at(values, i);
        char tmp[8192];
        size_t n = json_str(json_get(v, "record"), tmp, sizeof tmp);
        if (n == (size_t)-1) return 0;
        RECORD[i] = strdup(tmp);
        const char *k = json_get(v, "public_key");
        KEY[i] = json_is(k, "null") || json_str(k, tmp, sizeof tmp) == (size_t)-1 ? NULL : strdup(tmp);
    }
    return 1;
}

static void free_values(void) {
    for (size_t i = 0; i < NVALUES; i++) {
        free(RECORD[i]);
        free(KEY[i]);
        RECORD[i] = KEY[i] = NULL;
    }
}

/* ---------------------------------------------------------------- tests */

/* Checks one session of an `ocmf_extract` JSON: station, verdict, trust, kWh. */
static void check_row(const char *json, size_t i, const char *station, const char *verdict, const char *trust,
                      const char *kwh) {
    const char *s = json_at(json_get(json, "sessions"), i);
    const char *r = json_get(s, "report");
    char want[64];
    snprintf(want, sizeof want, "\"%s\"", station);
    CHECK(json_is(json_get(s, "station"), want));
    snprintf(want, sizeof want, "\"%s\"", verdict);
    CHECK(json_is(json_get(r, "verdict"), want));
    snprintf(want, sizeof want, "\"%s\"", trust);
    CHECK(json_is(json_get(r, "trust"), want));
    if (kwh == NULL) {
        CHECK(json_is(json_get(r, "energy"), "null"));
    } else {
        snprintf(want, sizeof want, "\"%s\"", kwh);
        CHECK(json_is(json_get(json_get(r, "energy"), "kwh"), want));
    }
    /* The row as it came out, so that a failure shows it. */
    char got_v[32] = "?", got_t[32] = "?";
    json_str(json_get(r, "verdict"), got_v, sizeof got_v);
    json_str(json_get(r, "trust"), got_t, sizeof got_t);
    printf("  session %zu %s: %s %s\n", i, station, got_v, got_t);
}

static char *extract(const char *in, size_t len, const ocmf_registry *reg, uint32_t lang,
                     ocmf_extract_summary *sum, ocmf_result *code) {
    return extract_on(in, len, reg, OCMF_PROFILE_INTEROP, lang, sum, code);
}

/* The reference backend (RustCrypto's own ECDSA, for every key: carried,
 * registered, the record's own) gives the same extraction and sessions,
 * with and without a registry. */
static void test_extract_on_the_reference_backend(void) {
    ocmf_registry *reg = load_keys();
    const ocmf_registry *regs[] = {reg, NULL};
    for (size_t i = 0; i < 2; i++) {
        ocmf_result c1 = 0, c2 = 0;
        ocmf_extract_summary s1, s2;
        memset(&s1, 0, sizeof s1);
        memset(&s2, 0xab, sizeof s2);
        char *a = extract_on(LOG, LOG_LEN, regs[i], OCMF_PROFILE_INTEROP, OCMF_LANG_EN, &s1, &c1);
        char *b = extract_on(LOG, LOG_LEN, regs[i], OCMF_PROFILE_INTEROP | OCMF_BACKEND_REFERENCE, OCMF_LANG_EN,
                             &s2, &c2);
        CHECK(a != NULL && b != NULL && strcmp(a, b) == 0);
        CHECK_EQ_U(c1, c2);
        CHECK(memcmp(&s1, &s2, sizeof s1) == 0);
        CHECK(s1.valid > 0);
        free(a);
        free(b);
    }
    ocmf_registry_free(reg);
}

static void test_extract_with_registry(void) {
    ocmf_registry *reg = load_keys();
    ocmf_extract_summary sum;
    memset(&sum, 0xab, sizeof sum);
    ocmf_result code;
    char *json = extract(LOG, LOG_LEN, reg, OCMF_LANG_EN, &sum, &code);
    CHECK(json != NULL);
    if (json == NULL) goto out;
    /* The bad line 14 is reported, everything else still read. */
    CHECK_EQ_U(code, OCMF_RESULT_TRANSPORT_FORMAT);
    CHECK_EQ_U(sum.values, 9);
    CHECK_EQ_U(sum.errors, 1);
    CHECK_EQ_U(sum.duplicates, 1);
    CHECK_EQ_U(sum.sessions, 5);
    CHECK_EQ_U(sum.valid, 3);
    CHECK_EQ_U(sum.incomplete, 1);
    CHECK_EQ_U(sum.invalid, 1);
    CHECK_EQ_U(sum.malformed, 0);
    const char *ex = json_get(json, "extraction");
    CHECK(json_is(json_get(ex, "format"), "\"ocpp-log\""));
    CHECK_EQ_U(json_len(json_get(ex, "values")), 9);
    CHECK(json_is(json_get(ex, "duplicates"), "1"));
    CHECK_EQ_U(json_len(json_get(ex, "errors")), 1);
    CHECK(json_is(json_get(json_at(json_get(ex, "errors"), 0), "line"), "14"));
    CHECK(json_is(json_get(json_at(json_get(ex, "errors"), 0), "code"), "805"));
    CHECK_EQ_U(json_len(json_get(json, "sessions")), 5);
    check_row(json, 0, "CP-1", "valid", "trusted", "22.3242");
    check_row(json, 1, "CP-2", "valid", "trusted", "31.2500");
    check_row(json, 2, "CP-3", "valid", "untrusted", "22.6770");
    check_row(json, 3, "CP-4", "invalid", "mismatch", "30.5000");
    check_row(json, 4, "CP-5", "incomplete", "trusted", NULL);
    const char *cp1 = json_get(json_at(json_get(json, "sessions"), 0), "report");
    CHECK(json_is(json_get(json_get(cp1, "energy"), "wh"), "\"22324.2\""));
    CHECK(json_is(json_get(cp1, "duration_seconds"), "\"4350.000\""));
    CHECK(json_is(json_get(cp1, "code"), "0"));
    CHECK(strstr(json, "The energy shown may be billed") != NULL);
    /* Every OCPP encoding of the log was recognised. */
    const char *transports[] = {"ocpp16-plain", "ocpp16-envelope", "ocpp20-base64", "ocpp20-raw", "ocpp16-hex"};
    for (size_t t = 0; t < 5; t++) {
        char want[64];
        snprintf(want, sizeof want, "\"transport\":\"%s\"", transports[t]);
        CHECK(strstr(json, want) != NULL);
    }
    CHECK(read_values(json));
    free(json);

    /* German. */
    json = extract(LOG, LOG_LEN, reg, OCMF_LANG_DE, NULL, &code);
    CHECK(json != NULL && code == OCMF_RESULT_TRANSPORT_FORMAT);
    CHECK(json != NULL && strstr(json, "Die angezeigte Energie darf abgerechnet werden") != NULL);
    CHECK(json != NULL && strstr(json, "Endzählerstand") != NULL);
    free(json);
out:
    ocmf_registry_free(reg);
}

static void test_extract_without_registry(void) {
    ocmf_result code;
    ocmf_extract_summary sum;
    char *json = extract(LOG, LOG_LEN, NULL, OCMF_LANG_EN, &sum, &code);
    CHECK(json != NULL);
    if (json == NULL) return;
    /* CP-1 and CP-5 carry no key at all; CP-4's carried key verifies. */
    const char *r0 = json_get(json_at(json_get(json, "sessions"), 0), "report");
    CHECK(json_is(json_get(r0, "verdict"), "\"incomplete\""));
    check_row(json, 2, "CP-3", "valid", "untrusted", "22.6770");
    check_row(json, 3, "CP-4", "valid", "untrusted", "30.5000");
    CHECK_EQ_U(sum.sessions, 5);
    free(json);
}

/* The trust of each value checked with the key it carried, as `ocmf verify
 * --keys` does. */
static const ocmf_trust WANT_TRUST[NVALUES] = {
    OCMF_TRUST_TRUSTED,   OCMF_TRUST_TRUSTED,  OCMF_TRUST_TRUSTED,  OCMF_TRUST_TRUSTED, OCMF_TRUST_UNTRUSTED,
    OCMF_TRUST_UNTRUSTED, OCMF_TRUST_MISMATCH, OCMF_TRUST_MISMATCH, OCMF_TRUST_TRUSTED};

static void test_verify_trusted(void) {
    ocmf_registry *reg = load_keys();
    const ocmf_trust *want = WANT_TRUST;
    static const char *const names[] = {"trusted", "untrusted", "mismatch", "expired", "unknown"};
    for (size_t i = 0; i < NVALUES; i++) {
        if (RECORD[i] == NULL) {
            CHECK(0);
            continue;
        }
        ocmf_trust t = 99;
        ocmf_result code;
        char *json = trusted(RECORD[i], strlen(RECORD[i]), KEY[i], reg, &t, &code);
        CHECK(json != NULL);
        if (json == NULL) continue;
        CHECK_EQ_U(t, want[i]);
        char status[32];
        snprintf(status, sizeof status, "\"%s\"", t <= OCMF_TRUST_UNKNOWN ? names[t] : "?");
        CHECK(json_is(json_get(json_get(json, "trust"), "status"), status));
        /* CP-4 (values 6, 7) is signed by another key than the registered one. */
        if (i == 6 || i == 7) {
            CHECK_EQ_U(code, OCMF_RESULT_INVALID_SIGNATURE);
            CHECK(json_is(json_get(json, "verdict"), "\"invalid-signature\""));
        } else {
            CHECK_EQ_U(code, OCMF_RESULT_OK);
        }
        /* The fingerprint of the registered key is the key handle's fingerprint. */
        if (i == 0) {
            char fp[32], quoted[40];
            size_t n = 0;
            ocmf_key *k = NULL;
            /* DEMO-0001's key, first data row of registry.csv. */
            const char *row = strstr(KEYS, "DEMO-0001,");
            CHECK(row != NULL);
            if (row != NULL) {
                const char *start = row + strlen("DEMO-0001,");
                const char *end = strchr(start, ',');
                CHECK_EQ_U(ocmf_key_parse(U8(start), (size_t)(end - start), &k), OCMF_RESULT_OK);
                CHECK_EQ_U(ocmf_key_fingerprint(k, fp, sizeof fp, &n), OCMF_RESULT_OK);
                CHECK_EQ_U(n, 16);
                snprintf(quoted, sizeof quoted, "\"%s\"", fp);
                CHECK(json_is(json_get(json, "key_fingerprint"), quoted));
                ocmf_key_free(k);
            }
        }
        free(json);
    }
    /* Without a registry the carried key is untrusted; no key is unknown. */
    ocmf_trust t = 99;
    ocmf_result code;
    char *json = trusted(RECORD[4], strlen(RECORD[4]), KEY[4], NULL, &t, &code);
    CHECK(json != NULL && code == OCMF_RESULT_OK && t == OCMF_TRUST_UNTRUSTED);
    free(json);
    json = trusted(RECORD[0], strlen(RECORD[0]), NULL, NULL, &t, &code);
    CHECK(json != NULL && code == OCMF_RESULT_KEY_MISSING && t == OCMF_TRUST_UNKNOWN);
    free(json);
    /* A record that is not UTF-8: a malformed report, trust unknown. */
    const uint8_t bad[] = {'O', 'C', 'M', 'F', '|', '{', 0xff, '}', '|', '{', '}'};
    json = trusted((const char *)bad, sizeof bad, NULL, reg, &t, &code);
    CHECK(json != NULL && code == OCMF_RESULT_NOT_UTF8 && t == OCMF_TRUST_UNKNOWN);
    CHECK(json != NULL && json_is(json_get(json, "verdict"), "\"malformed\""));
    free(json);
    /* Argument errors write nothing. */
    char out[64] = "untouched";
    size_t len = 7;
    t = 99;
    CHECK_EQ_U(ocmf_verify_trusted(U8(RECORD[0]), strlen(RECORD[0]), NULL, 0, reg, OCMF_PROFILE_INTEROP,
                                   OCMF_LANG_EN, NULL, out, sizeof out, &len),
               OCMF_RESULT_INVALID_ARGUMENT);
    CHECK_EQ_U(ocmf_verify_trusted(U8(RECORD[0]), strlen(RECORD[0]), NULL, 0, reg, 7, OCMF_LANG_EN, &t, out,
                                   sizeof out, &len),
               OCMF_RESULT_INVALID_ARGUMENT);
    CHECK_EQ_U(ocmf_verify_trusted(NULL, 3, NULL, 0, reg, OCMF_PROFILE_INTEROP, OCMF_LANG_EN, &t, out, sizeof out,
                                   &len),
               OCMF_RESULT_INVALID_ARGUMENT);
    /* Too small: only the needed size. */
    CHECK_EQ_U(ocmf_verify_trusted(U8(RECORD[0]), strlen(RECORD[0]), NULL, 0, reg, OCMF_PROFILE_INTEROP,
                                   OCMF_LANG_EN, &t, out, sizeof out, &len),
               OCMF_RESULT_BUFFER_TOO_SMALL);
    CHECK(len > sizeof out);
    CHECK_EQ_U(t, 99);
    CHECK_STR(out, "untouched");
    ocmf_registry_free(reg);
}

/* The values of the log in one ocmf_verify_batch_trusted call, each with
 * the key it carried and again without a key (the registry's key, else
 * none), with the demo registry and with none, on threads 1, 2 and 0: each
 * row has the code, verdict and trust of ocmf_verify_trusted on the same
 * record, key and registry. */
static void test_verify_batch_trusted(void) {
    ocmf_registry *reg = load_keys();
    ocmf_batch_item items[2 * NVALUES];
    for (size_t i = 0; i < NVALUES; i++) {
        const uint8_t *r = U8(RECORD[i]), *k = U8(KEY[i]);
        items[i] = (ocmf_batch_item){r, strlen(RECORD[i]), NULL, k, KEY[i] ? strlen(KEY[i]) : 0};
        items[NVALUES + i] = (ocmf_batch_item){r, strlen(RECORD[i]), NULL, NULL, 0};
    }
    static const size_t threads[3] = {1, 2, 0};
    const ocmf_registry *regs[2] = {reg, NULL};
    for (size_t g = 0; g < 2; g++) {
        for (size_t t = 0; t < 3; t++) {
            ocmf_batch_result out[2 * NVALUES];
            ocmf_trust trust[2 * NVALUES];
            memset(out, 0xab, sizeof out);
            memset(trust, 0xab, sizeof trust);
            CHECK_EQ_U(ocmf_verify_batch_trusted(items, 2 * NVALUES, regs[g], OCMF_PROFILE_INTEROP, threads[t], out,
                                                 trust),
                       OCMF_RESULT_OK);
            size_t agree = 0;
            for (size_t i = 0; i < 2 * NVALUES; i++) {
                const char *key = i < NVALUES ? KEY[i] : NULL;
                const char *record = RECORD[i % NVALUES];
                ocmf_trust st = 99;
                ocmf_result code;
                char *json = trusted(record, strlen(record), key, regs[g], &st, &code);
                char verdict[32] = "?";
                json_str(json_get(json, "verdict"), verdict, sizeof verdict);
                static const char *const verdicts[] = {"valid", "invalid-signature", "malformed", "unsupported"};
                int same = json != NULL && out[i].code == code && trust[i] == st &&
                           (unsigned)out[i].verdict < 4 && strcmp(verdicts[out[i].verdict], verdict) == 0;
                if (!same)
                    fprintf(stderr,
                            "batch trusted [%zu] registry %zu threads %zu: code %u/%u trust %u/%u verdict %u/%s\n",
                            i, g, threads[t], (unsigned)out[i].code, (unsigned)code, (unsigned)trust[i],
                            (unsigned)st, (unsigned)out[i].verdict, verdict);
                agree += (size_t)same;
                free(json);
            }
            CHECK_EQ_U(agree, 2 * NVALUES);
            if (regs[g] == NULL) continue;
            /* With the carried keys: the trusts test_verify_trusted expects. */
            for (size_t i = 0; i < NVALUES; i++) CHECK_EQ_U(trust[i], WANT_TRUST[i]);
            /* Without: DEMO-0004's values (6, 7) are checked with its
             * registered key, which did not sign them. */
            CHECK_EQ_U(trust[NVALUES + 6], OCMF_TRUST_TRUSTED);
            CHECK_EQ_U(out[NVALUES + 6].code, OCMF_RESULT_INVALID_SIGNATURE);
        }
    }
    printf("batch trusted: %d rows agree with ocmf_verify_trusted (registry and none, threads 1/2/0)\n",
           2 * NVALUES);
    ocmf_registry_free(reg);
}

static ocmf_session_record rec(size_t i, const char *label) {
    ocmf_session_record r = {U8(RECORD[i]), strlen(RECORD[i]), U8(KEY[i]), KEY[i] ? strlen(KEY[i]) : 0,
                             U8(label), label ? strlen(label) : 0};
    return r;
}

static void test_session(void) {
    ocmf_registry *reg = load_keys();
    ocmf_session_verdict v = 99;
    ocmf_result code;
    /* CP-1's end before its begin: the session orders by pagination. */
    ocmf_session_record cp1[2] = {rec(1, "end.ocmf"), rec(0, "begin.ocmf")};
    char *json = session(cp1, 2, reg, OCMF_LANG_EN, &v, &code);
    CHECK(json != NULL);
    if (json != NULL) {
        CHECK_EQ_U(code, OCMF_RESULT_OK);
        CHECK_EQ_U(v, OCMF_SESSION_VERDICT_VALID);
        CHECK(json_is(json_get(json, "verdict"), "\"valid\""));
        CHECK(json_is(json_get(json, "trust"), "\"trusted\""));
        CHECK(json_is(json_get(json_get(json, "energy"), "kwh"), "\"22.3242\""));
        CHECK(json_is(json_get(json_get(json, "energy"), "wh"), "\"22324.2\""));
        CHECK(json_is(json_get(json, "duration_seconds"), "\"4350.000\""));
        /* Reported in pagination order, with the input index and label. */
        const char *first = json_at(json_get(json, "records"), 0);
        CHECK(json_is(json_get(first, "label"), "\"begin.ocmf\""));
        CHECK(json_is(json_get(first, "index"), "1"));
        CHECK(json_is(json_get(first, "pagination"), "\"T41\""));
        free(json);
    }
    /* Begin of one meter, end of another: invalid. */
    ocmf_session_record mixed[2] = {rec(0, NULL), rec(3, NULL)};
    json = session(mixed, 2, reg, OCMF_LANG_EN, &v, &code);
    CHECK(json != NULL && v == OCMF_SESSION_VERDICT_INVALID);
    CHECK(json != NULL && json_is(json_get(json, "verdict"), "\"invalid\""));
    CHECK(code != OCMF_RESULT_OK && code != OCMF_RESULT_BUFFER_TOO_SMALL && code != OCMF_RESULT_INVALID_ARGUMENT);
    free(json);
    /* Only a begin: incomplete. */
    json = session(cp1 + 1, 1, reg, OCMF_LANG_DE, &v, &code);
    CHECK(json != NULL && v == OCMF_SESSION_VERDICT_INCOMPLETE);
    CHECK(json != NULL && strstr(json, "Endzählerstand") != NULL);
    free(json);
    /* CP-3 without a registry entry: valid, untrusted. */
    ocmf_session_record cp3[2] = {rec(4, NULL), rec(5, NULL)};
    json = session(cp3, 2, reg, OCMF_LANG_EN, &v, &code);
    CHECK(json != NULL && v == OCMF_SESSION_VERDICT_VALID && code == OCMF_RESULT_OK);
    CHECK(json != NULL && json_is(json_get(json, "trust"), "\"untrusted\""));
    CHECK(json != NULL && json_is(json_get(json_get(json, "energy"), "kwh"), "\"22.6770\""));
    free(json);
    /* No records: malformed, SESSION_EMPTY, with a report. */
    json = session(NULL, 0, reg, OCMF_LANG_EN, &v, &code);
    CHECK(json != NULL && v == OCMF_SESSION_VERDICT_MALFORMED && code == OCMF_RESULT_SESSION_EMPTY);
    CHECK(json != NULL && json_is(json_get(json, "code"), "800"));
    free(json);
    /* A record that cannot be read: malformed, with the record's code. */
    ocmf_session_record junk[2] = {rec(0, NULL), {U8("OCMF|{"), 6, NULL, 0, NULL, 0}};
    json = session(junk, 2, reg, OCMF_LANG_EN, &v, &code);
    CHECK(json != NULL && v == OCMF_SESSION_VERDICT_MALFORMED);
    CHECK(code / 100 == 1 || code / 100 == 2);
    free(json);
    /* Refused calls write nothing. */
    char out[64] = "untouched";
    size_t len = 7;
    v = 99;
    const uint8_t not_utf8[] = {'O', 'C', 'M', 'F', '|', 0xc3};
    ocmf_session_record bad[1] = {{not_utf8, sizeof not_utf8, NULL, 0, NULL, 0}};
    CHECK_EQ_U(ocmf_session_evaluate(bad, 1, NULL, reg, OCMF_PROFILE_INTEROP, OCMF_LANG_EN, &v, out, sizeof out,
                                     &len),
               OCMF_RESULT_NOT_UTF8);
    ocmf_session_record null_rec[1] = {{NULL, 5, NULL, 0, NULL, 0}};
    CHECK_EQ_U(ocmf_session_evaluate(null_rec, 1, NULL, reg, OCMF_PROFILE_INTEROP, OCMF_LANG_EN, &v, out,
                                     sizeof out, &len),
               OCMF_RESULT_INVALID_ARGUMENT);
    CHECK_EQ_U(ocmf_session_evaluate(NULL, 2, NULL, reg, OCMF_PROFILE_INTEROP, OCMF_LANG_EN, &v, out, sizeof out,
                                     &len),
               OCMF_RESULT_INVALID_ARGUMENT);
    CHECK_EQ_U(ocmf_session_evaluate(cp1, 2, NULL, reg, OCMF_PROFILE_INTEROP, 5, &v, out, sizeof out, &len),
               OCMF_RESULT_INVALID_ARGUMENT);
    CHECK_EQ_U(ocmf_session_evaluate(cp1, 2, NULL, reg, OCMF_PROFILE_INTEROP, OCMF_LANG_EN, NULL, out,
                                     sizeof out, &len),
               OCMF_RESULT_INVALID_ARGUMENT);
    CHECK_EQ_U(ocmf_session_evaluate(cp1, 2, NULL, reg, OCMF_PROFILE_INTEROP, OCMF_LANG_EN, &v, out, sizeof out,
                                     &len),
               OCMF_RESULT_BUFFER_TOO_SMALL);
    CHECK(len > sizeof out);
    CHECK_EQ_U(v, 99);
    CHECK_STR(out, "untouched");
    /* A binary (non-UTF-8) carried key is read as DER/SEC1: a key error, not a crash. */
    const uint8_t binkey[] = {0x30, 0xff, 0xfe};
    ocmf_session_record withbin[1] = {{U8(RECORD[4]), strlen(RECORD[4]), binkey, sizeof binkey, NULL, 0}};
    json = session(withbin, 1, NULL, OCMF_LANG_EN, &v, &code);
    CHECK(json != NULL && strstr(json, "\"carried_key_error\":\"") != NULL);
    free(json);
    ocmf_registry_free(reg);
}

static void test_registry_errors(void) {
    ocmf_registry *sentinel = (ocmf_registry *)&sentinel, *reg = sentinel;
    size_t line = 99, n = 0;
    /* CSV: a key that cannot be decoded, on line 2. */
    const char *bad_key = "meter_serial,public_key\nX1,not-a-key\n";
    CHECK_EQ_U(ocmf_registry_load(U8(bad_key), strlen(bad_key), &reg, &line), OCMF_RESULT_REGISTRY_FORMAT);
    CHECK_EQ_U(line, 2);
    CHECK(reg == sentinel);
    char msg[512];
    CHECK_EQ_U(ocmf_registry_error_message(U8(bad_key), strlen(bad_key), OCMF_LANG_EN, msg, sizeof msg, &n),
               OCMF_RESULT_REGISTRY_FORMAT);
    printf("  registry error: %s\n", msg);
    CHECK(strstr(msg, "line 2") != NULL && strstr(msg, "public_key") != NULL);
    CHECK_EQ_U(strlen(msg), n);
    CHECK_EQ_U(ocmf_registry_error_message(U8(bad_key), strlen(bad_key), OCMF_LANG_DE, msg, sizeof msg, &n),
               OCMF_RESULT_REGISTRY_FORMAT);
    CHECK(strstr(msg, "zeile 2") != NULL);
    /* More malformed registries: each a typed 802 with its line. */
    struct {
        const char *text;
        size_t line;
    } cases[] = {
        {"", 1},
        {"{\"keys\": [", 1},
        {"{\n \"keys\": [{\"meter_serial\": \"A\", \"public_key\": \"04ab\", \"valid_untill\": \"2024-01-01\"}]}", 2},
        {"meter_serial,public_key,colour\nA,04ab,red\n", 1},
        {"meter_serial,public_key\n\"A,04ab\n", 2},
        {"meter_serial,public_key,valid_from\nA,0484CB1B68DB9146C16BC770654A7D49A7AFD92F8E0A9E324CB50FA2B5EAD88ECB2343"
         "A06A4BAFCBEA8B82A1965A48E8A8DC4F6E28332826C80634A6CFC28D7D66,yesterday\n",
         2},
        {"[1, 2, 3]", 1},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        line = 99;
        reg = sentinel;
        ocmf_result r = ocmf_registry_load(U8(cases[i].text), strlen(cases[i].text), &reg, &line);
        CHECK_EQ_U(r, OCMF_RESULT_REGISTRY_FORMAT);
        CHECK_EQ_U(line, cases[i].line);
        CHECK(reg == sentinel);
        if (r != OCMF_RESULT_REGISTRY_FORMAT || line != cases[i].line) fprintf(stderr, "  case %zu\n", i);
    }
    /* Not UTF-8: the typed code with its line. */
    const uint8_t latin1[] = "meter_serial,public_key\nZ\xe4hler,04ab\n";
    CHECK_EQ_U(ocmf_registry_load(latin1, sizeof latin1 - 1, &reg, &line), OCMF_RESULT_NOT_UTF8);
    CHECK_EQ_U(line, 2);
    /* Arguments. */
    CHECK_EQ_U(ocmf_registry_load(U8(KEYS), KEYS_LEN, NULL, &line), OCMF_RESULT_INVALID_ARGUMENT);
    CHECK_EQ_U(ocmf_registry_load(NULL, 4, &reg, NULL), OCMF_RESULT_INVALID_ARGUMENT);
    CHECK(reg == sentinel);
    CHECK_EQ_U(ocmf_registry_load(U8(KEYS), KEYS_LEN, &reg, NULL), OCMF_RESULT_OK);
    CHECK(reg != sentinel && reg != NULL);
    size_t count = 0;
    CHECK_EQ_U(ocmf_registry_len(reg, &count), OCMF_RESULT_OK);
    CHECK_EQ_U(count, 4);
    CHECK_EQ_U(ocmf_registry_len(NULL, &count), OCMF_RESULT_INVALID_ARGUMENT);
    CHECK_EQ_U(ocmf_registry_len(reg, NULL), OCMF_RESULT_INVALID_ARGUMENT);
    CHECK_EQ_U(ocmf_registry_error_message(U8(KEYS), KEYS_LEN, OCMF_LANG_EN, msg, sizeof msg, &n), OCMF_RESULT_OK);
    CHECK_EQ_U(n, 0);
    ocmf_registry_free(reg);
    ocmf_registry_free(NULL);
    /* The JSON form of the documentation loads too. */
    const char *json_reg =
        "{\"format\":\"ocmf-key-registry\",\"version\":1,\"keys\":[{\"meter_serial\":\"DEMO-0003\","
        "\"public_key\":\"04AF2CC5A7691740E314E622B9E02F01C84F586AA825F0470C639827A7323B116FC7A3835AE952215653CED47"
        "A9216B6980803F1E69784567F54544504D1BF6DDB\",\"valid_until\":\"2020-01-01\"}]}";
    reg = NULL;
    CHECK_EQ_U(ocmf_registry_load(U8(json_reg), strlen(json_reg), &reg, &line), OCMF_RESULT_OK);
    CHECK_EQ_U(ocmf_registry_len(reg, &count), OCMF_RESULT_OK);
    CHECK_EQ_U(count, 1);
    ocmf_registry_free(reg);
}

static void test_xml_round_trip(void) {
    ocmf_registry *reg = load_keys();
    ocmf_result code;
    char *xml = to_xml(LOG, LOG_LEN, &code);
    CHECK(xml != NULL);
    if (xml == NULL) goto out;
    CHECK_EQ_U(code, OCMF_RESULT_TRANSPORT_FORMAT); /* the log's bad line */
    CHECK(strstr(xml, "<values") != NULL && strstr(xml, "signedData") != NULL);
    ocmf_extract_summary a, b;
    char *back = extract(xml, strlen(xml), reg, OCMF_LANG_EN, &b, &code);
    char *orig = extract(LOG, LOG_LEN, reg, OCMF_LANG_EN, &a, &code);
    CHECK(back != NULL && orig != NULL);
    if (back != NULL && orig != NULL) {
        CHECK(json_is(json_get(json_get(back, "extraction"), "format"), "\"tps-xml\""));
        CHECK_EQ_U(json_len(json_get(json_get(back, "extraction"), "errors")), 0);
        CHECK_EQ_U(b.sessions, a.sessions);
        CHECK_EQ_U(b.valid, a.valid);
        CHECK_EQ_U(b.invalid, a.invalid);
        CHECK_EQ_U(b.incomplete, a.incomplete);
        CHECK_EQ_U(b.values, a.values);
        const char *sb = json_get(back, "sessions"), *so = json_get(orig, "sessions");
        CHECK_EQ_U(json_len(sb), 5);
        for (size_t i = 0; i < 5; i++) {
            const char *x = json_at(sb, i), *y = json_at(so, i);
            CHECK(json_same(json_get(x, "station"), json_get(y, "station")));
            CHECK(json_same(json_get(x, "transaction_id"), json_get(y, "transaction_id")));
            const char *rx = json_get(x, "report"), *ry = json_get(y, "report");
            CHECK(json_same(json_get(rx, "verdict"), json_get(ry, "verdict")));
            CHECK(json_same(json_get(rx, "trust"), json_get(ry, "trust")));
            CHECK(json_same(json_get(rx, "energy"), json_get(ry, "energy")));
            CHECK(json_same(json_get(rx, "findings"), json_get(ry, "findings")));
        }
        /* XML of the XML: the same document. */
        char *again = to_xml(xml, strlen(xml), &code);
        CHECK(again != NULL && code == OCMF_RESULT_OK && strcmp(again, xml) == 0);
        free(again);
    }
    free(back);
    free(orig);
    free(xml);
out:
    ocmf_registry_free(reg);
}

static void test_malformed_inputs(void) {
    ocmf_result code;
    ocmf_extract_summary sum;
    /* Truncated and hostile XML: typed 806, no crash. */
    const char *xmls[] = {
        "<values><value><signedData format=\"OCMF\" encoding=\"plain\">OCMF|{",
        "<?xml version=\"1.0\"?><!DOCTYPE values [<!ENTITY a \"aaaa\">]><values>&a;</values>",
        "<values><value><signedData encoding=\"hex\">zz</signedData></value></values>",
    };
    for (size_t i = 0; i < 3; i++) {
        char *json = extract(xmls[i], strlen(xmls[i]), NULL, OCMF_LANG_EN, &sum, &code);
        CHECK(json != NULL);
        printf("  xml case %zu: code %u, %zu values, %zu errors\n", i, (unsigned)code, sum.values, sum.errors);
        CHECK(code == OCMF_RESULT_XML_FORMAT || code == OCMF_RESULT_TRANSPORT_FORMAT);
        CHECK(sum.errors >= 1);
        CHECK(json != NULL && json_get(json, "sessions") != NULL);
        free(json);
        char *xml = to_xml(xmls[i], strlen(xmls[i]), &code);
        CHECK(xml != NULL && (code == OCMF_RESULT_XML_FORMAT || code == OCMF_RESULT_TRANSPORT_FORMAT));
        free(xml);
    }
    /* A log with a non-UTF-8 byte: one typed error. */
    const uint8_t bytes[] = "[2,\"1\",\"Heartbeat\",{}]\n\xff\xfe\n";
    char *json = extract((const char *)bytes, sizeof bytes - 1, NULL, OCMF_LANG_EN, &sum, &code);
    CHECK(json != NULL && code == OCMF_RESULT_NOT_UTF8 && sum.errors == 1 && sum.sessions == 0);
    CHECK(json != NULL && json_is(json_get(json_at(json_get(json_get(json, "extraction"), "errors"), 0), "line"), "2"));
    free(json);
    /* Garbage lines of a log, each its own error. */
    const char *junk = "2026-01-01 CP-9 -> [2,\"1\",\"MeterValues\",{\"meterValue\":\n"
                       "2026-01-01 CP-9 -> [2,\"2\",\"MeterValues\",{\"connectorId\":\"x\"}]\n";
    json = extract(junk, strlen(junk), NULL, OCMF_LANG_EN, &sum, &code);
    CHECK(json != NULL && code == OCMF_RESULT_TRANSPORT_FORMAT && sum.values == 0);
    free(json);
    /* Empty input and a single record. */
    json = extract("", 0, NULL, OCMF_LANG_EN, &sum, &code);
    CHECK(json != NULL && sum.values == 0 && sum.sessions == 0);
    CHECK(json != NULL && json_is(json_get(json_get(json, "extraction"), "format"), "\"empty\""));
    free(json);
    json = extract(RECORD[0], strlen(RECORD[0]), NULL, OCMF_LANG_EN, &sum, &code);
    CHECK(json != NULL && code == OCMF_RESULT_OK && sum.values == 1 && sum.sessions == 1 && sum.incomplete == 1);
    free(json);
    /* Arguments and buffers. */
    char out[16] = "untouched";
    size_t len = 5;
    CHECK_EQ_U(ocmf_extract(NULL, 3, NULL, NULL, OCMF_PROFILE_INTEROP, OCMF_LANG_EN, NULL, out, sizeof out, &len),
               OCMF_RESULT_INVALID_ARGUMENT);
    CHECK_EQ_U(ocmf_extract(U8(LOG), LOG_LEN, NULL, NULL, 3, OCMF_LANG_EN, NULL, out, sizeof out, &len),
               OCMF_RESULT_INVALID_ARGUMENT);
    CHECK_EQ_U(ocmf_extract(U8(LOG), LOG_LEN, NULL, NULL, OCMF_PROFILE_INTEROP, OCMF_LANG_EN, NULL, out,
                            sizeof out, NULL),
               OCMF_RESULT_INVALID_ARGUMENT);
    memset(&sum, 0x5a, sizeof sum);
    CHECK_EQ_U(ocmf_extract(U8(LOG), LOG_LEN, NULL, NULL, OCMF_PROFILE_INTEROP, OCMF_LANG_EN, &sum, out,
                            sizeof out, &len),
               OCMF_RESULT_BUFFER_TOO_SMALL);
    CHECK(len > sizeof out);
    CHECK_STR(out, "untouched");
    CHECK_EQ_U(sum.values, 0x5a5a5a5a5a5a5a5aULL & (size_t)-1);
    CHECK_EQ_U(ocmf_to_xml(U8(LOG), LOG_LEN, out, sizeof out, &len), OCMF_RESULT_BUFFER_TOO_SMALL);
    CHECK_STR(out, "untouched");
    CHECK_EQ_U(ocmf_to_xml(NULL, 1, out, sizeof out, &len), OCMF_RESULT_INVALID_ARGUMENT);
    CHECK_EQ_U(ocmf_to_xml(U8(LOG), LOG_LEN, out, sizeof out, NULL), OCMF_RESULT_INVALID_ARGUMENT);
    /* A key handle for every session record overrides the carried keys. */
    ocmf_key *k = NULL;
    CHECK_EQ_U(ocmf_key_parse(U8(KEY[4]), strlen(KEY[4]), &k), OCMF_RESULT_OK);
    size_t need = 0;
    CHECK_EQ_U(ocmf_extract(U8(LOG), LOG_LEN, k, NULL, OCMF_PROFILE_INTEROP, OCMF_LANG_EN, &sum, NULL, 0, &need),
               OCMF_RESULT_BUFFER_TOO_SMALL);
    char *buf = malloc(need);
    if (buf != NULL) {
        CHECK_EQ_U(ocmf_extract(U8(LOG), LOG_LEN, k, NULL, OCMF_PROFILE_INTEROP, OCMF_LANG_EN, &sum, buf, need,
                                &len),
                   OCMF_RESULT_TRANSPORT_FORMAT);
        /* Only CP-3's records verify with CP-3's key. */
        CHECK_EQ_U(sum.valid, 1);
        check_row(buf, 2, "CP-3", "valid", "untrusted", "22.6770");
        free(buf);
    }
    ocmf_key_free(k);
}

/* ---------------------------------------------------------------- threads */

struct job {
    const ocmf_registry *reg;
    const char *want_extract;
    const char *want_session;
    int same;
};

static void *worker(void *arg) {
    struct job *j = arg;
    j->same = 0;
    for (int i = 0; i < 3; i++) {
        ocmf_result code;
        ocmf_session_verdict v;
        char *a = extract(LOG, LOG_LEN, j->reg, OCMF_LANG_DE, NULL, &code);
        ocmf_session_record cp1[2] = {rec(0, NULL), rec(1, NULL)};
        char *b = session(cp1, 2, j->reg, OCMF_LANG_EN, &v, &code);
        if (a != NULL && b != NULL && strcmp(a, j->want_extract) == 0 && strcmp(b, j->want_session) == 0) j->same++;
        free(a);
        free(b);
    }
    return NULL;
}

static void test_threads(void) {
    ocmf_registry *reg = load_keys();
    ocmf_result code;
    ocmf_session_verdict v;
    char *want_extract = extract(LOG, LOG_LEN, reg, OCMF_LANG_DE, NULL, &code);
    ocmf_session_record cp1[2] = {rec(0, NULL), rec(1, NULL)};
    char *want_session = session(cp1, 2, reg, OCMF_LANG_EN, &v, &code);
    CHECK(want_extract != NULL && want_session != NULL);
    if (want_extract != NULL && want_session != NULL) {
        pthread_t t[4];
        struct job jobs[4];
        for (int i = 0; i < 4; i++) {
            jobs[i] = (struct job){reg, want_extract, want_session, -1};
            CHECK_EQ_U(pthread_create(&t[i], NULL, worker, &jobs[i]), 0);
        }
        for (int i = 0; i < 4; i++) {
            pthread_join(t[i], NULL);
            CHECK_EQ_U(jobs[i].same, 3);
        }
    }
    free(want_extract);
    free(want_session);
    ocmf_registry_free(reg); /* once, after every thread is done */
}

int main(int argc, char **argv) {
    if (argc != 3) {
        fprintf(stderr, "usage: %s stations.log registry.csv\n", argv[0]);
        return 2;
    }
    LOG = slurp(argv[1], &LOG_LEN);
    KEYS = slurp(argv[2], &KEYS_LEN);
    if (LOG == NULL || KEYS == NULL) {
        fprintf(stderr, "cannot read %s or %s\n", argv[1], argv[2]);
        return 2;
    }
    test_registry_errors();
    test_extract_with_registry();
    test_extract_without_registry();
    test_extract_on_the_reference_backend();
    if (RECORD[0] != NULL) {
        test_verify_trusted();
        test_verify_batch_trusted();
        test_session();
        test_malformed_inputs();
        test_threads();
    } else {
        CHECK(!"the extraction's values could not be read");
    }
    test_xml_round_trip();
    free_values();
    free(LOG);
    free(KEYS);
    return check_summary("test_sessions");
}
