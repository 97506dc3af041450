/* Sessions of the other formats through the C ABI (issue 19):
 * ocmf_verify_format_session on shared samples that are the start and end
 * of one charging session (formats.tsv, converted by corpus_to_tsv.py
 * --formats): the verdict out-parameter, the return code and the JSON
 * agree; the energy is the exact decimal text; swapped values, two meters
 * and a changed value are not valid sessions.
 *
 *   test_format_session formats.tsv
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

#define MAX_ENTRIES 64
static tsv_entry ENTRIES[MAX_ENTRIES];
static int N_ENTRIES = 0;

static const tsv_entry *entry(const char *id) {
    for (int i = 0; i < N_ENTRIES; i++) {
        if (strcmp(ENTRIES[i].id, id) == 0) return &ENTRIES[i];
    }
    fprintf(stderr, "no sample %s\n", id);
    return NULL;
}

/* The session of these samples (the first one's key, if any) into a new
 * heap string (size query, then fill). */
static char *session(const char *const *ids, size_t n, ocmf_session_verdict *verdict, ocmf_result *code) {
    ocmf_format_value values[8];
    ocmf_key *key = NULL;
    for (size_t i = 0; i < n; i++) {
        const tsv_entry *e = entry(ids[i]);
        if (e == NULL) return NULL;
        values[i].value = e->value;
        values[i].value_len = (size_t)e->value_len;
        if (i == 0 && e->key != NULL) CHECK_EQ_U(ocmf_key_parse(e->key, (size_t)e->key_len, &key), OCMF_RESULT_OK);
    }
    size_t need = 0, got = 0;
    *code = ocmf_verify_format_session(values, n, key, NULL, OCMF_PROFILE_INTEROP, OCMF_LANG_EN, verdict, NULL, 0,
                                       &need);
    CHECK_EQ_U(*code, OCMF_RESULT_BUFFER_TOO_SMALL);
    char *buf = malloc(need);
    if (buf != NULL) {
        *code = ocmf_verify_format_session(values, n, key, NULL, OCMF_PROFILE_INTEROP, OCMF_LANG_EN, verdict, buf,
                                           need, &got);
        CHECK(got + 1 == need && strlen(buf) == got);
    }
    ocmf_key_free(key);
    return buf;
}

static const char *member(const char *json, const char *name, char *out, size_t cap) {
    const char *p = json != NULL ? json_get(json, name) : NULL;
    out[0] = 0;
    if (p != NULL) json_str(p, out, cap);
    return out;
}

static const char *SESSION_VERDICTS[] = {"valid", "incomplete", "invalid", "malformed"};

/* One session: its verdict, code and (when want_kwh is not NULL) energy. */
static void expect(const char *const *ids, size_t n, ocmf_session_verdict want, ocmf_result want_code,
                   const char *want_kwh) {
    ocmf_session_verdict v = 99;
    ocmf_result code = 0;
    char *json = session(ids, n, &v, &code);
    char verdict[32] = "", kwh[64] = "";
    member(json, "verdict", verdict, sizeof verdict);
    if (json != NULL) member(json_get(json, "energy"), "kwh", kwh, sizeof kwh);
    if (v != want || code != want_code) fprintf(stderr, "%s…: got %u (%u), expected %u (%u)\n", ids[0], v, code, want, want_code);
    CHECK_EQ_U(v, want);
    CHECK_EQ_U(code, want_code);
    CHECK(v <= OCMF_SESSION_VERDICT_MALFORMED && strcmp(SESSION_VERDICTS[v], verdict) == 0);
    if (want_kwh != NULL) CHECK_STR(kwh, want_kwh);
    free(json);
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
    int r;
    while (N_ENTRIES < MAX_ENTRIES && (r = tsv_next(f, &ENTRIES[N_ENTRIES])) == 1) N_ENTRIES++;
    fclose(f);
    CHECK_EQ_U(N_ENTRIES, 42); /* 41 samples and the ChargePoint tamper */

    const char *alfen[] = {"alfen-011", "alfen-012"};
    expect(alfen, 2, OCMF_SESSION_VERDICT_VALID, OCMF_RESULT_OK, "2100.000");
    const char *swapped[] = {"alfen-012", "alfen-011"};
    expect(swapped, 2, OCMF_SESSION_VERDICT_INVALID, OCMF_RESULT_SESSION_INCONSISTENT, NULL);
    const char *edl40[] = {"edl40-025", "edl40-026"};
    expect(edl40, 2, OCMF_SESSION_VERDICT_VALID, OCMF_RESULT_OK, "0.0019");
    const char *isa[] = {"isa_edl40-030", "isa_edl40-029"};
    expect(isa, 2, OCMF_SESSION_VERDICT_VALID, OCMF_RESULT_OK, "22.3294");
    const char *mennekes[] = {"edl_mennekes-045"};
    expect(mennekes, 1, OCMF_SESSION_VERDICT_VALID, OCMF_RESULT_OK, "0.1419");
    const char *pcdf[] = {"pcdf-054"};
    expect(pcdf, 1, OCMF_SESSION_VERDICT_VALID, OCMF_RESULT_OK, "3.276");
    const char *bsm[] = {"bsm_ws36a-066", "bsm_ws36a-067"};
    expect(bsm, 2, OCMF_SESSION_VERDICT_VALID, OCMF_RESULT_OK, "0.020");
    const char *meters[] = {"bsm_ws36a-066", "bsm_ws36a-069"};
    expect(meters, 2, OCMF_SESSION_VERDICT_INVALID, OCMF_RESULT_SESSION_INCONSISTENT, NULL);
    const char *changed[] = {"edl_mennekes-048"};
    expect(changed, 1, OCMF_SESSION_VERDICT_INVALID, OCMF_RESULT_INVALID_SIGNATURE, NULL);
    const char *start_only[] = {"emh_chargeit-062"};
    expect(start_only, 1, OCMF_SESSION_VERDICT_INCOMPLETE, OCMF_RESULT_SESSION_INCONSISTENT, NULL);
    expect(NULL, 0, OCMF_SESSION_VERDICT_MALFORMED, OCMF_RESULT_SESSION_EMPTY, NULL);

    /* Bad arguments write nothing. */
    size_t need = 0;
    ocmf_session_verdict v = 99;
    CHECK_EQ_U(ocmf_verify_format_session(NULL, 2, NULL, NULL, OCMF_PROFILE_INTEROP, OCMF_LANG_EN, &v, NULL, 0,
                                          &need),
               OCMF_RESULT_INVALID_ARGUMENT);
    CHECK_EQ_U(ocmf_verify_format_session(NULL, 0, NULL, NULL, OCMF_PROFILE_INTEROP, OCMF_LANG_EN, NULL, NULL, 0,
                                          &need),
               OCMF_RESULT_INVALID_ARGUMENT);
    CHECK_EQ_U(v, 99);

    for (int i = 0; i < N_ENTRIES; i++) {
        free(ENTRIES[i].value);
        free(ENTRIES[i].key);
    }
    return check_summary("test_format_session");
}
