#include <pg_query.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif

/*
 * One parse for the tree and the fingerprint, and the tree's JSON without a copy.
 *
 * `pg_query_parse` and `pg_query_fingerprint` each run PostgreSQL's grammar over the statement;
 * analyze needs both, and the second parse was a fifth of its work. libpg_query 15-4.0.0 exports
 * the internals both are built from (declared in its pg_query_internal.h, which needs PostgreSQL's
 * own headers, so they are declared here with layout-identical types). This does what the two
 * public calls do, once: raw parse, `pg_query_fingerprint_node` on the tree (the function
 * `pg_query_fingerprint` runs), the tree as JSON. A test compares the result with
 * `pg_query_fingerprint` on every statement of the corpora.
 *
 * Memory: the raw tree is built in a child context that is deleted as soon as the JSON is
 * written, and the JSON is handed out where libpg_query wrote it (no `strdup`) until
 * `pgtq_release_parse`. For a 10 MB `IN (...)` list that is the difference between the tree, the
 * JSON and two copies of it at once (~250 MB) and the tree and one JSON (~170 MB).
 */
/* Declared for libpg_query 15-4.x (PostgreSQL 15.1's parser): another major release may lay these
 * out differently, and a mismatch would crash rather than fail, so it stops the build instead. */
#if PG_VERSION_NUM != 150001
#error "the CPgQuery shim declares internals of libpg_query 15-4.x (PG_VERSION_NUM 150001); compare them with this release's pg_query_internal.h"
#endif

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
/* PostgreSQL's memory context API, as exported by libpg_query (thread-local current context). */
extern __thread void *CurrentMemoryContext;
extern void *AllocSetContextCreateInternal(void *parent, const char *name, size_t min_context_size,
                                           size_t init_block_size, size_t max_block_size);
extern void MemoryContextDelete(void *context);

typedef struct {
  /* The parse tree as libpg_query's JSON, NULL on error; valid until pgtq_release_parse. */
  const char *json;
  size_t json_length;
  /* libpg_query's fingerprint (version 3) of the same tree; 0 when not asked for. */
  uint64_t fingerprint;
  /* malloc'd, NULL on success. */
  PgQueryError *error;
  void *context;
} PgtqParse;

/* Returns memory malloc holds free to the kernel (glibc keeps freed heap pages resident). */
static inline void pgtq_return_freed_memory(void) {
#ifdef __GLIBC__
  malloc_trim(0);
#endif
}

static inline PgtqParse pgtq_parse(const char *input, int fingerprinted) {
  PgtqParse result = {NULL, 0, 0, NULL, NULL};
  result.context = pg_query_enter_memory_context();
  /* ALLOCSET_DEFAULT_SIZES */
  void *tree_context = AllocSetContextCreateInternal(result.context, "pgtq raw tree", 0, 8 * 1024, 8 * 1024 * 1024);
  CurrentMemoryContext = tree_context;
  PgtqRawParse raw = pg_query_raw_parse(input);
  free(raw.stderr_buffer);
  result.error = raw.error;
  if (raw.error == NULL) {
    if (fingerprinted) result.fingerprint = pg_query_fingerprint_node(raw.tree);
    /* The JSON in the outer context, so that deleting the tree leaves it. */
    CurrentMemoryContext = result.context;
    result.json = pg_query_nodes_to_json(raw.tree);
    result.json_length = strlen(result.json);
  }
  CurrentMemoryContext = result.context;
  MemoryContextDelete(tree_context);
  /* A large tree's blocks went back to malloc, which keeps them resident; the caller allocates the
   * decoded tree next, in fresh pages. Hand them back to the kernel first (a few ms, only for
   * statements whose JSON passes 8 MB). */
  if (result.json_length > (8u << 20)) pgtq_return_freed_memory();
  return result;
}

static inline void pgtq_release_parse(PgtqParse result) {
  pg_query_exit_memory_context(result.context);
  if (result.error != NULL) pg_query_free_error(result.error);
}
