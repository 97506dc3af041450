/* The batch entry points (ocmf_verify_batch, ocmf_verify_batch_items) and
 * ocmf_key_precompute, through the built library as a C caller uses them.
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
 * once. Hostile calls must fail with OCMF_RESULT_INVALID_ARGUMENT and write
 * nothing.
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

/* Signs a payload with meter `i`, value `i` on `curve` with `secret`. */
static int sign_rec(const char *curve, const char *secret, int i, struct rec *out) {
    char payload[512], rec[2048], key[512];
    size_t rl = 0, kl = 0;
    snprintf(payload, sizeof payload,
             "{\"FV\":\"1.0\",\"GI\":\"B\",\"GS\":\"G%d\",\"PG\":\"T%d\",\"MS\":\"M1\",\"IS\":false,"
             "\"IT\":\"NONE\",\"RD\":[{\"TM\":\"2024-01-01T00:00:00,000+0000 S\",\"TX\":\"B\","
             "\"RV\":%d.000,\"RI\":\"1-b:1.8.0\",\"RU\":\"kWh\",\"ST\":\"G\"}]}",
             i, i, i);
    if (ocmf_sign(U8(payload), strlen(payload), U8(secret), strlen(secret), U8(curve), strlen(curve), rec,
                  sizeof rec, &rl, key, sizeof key, &kl) != OCMF_RESULT_OK)
        return 0;
    out->bytes = dup_bytes(rec, rl);
    out->len = rl;
    out->key = dup_bytes(key, kl);
    out->key_len = kl;
    return out->bytes != NULL && out->key != NULL;
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
    int ok = code < 700 && b.code == code && json_is(json_get(json, "code"), code_text) &&
             json_is(json_get(json, "verdict"), verdict_json(b.verdict)) &&
             json_is(json_get(json, "signature_valid"), sig) && json_is(json_get(json, "key_source"), src) &&
             json_is(json_get(json, "algorithm"), alg) &&
             json_len(json_get(json, "findings")) == (size_t)b.findings;
    if (use_handle) {
        ocmf_verdict v = 99;
        ocmf_result r2 = ocmf_verify(r->bytes, r->len, handle, OCMF_PROFILE_INTEROP, &v);
        ok = ok && r2 == b.code && v == b.verdict;
    }
    if (!ok && mismatches++ < 20)
        fprintf(stderr, "%s[%zu]: batch code %u verdict %u sig %u curve %u src %u findings %u; single: %.400s\n",
                what, i, (unsigned)b.code, (unsigned)b.verdict, (unsigned)b.signature, (unsigned)b.curve,
                (unsigned)b.key_source, (unsigned)b.findings, json);
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

static int hexval(uint8_t c) {
    return c >= '0' && c <= '9' ? c - '0' : c >= 'A' && c <= 'F' ? c - 'A' + 10 : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

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
            binary[c] = malloc(binary_len[c]);
            for (size_t j = 0; binary[c] != NULL && j < binary_len[c]; j++)
                binary[c][j] = (uint8_t)(hexval(recs[i].key[2 * j]) * 16 + hexval(recs[i].key[2 * j + 1]));
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

/* ------------------------------------------------------------ hostile */

static int untouched(const ocmf_batch_result *out, size_t n) {
    const unsigned char *p = (const unsigned char *)out;
    for (size_t i = 0; i < n * sizeof *out; i++)
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
    ocmf_key *k = NULL;
    CHECK_EQ_U(ocmf_key_parse(r.key, r.key_len, &k), OCMF_RESULT_OK);
#define HOSTILE(call)                                                                                                  \
    do {                                                                                                             \
        memset(out, 0xab, sizeof out);                                                                               \
        CHECK_EQ_U(call, OCMF_RESULT_INVALID_ARGUMENT);                                                              \
        CHECK(untouched(out, 2));                                                                                    \
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
    return check_summary("test_batch");
}
