#include <pg_query.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/*
 * One parse for the tree and the fingerprint.
 *
 * `pg_query_parse` and `pg_query_fingerprint` each run PostgreSQL's grammar over the statement;
 * analyze needs both, and the second parse was a fifth of its work. libpg_query 15-4.0.0 exports
 * the internals both are built from (declared in its pg_query_internal.h, which needs PostgreSQL's
 * own headers, so the four are declared here with layout-identical types). This does exactly what
 * the two public calls do, once: raw parse, the tree as JSON, `pg_query_fingerprint_node` on the
 * same tree (the function `pg_query_fingerprint` runs). A test compares the result with
 * `pg_query_fingerprint` on every statement of the corpora.
 */
typedef struct {
  void *tree;
  char *stderr_buffer;
  PgQueryError *error;
} PgtqRawParse;

extern PgtqRawParse pg_query_raw_parse(const char *input);
extern char *pg_query_nodes_to_json(const void *obj);
extern uint64_t pg_query_fingerprint_node(const void *node);
extern void *pg_query_enter_memory_context(void);
extern void pg_query_exit_memory_context(void *context);
extern void pg_query_free_error(PgQueryError *error);

typedef struct {
  /* The parse tree as libpg_query's JSON (malloc'd), NULL on error. */
  char *parse_tree;
  /* libpg_query's fingerprint (version 3) of the same tree. */
  uint64_t fingerprint;
  /* malloc'd, NULL on success. */
  PgQueryError *error;
} PgtqFingerprintedParse;

static inline PgtqFingerprintedParse pgtq_parse_fingerprinted(const char *input) {
  PgtqFingerprintedParse result = {NULL, 0, NULL};
  void *context = pg_query_enter_memory_context();
  PgtqRawParse raw = pg_query_raw_parse(input);
  free(raw.stderr_buffer);
  result.error = raw.error;
  if (raw.error == NULL) {
    /* The JSON lives in the memory context that is freed below. */
    result.parse_tree = strdup(pg_query_nodes_to_json(raw.tree));
    result.fingerprint = pg_query_fingerprint_node(raw.tree);
  }
  pg_query_exit_memory_context(context);
  return result;
}

static inline void pgtq_free_fingerprinted_parse(PgtqFingerprintedParse result) {
  free(result.parse_tree);
  if (result.error != NULL) pg_query_free_error(result.error);
}
