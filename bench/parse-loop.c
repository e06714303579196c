/* The anchor for bench/run.sh: libpg_query in a plain C loop, one core, over the statements of a
 * file (split once with the parser-based splitter, not timed).
 *   parse-loop FILE [protobuf|json|fingerprint|split]     (default protobuf)
 * Prints: <statements> <seconds> <statements per second>. For `split` the time is the one
 * whole-file split call. */
#include <pg_query.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec + t.tv_nsec / 1e9;
}

int main(int argc, char **argv) {
  if (argc < 2) { fprintf(stderr, "usage: parse-loop FILE.sql [protobuf|json|fingerprint|split]\n"); return 2; }
  const char *mode = argc > 2 ? argv[2] : "protobuf";
  FILE *file = fopen(argv[1], "rb");
  if (!file) { perror(argv[1]); return 2; }
  fseek(file, 0, SEEK_END);
  long size = ftell(file);
  rewind(file);
  char *text = malloc(size + 1);
  if (fread(text, 1, size, file) != (size_t)size) { perror("read"); return 2; }
  text[size] = 0;
  fclose(file);

  double split_start = now();
  PgQuerySplitResult split = pg_query_split_with_parser(text);
  double split_seconds = now() - split_start;
  if (split.error) { fprintf(stderr, "split: %s\n", split.error->message); return 1; }
  int count = split.n_stmts;
  char **statements = malloc(sizeof(char *) * count);
  for (int i = 0; i < count; i++)
    statements[i] = strndup(text + split.stmts[i]->stmt_location, split.stmts[i]->stmt_len);

  double start = now();
  for (int i = 0; i < count; i++) {
    if (strcmp(mode, "json") == 0) {
      pg_query_free_parse_result(pg_query_parse(statements[i]));
    } else if (strcmp(mode, "fingerprint") == 0) {
      pg_query_free_fingerprint_result(pg_query_fingerprint(statements[i]));
    } else if (strcmp(mode, "split") == 0) {
      break;
    } else {
      pg_query_free_protobuf_parse_result(pg_query_parse_protobuf(statements[i]));
    }
  }
  double seconds = strcmp(mode, "split") == 0 ? split_seconds : now() - start;
  printf("%d %.3f %.0f\n", count, seconds, count / seconds);
  return 0;
}
