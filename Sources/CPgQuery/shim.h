#include <pg_query.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif

/*
 * The tree's JSON without a copy, from one parse.
 *
 * libpg_query 15-4.0.0 exports the internals its public calls are built from (declared in its
 * pg_query_internal.h, which needs PostgreSQL's own headers, so they are declared here with
 * layout-identical types): raw parse, the tree as JSON, memory contexts. The fingerprint is not
 * taken here: QueryFingerprint computes it from the decoded tree (libpg_query's walk was a sixth
 * of analyze's time), with `pg_query_fingerprint` as the fallback and the test's reference.
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
/* The xxHash libpg_query's fingerprint is computed with (its copy, exported by the library). */
extern uint64_t XXH3_64bits_withSeed(const void *input, size_t length, uint64_t seed);
extern void *pg_query_enter_memory_context(void);
extern void pg_query_exit_memory_context(void *context);
extern void pg_query_free_error(PgQueryError *error);
/* PostgreSQL's memory context API, as exported by libpg_query (thread-local current context). */
extern __thread void *CurrentMemoryContext;
extern void *AllocSetContextCreateInternal(void *parent, const char *name, size_t min_context_size,
                                           size_t init_block_size, size_t max_block_size);
extern void MemoryContextDelete(void *context);
extern void MemoryContextReset(void *context);

typedef struct {
  /* The parse tree as libpg_query's JSON, NULL on error; valid until pgtq_release_parse. */
  const char *json;
  size_t json_length;
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

static inline PgtqParse pgtq_parse(const char *input) {
  PgtqParse result = {NULL, 0, NULL, NULL};
  result.context = pg_query_enter_memory_context();
  /* ALLOCSET_DEFAULT_SIZES */
  void *tree_context = AllocSetContextCreateInternal(result.context, "pgtq raw tree", 0, 8 * 1024, 8 * 1024 * 1024);
  CurrentMemoryContext = tree_context;
  PgtqRawParse raw = pg_query_raw_parse(input);
  free(raw.stderr_buffer);
  result.error = raw.error;
  if (raw.error == NULL) {
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

/*
 * One grammar pass for a run of whole statements (a piece of a file), then each statement's
 * JSON from that one tree.
 *
 * Analyze used to parse every file twice: once to split it (`pg_query_split_with_parser` runs
 * the whole grammar and keeps only the statement positions) and once per statement for its tree.
 * Here the split's tree is the tree: each RawStmt is wrapped in a one-element list, which is what
 * a parse of the statement alone returns, so `pg_query_nodes_to_json` gives the same JSON but
 * for locations, which count from the piece's start instead of the statement's, and the RawStmt's
 * own stmt_location/stmt_len (a test compares trees and fingerprints on every statement of the
 * corpora).
 *
 * The piece's context is a child of libpg_query's per-thread top context and stays valid while
 * other libpg_query calls come and go on the thread (each enters and deletes a context of its
 * own); every function here sets CurrentMemoryContext itself before allocating.
 */
typedef union {
  void *ptr_value;
  int int_value;
  unsigned int oid_value;
} PgtqListCell;

/* PostgreSQL 15's List and RawStmt (nodes/pg_list.h, nodes/parsenodes.h). */
typedef struct {
  int type;
  int length;
  int max_length;
  PgtqListCell *elements;
} PgtqList;

typedef struct {
  int type;
  void *stmt;
  int stmt_location;
  int stmt_len;
} PgtqRawStmt;

extern void *list_make1_impl(int tag, PgtqListCell datum);

typedef struct {
  /* The piece's RawStmt list, NULL for a piece without statements or on error. */
  const PgtqList *statements;
  int count;
  size_t input_length;
  /* malloc'd, NULL on success. */
  PgQueryError *error;
  void *context;
  void *tree_context;
  /* Reset, not deleted, after each statement (see pgtq_piece_statement); a child of `context`. */
  void *json_context;
} PgtqPiece;

static inline PgtqPiece pgtq_parse_piece(const char *input) {
  PgtqPiece piece = {NULL, 0, strlen(input), NULL, NULL, NULL, NULL};
  piece.context = pg_query_enter_memory_context();
  piece.tree_context = AllocSetContextCreateInternal(piece.context, "pgtq piece", 0, 8 * 1024, 8 * 1024 * 1024);
  CurrentMemoryContext = piece.tree_context;
  PgtqRawParse raw = pg_query_raw_parse(input);
  free(raw.stderr_buffer);
  CurrentMemoryContext = piece.context;
  piece.error = raw.error;
  if (raw.error == NULL && raw.tree != NULL) {
    piece.statements = (const PgtqList *)raw.tree;
    piece.count = piece.statements->length;
  }
  return piece;
}

/* The statement's bytes in the piece, as `pg_query_split_with_parser` reports them (the last
 * statement, without a `;`, has length 0 in the tree: it runs to the end of the input). */
static inline void pgtq_piece_range(const PgtqPiece *piece, int index, int *location, int *length) {
  const PgtqRawStmt *statement = (const PgtqRawStmt *)piece->statements->elements[index].ptr_value;
  *location = statement->stmt_location;
  *length = statement->stmt_len != 0 ? statement->stmt_len : (int)(piece->input_length - statement->stmt_location);
}

/* Statement `index`'s JSON, valid until pgtq_release_piece_statement. After the piece's last
 * statement the piece's tree is freed first, so that a piece of one huge statement holds its tree
 * and its JSON no longer than a parse of the statement alone does.
 *
 * The one-element list and the JSON are written in a context of the piece that is reset, not
 * deleted, after each statement: its first block stays allocated and warm (a context made and
 * deleted per statement took fresh memory every time). A reset frees what a huge statement added
 * past that block. */
static inline PgtqParse pgtq_piece_statement(PgtqPiece *piece, int index) {
  PgtqParse result = {NULL, 0, NULL, NULL};
  if (piece->json_context == NULL) {
    piece->json_context = AllocSetContextCreateInternal(piece->context, "pgtq statement", 0, 64 * 1024, 8 * 1024 * 1024);
  }
  result.context = piece->json_context;
  CurrentMemoryContext = result.context;
  PgtqListCell cell;
  cell.ptr_value = piece->statements->elements[index].ptr_value;
  void *one = list_make1_impl(piece->statements->type, cell);
  result.json = pg_query_nodes_to_json(one);
  result.json_length = strlen(result.json);
  if (index == piece->count - 1) {
    MemoryContextDelete(piece->tree_context);
    piece->tree_context = NULL;
    piece->statements = NULL;
    if (result.json_length > (8u << 20)) pgtq_return_freed_memory();
  }
  CurrentMemoryContext = piece->context;
  return result;
}

static inline void pgtq_release_piece_statement(PgtqParse result) { MemoryContextReset(result.context); }

static inline void pgtq_release_piece(PgtqPiece piece) {
  pg_query_exit_memory_context(piece.context);
  if (piece.error != NULL) pg_query_free_error(piece.error);
}

static inline void pgtq_release_parse(PgtqParse result) {
  pg_query_exit_memory_context(result.context);
  if (result.error != NULL) pg_query_free_error(result.error);
}
