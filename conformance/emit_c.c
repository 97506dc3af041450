/*
 * C-library emitter: one line per case, in case order, through the public
 * header ocmf.h of the built libocmf (see conformance/cases.py).
 *
 *   emit_c OUTDIR/cases.tsv > c.txt
 *
 * Input lines (tab-separated, every text field hex so that any byte of a
 * record survives; `-` is none; P/L are the numeric ocmf_profile/ocmf_lang; P
 * has the case's ocmf_backend flag OR-ed in, e.g. 768 = INTEROP | REFERENCE):
 *
 *   R NAME HEX                      a registry (ocmf_registry_load), named by later lines
 *   verify REC KEY P L              ocmf_verify_report                      -> the report
 *   verify-registry REC KEY REG P L ocmf_verify_trusted                     -> the report
 *   batch N THREADS P -             ocmf_verify_batch_items on the N `I REC KEY` lines after it
 *   batch-key N THREADS P KEY       ocmf_key_parse once, ocmf_verify_batch on the N `I REC -` lines
 *   batch-trusted N THREADS P REG   ocmf_verify_batch_trusted on the N `I` lines after it
 *                                   -> per item {"c": {ocmf_batch_result fields[, "trust"]}}
 *   session N KEY REG P L           ocmf_session_evaluate on the N `S REC KEY LABEL` lines after
 *                                   it, KEY through ocmf_key_parse      -> the session report
 *   extract HEX REG P L             ocmf_extract                          -> extraction + sessions
 *   xml HEX                         ocmf_to_xml                           -> the XML as a JSON string
 *   sign-verify PAYLOAD SECRET ALG P L  ocmf_sign, then ocmf_verify_report with the key it wrote
 *                                   -> {"record", "public_key", "report"}
 *   format HEX KEY REG P L          ocmf_key_parse (KEY), ocmf_verify_format -> the format's JSON answer
 *   format-session N KEY REG P L    + N lines "V HEX": ocmf_verify_format_session -> the session's JSON answer
 *
 * The batch lines print the compact results as numbers; conformance/run.py
 * maps them to names (its projection), not this file.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ocmf.h"

#define MAX_FIELDS 8
#define MAX_REGISTRIES 8

typedef struct {
    char *p;
    size_t cap;
} buffer;

static void die(const char *what) {
    fprintf(stderr, "emit_c: %s\n", what);
    exit(2);
}

static void grow(buffer *b, size_t need) {
    if (need <= b->cap) return;
    char *p = realloc(b->p, need);
    if (!p) die("out of memory");
    b->p = p;
    b->cap = need;
}

/* Calls EXPR (which writes into B.p / B.cap and the length into N) until the
 * buffer is large enough; RC receives the result. */
#define WITH_BUFFER(B, N, RC, EXPR)                                      \
    for (;;) {                                                           \
        (RC) = (EXPR);                                                   \
        if ((RC) == OCMF_RESULT_BUFFER_TOO_SMALL) {                      \
            grow(&(B), (N));                                             \
            continue;                                                    \
        }                                                                \
        break;                                                           \
    }

static int hexval(int c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/* A decoded hex field: bytes (NULL for `-`) and length. */
typedef struct {
    const uint8_t *p;
    size_t len;
} bytes;

/* Decodes hex field `s` in place. */
static bytes unhex(char *s) {
    bytes b = {NULL, 0};
    if (strcmp(s, "-") == 0) return b;
    size_t n = strlen(s);
    if (n % 2 != 0) die("odd hex field");
    for (size_t i = 0; i < n / 2; i++) {
        int hi = hexval((unsigned char)s[2 * i]), lo = hexval((unsigned char)s[2 * i + 1]);
        if (hi < 0 || lo < 0) die("bad hex");
        s[i] = (char)(hi * 16 + lo);
    }
    b.p = (const uint8_t *)s;
    b.len = n / 2;
    return b;
}

/* Splits `line` at tabs (in place); returns the field count. */
static int split(char *line, char **fields) {
    int n = 0;
    char *p = line;
    while (n < MAX_FIELDS) {
        fields[n++] = p;
        char *tab = strchr(p, '\t');
        if (!tab) break;
        *tab = '\0';
        p = tab + 1;
    }
    return n;
}

static struct {
    char *name;
    ocmf_registry *reg;
} registries[MAX_REGISTRIES];
static int n_registries;

static const ocmf_registry *registry(const char *name) {
    if (strcmp(name, "-") == 0) return NULL;
    for (int i = 0; i < n_registries; i++)
        if (strcmp(registries[i].name, name) == 0) return registries[i].reg;
    die("unknown registry");
    return NULL;
}

static void load_registry(char **f) {
    if (n_registries == MAX_REGISTRIES) die("too many registries");
    bytes data = unhex(f[2]);
    size_t line = 0;
    ocmf_registry *reg = NULL;
    ocmf_result rc = ocmf_registry_load(data.p, data.len, &reg, &line);
    if (rc != OCMF_RESULT_OK) {
        fprintf(stderr, "emit_c: registry %s: code %u at line %zu\n", f[1], (unsigned)rc, line);
        exit(1);
    }
    registries[n_registries].name = strdup(f[1]);
    registries[n_registries++].reg = reg;
}

/* Writes `s` (n bytes of UTF-8) as a JSON string. */
static void json_string(const char *s, size_t n) {
    putchar('"');
    for (size_t i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)s[i];
        if (ch == '"' || ch == '\\') {
            putchar('\\');
            putchar(ch);
        } else if (ch == '\n') {
            fputs("\\n", stdout);
        } else if (ch < 0x20) {
            printf("\\u%04x", ch);
        } else {
            putchar(ch);
        }
    }
    putchar('"');
}

/* The 7xx codes are failures of the call itself (nothing written); 8xx
 * are answers (session, registry, transport codes). */
static void check(ocmf_result rc, const char *call) {
    if ((uint32_t)rc >= 700 && (uint32_t)rc < 800) {
        fprintf(stderr, "emit_c: %s returned %u\n", call, (unsigned)rc);
        exit(1);
    }
}

static buffer out, out2;

static void verify(char **f) {
    bytes rec = unhex(f[1]), key = unhex(f[2]);
    size_t n = 0;
    ocmf_result rc;
    WITH_BUFFER(out, n, rc,
                ocmf_verify_report(rec.p, rec.len, key.p, key.len, (uint32_t)atoi(f[3]),
                                   (uint32_t)atoi(f[4]), out.p, out.cap, &n));
    check(rc, "ocmf_verify_report");
    fwrite(out.p, 1, n, stdout);
}

static void verify_registry(char **f) {
    bytes rec = unhex(f[1]), key = unhex(f[2]);
    size_t n = 0;
    ocmf_trust trust;
    ocmf_result rc;
    WITH_BUFFER(out, n, rc,
                ocmf_verify_trusted(rec.p, rec.len, key.p, key.len, registry(f[3]),
                                    (uint32_t)atoi(f[4]), (uint32_t)atoi(f[5]), &trust, out.p,
                                    out.cap, &n));
    check(rc, "ocmf_verify_trusted");
    fwrite(out.p, 1, n, stdout);
}

/* Reads the `count` item lines after a batch or session line (each kept
 * until the call returns): fields[k] of line i is items[i * MAX_FIELDS + k]. */
static char **read_items(FILE *in, size_t count, int want_fields, const char *tag) {
    char **fields = calloc(count * MAX_FIELDS + 1, sizeof(char *));
    if (!fields) die("out of memory");
    char *line = NULL;
    size_t cap = 0;
    for (size_t i = 0; i < count; i++) {
        ssize_t got = getline(&line, &cap, in);
        if (got <= 0) die("missing item line");
        if (line[got - 1] == '\n') line[got - 1] = '\0';
        char *copy = strdup(line);
        if (!copy) die("out of memory");
        if (split(copy, fields + i * MAX_FIELDS) != want_fields || strcmp(fields[i * MAX_FIELDS], tag) != 0)
            die("bad item line");
    }
    free(line);
    return fields;
}

static void free_items(char **fields, size_t count) {
    for (size_t i = 0; i < count; i++) free(fields[i * MAX_FIELDS]);
    free(fields);
}

/* The compact results of one batch call, one line per item. */
static void print_results(const ocmf_batch_result *res, const ocmf_trust *trust, size_t count) {
    for (size_t i = 0; i < count; i++) {
        printf("{\"c\":{\"code\":%u,\"verdict\":%u,\"signature\":%u,\"curve\":%u,\"key_source\":%u,"
               "\"findings\":%u",
               (unsigned)res[i].code, (unsigned)res[i].verdict, (unsigned)res[i].signature,
               (unsigned)res[i].curve, (unsigned)res[i].key_source, (unsigned)res[i].findings);
        if (trust) printf(",\"trust\":%u", (unsigned)trust[i]);
        fputs("}}\n", stdout);
    }
}

static void batch_one_key(FILE *in, char **f) {
    size_t count = strtoul(f[1], NULL, 10), threads = strtoul(f[2], NULL, 10);
    char **items_f = read_items(in, count, 3, "I");
    const uint8_t **recs = calloc(count + 1, sizeof *recs);
    size_t *lens = calloc(count + 1, sizeof *lens);
    ocmf_batch_result *res = calloc(count + 1, sizeof *res);
    if (!recs || !lens || !res) die("out of memory");
    for (size_t i = 0; i < count; i++) {
        bytes rec = unhex(items_f[i * MAX_FIELDS + 1]);
        recs[i] = rec.p;
        lens[i] = rec.len;
    }
    bytes key_text = unhex(f[4]);
    ocmf_key *key = NULL;
    if (ocmf_key_parse(key_text.p, key_text.len, &key) != OCMF_RESULT_OK) die("batch key does not decode");
    check(ocmf_verify_batch(recs, lens, count, key, (uint32_t)atoi(f[3]), threads, res), "ocmf_verify_batch");
    print_results(res, NULL, count);
    ocmf_key_free(key);
    free(recs);
    free(lens);
    free(res);
    free_items(items_f, count);
}

static void batch(FILE *in, char **f, int trusted) {
    size_t count = strtoul(f[1], NULL, 10), threads = strtoul(f[2], NULL, 10);
    uint32_t profile = (uint32_t)atoi(f[3]);
    char **items_f = read_items(in, count, 3, "I");
    ocmf_batch_item *items = calloc(count + 1, sizeof *items);
    ocmf_batch_result *res = calloc(count + 1, sizeof *res);
    ocmf_trust *trust = calloc(count + 1, sizeof *trust);
    if (!items || !res || !trust) die("out of memory");
    for (size_t i = 0; i < count; i++) {
        bytes rec = unhex(items_f[i * MAX_FIELDS + 1]), key = unhex(items_f[i * MAX_FIELDS + 2]);
        items[i].record = rec.p;
        items[i].record_len = rec.len;
        items[i].key_text = key.p;
        items[i].key_text_len = key.len;
    }
    ocmf_result rc = trusted ? ocmf_verify_batch_trusted(items, count, registry(f[4]), profile, threads, res, trust)
                             : ocmf_verify_batch_items(items, count, profile, threads, res);
    check(rc, trusted ? "ocmf_verify_batch_trusted" : "ocmf_verify_batch_items");
    print_results(res, trusted ? trust : NULL, count);
    free(items);
    free(res);
    free(trust);
    free_items(items_f, count);
}

static void session(FILE *in, char **f) {
    size_t count = strtoul(f[1], NULL, 10);
    char **items_f = read_items(in, count, 4, "S");
    ocmf_session_record *recs = calloc(count + 1, sizeof *recs);
    if (!recs) die("out of memory");
    for (size_t i = 0; i < count; i++) {
        bytes rec = unhex(items_f[i * MAX_FIELDS + 1]), key = unhex(items_f[i * MAX_FIELDS + 2]),
              label = unhex(items_f[i * MAX_FIELDS + 3]);
        recs[i] = (ocmf_session_record){rec.p, rec.len, key.p, key.len, label.p, label.len};
    }
    bytes key_text = unhex(f[2]);
    ocmf_key *key = NULL;
    if (key_text.p) {
        ocmf_result krc = ocmf_key_parse(key_text.p, key_text.len, &key);
        if (krc != OCMF_RESULT_OK) {
            printf("{\"session_key_error\":%u}", (unsigned)krc);
            free(recs);
            free_items(items_f, count);
            return;
        }
    }
    size_t n = 0;
    ocmf_session_verdict verdict;
    ocmf_result rc;
    WITH_BUFFER(out, n, rc,
                ocmf_session_evaluate(recs, count, key, registry(f[3]), (uint32_t)atoi(f[4]),
                                      (uint32_t)atoi(f[5]), &verdict, out.p, out.cap, &n));
    check(rc, "ocmf_session_evaluate");
    if (rc == OCMF_RESULT_NOT_UTF8) /* the call's own failure: nothing written */
        printf("{\"session_error\":%u}", (unsigned)rc);
    else
        fwrite(out.p, 1, n, stdout);
    ocmf_key_free(key);
    free(recs);
    free_items(items_f, count);
}

static void extract(char **f) {
    bytes data = unhex(f[1]);
    size_t n = 0;
    ocmf_result rc;
    WITH_BUFFER(out, n, rc,
                ocmf_extract(data.p, data.len, NULL, registry(f[2]), (uint32_t)atoi(f[3]),
                             (uint32_t)atoi(f[4]), NULL, out.p, out.cap, &n));
    check(rc, "ocmf_extract");
    fwrite(out.p, 1, n, stdout);
}

static void xml(char **f) {
    bytes data = unhex(f[1]);
    size_t n = 0;
    ocmf_result rc;
    WITH_BUFFER(out, n, rc, ocmf_to_xml(data.p, data.len, out.p, out.cap, &n));
    check(rc, "ocmf_to_xml");
    json_string(out.p, n);
}

/* A value in another format. The cases hold only keys that decode (a key
 * that does not never reaches ocmf_verify_format). */
static void verify_format(char **f) {
    bytes data = unhex(f[1]), key_text = unhex(f[2]);
    ocmf_key *key = NULL;
    if (key_text.p) {
        ocmf_result krc = ocmf_key_parse(key_text.p, key_text.len, &key);
        if (krc != OCMF_RESULT_OK) {
            printf("{\"format_key_error\":%u}", (unsigned)krc);
            return;
        }
    }
    size_t n = 0;
    ocmf_verdict verdict;
    ocmf_result rc;
    WITH_BUFFER(out, n, rc,
                ocmf_verify_format(data.p, data.len, key, registry(f[3]), (uint32_t)atoi(f[4]),
                                   (uint32_t)atoi(f[5]), &verdict, out.p, out.cap, &n));
    check(rc, "ocmf_verify_format");
    fwrite(out.p, 1, n, stdout);
    ocmf_key_free(key);
}

/* A session of values in another format: the N "V" lines after it. */
static void format_session(FILE *in, char **f) {
    size_t count = strtoul(f[1], NULL, 10);
    char **items_f = read_items(in, count, 2, "V");
    ocmf_format_value *values = calloc(count + 1, sizeof *values);
    if (!values) die("out of memory");
    for (size_t i = 0; i < count; i++) {
        bytes v = unhex(items_f[i * MAX_FIELDS + 1]);
        values[i] = (ocmf_format_value){v.p, v.len};
    }
    bytes key_text = unhex(f[2]);
    ocmf_key *key = NULL;
    if (key_text.p) {
        ocmf_result krc = ocmf_key_parse(key_text.p, key_text.len, &key);
        if (krc != OCMF_RESULT_OK) {
            printf("{\"format_key_error\":%u}", (unsigned)krc);
            free(values);
            free_items(items_f, count);
            return;
        }
    }
    size_t n = 0;
    ocmf_session_verdict verdict;
    ocmf_result rc;
    WITH_BUFFER(out, n, rc,
                ocmf_verify_format_session(values, count, key, registry(f[3]), (uint32_t)atoi(f[4]),
                                           (uint32_t)atoi(f[5]), &verdict, out.p, out.cap, &n));
    check(rc, "ocmf_verify_format_session");
    fwrite(out.p, 1, n, stdout);
    ocmf_key_free(key);
    free(values);
    free_items(items_f, count);
}

static void sign_verify(char **f) {
    bytes payload = unhex(f[1]), secret = unhex(f[2]), alg = unhex(f[3]);
    size_t n = 0, kn = 0;
    ocmf_result rc;
    for (;;) {
        rc = ocmf_sign(payload.p, payload.len, secret.p, secret.len, alg.p, alg.len, out.p, out.cap, &n,
                       out2.p, out2.cap, &kn);
        if (rc != OCMF_RESULT_BUFFER_TOO_SMALL) break;
        grow(&out, n);
        grow(&out2, kn);
    }
    if (rc != OCMF_RESULT_OK) {
        printf("{\"sign_error\":%u}", (unsigned)rc);
        return;
    }
    char *record = strndup(out.p, n), *pub = strndup(out2.p, kn);
    if (!record || !pub) die("out of memory");
    size_t rn = 0;
    WITH_BUFFER(out, rn, rc,
                ocmf_verify_report((const uint8_t *)record, n, (const uint8_t *)pub, kn,
                                   (uint32_t)atoi(f[4]), (uint32_t)atoi(f[5]), out.p, out.cap, &rn));
    check(rc, "ocmf_verify_report");
    fputs("{\"record\":", stdout);
    json_string(record, n);
    fputs(",\"public_key\":", stdout);
    json_string(pub, kn);
    fputs(",\"report\":", stdout);
    json_string(out.p, rn);
    putchar('}');
    free(record);
    free(pub);
}

int main(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: %s CASES.tsv\n", argv[0]);
        return 2;
    }
    FILE *in = fopen(argv[1], "r");
    if (!in) {
        perror(argv[1]);
        return 2;
    }
    grow(&out, 1 << 16);
    grow(&out2, 256);
    char *line = NULL;
    size_t line_cap = 0;
    ssize_t got;
    while ((got = getline(&line, &line_cap, in)) > 0) {
        if (line[got - 1] == '\n') line[--got] = '\0';
        char *f[MAX_FIELDS];
        int nf = split(line, f);
        const char *cmd = f[0];
        if (strcmp(cmd, "R") == 0 && nf == 3) {
            load_registry(f);
            continue;
        }
        if (strcmp(cmd, "verify") == 0 && nf == 5) {
            verify(f);
        } else if (strcmp(cmd, "verify-registry") == 0 && nf == 6) {
            verify_registry(f);
        } else if (strcmp(cmd, "batch-key") == 0 && nf == 5) {
            batch_one_key(in, f);
            continue;
        } else if ((strcmp(cmd, "batch") == 0 || strcmp(cmd, "batch-trusted") == 0) && nf == 5) {
            batch(in, f, cmd[5] == '-');
            continue; /* one line per item, written by batch() */
        } else if (strcmp(cmd, "session") == 0 && nf == 6) {
            session(in, f);
        } else if (strcmp(cmd, "extract") == 0 && nf == 5) {
            extract(f);
        } else if (strcmp(cmd, "xml") == 0 && nf == 2) {
            xml(f);
        } else if (strcmp(cmd, "sign-verify") == 0 && nf == 6) {
            sign_verify(f);
        } else if (strcmp(cmd, "format") == 0 && nf == 6) {
            verify_format(f);
        } else if (strcmp(cmd, "format-session") == 0 && nf == 6) {
            format_session(in, f);
        } else {
            fprintf(stderr, "emit_c: unknown line: %.80s\n", line);
            return 2;
        }
        putchar('\n');
    }
    free(line);
    for (int i = 0; i < n_registries; i++) {
        ocmf_registry_free(registries[i].reg);
        free(registries[i].name);
    }
    free(out.p);
    free(out2.p);
    fclose(in);
    return fflush(stdout) == 0 ? 0 : 3;
}
