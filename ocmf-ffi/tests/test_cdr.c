/* OCPI and OICP charge detail records through the C ABI, on the core's
 * fixtures (ocmf-core/tests/data/cdr): ocmf_extract finds each CDR's
 * session with its EVSE id, token and billed energy; a billed energy that
 * is not the signed one is the error finding billed_energy_mismatch
 * (1190); a CDR whose value is in an encoding other than OCMF is the error
 * entry 807 (OCMF_RESULT_UNSUPPORTED_ENCODING) and the other CDRs of the
 * page are still read; a malformed JSON line is 805 with its line; the
 * registry makes the CDR's key trusted; ocmf_to_xml writes the CDR values.
 *
 *   test_cdr ocmf-core/tests/data/cdr
 */
#define _POSIX_C_SOURCE 200809L
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ocmf.h"
#include "check.h"
#include "json_mini.h"

static const char *DIR;

static char *slurp(const char *name, size_t *len) {
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", DIR, name);
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

/* ocmf_extract of `len` bytes into a new heap string (size query, then
 * fill); NULL when the call fails. */
static char *extract_bytes(const char *in, size_t len, const ocmf_registry *reg, ocmf_extract_summary *sum,
                           ocmf_result *code) {
    size_t need = 0, got = 0;
    *code = ocmf_extract(U8(in), len, NULL, reg, OCMF_PROFILE_INTEROP, OCMF_LANG_EN, sum, NULL, 0, &need);
    char *buf = *code == OCMF_RESULT_BUFFER_TOO_SMALL ? malloc(need) : NULL;
    if (buf == NULL) return NULL;
    *code = ocmf_extract(U8(in), len, NULL, reg, OCMF_PROFILE_INTEROP, OCMF_LANG_EN, sum, buf, need, &got);
    if (got + 1 != need || strlen(buf) != got) {
        free(buf);
        return NULL;
    }
    return buf;
}

/* ocmf_extract of a fixture; NULL when it cannot be read or the call fails. */
static char *extract(const char *name, const ocmf_registry *reg, ocmf_extract_summary *sum, ocmf_result *code) {
    size_t len = 0;
    char *in = slurp(name, &len);
    *code = OCMF_RESULT_INTERNAL;
    if (in == NULL) {
        fprintf(stderr, "cannot read %s/%s\n", DIR, name);
        return NULL;
    }
    char *out = extract_bytes(in, len, reg, sum, code);
    free(in);
    return out;
}

/* The finding named `name` of a session report, or NULL. */
static const char *finding(const char *report, const char *name) {
    const char *fs = json_get(report, "findings");
    size_t n = json_len(fs);
    char tmp[64];
    for (size_t i = 0; n != (size_t)-1 && i < n; i++) {
        const char *f = json_at(fs, i);
        if (json_str(json_get(f, "name"), tmp, sizeof tmp) != (size_t)-1 && strcmp(tmp, name) == 0) return f;
    }
    return NULL;
}

/* Every session of a CDR extraction: its EVSE id and token are strings, its
 * report has a billed energy; returns how many sessions there are. */
static size_t check_sessions(const char *json, const char *format) {
    const char *ex = json_get(json, "extraction");
    CHECK(json_is(json_get(ex, "format"), format));
    const char *sessions = json_get(json, "sessions");
    size_t n = json_len(sessions);
    CHECK(n != (size_t)-1 && n == json_len(json_get(ex, "groups")));
    for (size_t i = 0; n != (size_t)-1 && i < n; i++) {
        const char *s = json_at(sessions, i);
        const char *evse_id = json_get(s, "evse_id"), *token = json_get(s, "token");
        CHECK(evse_id != NULL && *evse_id == '"');
        CHECK(token != NULL && *token == '"');
        const char *billed = json_get(json_get(s, "report"), "billed");
        CHECK(billed != NULL && *billed == '{');
        CHECK(json_get(billed, "billed_kwh") != NULL && *json_get(billed, "billed_kwh") == '"');
    }
    return n;
}

static void test_ocpi_page(void) {
    ocmf_extract_summary sum;
    memset(&sum, 0xAB, sizeof sum);
    ocmf_result rc;
    char *json = extract("ocpi_cdrs_page.json", NULL, &sum, &rc);
    CHECK(json != NULL);
    if (json == NULL) return;
    /* The page's CDR in another encoding: 807, that CDR only. */
    CHECK_EQ_U(rc, OCMF_RESULT_UNSUPPORTED_ENCODING);
    CHECK_EQ_U(rc, 807);
    const char *errors = json_get(json_get(json, "extraction"), "errors");
    CHECK_EQ_U(json_len(errors), 1);
    CHECK(json_is(json_get(json_at(errors, 0), "code"), "807"));
    CHECK(json_is(json_get(json_at(errors, 0), "name"), "\"unsupported_encoding\""));
    CHECK(*json_get(json_at(errors, 0), "line") != 'n'); /* a line number, not null */
    CHECK_STR(ocmf_result_message(OCMF_RESULT_UNSUPPORTED_ENCODING, OCMF_LANG_EN),
              ocmf_result_message(807, OCMF_LANG_EN));
    CHECK(strcmp(ocmf_result_message(807, OCMF_LANG_EN), "unknown code") != 0);
    size_t n = check_sessions(json, "\"ocpi-cdr\"");
    CHECK_EQ_U(n, 2);
    CHECK_EQ_U(sum.sessions, n);
    CHECK_EQ_U(sum.errors, 1);
    CHECK_EQ_U(sum.values, json_len(json_get(json_get(json, "extraction"), "values")));
    CHECK_EQ_U(sum.valid + sum.incomplete + sum.invalid + sum.malformed, n);
    const char *sessions = json_get(json, "sessions");
    CHECK(!json_same(json_get(json_at(sessions, 0), "evse_id"), json_get(json_at(sessions, 1), "evse_id")));
    for (size_t i = 0; i < n; i++) {
        const char *report = json_get(json_at(sessions, i), "report");
        CHECK(json_is(json_get(json_get(report, "billed"), "agrees"), "true"));
        CHECK(finding(report, "billed_energy_mismatch") == NULL);
    }
    free(json);
}

static void test_oicp_cdr(void) {
    ocmf_extract_summary sum;
    ocmf_result rc;
    char *json = extract("oicp_cdr_base64.json", NULL, &sum, &rc);
    CHECK(json != NULL);
    if (json == NULL) return;
    CHECK_EQ_U(rc, OCMF_RESULT_OK);
    CHECK_EQ_U(check_sessions(json, "\"oicp-cdr\""), 1);
    CHECK_EQ_U(sum.sessions, 1);
    CHECK_EQ_U(sum.errors, 0);
    const char *values = json_get(json_get(json, "extraction"), "values");
    for (size_t i = 0; i < json_len(values); i++) {
        CHECK(json_is(json_get(json_at(values, i), "transport"), "\"oicp-base64\""));
    }
    const char *report = json_get(json_at(json_get(json, "sessions"), 0), "report");
    const char *billed = json_get(report, "billed");
    CHECK(json_is(json_get(billed, "agrees"), "true"));
    /* The signed energy the billed one was compared with is the session's. */
    CHECK(json_same(json_get(billed, "signed_kwh"), json_get(json_get(report, "energy"), "kwh")));
    free(json);
}

static void test_billed_mismatch(const char *name, const char *format) {
    ocmf_extract_summary sum;
    ocmf_result rc;
    char *json = extract(name, NULL, &sum, &rc);
    CHECK(json != NULL);
    if (json == NULL) return;
    CHECK_EQ_U(rc, OCMF_RESULT_OK);
    CHECK_EQ_U(check_sessions(json, format), 1);
    CHECK_EQ_U(sum.invalid, 1);
    const char *report = json_get(json_at(json_get(json, "sessions"), 0), "report");
    CHECK(json_is(json_get(report, "verdict"), "\"invalid\""));
    const char *billed = json_get(report, "billed");
    CHECK(json_is(json_get(billed, "agrees"), "false"));
    CHECK(!json_same(json_get(billed, "billed_kwh"), json_get(billed, "signed_kwh")));
    const char *f = finding(report, "billed_energy_mismatch");
    CHECK(f != NULL);
    CHECK(json_is(json_get(f, "code"), "1190"));
    CHECK(json_is(json_get(f, "severity"), "\"error\""));
    free(json);
}

static void test_json_lines(const char *name) {
    ocmf_extract_summary sum;
    ocmf_result rc;
    char *json = extract(name, NULL, &sum, &rc);
    CHECK(json != NULL);
    if (json == NULL) return;
    CHECK_EQ_U(rc, OCMF_RESULT_TRANSPORT_FORMAT);
    const char *errors = json_get(json_get(json, "extraction"), "errors");
    CHECK_EQ_U(json_len(errors), 1);
    CHECK(json_is(json_get(json_at(errors, 0), "code"), "805"));
    CHECK(sum.values > 0 && sum.sessions > 0);
    free(json);
}

static void test_registry(void) {
    size_t len = 0, line = 99;
    char *csv = slurp("registry.csv", &len);
    CHECK(csv != NULL);
    if (csv == NULL) return;
    ocmf_registry *reg = NULL;
    CHECK_EQ_U(ocmf_registry_load(U8(csv), len, &reg, &line), OCMF_RESULT_OK);
    free(csv);
    ocmf_result rc;
    char *without = extract("ocpi_cdr_base64.json", NULL, NULL, &rc);
    char *with = extract("ocpi_cdr_base64.json", reg, NULL, &rc);
    CHECK(without != NULL && with != NULL);
    if (without != NULL && with != NULL) {
        const char *a = json_get(json_at(json_get(without, "sessions"), 0), "report");
        const char *b = json_get(json_at(json_get(with, "sessions"), 0), "report");
        CHECK(!json_is(json_get(a, "trust"), "\"trusted\""));
        CHECK(json_is(json_get(b, "trust"), "\"trusted\""));
        CHECK(finding(a, "session_key_untrusted") != NULL);
        CHECK(finding(b, "session_key_untrusted") == NULL);
    }
    free(without);
    free(with);
    ocmf_registry_free(reg);
}

static void test_xml(void) {
    size_t len = 0, need = 0, got = 0;
    char *in = slurp("ocpi_cdrs_page.json", &len);
    CHECK(in != NULL);
    if (in == NULL) return;
    CHECK_EQ_U(ocmf_to_xml(U8(in), len, NULL, 0, &need), OCMF_RESULT_BUFFER_TOO_SMALL);
    char *xml = malloc(need);
    ocmf_result rc;
    char *cdr = extract_bytes(in, len, NULL, NULL, &rc);
    CHECK(xml != NULL && cdr != NULL);
    if (xml != NULL && cdr != NULL) {
        /* The values that could be read are written; the code says what could not. */
        CHECK_EQ_U(ocmf_to_xml(U8(in), len, xml, need, &got), OCMF_RESULT_UNSUPPORTED_ENCODING);
        CHECK_EQ_U(got + 1, need);
        char *back = extract_bytes(xml, got, NULL, NULL, &rc);
        CHECK(back != NULL);
        if (back != NULL) {
            CHECK_EQ_U(rc, OCMF_RESULT_OK);
            CHECK(json_is(json_get(json_get(back, "extraction"), "format"), "\"tps-xml\""));
            const char *want = json_get(json_get(cdr, "extraction"), "values");
            const char *have = json_get(json_get(back, "extraction"), "values");
            size_t n = json_len(want);
            CHECK(n > 0 && n != (size_t)-1 && json_len(have) == n);
            for (size_t i = 0; n != (size_t)-1 && i < n; i++) {
                CHECK(json_same(json_get(json_at(want, i), "record"), json_get(json_at(have, i), "record")));
            }
        }
        free(back);
    }
    free(cdr);
    free(xml);
    free(in);
}

/* The other formats in CDRs (issue 19): an OCPI CDR naming "Alfen
 * Eichrecht" (the real Alfen samples, ../containers) is read, not 807: each
 * value names its format and the session holds its format check. */
static void test_format_cdr(void) {
    ocmf_extract_summary sum;
    ocmf_result rc;
    char *json = extract("../containers/ocpi_alfen.json", NULL, &sum, &rc);
    CHECK(json != NULL);
    if (json == NULL) return;
    CHECK_EQ_U(rc, OCMF_RESULT_OK);
    const char *values = json_get(json_get(json, "extraction"), "values");
    CHECK_EQ_U(json_len(values), 2);
    CHECK_EQ_U(sum.values, 2);
    for (size_t i = 0; i < 2; i++) CHECK(json_is(json_get(json_at(values, i), "format"), "\"ALFEN\""));
    const char *formats = json_get(json_at(json_get(json, "sessions"), 0), "formats");
    CHECK_EQ_U(json_len(formats), 2);
    for (size_t i = 0; i < 2; i++) {
        const char *check = json_get(json_at(formats, i), "check");
        CHECK(json_is(json_get(check, "verdict"), "\"valid\""));
        CHECK(json_is(json_get(json_get(check, "key"), "source"), "\"carried\""));
    }
    /* The two values are one format session: the group is valid, and so is
     * the summary's count, although the group has no OCMF session. */
    const char *group = json_at(json_get(json, "sessions"), 0);
    CHECK(json_is(json_get(group, "verdict"), "\"valid\""));
    const char *fs = json_get(group, "format_session");
    CHECK(json_is(json_get(fs, "verdict"), "\"valid\""));
    CHECK(json_is(json_get(json_get(fs, "energy"), "kwh"), "\"2100.000\""));
    CHECK(json_is(json_get(json_get(group, "report"), "verdict"), "\"malformed\""));
    CHECK_EQ_U(sum.sessions, 1);
    CHECK_EQ_U(sum.valid, 1);
    CHECK_EQ_U(sum.malformed, 0);
    free(json);
}

int main(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: %s ocmf-core/tests/data/cdr\n", argv[0]);
        return 2;
    }
    DIR = argv[1];
    test_ocpi_page();
    test_oicp_cdr();
    test_billed_mismatch("ocpi_cdr_billed_mismatch.json", "\"ocpi-cdr\"");
    test_billed_mismatch("oicp_cdr_billed_mismatch.json", "\"oicp-cdr\"");
    test_json_lines("ocpi_cdrs.jsonl");
    test_json_lines("oicp_notifications.jsonl");
    test_registry();
    test_xml();
    test_format_cdr();
    return check_summary("test_cdr");
}
