/* A tiny read-only JSON navigator for the C tests: enough to pick members,
 * array items and strings out of the library's canonical JSON without a
 * dependency. Every function takes a pointer to the first character of a
 * value (no leading white space: the library's JSON has none) and returns
 * NULL when the shape is not what was asked for. */
#ifndef OCMF_TEST_JSON_MINI_H
#define OCMF_TEST_JSON_MINI_H

#include <stdio.h>
#include <string.h>

/* The character after the JSON value at `p`, or NULL if it is malformed. */
static inline const char *json_skip(const char *p) {
    if (p == NULL) return NULL;
    if (*p == '"') {
        for (p++; *p != '\0'; p++) {
            if (*p == '\\') {
                if (p[1] == '\0') return NULL;
                p++;
            } else if (*p == '"') {
                return p + 1;
            }
        }
        return NULL;
    }
    if (*p == '{' || *p == '[') {
        char close = *p == '{' ? '}' : ']';
        p++;
        if (*p == close) return p + 1;
        for (;;) {
            if (close == '}') {
                p = json_skip(p); /* the member name */
                if (p == NULL || *p != ':') return NULL;
                p++;
            }
            p = json_skip(p);
            if (p == NULL) return NULL;
            if (*p == close) return p + 1;
            if (*p != ',') return NULL;
            p++;
        }
    }
    /* number, true, false, null */
    const char *start = p;
    while (*p != '\0' && *p != ',' && *p != '}' && *p != ']') p++;
    return p == start ? NULL : p;
}

/* The value of member `name` of the object at `p`, or NULL. */
static inline const char *json_get(const char *p, const char *name) {
    if (p == NULL || *p != '{') return NULL;
    size_t n = strlen(name);
    p++;
    while (*p == '"') {
        const char *key = p + 1;
        const char *after = json_skip(p);
        if (after == NULL || *after != ':') return NULL;
        if ((size_t)(after - 1 - key) == n && strncmp(key, name, n) == 0) return after + 1;
        p = json_skip(after + 1);
        if (p == NULL || *p != ',') return NULL;
        p++;
    }
    return NULL;
}

/* Item `i` of the array at `p`, or NULL. */
static inline const char *json_at(const char *p, size_t i) {
    if (p == NULL || *p != '[' || p[1] == ']') return NULL;
    p++;
    for (size_t k = 0; k < i; k++) {
        p = json_skip(p);
        if (p == NULL || *p != ',') return NULL;
        p++;
    }
    return p;
}

/* The number of items of the array at `p`, or (size_t)-1. */
static inline size_t json_len(const char *p) {
    if (p == NULL || *p != '[') return (size_t)-1;
    if (p[1] == ']') return 0;
    size_t n = 0;
    p++;
    for (;;) {
        p = json_skip(p);
        n++;
        if (p == NULL) return (size_t)-1;
        if (*p == ']') return n;
        if (*p != ',') return (size_t)-1;
        p++;
    }
}

/* Decodes the JSON string at `p` into `out` (capacity `cap`, NUL-terminated);
 * returns its length, or (size_t)-1 when `p` is not a string, it does not
 * fit, or it holds a \u escape above U+007F (serde_json writes those raw). */
static inline size_t json_str(const char *p, char *out, size_t cap) {
    if (p == NULL || *p != '"' || cap == 0) return (size_t)-1;
    size_t n = 0;
    for (p++; *p != '"'; p++) {
        char c = *p;
        if (c == '\0') return (size_t)-1;
        if (c == '\\') {
            p++;
            switch (*p) {
            case 'n': c = '\n'; break;
            case 't': c = '\t'; break;
            case 'r': c = '\r'; break;
            case 'b': c = '\b'; break;
            case 'f': c = '\f'; break;
            case 'u': {
                unsigned v = 0;
                if (sscanf(p + 1, "%4x", &v) != 1 || v > 0x7f) return (size_t)-1;
                c = (char)v;
                p += 4;
                break;
            }
            case '\0': return (size_t)-1;
            default: c = *p; /* " \ / */
            }
        }
        if (n + 1 >= cap) return (size_t)-1;
        out[n++] = c;
    }
    out[n] = '\0';
    return n;
}

/* Whether the value at `p` is exactly the JSON text `want` (e.g. "\"valid\"", "null", "14"). */
static inline int json_is(const char *p, const char *want) {
    const char *end = json_skip(p);
    return end != NULL && (size_t)(end - p) == strlen(want) && strncmp(p, want, strlen(want)) == 0;
}

/* Whether the values at `a` and `b` are the same JSON text. */
static inline int json_same(const char *a, const char *b) {
    const char *ea = json_skip(a), *eb = json_skip(b);
    return ea != NULL && eb != NULL && ea - a == eb - b && strncmp(a, b, (size_t)(ea - a)) == 0;
}

#endif
