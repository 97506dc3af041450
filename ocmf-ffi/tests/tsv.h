/* The length-prefixed corpus files of corpus_to_tsv.py, read entry by
 * entry (test_corpus.c, test_formats.c). */
#ifndef OCMF_TEST_TSV_H
#define OCMF_TEST_TSV_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

/* One entry: id, expected verdict, the value and the key (NULL, length -1
 * for none), each buffer NUL-terminated and owned by the caller. */
typedef struct {
    char id[256];
    char expected[64];
    uint8_t *value;
    long value_len;
    uint8_t *key;
    long key_len;
} tsv_entry;

/* Reads the next entry: 1 when read, 0 at the end, -1 for a truncated file
 * (message on stderr). */
static inline int tsv_next(FILE *f, tsv_entry *e) {
    e->value = NULL;
    e->key = NULL;
    /* No "\n" in the format: it would also skip white space that starts
     * the value. */
    if (fscanf(f, "%255[^\t]\t%63[^\t]\t%ld\t%ld", e->id, e->expected, &e->value_len, &e->key_len) != 4) {
        return 0;
    }
    if (fgetc(f) != '\n' || e->value_len < 0) goto truncated;
    e->value = malloc((size_t)e->value_len + 1);
    e->key = e->key_len >= 0 ? malloc((size_t)e->key_len + 1) : NULL;
    if (e->value == NULL || fread(e->value, 1, (size_t)e->value_len, f) != (size_t)e->value_len ||
        (e->key_len >= 0 && (e->key == NULL || fread(e->key, 1, (size_t)e->key_len, f) != (size_t)e->key_len)) ||
        fgetc(f) != '\n') {
        goto truncated;
    }
    e->value[e->value_len] = 0;
    if (e->key != NULL) e->key[e->key_len] = 0;
    return 1;
truncated:
    fprintf(stderr, "%s: truncated corpus file\n", e->id);
    free(e->value);
    free(e->key);
    e->value = e->key = NULL;
    return -1;
}

#endif
