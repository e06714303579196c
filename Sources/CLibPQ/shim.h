#include <libpq-fe.h>

/* postgres_ext.h defines the error fields as character literals, which Swift does not import:
   re-export them as named constants. */
static const int PGTQ_DIAG_SQLSTATE = PG_DIAG_SQLSTATE;
static const int PGTQ_DIAG_MESSAGE_PRIMARY = PG_DIAG_MESSAGE_PRIMARY;
static const int PGTQ_DIAG_MESSAGE_DETAIL = PG_DIAG_MESSAGE_DETAIL;
static const int PGTQ_DIAG_MESSAGE_HINT = PG_DIAG_MESSAGE_HINT;
