/* README example: verify one OCMF record against a public key from C.
 *
 *   cc verify.c $(pkg-config --cflags --libs ocmf) -o verify
 *   ./verify 'OCMF|{...}|{...}' '3059301306...'
 *
 * Exit status: 0 valid, 1 not valid, 2 usage or API error.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <ocmf.h>

int main(int argc, char **argv) {
    if (argc < 2 || argc > 3) {
        fprintf(stderr, "usage: %s RECORD [PUBLIC_KEY]\n", argv[0]);
        return 2;
    }
    const char *record = argv[1];

    /* Decode the key once; an ocmf_key is immutable and can be reused for
     * any number of records, from any thread. */
    ocmf_key *key = NULL;
    if (argc == 3) {
        ocmf_result r = ocmf_key_parse((const uint8_t *)argv[2], strlen(argv[2]), &key);
        if (r != OCMF_RESULT_OK) {
            fprintf(stderr, "bad key: %s (%u)\n", ocmf_result_message(r, OCMF_LANG_EN), (unsigned)r);
            return 2;
        }
    }

    ocmf_verdict verdict;
    ocmf_result code = ocmf_verify((const uint8_t *)record, strlen(record), key, OCMF_PROFILE_INTEROP, &verdict);
    ocmf_key_free(key); /* NULL-safe */
    if (code >= 700) {
        fprintf(stderr, "call failed: %s\n", ocmf_result_message(code, OCMF_LANG_EN));
        return 2;
    }

    static const char *const names[] = {"valid", "invalid-signature", "malformed", "unsupported"};
    printf("%s (code %u: %s)\n", names[verdict], (unsigned)code, ocmf_result_message(code, OCMF_LANG_EN));

    /* The full canonical JSON report: ask for the size, then fill. */
    char report[8192];
    size_t len = 0;
    code = ocmf_verify_report((const uint8_t *)record, strlen(record),
                              argc == 3 ? (const uint8_t *)argv[2] : NULL, argc == 3 ? strlen(argv[2]) : 0,
                              OCMF_PROFILE_INTEROP, OCMF_LANG_DE, report, sizeof report, &len);
    if (code == OCMF_RESULT_BUFFER_TOO_SMALL) {
        fprintf(stderr, "report needs %zu bytes\n", len);
        return 2;
    }
    printf("%s\n", report);
    return verdict == OCMF_VERDICT_VALID ? 0 : 1;
}
