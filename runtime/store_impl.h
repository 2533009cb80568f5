/* What the store's engines share, for store_*.c only: the checks of a
 * stored row's texts (store_sqlite.c) and the engines' open functions. */
#ifndef CHARTER_STORE_IMPL_H
#define CHARTER_STORE_IMPL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "store.h"

/* A name from a hostile store, quoted for a message: printable ASCII kept,
 * other bytes as \xHH, at most 40 characters. */
void store_quote_safe(const char *s, char *out, size_t size);
/* Why the period and its last day (YYYY-MM-DD) cannot be used, or NULL;
 * *day receives that last day. */
const char *store_period_problem(const char *period, const char *end, int32_t *day);
/* True when s is UTF-8 without control characters. */
bool store_clean_text(const char *s);

/* True when path is a PostgreSQL URI (postgresql:// or postgres://). */
bool store_is_pg(const char *path);
/* Opens the PostgreSQL database uri (store_pg.c); as store_open. */
Store *store_pg_open(const char *uri, StoreMode mode, const char *coalition, char *err, size_t errlen);

/* True when the database uri holds a store's tables (an unreachable one
 * is taken to: opening it then says why). */
bool store_pg_exists(const char *uri);

#endif
