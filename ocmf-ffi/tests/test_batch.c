/* The batch entry points (ocmf_verify_batch, ocmf_verify_batch_items,
 * ocmf_verify_batch_trusted) and ocmf_key_precompute, through the built
 * library as a C caller uses them.
 *
 * Every batch answer is compared with the single-call API on the same
 * record and key: the code and verdict with ocmf_verify / ocmf_verify_report,
 * and the other fields of ocmf_batch_result with the canonical JSON report
 * of ocmf_verify_report (signature_valid, algorithm, key_source, findings).
 * Sets: every record of vectors/real.jsonl (the corpus file test_corpus
 * reads), a 48-record one-key P-256 set with tampered records (more than the
 * 32 records that make the batch build wide tables), not-UTF-8 and oversize
 * records, one bad key text shared by 40 records, and mixed per-record keys
 * on seven curves; each with threads 1, 2 and 0, and from four C threads at
 * once. Every ocmf_verify_batch_trusted row is compared with
 * ocmf_verify_trusted on the same record, carried key and registry (code,
 * trust, and the report's fields as above): generated records against a
 * registry that gives every trust (also from four C threads at once), and
 * the corpus against a registry written from its own meters and keys; each
 * also with a NULL registry, on threads 1 and 2 (and 0). Hostile calls
 * must fail with OCMF_RESULT_INVALID_ARGUMENT and write nothing.
 *
 * Usage: test_batch corpus.tsv
 */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ocmf.h"
#include "check.h"
#include "json_mini.h"

#define MAX_RECORD (64 * 1024) /* the core's default size limit */

static const size_t THREADS[3] = {1, 2, 0};

/* ------------------------------------------------------------ records */

struct rec {
    uint8_t *bytes;
    size_t len;
    uint8_t *key; /* key text (or binary key), NULL for none */
    size_t key_len;
};

static void rec_free(struct rec *r) {
    free(r->bytes);
    free(r->key);
}

static uint8_t *dup_bytes(const void *p, size_t n) {
    uint8_t *d = malloc(n + 1);
    if (d != NULL) memcpy(d, p, n);
    return d;
}

/* Signs a payload of meter `meter` (gateway `i`, value `i`, read
 * 2024-01-01) on `curve` with `secret`. */
static int sign_meter(const char *curve, const char *secret, const char *meter, int i, struct rec *out) {
    char payload[512], rec[2048], key[512];
    size_t rl = 0, kl = 0;
    snprintf(payload, sizeof payload,
             "{\"FV\":\"1.0\",\"GI\":\"B\",\"GS\":\"G%d\",\"PG\":\"T%d\",\"MS\":\"%s\",\"IS\":false,"
             "\"IT\":\"NONE\",\"RD\":[{\"TM\":\"2024-01-01T00:00:00,000+0000 S\",\"TX\":\"B\","
             "\"RV\":%d.000,\"RI\":\"1-b:1.8.0\",\"RU\":\"kWh\",\"ST\":\"G\"}]}",
             i, i, meter, i);
    if (ocmf_sign(U8(payload), strlen(payload), U8(secret), strlen(secret), U8(curve), strlen(curve), rec,
                  sizeof rec, &rl, key, sizeof key, &kl) != OCMF_RESULT_OK)
        return 0;
    out->bytes = dup_bytes(rec, rl);
    out->len = rl;
    out->key = dup_bytes(key, kl);
    out->key_len = kl;
    return out->bytes != NULL && out->key != NULL;
}

/* A record of meter M1 (see sign_meter). */
static int sign_rec(const char *curve, const char *secret, int i, struct rec *out) {
    return sign_meter(curve, secret, "M1", i, out);
}

static int hexval(uint8_t c) {
    return c >= '0' && c <= '9' ? c - '0' : c >= 'A' && c <= 'F' ? c - 'A' + 10 : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* The bytes of the hex text `hex` (an even number of digits), in a new
 * buffer of `len / 2` bytes; NULL on a bad digit or no memory. */
static uint8_t *unhex(const uint8_t *hex, size_t len) {
    uint8_t *bytes = malloc(len / 2 + 1);
    for (size_t j = 0; bytes != NULL && j < len / 2; j++) {
        int hi = hexval(hex[2 * j]), lo = hexval(hex[2 * j + 1]);
        if (hi < 0 || lo < 0) {
            free(bytes);
            return NULL;
        }
        bytes[j] = (uint8_t)(hi * 16 + lo);
    }
    return bytes;
}

/* Changes the signed value: "RV":<i>.000 -> "RV":<i>.001. */
static int tamper(struct rec *r) {
    uint8_t *p = r->bytes;
    for (size_t i = 0; i + 4 < r->len; i++) {
        if (memcmp(p + i, ".000", 4) == 0) {
            p[i + 3] = '1';
            return 1;
        }
    }
    return 0;
}

/* ------------------------------------------------- the single-call answer */

static const char *const SA[8] = {NULL,
                                  "ECDSA-secp192k1-SHA256",
                                  "ECDSA-secp192r1-SHA256",
                                  "ECDSA-secp256r1-SHA256",
                                  "ECDSA-secp256k1-SHA256",
                                  "ECDSA-secp384r1-SHA256",
                                  "ECDSA-brainpool256r1-SHA256",
                                  "ECDSA-brainpool384r1-SHA256"};

static const char *verdict_json(ocmf_verdict v) {
    switch (v) {
    case OCMF_VERDICT_VALID: return "\"valid\"";
    case OCMF_VERDICT_INVALID_SIGNATURE: return "\"invalid-signature\"";
    case OCMF_VERDICT_MALFORMED: return "\"malformed\"";
    case OCMF_VERDICT_UNSUPPORTED: return "\"unsupported\"";
    default: return "?";
    }
}

static int mismatches = 0;

/* Whether batch result `b` is the JSON report `json` of a single call that
 * returned `code`, field by field (code, verdict, signature_valid,
 * key_source, algorithm, number of findings). */
static int row_is_report(ocmf_batch_result b, ocmf_result code, const char *json) {
    char code_text[16];
    snprintf(code_text, sizeof code_text, "%u", (unsigned)code);
    const char *sig = b.signature == OCMF_SIGNATURE_VALID     ? "true"
                      : b.signature == OCMF_SIGNATURE_INVALID ? "false"
                      : b.signature == OCMF_SIGNATURE_NOT_CHECKED ? "null"
                                                                   : "?";
    const char *src = b.key_source == OCMF_KEY_SOURCE_CALLER   ? "\"caller\""
                      : b.key_source == OCMF_KEY_SOURCE_RECORD ? "\"record\""
                      : b.key_source == OCMF_KEY_SOURCE_NONE   ? "null"
                                                               : "?";
    char alg[40] = "null";
    if (b.curve < 8 && SA[b.curve] != NULL) snprintf(alg, sizeof alg, "\"%s\"", SA[b.curve]);
    else if (b.curve >= 8) snprintf(alg, sizeof alg, "?");
    return json != NULL && code < 700 && b.code == code && json_is(json_get(json, "code"), code_text) &&
           json_is(json_get(json, "verdict"), verdict_json(b.verdict)) &&
           json_is(json_get(json, "signature_valid"), sig) && json_is(json_get(json, "key_source"), src) &&
           json_is(json_get(json, "algorithm"), alg) && json_len(json_get(json, "findings")) == (size_t)b.findings;
}

static void print_mismatch(const char *what, size_t i, ocmf_batch_result b, const char *json) {
    if (mismatches++ < 20)
        fprintf(stderr, "%s[%zu]: batch code %u verdict %u sig %u curve %u src %u findings %u; single: %.400s\n",
                what, i, (unsigned)b.code, (unsigned)b.verdict, (unsigned)b.signature, (unsigned)b.curve,
                (unsigned)b.key_source, (unsigned)b.findings, json ? json : "(no report)");
}

/* Whether batch result `b` is what ocmf_verify_report (key text `key`, or
 * NULL) says about the record, field by field; when `handle` is given (the
 * same key decoded), also what ocmf_verify says. */
static int same_as_single(const char *what, size_t i, const struct rec *r, const uint8_t *key, size_t key_len,
                          const ocmf_key *handle, int use_handle, ocmf_batch_result b) {
    size_t need = 0, len = 0;
    ocmf_result code = ocmf_verify_report(r->bytes, r->len, key, key_len, OCMF_PROFILE_INTEROP, OCMF_LANG_EN,
                                          NULL, 0, &need);
    char *json = code == OCMF_RESULT_BUFFER_TOO_SMALL ? malloc(need) : NULL;
    if (json == NULL) return 0;
    code = ocmf_verify_report(r->bytes, r->len, key, key_len, OCMF_PROFILE_INTEROP, OCMF_LANG_EN, json, need,
                              &len);
    int ok = row_is_report(b, code, json);
    if (use_handle) {
        ocmf_verdict v = 99;
        ocmf_result r2 = ocmf_verify(r->bytes, r->len, handle, OCMF_PROFILE_INTEROP, &v);
        ok = ok && r2 == b.code && v == b.verdict;
    }
    if (!ok) print_mismatch(what, i, b, json);
    free(json);
    return ok;
}

/* ------------------------------------------------------------ corpus */

static size_t read_corpus(const char *path, struct rec **out) {
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        perror(path);
        return 0;
    }
    size_t n = 0, cap = 0;
    struct rec *v = NULL;
    char id[256], expected[64];
    long rec_len, key_len;
    while (fscanf(f, "%255[^\t]\t%63[^\t]\t%ld\t%ld\n", id, expected, &rec_len, &key_len) == 4) {
        if (n == cap) {
            cap = cap ? cap * 2 : 64;
            struct rec *nv = realloc(v, cap * sizeof *v);
            if (nv == NULL) break;
            v = nv;
        }
        struct rec r = {malloc((size_t)rec_len + 1), (size_t)rec_len, NULL, 0};
        if (key_len >= 0) {
            r.key = malloc((size_t)key_len + 1);
            r.key_len = (size_t)key_len;
        }
        if (r.bytes == NULL || fread(r.bytes, 1, r.len, f) != r.len ||
            (key_len >= 0 && (r.key == NULL || fread(r.key, 1, r.key_len, f) != r.key_len)) || fgetc(f) != '\n') {
            rec_free(&r);
            break;
        }
        v[n++] = r;
    }
    fclose(f);
    *out = v;
    return n;
}

/* Every corpus record with its own key text (per-record items), with its
 * decoded key where it decodes, and with no key (ocmf_verify_batch). */
static void test_corpus(const char *path) {
    struct rec *recs = NULL;
    size_t n = read_corpus(path, &recs);
    CHECK_EQ_U(n, 253);
    ocmf_batch_item *items = calloc(n, sizeof *items);
    ocmf_batch_item *handle_items = calloc(n, sizeof *handle_items);
    ocmf_key **keys = calloc(n, sizeof *keys);
    const uint8_t **ptrs = calloc(n, sizeof *ptrs);
    size_t *lens = calloc(n, sizeof *lens);
    ocmf_batch_result *out = calloc(n, sizeof *out);
    if (n == 0 || !items || !handle_items || !keys || !ptrs || !lens || !out) {
        CHECK(0);
        return;
    }
    size_t decoded = 0;
    for (size_t i = 0; i < n; i++) {
        items[i] = (ocmf_batch_item){recs[i].bytes, recs[i].len, NULL, recs[i].key, recs[i].key_len};
        handle_items[i] = (ocmf_batch_item){recs[i].bytes, recs[i].len, NULL, NULL, 0};
        if (recs[i].key != NULL && ocmf_key_parse(recs[i].key, recs[i].key_len, &keys[i]) == OCMF_RESULT_OK) {
            handle_items[i].key = keys[i];
            decoded++;
        }
        ptrs[i] = recs[i].bytes;
        lens[i] = recs[i].len;
    }
    for (size_t t = 0; t < 3; t++) {
        size_t agree = 0, agree_handle = 0, agree_none = 0, valid = 0;
        memset(out, 0xab, n * sizeof *out);
        CHECK_EQ_U(ocmf_verify_batch_items(items, n, OCMF_PROFILE_INTEROP, THREADS[t], out), OCMF_RESULT_OK);
        for (size_t i = 0; i < n; i++) {
            agree += same_as_single("corpus/text", i, &recs[i], recs[i].key, recs[i].key_len, NULL, 0, out[i]);
            valid += out[i].verdict == OCMF_VERDICT_VALID;
        }
        memset(out, 0xab, n * sizeof *out);
        CHECK_EQ_U(ocmf_verify_batch_items(handle_items, n, OCMF_PROFILE_INTEROP, THREADS[t], out),
                   OCMF_RESULT_OK);
        for (size_t i = 0; i < n; i++) {
            /* With a decoded key: the same as the key text and as ocmf_verify. */
            const uint8_t *k = keys[i] != NULL ? recs[i].key : NULL;
            agree_handle += same_as_single("corpus/handle", i, &recs[i], k, k ? recs[i].key_len : 0, keys[i], 1,
                                           out[i]);
        }
        memset(out, 0xab, n * sizeof *out);
        CHECK_EQ_U(ocmf_verify_batch(ptrs, lens, n, NULL, OCMF_PROFILE_INTEROP, THREADS[t], out), OCMF_RESULT_OK);
        for (size_t i = 0; i < n; i++)
            agree_none += same_as_single("corpus/none", i, &recs[i], NULL, 0, NULL, 1, out[i]);
        CHECK_EQ_U(agree, n);
        CHECK_EQ_U(agree_handle, n);
        CHECK_EQ_U(agree_none, n);
        CHECK(valid > 100); /* the corpus is mostly valid records: the batch really verified */
        printf("corpus threads=%zu: %zu/%zu key text, %zu/%zu decoded (%zu keys), %zu/%zu no key agree; %zu valid\n",
               THREADS[t], agree, n, agree_handle, n, decoded, agree_none, n, valid);
    }
    for (size_t i = 0; i < n; i++) {
        ocmf_key_free(keys[i]);
        rec_free(&recs[i]);
    }
    free(recs);
    free(items);
    free(handle_items);
    free(keys);
    free(ptrs);
    free(lens);
    free(out);
}

/* ------------------------------------------------- one key, many records */

#define ONE_KEY_N 48

static void test_one_key(void) {
    struct rec recs[ONE_KEY_N + 3];
    size_t n = ONE_KEY_N, tampered = 0;
    for (size_t i = 0; i < ONE_KEY_N; i++) {
        if (!sign_rec("secp256r1", "0123456789abcdef", (int)i, &recs[i])) {
            CHECK(0);
            return;
        }
        if (i % 5 == 3) tampered += (size_t)tamper(&recs[i]);
    }
    CHECK_EQ_U(tampered, ONE_KEY_N / 5 + (ONE_KEY_N % 5 > 3));
    /* Not UTF-8, oversize, and empty (NULL with length 0). */
    recs[n] = (struct rec){dup_bytes("OCMF|{\xff}|{}", 12), 12, NULL, 0};
    recs[n + 1] = (struct rec){malloc(MAX_RECORD + 1), MAX_RECORD + 1, NULL, 0};
    if (recs[n + 1].bytes != NULL) memset(recs[n + 1].bytes, 'A', MAX_RECORD + 1);
    recs[n + 2] = (struct rec){NULL, 0, NULL, 0};
    size_t total = n + 3;
    ocmf_key *k = NULL;
    CHECK_EQ_U(ocmf_key_parse(recs[0].key, recs[0].key_len, &k), OCMF_RESULT_OK);
    const uint8_t *ptrs[ONE_KEY_N + 3];
    size_t lens[ONE_KEY_N + 3];
    ocmf_batch_item items[ONE_KEY_N + 3];
    for (size_t i = 0; i < total; i++) {
        ptrs[i] = recs[i].bytes;
        lens[i] = recs[i].len;
        /* Key text on every record: the batch decodes it once. */
        items[i] = (ocmf_batch_item){recs[i].bytes, recs[i].len, NULL, recs[0].key, recs[0].key_len};
    }
    ocmf_batch_result out[ONE_KEY_N + 3];
    for (size_t t = 0; t < 3; t++) {
        for (int route = 0; route < 2; route++) {
            memset(out, 0xab, sizeof out);
            ocmf_result r = route == 0 ? ocmf_verify_batch(ptrs, lens, total, k, OCMF_PROFILE_INTEROP, THREADS[t], out)
                                       : ocmf_verify_batch_items(items, total, OCMF_PROFILE_INTEROP, THREADS[t], out);
            CHECK_EQ_U(r, OCMF_RESULT_OK);
            size_t valid = 0, invalid = 0, agree = 0;
            for (size_t i = 0; i < total; i++) {
                agree += same_as_single(route == 0 ? "one-key/handle" : "one-key/text", i, &recs[i], recs[0].key,
                                        recs[0].key_len, k, 1, out[i]);
                valid += out[i].code == OCMF_RESULT_OK && out[i].verdict == OCMF_VERDICT_VALID &&
                         out[i].signature == OCMF_SIGNATURE_VALID && out[i].curve == OCMF_CURVE_SECP256R1 &&
                         out[i].key_source == OCMF_KEY_SOURCE_CALLER;
                invalid += out[i].code == OCMF_RESULT_INVALID_SIGNATURE &&
                           out[i].verdict == OCMF_VERDICT_INVALID_SIGNATURE &&
                           out[i].signature == OCMF_SIGNATURE_INVALID;
            }
            CHECK_EQ_U(agree, total);
            CHECK_EQ_U(valid, n - tampered);
            CHECK_EQ_U(invalid, tampered);
            CHECK_EQ_U(out[n].code, OCMF_RESULT_NOT_UTF8);
            CHECK_EQ_U(out[n].verdict, OCMF_VERDICT_MALFORMED);
            CHECK_EQ_U(out[n + 1].code, OCMF_RESULT_TOO_LARGE);
            CHECK_EQ_U(out[n + 2].code, OCMF_RESULT_EMPTY_INPUT);
            CHECK_EQ_U(out[n + 2].signature, OCMF_SIGNATURE_NOT_CHECKED);
        }
    }
    /* The explicit precompute: NULL is an argument error; verdicts unchanged. */
    CHECK_EQ_U(ocmf_key_precompute(NULL), OCMF_RESULT_INVALID_ARGUMENT);
    CHECK_EQ_U(ocmf_key_precompute(k), OCMF_RESULT_OK);
    CHECK_EQ_U(ocmf_key_precompute(k), OCMF_RESULT_OK);
    for (size_t i = 0; i < n; i++) {
        ocmf_verdict v = 99;
        ocmf_result r = ocmf_verify(recs[i].bytes, recs[i].len, k, OCMF_PROFILE_STRICT, &v);
        CHECK_EQ_U(r, i % 5 == 3 ? OCMF_RESULT_INVALID_SIGNATURE : OCMF_RESULT_OK);
    }
    printf("one key: %zu records (%zu tampered) + 3 unreadable agree with the single calls, threads 1/2/0\n", n,
           tampered);
    ocmf_key_free(k);
    for (size_t i = 0; i < total; i++) rec_free(&recs[i]);
}

/* ------------------------------------------- a bad key text shared by many */

static void test_bad_shared_key(void) {
    enum { N = 40 };
    struct rec recs[N];
    ocmf_batch_item items[N];
    for (size_t i = 0; i < N; i++) {
        if (!sign_rec("secp256r1", "05", (int)i, &recs[i])) {
            CHECK(0);
            return;
        }
    }
    /* An unsupported algorithm's record and an unreadable one keep their own answer. */
    free(recs[7].bytes);
    const char *ed = "OCMF|{\"FV\":\"1.0\",\"PG\":\"T1\",\"MS\":\"X1\",\"IS\":false,\"IT\":\"NONE\","
                     "\"RD\":[{\"TM\":\"2024-01-01T00:00:00,000+0000 S\",\"TX\":\"B\",\"RV\":1.000,"
                     "\"RI\":\"1-b:1.8.0\",\"RU\":\"kWh\",\"ST\":\"G\"}]}|{\"SA\":\"EdDSA-Ed25519\",\"SD\":\"0011\"}";
    recs[7].bytes = dup_bytes(ed, strlen(ed));
    recs[7].len = strlen(ed);
    recs[9].len = 10; /* "OCMF|{\"FV\"": cut short */
    const char *bad = "zz!! not a key";
    for (size_t i = 0; i < N; i++)
        items[i] = (ocmf_batch_item){recs[i].bytes, recs[i].len, NULL, U8(bad), strlen(bad)};
    ocmf_batch_result out[N];
    for (size_t t = 0; t < 3; t++) {
        memset(out, 0xab, sizeof out);
        CHECK_EQ_U(ocmf_verify_batch_items(items, N, OCMF_PROFILE_INTEROP, THREADS[t], out), OCMF_RESULT_OK);
        size_t agree = 0, key_enc = 0;
        for (size_t i = 0; i < N; i++) {
            agree += same_as_single("bad-key", i, &recs[i], U8(bad), strlen(bad), NULL, 0, out[i]);
            key_enc += out[i].code == OCMF_RESULT_KEY_ENCODING && out[i].verdict == OCMF_VERDICT_MALFORMED &&
                       out[i].signature == OCMF_SIGNATURE_NOT_CHECKED;
        }
        CHECK_EQ_U(agree, N);
        CHECK_EQ_U(key_enc, N - 2);
        CHECK_EQ_U(out[7].verdict, OCMF_VERDICT_UNSUPPORTED);
        CHECK_EQ_U(out[9].verdict, OCMF_VERDICT_MALFORMED);
        CHECK(out[9].code != OCMF_RESULT_KEY_ENCODING);
    }
    printf("bad shared key: %d records agree (%d key_encoding)\n", N, N - 2);
    for (size_t i = 0; i < N; i++) rec_free(&recs[i]);
}

/* ------------------------------------------------------ mixed keys */

static const char *const CURVES[7] = {"secp192k1", "secp192r1", "secp256r1", "secp256k1",
                                      "secp384r1", "brainpoolP256r1", "brainpoolP384r1"};

static void test_mixed_keys(void) {
    enum { N = 42 };
    struct rec recs[N];
    ocmf_key *handles[7] = {0};
    uint8_t *binary[7] = {0};
    size_t binary_len[7] = {0};
    ocmf_batch_item items[N];
    /* What each item's single-call twin gets: key text (NULL = none), handle. */
    const uint8_t *single_key[N];
    size_t single_key_len[N];
    int use_handle[N];
    for (size_t i = 0; i < N; i++) {
        size_t c = i % 7;
        if (!sign_rec(CURVES[c], "0a0b0c", (int)i, &recs[i])) {
            CHECK(0);
            return;
        }
        if (handles[c] == NULL) {
            CHECK_EQ_U(ocmf_key_parse(recs[i].key, recs[i].key_len, &handles[c]), OCMF_RESULT_OK);
            /* The SEC1 key as raw bytes (not UTF-8: 0x04 then random bytes, most likely). */
            binary_len[c] = recs[i].key_len / 2;
            binary[c] = unhex(recs[i].key, recs[i].key_len);
            CHECK(binary[c] != NULL);
        }
        if (i % 11 == 4) tamper(&recs[i]);
    }
    for (size_t i = 0; i < N; i++) {
        size_t c = i % 7;
        items[i] = (ocmf_batch_item){recs[i].bytes, recs[i].len, NULL, NULL, 0};
        single_key[i] = NULL;
        single_key_len[i] = 0;
        use_handle[i] = 0;
        switch ((i / 7) % 6) {
        case 0: /* decoded key */
            items[i].key = handles[c];
            single_key[i] = recs[i].key;
            single_key_len[i] = recs[i].key_len;
            use_handle[i] = 1;
            break;
        case 1: /* key text */
            items[i].key_text = recs[i].key;
            items[i].key_text_len = recs[i].key_len;
            single_key[i] = recs[i].key;
            single_key_len[i] = recs[i].key_len;
            break;
        case 2: /* binary SEC1 key */
            items[i].key_text = binary[c];
            items[i].key_text_len = binary_len[c];
            single_key[i] = binary[c];
            single_key_len[i] = binary_len[c];
            break;
        case 3: /* no key given: the record's own 4th section (even i), else key missing */
            use_handle[i] = 1;
            if (i % 2 == 0) {
                uint8_t *longer = realloc(recs[i].bytes, recs[i].len + 1 + recs[i].key_len);
                if (longer == NULL) break;
                longer[recs[i].len] = '|';
                memcpy(longer + recs[i].len + 1, recs[i].key, recs[i].key_len);
                recs[i].bytes = longer;
                recs[i].len += 1 + recs[i].key_len;
                items[i].record = longer;
                items[i].record_len = recs[i].len;
            }
            break;
        case 4: /* another curve's key (decoded) */
            items[i].key = handles[(c + 1) % 7] != NULL ? handles[(c + 1) % 7] : handles[0];
            break;
        default: /* the key text of another curve */
            items[i].key_text = recs[(i + 1) % N].key;
            items[i].key_text_len = recs[(i + 1) % N].key_len;
            single_key[i] = items[i].key_text;
            single_key_len[i] = items[i].key_text_len;
        }
    }
    ocmf_batch_result out[N];
    for (size_t t = 0; t < 3; t++) {
        memset(out, 0xab, sizeof out);
        CHECK_EQ_U(ocmf_verify_batch_items(items, N, OCMF_PROFILE_INTEROP, THREADS[t], out), OCMF_RESULT_OK);
        size_t agree = 0, valid = 0, missing = 0, embedded = 0;
        for (size_t i = 0; i < N; i++) {
            if ((i / 7) % 6 == 4) {
                /* Compare with ocmf_verify and the other key's text. */
                ocmf_verdict v = 99;
                ocmf_result r = ocmf_verify(recs[i].bytes, recs[i].len, items[i].key, OCMF_PROFILE_INTEROP, &v);
                agree += r == out[i].code && v == out[i].verdict && r != OCMF_RESULT_OK;
            } else {
                agree += same_as_single("mixed", i, &recs[i], single_key[i], single_key_len[i],
                                        use_handle[i] ? items[i].key : NULL, use_handle[i], out[i]);
            }
            valid += out[i].verdict == OCMF_VERDICT_VALID;
            missing += out[i].code == OCMF_RESULT_KEY_MISSING;
            embedded += out[i].key_source == OCMF_KEY_SOURCE_RECORD;
            CHECK_EQ_U(out[i].curve, (i % 7) + 1); /* the curve of the record's SA */
        }
        CHECK_EQ_U(agree, N);
        CHECK_EQ_U(missing, 4);  /* 21, 23, 25, 27 */
        CHECK_EQ_U(embedded, 3); /* 22, 24, 26 */
        /* Groups 0-2 and the embedded keys of group 3 are the right keys:
         * those records are valid unless tampered. */
        size_t want_valid = 0;
        for (size_t i = 0; i < 28; i++) want_valid += (i < 21 || i % 2 == 0) && i % 11 != 4;
        CHECK_EQ_U(valid, want_valid);
    }
    printf("mixed keys: %d records on 7 curves agree (handles, texts, binary, embedded, none, wrong keys)\n", N);
    for (size_t c = 0; c < 7; c++) {
        ocmf_key_free(handles[c]);
        free(binary[c]);
    }
    for (size_t i = 0; i < N; i++) rec_free(&recs[i]);
}

/* ------------------------------------------------ against a registry */

static const char *const TRUST_NAMES[5] = {"trusted", "untrusted", "mismatch", "expired", "unknown"};

/* One record for ocmf_verify_batch_trusted: the item, the key text its
 * single-call twin ocmf_verify_trusted gets (NULL for none; the text of a
 * key handle), and the trust it must have (-1: whatever the twin says). */
struct tcase {
    ocmf_batch_item item;
    const uint8_t *key;
    size_t key_len;
    int expect;
};

/* What ocmf_verify_trusted says about one record: code, trust and JSON
 * (NULL when the call itself failed). */
struct single {
    ocmf_result code;
    ocmf_trust trust;
    char *json;
};

static struct single trusted_single(const struct tcase *c, const ocmf_registry *reg) {
    struct single s = {OCMF_RESULT_INTERNAL, 99, NULL};
    const ocmf_batch_item *it = &c->item;
    size_t need = 0, got = 0;
    if (ocmf_verify_trusted(it->record, it->record_len, c->key, c->key_len, reg, OCMF_PROFILE_INTEROP, OCMF_LANG_EN,
                            &s.trust, NULL, 0, &need) != OCMF_RESULT_BUFFER_TOO_SMALL ||
        (s.json = malloc(need)) == NULL)
        return s;
    s.code = ocmf_verify_trusted(it->record, it->record_len, c->key, c->key_len, reg, OCMF_PROFILE_INTEROP,
                                 OCMF_LANG_EN, &s.trust, s.json, need, &got);
    if (s.code >= 700 || got + 1 != need) {
        free(s.json);
        s.json = NULL;
    }
    return s;
}

/* Whether a batch row (result `b`, trust `t`) is the single answer `s`:
 * the report's fields (row_is_report), the trust enum, and the JSON's
 * trust status. */
static int row_is_trusted(const char *what, size_t i, ocmf_batch_result b, ocmf_trust t, struct single s) {
    char status[32] = "?";
    if ((unsigned)t <= OCMF_TRUST_UNKNOWN) snprintf(status, sizeof status, "\"%s\"", TRUST_NAMES[t]);
    int ok = row_is_report(b, s.code, s.json) && t == s.trust &&
             json_is(json_get(json_get(s.json, "trust"), "status"), status);
    if (!ok) {
        print_mismatch(what, i, b, s.json);
        fprintf(stderr, "  trust: batch %u, single %u\n", (unsigned)t, (unsigned)s.trust);
    }
    return ok;
}

/* Runs ocmf_verify_batch_trusted on `cases` with the first `nthreads` of
 * THREADS and compares every row with ocmf_verify_trusted on the same
 * record, key and registry, and with the case's expected trust. Counts the
 * rows of each trust into `seen` and the valid ones into `*valid`; returns
 * how many rows agreed in every run. */
static size_t check_trusted_batch(const char *what, const struct tcase *cases, size_t n, const ocmf_registry *reg,
                                  size_t nthreads, size_t seen[5], size_t *valid) {
    ocmf_batch_item *items = calloc(n, sizeof *items);
    struct single *want = calloc(n, sizeof *want);
    ocmf_batch_result *out = calloc(n, sizeof *out);
    ocmf_trust *trust = calloc(n, sizeof *trust);
    unsigned char *agree = calloc(n, 1);
    size_t agreed = 0;
    if (items == NULL || want == NULL || out == NULL || trust == NULL || agree == NULL) {
        CHECK(0);
        goto out;
    }
    for (size_t i = 0; i < n; i++) {
        items[i] = cases[i].item;
        want[i] = trusted_single(&cases[i], reg);
        agree[i] = want[i].json != NULL && (cases[i].expect < 0 || (int)want[i].trust == cases[i].expect);
        if (want[i].json != NULL && !agree[i] && mismatches++ < 20)
            fprintf(stderr, "%s[%zu]: ocmf_verify_trusted gives trust %u, expected %d\n", what, i,
                    (unsigned)want[i].trust, cases[i].expect);
    }
    for (size_t t = 0; t < nthreads; t++) {
        memset(out, 0xab, n * sizeof *out);
        memset(trust, 0xab, n * sizeof *trust);
        CHECK_EQ_U(ocmf_verify_batch_trusted(items, n, reg, OCMF_PROFILE_INTEROP, THREADS[t], out, trust),
                   OCMF_RESULT_OK);
        for (size_t i = 0; i < n; i++) agree[i] &= (unsigned char)row_is_trusted(what, i, out[i], trust[i], want[i]);
    }
    memset(seen, 0, 5 * sizeof *seen);
    *valid = 0;
    for (size_t i = 0; i < n; i++) {
        agreed += agree[i];
        if ((unsigned)want[i].trust <= OCMF_TRUST_UNKNOWN) seen[want[i].trust]++;
        *valid += want[i].code == OCMF_RESULT_OK;
    }
    printf("%s: %zu/%zu rows agree with ocmf_verify_trusted (threads", what, agreed, n);
    for (size_t t = 0; t < nthreads; t++) printf(" %zu", THREADS[t]);
    printf("); trusted %zu, untrusted %zu, mismatch %zu, expired %zu, unknown %zu; %zu valid\n", seen[0], seen[1],
           seen[2], seen[3], seen[4], *valid);
out:
    for (size_t i = 0; want != NULL && i < n; i++) free(want[i].json);
    free(items);
    free(want);
    free(out);
    free(trust);
    free(agree);
    return agreed;
}

/* A growing text (the registry CSV the tests write). */
struct text {
    char *p;
    size_t len, cap;
};

static void text_add(struct text *t, const char *part, size_t n) {
    if (t->len + n + 1 > t->cap) {
        size_t cap = (t->len + n + 1) * 2;
        char *p = realloc(t->p, cap);
        if (p == NULL) return;
        t->p = p;
        t->cap = cap;
    }
    memcpy(t->p + t->len, part, n);
    t->len += n;
    t->p[t->len] = '\0';
}

/* Whether `n` bytes at `p` fit a quoted CSV field of one line. */
static int csv_safe(const uint8_t *p, size_t n) {
    for (size_t i = 0; i < n; i++)
        if (p[i] == '"' || p[i] == '\n' || p[i] == '\r' || p[i] == 0) return 0;
    return n > 0;
}

/* Appends the registry row `serial_column,public_key,valid_from,valid_until`
 * (serial_column: "serial," for a meter, ",serial" for a gateway). */
static void registry_row(struct text *csv, const char *serial, int gateway, const uint8_t *key, size_t key_len,
                         const char *from, const char *until) {
    char head[320];
    int n = snprintf(head, sizeof head, gateway ? ",\"%s\",\"" : "\"%s\",,\"", serial);
    text_add(csv, head, (size_t)n);
    text_add(csv, (const char *)key, key_len);
    n = snprintf(head, sizeof head, "\",%s,%s,test\n", from, until);
    text_add(csv, head, (size_t)n);
}

static ocmf_registry *load_registry(const struct text *csv) {
    ocmf_registry *reg = NULL;
    size_t line = 99;
    CHECK(csv->p != NULL);
    ocmf_result r = csv->p ? ocmf_registry_load(U8(csv->p), csv->len, &reg, &line) : OCMF_RESULT_INTERNAL;
    CHECK_EQ_U(r, OCMF_RESULT_OK);
    if (r != OCMF_RESULT_OK) fprintf(stderr, "registry line %zu:\n%s\n", line, csv->p ? csv->p : "");
    return reg;
}

#define REGISTRY_HEADER "meter_serial,gateway_serial,public_key,valid_from,valid_until,source\n"

/* One C thread calling ocmf_verify_batch_trusted three times on a shared
 * registry; `same` counts the calls whose rows equal the wanted ones. */
struct trusted_job {
    const ocmf_batch_item *items;
    size_t n;
    const ocmf_registry *reg;
    size_t threads;
    const ocmf_batch_result *want_out;
    const ocmf_trust *want_trust;
    int same;
};

static void *trusted_worker(void *arg) {
    struct trusted_job *j = arg;
    ocmf_batch_result *out = calloc(j->n, sizeof *out);
    ocmf_trust *trust = calloc(j->n, sizeof *trust);
    for (int k = 0; k < 3 && out != NULL && trust != NULL; k++)
        j->same += ocmf_verify_batch_trusted(j->items, j->n, j->reg, OCMF_PROFILE_INTEROP, j->threads, out, trust) ==
                       OCMF_RESULT_OK &&
                   memcmp(out, j->want_out, j->n * sizeof *out) == 0 &&
                   memcmp(trust, j->want_trust, j->n * sizeof *trust) == 0;
    free(out);
    free(trust);
    return NULL;
}

/* Generated records against a registry that gives every trust: meter R1
 * registered with key A (records with A: trusted, also with A as a handle,
 * as binary SEC1, in no form, as a blank text; with key B: mismatch and an
 * invalid signature; with an undecodable key text: the registered key);
 * R2 only until 2020 (expired); R3 not registered (untrusted with a key,
 * unknown without, key_encoding with a bad one, the record's 4th section);
 * R4 with an expired key D and a current key E; not-UTF-8, oversize and
 * empty records. R1 has more than 32 records: the registry key gets its
 * wide tables. Also with a NULL registry, and from four C threads at once. */
static void test_trusted_generated(void) {
    enum { N = 80 };
    static const struct {
        const char *meter, *secret;
        int expect;
    } SPEC[] = {{"R1", "a1", OCMF_TRUST_TRUSTED},   {"R1", "b2", OCMF_TRUST_MISMATCH},
                {"R2", "c3", OCMF_TRUST_EXPIRED},   {"R3", "f6", OCMF_TRUST_UNTRUSTED},
                {"R4", "e5", OCMF_TRUST_TRUSTED},   {"R4", "d4", OCMF_TRUST_EXPIRED}};
    /* Records 0-39: R1/A (every 10th tampered), 40-45: R1/B, 46-49: R2/C,
     * 50-59: R3/F, 60-64: R4/E, 65-69: R4/D, 70-73: R1/A with a bad key
     * text; 74-76 not UTF-8, oversize, empty. */
    static const unsigned char GROUP_END[] = {40, 46, 50, 60, 65, 70, 74};
    struct rec recs[N] = {{0}};
    struct tcase cases[N];
    uint8_t *binary_a = NULL;
    const char *bad = "zz!! not a key", *blank = "  ";
    size_t g = 0, ok = 1;
    for (size_t i = 0; i < 74; i++) {
        while (i >= GROUP_END[g]) g++;
        size_t s = g == 6 ? 0 : g;
        ok &= (size_t)sign_meter("secp256r1", SPEC[s].secret, SPEC[s].meter, (int)i, &recs[i]);
        if (g == 0 && i % 10 == 7) ok &= (size_t)tamper(&recs[i]);
        cases[i] = (struct tcase){{recs[i].bytes, recs[i].len, NULL, recs[i].key, recs[i].key_len},
                                  recs[i].key, recs[i].key_len, SPEC[s].expect};
    }
    CHECK(ok);
    if (!ok) goto out;
    ocmf_key *key_a = NULL;
    CHECK_EQ_U(ocmf_key_parse(recs[0].key, recs[0].key_len, &key_a), OCMF_RESULT_OK);
    binary_a = unhex(recs[0].key, recs[0].key_len);
    CHECK(binary_a != NULL);
    for (size_t i = 0; i < 40; i++) {
        ocmf_batch_item *it = &cases[i].item;
        switch (i % 5) {
        case 1: /* the key as a handle; its twin gets the text */
            it->key = key_a;
            it->key_text = NULL;
            it->key_text_len = 0;
            break;
        case 2: /* binary SEC1 */
            it->key_text = cases[i].key = binary_a;
            it->key_text_len = cases[i].key_len = recs[0].key_len / 2;
            break;
        case 3: /* no key: the registry's */
            it->key_text = cases[i].key = NULL;
            it->key_text_len = cases[i].key_len = 0;
            break;
        case 4: /* a blank key text is no key */
            it->key_text = cases[i].key = U8(blank);
            it->key_text_len = cases[i].key_len = strlen(blank);
            break;
        default: break;
        }
    }
    for (size_t i = 70; i < 74; i++) {
        cases[i].item.key_text = cases[i].key = U8(bad);
        cases[i].item.key_text_len = cases[i].key_len = strlen(bad);
        cases[i].expect = -1;
    }
    /* R3: 52-53 no key (unknown), 54-55 a bad key text (unknown,
     * key_encoding), 56-57 the key in the record's 4th section. */
    for (size_t i = 52; i < 58; i++) {
        struct tcase *c = &cases[i];
        c->item.key_text = c->key = i < 54 ? NULL : i < 56 ? U8(bad) : NULL;
        c->item.key_text_len = c->key_len = c->key != NULL ? strlen(bad) : 0;
        c->expect = i < 56 ? OCMF_TRUST_UNKNOWN : OCMF_TRUST_UNTRUSTED;
        if (i >= 56) {
            uint8_t *longer = realloc(recs[i].bytes, recs[i].len + 1 + recs[i].key_len);
            if (longer == NULL) continue;
            longer[recs[i].len] = '|';
            memcpy(longer + recs[i].len + 1, recs[i].key, recs[i].key_len);
            recs[i].bytes = longer;
            c->item.record = longer;
            recs[i].len = c->item.record_len = recs[i].len + 1 + recs[i].key_len;
        }
    }
    recs[74] = (struct rec){dup_bytes("OCMF|{\xff}|{}", 12), 12, NULL, 0};
    recs[75] = (struct rec){malloc(MAX_RECORD + 1), MAX_RECORD + 1, NULL, 0};
    if (recs[75].bytes != NULL) memset(recs[75].bytes, 'A', MAX_RECORD + 1);
    for (size_t i = 74; i < 77; i++)
        cases[i] = (struct tcase){{recs[i].bytes, recs[i].len, NULL, recs[0].key, recs[0].key_len},
                                  recs[0].key,
                                  recs[0].key_len,
                                  OCMF_TRUST_UNKNOWN};
    size_t n = 77;

    struct text csv = {0};
    text_add(&csv, REGISTRY_HEADER, strlen(REGISTRY_HEADER));
    registry_row(&csv, "R1", 0, recs[0].key, recs[0].key_len, "", "");
    registry_row(&csv, "R2", 0, recs[46].key, recs[46].key_len, "", "2020-12-31");
    registry_row(&csv, "R4", 0, recs[65].key, recs[65].key_len, "", "2020-12-31");
    registry_row(&csv, "R4", 0, recs[60].key, recs[60].key_len, "2021-01-01", "");
    ocmf_registry *reg = load_registry(&csv);

    size_t seen[5], valid = 0;
    CHECK_EQ_U(check_trusted_batch("generated", cases, n, reg, 3, seen, &valid), n);
    CHECK_EQ_U(seen[OCMF_TRUST_TRUSTED], 40 + 5 + 4);
    CHECK_EQ_U(seen[OCMF_TRUST_MISMATCH], 6);
    CHECK_EQ_U(seen[OCMF_TRUST_EXPIRED], 4 + 5);
    CHECK_EQ_U(seen[OCMF_TRUST_UNTRUSTED], 6);
    CHECK_EQ_U(seen[OCMF_TRUST_UNKNOWN], 4 + 3);
    /* R1/A untampered and with the bad text (the registered key is used),
     * R2 (expired, still verified), R3 with keys, R4: valid. */
    CHECK_EQ_U(valid, 36 + 4 + 4 + 6 + 10);

    /* Four C threads at once, one registry: the rows of one sequential call. */
    ocmf_batch_item items[N];
    ocmf_batch_result want_out[N];
    ocmf_trust want_trust[N];
    for (size_t i = 0; i < n; i++) items[i] = cases[i].item;
    CHECK_EQ_U(ocmf_verify_batch_trusted(items, n, reg, OCMF_PROFILE_INTEROP, 1, want_out, want_trust),
               OCMF_RESULT_OK);
    pthread_t th[4];
    struct trusted_job jobs[4];
    for (size_t i = 0; i < 4; i++) {
        jobs[i] = (struct trusted_job){items, n, reg, THREADS[i % 3], want_out, want_trust, 0};
        CHECK_EQ_U(pthread_create(&th[i], NULL, trusted_worker, &jobs[i]), 0);
    }
    for (size_t i = 0; i < 4; i++) {
        pthread_join(th[i], NULL);
        CHECK_EQ_U(jobs[i].same, 3);
    }

    /* No registry: every key untrusted, no key unknown. */
    struct tcase plain[N];
    memcpy(plain, cases, n * sizeof *plain);
    for (size_t i = 0; i < n; i++) plain[i].expect = -1;
    CHECK_EQ_U(check_trusted_batch("generated, NULL registry", plain, n, NULL, 2, seen, &valid), n);
    CHECK_EQ_U(seen[OCMF_TRUST_TRUSTED] + seen[OCMF_TRUST_MISMATCH] + seen[OCMF_TRUST_EXPIRED], 0);

    ocmf_registry_free(reg);
    ocmf_key_free(key_a);
    free(csv.p);
out:
    free(binary_a);
    for (size_t i = 0; i < N; i++) rec_free(&recs[i]);
}

/* Every corpus record with its key text, and with its decoded key (or no
 * key where it does not decode), against a registry written from the
 * corpus: of the meters (else gateways) with a usable key, in order, the
 * 1st of every five is not registered, the 2nd gets its own key, the 3rd
 * the previous meter's key, the 4th its own key until 2000, the 5th its
 * own key from 2000 and the previous meter's key until 1999. Then with a
 * NULL registry. */
static void test_trusted_corpus(const char *path) {
    struct rec *recs = NULL;
    size_t n = read_corpus(path, &recs);
    CHECK_EQ_U(n, 253);
    struct tcase *cases = calloc(2 * n + 1, sizeof *cases);
    ocmf_key **keys = calloc(n + 1, sizeof *keys);
    char(*serials)[128] = calloc(n + 1, sizeof *serials);
    struct text csv = {0};
    if (n == 0 || cases == NULL || keys == NULL || serials == NULL) {
        CHECK(0);
        goto out;
    }
    text_add(&csv, REGISTRY_HEADER, strlen(REGISTRY_HEADER));
    size_t meters = 0;
    const struct rec *previous = NULL;
    for (size_t i = 0; i < n; i++) {
        const struct rec *r = &recs[i];
        int decodes = r->key != NULL && ocmf_key_parse(r->key, r->key_len, &keys[i]) == OCMF_RESULT_OK;
        cases[i] = (struct tcase){{r->bytes, r->len, NULL, r->key, r->key_len}, r->key, r->key_len, -1};
        cases[n + i] = (struct tcase){{r->bytes, r->len, keys[i], NULL, 0}, decodes ? r->key : NULL,
                                      decodes ? r->key_len : 0, -1};
        /* The record's meter serial, else its gateway serial. */
        char payload[16384], serial[128] = "";
        size_t len = 0;
        int gateway = 0;
        if (!decodes || !csv_safe(r->key, r->key_len) ||
            ocmf_inspect(r->bytes, r->len, OCMF_LANG_EN, payload, sizeof payload, &len) != OCMF_RESULT_OK)
            continue;
        if (json_str(json_get(payload, "meter_serial"), serial, sizeof serial) == (size_t)-1 || serial[0] == '\0') {
            gateway = 1;
            if (json_str(json_get(payload, "gateway_serial"), serial, sizeof serial) == (size_t)-1) continue;
        }
        if (strspn(serial, " \t") == strlen(serial) || !csv_safe(U8(serial), strlen(serial))) continue;
        size_t seen_before = 0;
        for (size_t m = 0; m < meters && !seen_before; m++) seen_before = strcmp(serials[m], serial) == 0;
        if (seen_before) continue;
        snprintf(serials[meters], sizeof serials[meters], "%s", serial);
        switch (meters++ % 5) {
        case 1: registry_row(&csv, serial, gateway, r->key, r->key_len, "", ""); break;
        case 2: registry_row(&csv, serial, gateway, previous->key, previous->key_len, "", ""); break;
        case 3: registry_row(&csv, serial, gateway, r->key, r->key_len, "", "2000-01-01"); break;
        case 4:
            registry_row(&csv, serial, gateway, r->key, r->key_len, "2000-01-01", "");
            registry_row(&csv, serial, gateway, previous->key, previous->key_len, "", "1999-12-31");
            break;
        default: break; /* not registered */
        }
        previous = r;
    }
    CHECK(meters > 20);
    ocmf_registry *reg = load_registry(&csv);
    size_t entries = 0;
    CHECK_EQ_U(ocmf_registry_len(reg, &entries), OCMF_RESULT_OK);
    printf("corpus registry: %zu meters, %zu keys registered\n", meters, entries);
    size_t seen[5], valid = 0;
    CHECK_EQ_U(check_trusted_batch("corpus, registry", cases, 2 * n, reg, 2, seen, &valid), 2 * n);
    for (size_t t = 0; t < 5; t++) {
        if (seen[t] == 0) fprintf(stderr, "corpus, registry: no row is %s\n", TRUST_NAMES[t]);
        CHECK(seen[t] > 0); /* the registry gives every trust */
    }
    CHECK(valid > 200); /* mostly valid records: the batch really verified */
    CHECK_EQ_U(check_trusted_batch("corpus, NULL registry", cases, n, NULL, 1, seen, &valid), n);
    CHECK_EQ_U(seen[OCMF_TRUST_TRUSTED] + seen[OCMF_TRUST_MISMATCH] + seen[OCMF_TRUST_EXPIRED], 0);
    CHECK(seen[OCMF_TRUST_UNTRUSTED] > 200);
    ocmf_registry_free(reg);
out:
    for (size_t i = 0; i < n; i++) {
        ocmf_key_free(keys != NULL ? keys[i] : NULL);
        rec_free(&recs[i]);
    }
    free(csv.p);
    free(recs);
    free(cases);
    free(keys);
    free(serials);
}

/* ------------------------------------------------------------ hostile */

static int untouched(const void *out, size_t size) {
    const unsigned char *p = out;
    for (size_t i = 0; i < size; i++)
        if (p[i] != 0xab) return 0;
    return 1;
}

static void test_hostile(void) {
    struct rec r;
    if (!sign_rec("secp256r1", "01", 1, &r)) {
        CHECK(0);
        return;
    }
    const uint8_t *ptrs[2] = {r.bytes, r.bytes};
    size_t lens[2] = {r.len, r.len};
    ocmf_batch_result out[2];
    ocmf_trust trust[2];
    ocmf_key *k = NULL;
    CHECK_EQ_U(ocmf_key_parse(r.key, r.key_len, &k), OCMF_RESULT_OK);
#define HOSTILE(call)                                                                                                  \
    do {                                                                                                             \
        memset(out, 0xab, sizeof out);                                                                               \
        memset(trust, 0xab, sizeof trust);                                                                           \
        CHECK_EQ_U(call, OCMF_RESULT_INVALID_ARGUMENT);                                                              \
        CHECK(untouched(out, sizeof out) && untouched(trust, sizeof trust));                                         \
    } while (0)
    HOSTILE(ocmf_verify_batch(NULL, lens, 2, k, OCMF_PROFILE_INTEROP, 1, out));
    HOSTILE(ocmf_verify_batch(ptrs, NULL, 2, k, OCMF_PROFILE_INTEROP, 1, out));
    CHECK_EQ_U(ocmf_verify_batch(ptrs, lens, 2, k, OCMF_PROFILE_INTEROP, 1, NULL), OCMF_RESULT_INVALID_ARGUMENT);
    HOSTILE(ocmf_verify_batch(ptrs, lens, 2, k, 3, 1, out));
    HOSTILE(ocmf_verify_batch(ptrs, lens, 2, k, OCMF_PROFILE_INTEROP, OCMF_BATCH_MAX_THREADS + 1, out));
    HOSTILE(ocmf_verify_batch(ptrs, lens, 2, k, OCMF_PROFILE_INTEROP, (size_t)-1, out));
    HOSTILE(ocmf_verify_batch(ptrs, lens, SIZE_MAX / 4, k, OCMF_PROFILE_INTEROP, 1, out));
    /* A misaligned output array. */
    unsigned char raw[sizeof out + 8];
    CHECK_EQ_U(ocmf_verify_batch(ptrs, lens, 1, k, OCMF_PROFILE_INTEROP, 1, (ocmf_batch_result *)(void *)(raw + 1)),
               OCMF_RESULT_INVALID_ARGUMENT);
    /* One NULL record with a length: the whole call fails, nothing written. */
    const uint8_t *bad_ptrs[2] = {r.bytes, NULL};
    HOSTILE(ocmf_verify_batch(bad_ptrs, lens, 2, k, OCMF_PROFILE_INTEROP, 2, out));
    /* count 0: nothing to do, NULL everywhere is fine. */
    CHECK_EQ_U(ocmf_verify_batch(NULL, NULL, 0, NULL, OCMF_PROFILE_INTEROP, 1, NULL), OCMF_RESULT_OK);
    CHECK_EQ_U(ocmf_verify_batch_items(NULL, 0, OCMF_PROFILE_STRICT, 0, NULL), OCMF_RESULT_OK);

    ocmf_batch_item items[2] = {{r.bytes, r.len, k, NULL, 0}, {r.bytes, r.len, NULL, r.key, r.key_len}};
    HOSTILE(ocmf_verify_batch_items(NULL, 2, OCMF_PROFILE_INTEROP, 1, out));
    CHECK_EQ_U(ocmf_verify_batch_items(items, 2, OCMF_PROFILE_INTEROP, 1, NULL), OCMF_RESULT_INVALID_ARGUMENT);
    HOSTILE(ocmf_verify_batch_items(items, 2, 99, 1, out));
    HOSTILE(ocmf_verify_batch_items(items, 2, OCMF_PROFILE_INTEROP, 1000, out));
    ocmf_batch_item both[2] = {{r.bytes, r.len, k, r.key, r.key_len}, items[1]};
    HOSTILE(ocmf_verify_batch_items(both, 2, OCMF_PROFILE_INTEROP, 1, out));
    ocmf_batch_item null_rec[2] = {items[0], {NULL, 5, NULL, NULL, 0}};
    HOSTILE(ocmf_verify_batch_items(null_rec, 2, OCMF_PROFILE_INTEROP, 1, out));
    ocmf_batch_item null_key[2] = {items[0], {r.bytes, r.len, NULL, NULL, 7}};
    /* A NULL key text with a length is "no key text" (as ocmf_verify_report's key). */
    memset(out, 0xab, sizeof out);
    CHECK_EQ_U(ocmf_verify_batch_items(null_key, 2, OCMF_PROFILE_INTEROP, 1, out), OCMF_RESULT_OK);
    CHECK_EQ_U(out[1].code, OCMF_RESULT_KEY_MISSING);
    /* The good call, for contrast: both valid, profiles apply. */
    memset(out, 0xab, sizeof out);
    CHECK_EQ_U(ocmf_verify_batch_items(items, 2, OCMF_PROFILE_STRICT, 1, out), OCMF_RESULT_OK);
    for (size_t i = 0; i < 2; i++) {
        ocmf_verdict v = 99;
        CHECK_EQ_U(out[i].code, ocmf_verify(r.bytes, r.len, k, OCMF_PROFILE_STRICT, &v));
        CHECK_EQ_U(out[i].verdict, v);
    }
    CHECK_EQ_U(out[1].key_source, OCMF_KEY_SOURCE_CALLER);

    /* ocmf_verify_batch_trusted: the items' rules, and out_trust as out. */
    HOSTILE(ocmf_verify_batch_trusted(NULL, 2, NULL, OCMF_PROFILE_INTEROP, 1, out, trust));
    HOSTILE(ocmf_verify_batch_trusted(items, 2, NULL, OCMF_PROFILE_INTEROP, 1, NULL, trust));
    HOSTILE(ocmf_verify_batch_trusted(items, 2, NULL, OCMF_PROFILE_INTEROP, 1, out, NULL));
    HOSTILE(ocmf_verify_batch_trusted(items, 2, NULL, 3, 1, out, trust));
    HOSTILE(ocmf_verify_batch_trusted(items, 2, NULL, OCMF_PROFILE_INTEROP, OCMF_BATCH_MAX_THREADS + 1, out, trust));
    HOSTILE(ocmf_verify_batch_trusted(items, SIZE_MAX / 4, NULL, OCMF_PROFILE_INTEROP, 1, out, trust));
    HOSTILE(ocmf_verify_batch_trusted(both, 2, NULL, OCMF_PROFILE_INTEROP, 2, out, trust));
    HOSTILE(ocmf_verify_batch_trusted(null_rec, 2, NULL, OCMF_PROFILE_INTEROP, 2, out, trust));
    CHECK_EQ_U(ocmf_verify_batch_trusted(items, 1, NULL, OCMF_PROFILE_INTEROP, 1, out,
                                         (ocmf_trust *)(void *)(raw + 1)),
               OCMF_RESULT_INVALID_ARGUMENT);
    CHECK_EQ_U(ocmf_verify_batch_trusted(NULL, 0, NULL, OCMF_PROFILE_INTEROP, 0, NULL, NULL), OCMF_RESULT_OK);
    /* The good call, for contrast: no registry, so the carried keys are untrusted. */
    memset(out, 0xab, sizeof out);
    memset(trust, 0xab, sizeof trust);
    CHECK_EQ_U(ocmf_verify_batch_trusted(items, 2, NULL, OCMF_PROFILE_STRICT, 1, out, trust), OCMF_RESULT_OK);
    for (size_t i = 0; i < 2; i++) {
        ocmf_trust t = 99;
        char json[4096];
        size_t len = 0;
        CHECK_EQ_U(out[i].code, ocmf_verify_trusted(r.bytes, r.len, r.key, r.key_len, NULL, OCMF_PROFILE_STRICT,
                                                    OCMF_LANG_EN, &t, json, sizeof json, &len));
        CHECK_EQ_U(trust[i], t);
        CHECK_EQ_U(trust[i], OCMF_TRUST_UNTRUSTED);
    }
#undef HOSTILE
    ocmf_key_free(k);
    rec_free(&r);
}

/* ------------------------------------------------------------ threads */

struct job {
    const uint8_t *const *ptrs;
    const size_t *lens;
    size_t n;
    const ocmf_key *key;
    size_t threads;
    size_t valid;
    ocmf_result rc;
};

static void *worker(void *arg) {
    struct job *j = arg;
    ocmf_batch_result *out = calloc(j->n, sizeof *out);
    j->valid = 0;
    j->rc = out ? ocmf_verify_batch(j->ptrs, j->lens, j->n, j->key, OCMF_PROFILE_INTEROP, j->threads, out)
                : OCMF_RESULT_INTERNAL;
    for (size_t i = 0; out != NULL && j->rc == OCMF_RESULT_OK && i < j->n; i++)
        j->valid += out[i].verdict == OCMF_VERDICT_VALID;
    free(out);
    return NULL;
}

static void test_concurrent_calls(void) {
    enum { N = 36 };
    struct rec recs[N];
    const uint8_t *ptrs[N];
    size_t lens[N];
    for (size_t i = 0; i < N; i++) {
        if (!sign_rec("secp384r1", "77", (int)i, &recs[i])) {
            CHECK(0);
            return;
        }
        if (i == 5) tamper(&recs[i]);
        ptrs[i] = recs[i].bytes;
        lens[i] = recs[i].len;
    }
    ocmf_key *k = NULL;
    CHECK_EQ_U(ocmf_key_parse(recs[0].key, recs[0].key_len, &k), OCMF_RESULT_OK);
    pthread_t t[4];
    struct job jobs[4];
    for (size_t i = 0; i < 4; i++) {
        jobs[i] = (struct job){ptrs, lens, N, k, THREADS[i % 3], 0, OCMF_RESULT_INTERNAL};
        CHECK_EQ_U(pthread_create(&t[i], NULL, worker, &jobs[i]), 0);
    }
    for (size_t i = 0; i < 4; i++) {
        pthread_join(t[i], NULL);
        CHECK_EQ_U(jobs[i].rc, OCMF_RESULT_OK);
        CHECK_EQ_U(jobs[i].valid, N - 1);
    }
    printf("four C threads, one shared key, batch threads 1/2/0/1: all agree\n");
    ocmf_key_free(k);
    for (size_t i = 0; i < N; i++) rec_free(&recs[i]);
}

int main(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: %s corpus.tsv\n", argv[0]);
        return 2;
    }
    test_hostile();
    test_one_key();
    test_bad_shared_key();
    test_mixed_keys();
    test_concurrent_calls();
    test_corpus(argv[1]);
    test_trusted_generated();
    test_trusted_corpus(argv[1]);
    return check_summary("test_batch");
}
