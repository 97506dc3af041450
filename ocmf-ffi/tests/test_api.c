/* Hostile calls, buffer protocol, messages, version macros, sign/verify
 * round trips on all seven curves, and concurrent use of one key. */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ocmf.h"
#include "check.h"

static const char PAYLOAD[] =
    "{\"FV\":\"1.0\",\"PG\":\"T1\",\"MS\":\"X1\",\"IS\":false,\"IT\":\"NONE\",\"RD\":[{\"TM\":"
    "\"2024-01-01T00:00:00,000+0000 S\",\"TX\":\"B\",\"RV\":1.000,\"RI\":\"1-b:1.8.0\",\"RU\":"
    "\"kWh\",\"ST\":\"G\"}]}";

static const char *const CURVES[7] = {"secp192k1", "secp192r1", "secp256r1", "secp256k1",
                                      "secp384r1", "brainpoolP256r1", "brainpoolP384r1"};

/* Signs PAYLOAD on `curve` with secret 01; record and key into the buffers. */
static ocmf_result sign(const char *curve, char *rec, size_t rec_cap, char *key, size_t key_cap) {
    size_t rec_len = 0, key_len = 0;
    return ocmf_sign(U8(PAYLOAD), strlen(PAYLOAD), U8("01"), 2, U8(curve), strlen(curve), rec,
                     rec_cap, &rec_len, key, key_cap, &key_len);
}

static void test_sign_verify_round_trip(void) {
    for (int i = 0; i < 7; i++) {
        char rec[1024], key[256];
        ocmf_result r = sign(CURVES[i], rec, sizeof rec, key, sizeof key);
        CHECK_EQ_U(r, OCMF_RESULT_OK);
        if (r != OCMF_RESULT_OK) {
            fprintf(stderr, "sign %s failed: %u\n", CURVES[i], (unsigned)r);
            continue;
        }
        ocmf_key *k = NULL;
        CHECK_EQ_U(ocmf_key_parse(U8(key), strlen(key), &k), OCMF_RESULT_OK);
        CHECK(k != NULL);
        ocmf_verdict v = 99;
        CHECK_EQ_U(ocmf_verify(U8(rec), strlen(rec), k, OCMF_PROFILE_INTEROP, &v), OCMF_RESULT_OK);
        CHECK_EQ_U(v, OCMF_VERDICT_VALID);
        /* Tamper with the signed value: 1.000 -> 2.000. */
        char *rv = strstr(rec, "\"RV\":1.000");
        CHECK(rv != NULL);
        if (rv != NULL) {
            rv[5] = '2';
            v = 99;
            CHECK_EQ_U(ocmf_verify(U8(rec), strlen(rec), k, OCMF_PROFILE_INTEROP, &v),
                       OCMF_RESULT_INVALID_SIGNATURE);
            CHECK_EQ_U(v, OCMF_VERDICT_INVALID_SIGNATURE);
        }
        ocmf_key_free(k);
        printf("round trip %s: ok\n", CURVES[i]);
    }
    /* An SA value names the curve as well. */
    char rec[1024];
    size_t len = 0;
    CHECK_EQ_U(ocmf_sign(U8(PAYLOAD), strlen(PAYLOAD), U8("01"), 2, U8("ECDSA-secp256r1-SHA256"), 22,
                         rec, sizeof rec, &len, NULL, 0, NULL),
               OCMF_RESULT_OK);
    CHECK_EQ_U(len, strlen(rec));
}

static void test_sign_errors(void) {
    char rec[1024];
    size_t len = 12345;
    CHECK_EQ_U(ocmf_sign(U8(PAYLOAD), strlen(PAYLOAD), U8("zz"), 2, U8("P-256"), 5, rec, sizeof rec, &len,
                         NULL, 0, NULL),
               OCMF_RESULT_SECRET_KEY);
    CHECK_EQ_U(ocmf_sign(U8(PAYLOAD), strlen(PAYLOAD), U8("00"), 2, U8("P-256"), 5, rec, sizeof rec, &len,
                         NULL, 0, NULL),
               OCMF_RESULT_SECRET_KEY);
    CHECK_EQ_U(ocmf_sign(U8(PAYLOAD), strlen(PAYLOAD), U8("01"), 2, U8("ed25519"), 7, rec, sizeof rec, &len,
                         NULL, 0, NULL),
               OCMF_RESULT_UNKNOWN_ALGORITHM);
    CHECK_EQ_U(len, 12345); /* not written on failure */
    CHECK_EQ_U(ocmf_sign(U8(PAYLOAD), strlen(PAYLOAD), U8("01"), 2, U8("P-256"), 5, rec, sizeof rec, NULL,
                         NULL, 0, NULL),
               OCMF_RESULT_INVALID_ARGUMENT);
    /* Too small: both needed sizes reported, buffers untouched. */
    char small[8] = "XXXXXXX", ks[4] = "YYY";
    size_t klen = 0;
    CHECK_EQ_U(ocmf_sign(U8(PAYLOAD), strlen(PAYLOAD), U8("01"), 2, U8("P-256"), 5, small, sizeof small,
                         &len, ks, sizeof ks, &klen),
               OCMF_RESULT_BUFFER_TOO_SMALL);
    CHECK(len > strlen(PAYLOAD) + 1);
    CHECK_EQ_U(klen, 131); /* 65-byte uncompressed SEC1 point as hex, + NUL */
    CHECK_STR(small, "XXXXXXX");
    CHECK_STR(ks, "YYY");
}

static void test_hostile(void) {
    ocmf_verdict v = 99;
    /* NULL with length 0 is the empty input; NULL with a length is an argument error. */
    CHECK_EQ_U(ocmf_verify(NULL, 0, NULL, OCMF_PROFILE_INTEROP, &v), OCMF_RESULT_EMPTY_INPUT);
    CHECK_EQ_U(v, OCMF_VERDICT_MALFORMED);
    v = 99;
    CHECK_EQ_U(ocmf_verify(NULL, 5, NULL, OCMF_PROFILE_INTEROP, &v), OCMF_RESULT_INVALID_ARGUMENT);
    CHECK_EQ_U(v, 99);
    CHECK_EQ_U(ocmf_verify(U8("OCMF|{}|{}"), 10, NULL, OCMF_PROFILE_INTEROP, NULL),
               OCMF_RESULT_INVALID_ARGUMENT);
    CHECK_EQ_U(ocmf_verify(U8("OCMF|{}|{}"), 10, NULL, 42, &v), OCMF_RESULT_INVALID_ARGUMENT);
    CHECK_EQ_U(v, 99);
    /* Not OCMF, not UTF-8. */
    CHECK_EQ_U(ocmf_verify(U8("hello"), 5, NULL, OCMF_PROFILE_STRICT, &v), OCMF_RESULT_NOT_OCMF);
    CHECK_EQ_U(v, OCMF_VERDICT_MALFORMED);
    const uint8_t bad[] = {'O', 'C', 'M', 'F', '|', '{', 0xff, 0xfe, '}', '|', '{', '}'};
    CHECK_EQ_U(ocmf_verify(bad, sizeof bad, NULL, OCMF_PROFILE_INTEROP, &v), OCMF_RESULT_NOT_UTF8);
    size_t len = 0;
    char out[4096];
    CHECK_EQ_U(ocmf_verify_report(bad, sizeof bad, NULL, 0, OCMF_PROFILE_INTEROP, OCMF_LANG_EN, out,
                                  sizeof out, &len),
               OCMF_RESULT_NOT_UTF8);
    CHECK(strstr(out, "\"code\":102") != NULL);
    CHECK(strstr(out, "\"verdict\":\"malformed\"") != NULL);
    CHECK_EQ_U(ocmf_inspect(bad, sizeof bad, OCMF_LANG_EN, out, sizeof out, &len), OCMF_RESULT_NOT_UTF8);
    /* A 10 MB input is refused by size, in every function. */
    size_t big_len = 10u * 1024u * 1024u;
    uint8_t *big = malloc(big_len);
    CHECK(big != NULL);
    if (big != NULL) {
        memset(big, 'A', big_len);
        memcpy(big, "OCMF|", 5);
        CHECK_EQ_U(ocmf_verify(big, big_len, NULL, OCMF_PROFILE_INTEROP, &v), OCMF_RESULT_TOO_LARGE);
        CHECK_EQ_U(v, OCMF_VERDICT_MALFORMED);
        CHECK_EQ_U(ocmf_verify_report(big, big_len, NULL, 0, OCMF_PROFILE_INTEROP, OCMF_LANG_DE, out,
                                      sizeof out, &len),
                   OCMF_RESULT_TOO_LARGE);
        CHECK(strstr(out, "\"code\":101") != NULL);
        CHECK_EQ_U(ocmf_inspect(big, big_len, OCMF_LANG_EN, out, sizeof out, &len), OCMF_RESULT_TOO_LARGE);
        free(big);
    }
    /* Keys. */
    ocmf_key_free(NULL);
    ocmf_key *k = (ocmf_key *)&v; /* sentinel: must stay untouched on failure */
    CHECK_EQ_U(ocmf_key_parse(U8("not a key"), 9, &k), OCMF_RESULT_KEY_ENCODING);
    CHECK(k == (ocmf_key *)&v);
    CHECK_EQ_U(ocmf_key_parse(U8("04ab"), 4, &k), OCMF_RESULT_KEY_LENGTH);
    CHECK_EQ_U(ocmf_key_parse(NULL, 0, &k), ocmf_key_parse(U8(""), 0, &k));
    CHECK_EQ_U(ocmf_key_parse(NULL, 3, &k), OCMF_RESULT_INVALID_ARGUMENT);
    CHECK_EQ_U(ocmf_key_parse(U8("04ab"), 4, NULL), OCMF_RESULT_INVALID_ARGUMENT);
    const uint8_t binary[] = {0x04, 0xff, 0x00, 0x81};
    CHECK(ocmf_key_parse(binary, sizeof binary, &k) / 100 == 5);
    CHECK(k == (ocmf_key *)&v);
    /* Inspect and the inspect error path. */
    CHECK_EQ_U(ocmf_inspect(U8("OCMF|nope"), 9, OCMF_LANG_EN, out, sizeof out, &len) / 100, 1);
    CHECK_EQ_U(ocmf_inspect(U8("x"), 1, 9, out, sizeof out, &len), OCMF_RESULT_INVALID_ARGUMENT);
    CHECK_EQ_U(ocmf_inspect(U8("x"), 1, OCMF_LANG_EN, out, sizeof out, NULL), OCMF_RESULT_INVALID_ARGUMENT);
}

static void test_buffers_and_precedence(void) {
    char rec[1024], key[256];
    CHECK_EQ_U(sign("secp256r1", rec, sizeof rec, key, sizeof key), OCMF_RESULT_OK);
    /* Size query with a NULL buffer, then exact fit, then one byte short. */
    size_t need = 0, len = 0;
    CHECK_EQ_U(ocmf_verify_report(U8(rec), strlen(rec), U8(key), strlen(key), OCMF_PROFILE_INTEROP,
                                  OCMF_LANG_EN, NULL, 0, &need),
               OCMF_RESULT_BUFFER_TOO_SMALL);
    CHECK(need > 100);
    char *buf = malloc(need);
    CHECK(buf != NULL);
    if (buf == NULL) return;
    memset(buf, 'Z', need);
    size_t got = 0;
    CHECK_EQ_U(ocmf_verify_report(U8(rec), strlen(rec), U8(key), strlen(key), OCMF_PROFILE_INTEROP,
                                  OCMF_LANG_EN, buf, need - 1, &got),
               OCMF_RESULT_BUFFER_TOO_SMALL);
    CHECK_EQ_U(got, need);
    CHECK(buf[0] == 'Z' && buf[need - 1] == 'Z');
    CHECK_EQ_U(ocmf_verify_report(U8(rec), strlen(rec), U8(key), strlen(key), OCMF_PROFILE_INTEROP,
                                  OCMF_LANG_EN, buf, need, &len),
               OCMF_RESULT_OK);
    CHECK_EQ_U(len + 1, need);
    CHECK_EQ_U(strlen(buf), len);
    CHECK(strstr(buf, "\"verdict\":\"valid\"") != NULL);
    CHECK(strstr(buf, "\"key_source\":\"caller\"") != NULL);
    free(buf);
    /* Inspect a signed record. */
    char view[4096];
    CHECK_EQ_U(ocmf_inspect(U8(rec), strlen(rec), OCMF_LANG_DE, view, sizeof view, &len), OCMF_RESULT_OK);
    CHECK(strstr(view, "\"format_version\":\"1.0\"") != NULL);
    CHECK(strstr(view, "\"value\":\"1.000\"") != NULL);
    /* No key given: unsupported / key missing. */
    ocmf_verdict v = 99;
    CHECK_EQ_U(ocmf_verify(U8(rec), strlen(rec), NULL, OCMF_PROFILE_INTEROP, &v), OCMF_RESULT_KEY_MISSING);
    CHECK_EQ_U(v, OCMF_VERDICT_UNSUPPORTED);
    /* A bad key is malformed, never an invalid signature... */
    char report[4096];
    CHECK_EQ_U(ocmf_verify_report(U8(rec), strlen(rec), U8("zz"), 2, OCMF_PROFILE_INTEROP, OCMF_LANG_EN,
                                  report, sizeof report, &len),
               OCMF_RESULT_KEY_ENCODING);
    CHECK(strstr(report, "\"verdict\":\"malformed\"") != NULL);
    const uint8_t binkey[] = {0x30, 0xff, 0xfe};
    CHECK_EQ_U(ocmf_verify_report(U8(rec), strlen(rec), binkey, sizeof binkey, OCMF_PROFILE_INTEROP,
                                  OCMF_LANG_EN, report, sizeof report, &len) / 100,
               5);
    CHECK(strstr(report, "\"verdict\":\"malformed\"") != NULL);
    /* ...but an unsupported algorithm wins over the bad key. */
    char ed[1024];
    snprintf(ed, sizeof ed, "OCMF|%s|{\"SA\":\"EdDSA-Ed25519\",\"SD\":\"0011\"}", PAYLOAD);
    CHECK_EQ_U(ocmf_verify_report(U8(ed), strlen(ed), U8("zz"), 2, OCMF_PROFILE_INTEROP, OCMF_LANG_EN,
                                  report, sizeof report, &len),
               OCMF_RESULT_ALGORITHM_NOT_IN_SPEC);
    CHECK(strstr(report, "\"verdict\":\"unsupported\"") != NULL);
    /* German messages in the report. */
    CHECK_EQ_U(ocmf_verify_report(U8(rec), strlen(rec), NULL, 0, OCMF_PROFILE_INTEROP, OCMF_LANG_DE,
                                  report, sizeof report, &len),
               OCMF_RESULT_KEY_MISSING);
    CHECK(strstr(report, ocmf_result_message(OCMF_RESULT_KEY_MISSING, OCMF_LANG_DE)) != NULL);
}

static void test_messages_and_version(void) {
    CHECK_STR(ocmf_result_message(OCMF_RESULT_INVALID_SIGNATURE, OCMF_LANG_EN), "signature does not verify");
    CHECK_STR(ocmf_result_message(OCMF_RESULT_INVALID_SIGNATURE, OCMF_LANG_DE), "signatur ist ungültig");
    CHECK_STR(ocmf_result_message(OCMF_RESULT_INVALID_SIGNATURE, 77), "signature does not verify");
    CHECK_STR(ocmf_result_message(1, OCMF_LANG_EN), "unknown code");
    CHECK_STR(ocmf_result_message(0xffffffffu, OCMF_LANG_DE), "unknown code");
    CHECK_STR(ocmf_result_message(OCMF_RESULT_OK, OCMF_LANG_EN), "ok");
    char want[64];
    snprintf(want, sizeof want, "%d.%d.%d", OCMF_VERSION_MAJOR, OCMF_VERSION_MINOR, OCMF_VERSION_PATCH);
    CHECK_STR(ocmf_version(), want);
}

struct job {
    const ocmf_key *key;
    const char *rec;
    int valid;
};

static void *worker(void *arg) {
    struct job *j = arg;
    j->valid = 0;
    for (int i = 0; i < 50; i++) {
        ocmf_verdict v = 99;
        if (ocmf_verify(U8(j->rec), strlen(j->rec), j->key, OCMF_PROFILE_INTEROP, &v) == OCMF_RESULT_OK &&
            v == OCMF_VERDICT_VALID)
            j->valid++;
    }
    return NULL;
}

static void test_threads(void) {
    char rec[1024], key[256];
    CHECK_EQ_U(sign("secp256r1", rec, sizeof rec, key, sizeof key), OCMF_RESULT_OK);
    ocmf_key *k = NULL;
    CHECK_EQ_U(ocmf_key_parse(U8(key), strlen(key), &k), OCMF_RESULT_OK);
    pthread_t t[4];
    struct job jobs[4];
    for (int i = 0; i < 4; i++) {
        jobs[i] = (struct job){k, rec, -1};
        CHECK_EQ_U(pthread_create(&t[i], NULL, worker, &jobs[i]), 0);
    }
    for (int i = 0; i < 4; i++) {
        pthread_join(t[i], NULL);
        CHECK_EQ_U(jobs[i].valid, 50);
    }
    ocmf_key_free(k);
}

static void test_backend_names(void) {
    static const struct {
        const char *name;
        uint32_t flag;
    } names[] = {{"auto", OCMF_BACKEND_AUTO},
                 {"pure-rust", OCMF_BACKEND_PURE_RUST},
                 {"native", OCMF_BACKEND_NATIVE},
                 {" reference\n", OCMF_BACKEND_REFERENCE}};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        ocmf_backend b = 12345;
        CHECK_EQ_U(ocmf_backend_from_name((const uint8_t *)names[i].name, strlen(names[i].name), &b),
                   OCMF_RESULT_OK);
        CHECK_EQ_U(b, names[i].flag);
    }
    static const char *bad[] = {"", "Reference", "pure_rust", "constant-time", "\xff"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        ocmf_backend b = 12345;
        CHECK_EQ_U(ocmf_backend_from_name((const uint8_t *)bad[i], strlen(bad[i]), &b),
                   OCMF_RESULT_INVALID_ARGUMENT);
        CHECK_EQ_U(b, 12345);
    }
    CHECK_EQ_U(ocmf_backend_from_name((const uint8_t *)"auto", 4, NULL), OCMF_RESULT_INVALID_ARGUMENT);
    CHECK_EQ_U(ocmf_backend_from_name(NULL, 3, &(ocmf_backend){0}), OCMF_RESULT_INVALID_ARGUMENT);
    /* A flag outside the enum is refused by the verifying call itself. */
    ocmf_verdict v = 99;
    const char *rec = "OCMF|{}|{}";
    CHECK_EQ_U(ocmf_verify((const uint8_t *)rec, strlen(rec), NULL, OCMF_PROFILE_INTEROP | 0x400u, &v),
               OCMF_RESULT_INVALID_ARGUMENT);
    CHECK_EQ_U(v, 99);
    CHECK(ocmf_verify((const uint8_t *)rec, strlen(rec), NULL, OCMF_PROFILE_STRICT | OCMF_BACKEND_REFERENCE, &v) <
          700);
    CHECK_EQ_U(v, OCMF_VERDICT_MALFORMED);
}

int main(void) {
    test_hostile();
    test_messages_and_version();
    test_sign_errors();
    test_sign_verify_round_trip();
    test_buffers_and_precedence();
    test_threads();
    test_backend_names();
    return check_summary("test_api");
}
