/* charter export (runtime/export.c): the round trip (every declaration and
 * every attribute the model holds of each example is in the JSON, with its
 * values), reverse references, hostile text in JSON and CSV, Kumu's
 * elements and connections, the same bytes twice, and docs/export.schema.json
 * naming exactly the attributes of lang/schema.def. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <jansson.h>
#include <math.h>
#include <string.h>

#include "export.h"
#include "interp.h"
#include "model.h"

static const char *const examples[] = {
    "examples/community-health/coalition.charter",
    "examples/cradle-to-career/coalition.charter",
    "examples/recovery-at-work/coalition.charter",
    "examples/school-mental-health/coalition.charter",
};

static json_t *parse(const Buf *b) {
  json_error_t err;
  json_t *j = json_loadb(b->data, b->len, 0, &err);
  if (!j) fail_msg("export is not JSON: %s at line %d", err.text, err.line);
  return j;
}

/* One checked value against its JSON form. */
static void check_value(const AttrSpec *s, const Value *v, json_t *j, const char *where) {
  switch (s->form) {
  case F_TEXT:
  case F_STRING:
    assert_true(json_is_string(j));
    assert_string_equal(json_string_value(j), v->str);
    break;
  case F_SYMBOL: assert_string_equal(json_string_value(j), s->symbols[v->form]); break;
  case F_REF: assert_string_equal(json_string_value(j), v->ref->id); break;
  case F_PERIOD: {
    char t[16];
    period_text(v->per, t);
    assert_string_equal(json_string_value(json_object_get(j, "period")), t);
    assert_non_null(json_string_value(json_object_get(j, "start")));
    assert_non_null(json_string_value(json_object_get(j, "end")));
    break;
  }
  case F_NUM_IN:
  case F_NUM_BY:
  case F_COMPARE:
    if (fabs(json_number_value(json_object_get(j, "value")) - v->num) > 1e-9 * fmax(1, fabs(v->num)))
      fail_msg("%s: value %g", where, v->num);
    break;
  case F_BUDGET:
    assert_string_equal(json_string_value(json_object_get(j, "currency")), v->str);
    assert_true(json_number_value(json_object_get(j, "amount")) == v->num);
    break;
  case F_EQUITY:
    assert_string_equal(json_string_value(json_object_get(j, "dimension")), v->ref->id);
    assert_true(json_number_value(json_object_get(j, v->form == EQ_GROUP ? "value" : "limit")) == v->num);
    break;
  case F_WAIVE:
    assert_string_equal(json_string_value(json_object_get(j, "rule")), v->str);
    assert_string_equal(json_string_value(json_object_get(j, "reason")), v->reason);
    break;
  case F_NUMBER:
  case F_SCALE:
  case F_MONTH: assert_true(json_number_value(j) == v->num); break;
  default: assert_non_null(j); break;
  }
}

/* Every attribute d gives is in obj's "attributes", with as many values,
 * each equal; and nothing else is. */
static void check_decl(const Decl *d, json_t *obj) {
  char where[256];
  snprintf(where, sizeof where, "%s %s", ast_kind_name(d->kind), d->id ? d->id : "(charter)");
  assert_string_equal(json_string_value(json_object_get(obj, "kind")), ast_kind_name(d->kind));
  if (d->id) assert_string_equal(json_string_value(json_object_get(obj, "id")), d->id);
  else assert_true(json_is_null(json_object_get(obj, "id")));
  assert_string_equal(json_string_value(json_object_get(obj, "title")), d->title);
  json_t *attrs = json_object_get(obj, "attributes");
  assert_true(json_is_object(attrs));
  int ns, given = 0;
  const AttrSpec *specs = chk_specs(d->kind, &ns);
  for (int k = 0; k < ns; k++) {
    const AttrVals *av = &d->vals[k];
    if (!av->first) continue;
    given++;
    json_t *j = json_object_get(attrs, specs[k].name);
    if (!j) fail_msg("%s: attribute %s missing from the export", where, specs[k].name);
    if (specs[k].form == F_EXPR) {
      assert_true(json_is_string(j) && *json_string_value(j));
      continue;
    }
    if (specs[k].flags & (A_LIST | A_REPEAT)) {
      assert_true(json_is_array(j));
      assert_int_equal(json_array_size(j), av->n);
      for (int i = 0; i < av->n; i++) check_value(&specs[k], &av->vals[i], json_array_get(j, (size_t)i), where);
    } else
      check_value(&specs[k], &av->vals[0], j, where);
  }
  assert_int_equal(json_object_size(attrs), given);
}

static void test_roundtrip_examples(void **state) {
  (void)state;
  for (size_t e = 0; e < sizeof examples / sizeof *examples; e++) {
    Program *p = program_load(examples[e], NULL);
    assert_int_equal(p->diags.nerrors, 0);
    rules_run(p, NULL);
    Buf b = {0};
    export_json(p, NULL, &b);
    json_t *j = parse(&b);
    assert_int_equal(json_integer_value(json_object_get(j, "schema_version")), 1);
    assert_non_null(p->charter);
    check_decl(p->charter, json_object_get(j, "charter"));
    json_t *decls = json_object_get(j, "declarations");
    size_t n = 0;
    for (int i = 0; i < p->decls.len; i++) {
      const Decl *d = p->decls.items[i];
      if (d->kind == D_CHARTER) continue;
      json_t *obj = json_array_get(decls, n++);
      assert_non_null(obj);
      check_decl(d, obj);
    }
    assert_int_equal(json_array_size(decls), n);
    json_t *mods = json_object_get(j, "modules");
    assert_int_equal(json_array_size(mods), p->modules.len);
    for (int i = 0; i < p->modules.len; i++)
      assert_string_equal(json_string_value(json_array_get(mods, (size_t)i)), (const char *)p->modules.items[i]);
    assert_int_equal(json_array_size(json_object_get(j, "waivers")), p->waivers.len);
    assert_int_equal(json_array_size(json_object_get(j, "findings")), p->diags.items.len);
    assert_true(json_is_null(json_object_get(j, "evaluation")));
    json_decref(j);
    /* the same bytes twice */
    Buf again = {0};
    export_json(p, NULL, &again);
    assert_int_equal(again.len, b.len);
    assert_memory_equal(again.data, b.data, b.len);
    buf_free(&again);
    buf_free(&b);
    program_free(p);
  }
}

static const char refs_text[] =
    "charter \"C\" { vision \"v\"\n champion p }\n"
    "partner p \"P\" { sector community }\n"
    "goal g \"G\" { indicator i }\n"
    "indicator i \"I\" { unit \"%\" }\n"
    "outcome o \"O\" { horizon short\n leads_to g, g }\n"
    "activity a \"A\" { owner p\n contributes_to g, o, g\n metric i }\n";

static json_t *decl_named(json_t *j, const char *id) {
  size_t i;
  json_t *d;
  json_array_foreach(json_object_get(j, "declarations"), i, d) {
    if (json_is_string(json_object_get(d, "id")) && !strcmp(json_string_value(json_object_get(d, "id")), id)) return d;
  }
  fail_msg("no declaration %s", id);
  return NULL;
}

static void test_referenced_by(void **state) {
  (void)state;
  Program *p = program_load_text("t.charter", refs_text, strlen(refs_text), NULL);
  assert_int_equal(p->diags.nerrors, 0);
  Buf b = {0};
  export_json(p, NULL, &b);
  json_t *j = parse(&b);
  char *g = json_dumps(json_object_get(decl_named(j, "g"), "referenced_by"), JSON_COMPACT | JSON_PRESERVE_ORDER);
  /* schema order: outcome before activity; each referrer once */
  assert_string_equal(g, "{\"outcome.leads_to\":[\"o\"],\"activity.contributes_to\":[\"a\"]}");
  free(g);
  char *pp = json_dumps(json_object_get(decl_named(j, "p"), "referenced_by"), JSON_COMPACT | JSON_PRESERVE_ORDER);
  assert_string_equal(pp, "{\"charter.champion\":[null],\"activity.owner\":[\"a\"]}");
  free(pp);
  char *i = json_dumps(json_object_get(decl_named(j, "i"), "referenced_by"), JSON_COMPACT | JSON_PRESERVE_ORDER);
  assert_string_equal(i, "{\"goal.indicator\":[\"g\"],\"activity.metric\":[\"a\"]}");
  free(i);
  json_decref(j);
  buf_free(&b);
  program_free(p);
}

/* A title with a quote, a backslash, a bidi override, = at the start, and
 * a note over two lines. */
static const char hostile_text[] =
    "charter \"C\" { vision \"v\" }\n"
    "partner p \"=HYPERLINK(\\\"x\\\")\" { sector community\n note \"one, \\\"two\\\"\\nthree \xe2\x80\xae \\\\\" }\n"
    "partner q \"+1\" { sector business }\n";

static void test_hostile_text(void **state) {
  (void)state;
  Program *p = program_load_text("t.charter", hostile_text, strlen(hostile_text), NULL);
  assert_int_equal(p->diags.nerrors, 0);
  Buf b = {0};
  export_json(p, NULL, &b);
  assert_null(strstr(buf_str(&b), "\xe2\x80\xae")); /* the bidi control escaped */
  json_t *j = parse(&b);
  json_t *d = decl_named(j, "p");
  assert_string_equal(json_string_value(json_object_get(d, "title")), "=HYPERLINK(\"x\")");
  assert_string_equal(json_string_value(json_object_get(json_object_get(d, "attributes"), "note")),
                      "one, \"two\"\nthree \xe2\x80\xae \\");
  json_decref(j);
  buf_free(&b);
  ExportTables t;
  export_csv(p, NULL, &t);
  const ExportTable *partners = NULL;
  for (int k = 0; k < t.n; k++)
    if (!strcmp(t.t[k].name, "partners.csv")) partners = &t.t[k];
  assert_non_null(partners);
  const char *csv = partners->data.data;
  assert_non_null(strstr(csv, "p,\"'=HYPERLINK(\"\"x\"\")\","));
  assert_non_null(strstr(csv, "q,'+1,"));
  assert_non_null(strstr(csv, "\"one, \"\"two\"\"\nthree"));
  assert_null(strstr(csv, "\xe2\x80\xae"));
  export_tables_free(&t);
  program_free(p);
}

static void test_csv_tables(void **state) {
  (void)state;
  Program *p = program_load_text("t.charter", refs_text, strlen(refs_text), NULL);
  ExportTables t;
  export_csv(p, NULL, &t);
  const char *want[] = {"charter.csv", "partners.csv", "goals.csv", "outcomes.csv", "indicators.csv",
                        "activities.csv", "waivers.csv", "findings.csv"};
  assert_int_equal(t.n, 8);
  for (int k = 0; k < t.n; k++) assert_string_equal(t.t[k].name, want[k]);
  /* a list joined by "; ", each value once as written */
  assert_non_null(strstr(t.t[5].data.data, "g; o; g"));
  assert_non_null(strstr(t.t[5].data.data, "id,title,file,line,column,module,title_es,owner,"));
  export_tables_free(&t);
  program_free(p);
}

static void test_kumu(void **state) {
  (void)state;
  Program *p = program_load_text("t.charter", refs_text, strlen(refs_text), NULL);
  Buf b = {0};
  export_kumu(p, NULL, &b);
  json_t *j = parse(&b);
  json_t *els = json_object_get(j, "elements"), *cons = json_object_get(j, "connections");
  assert_int_equal(json_array_size(els), 5); /* p g i o a */
  assert_string_equal(json_string_value(json_object_get(json_array_get(els, 0), "type")), "Partner");
  size_t i;
  json_t *c;
  bool owns = false, measures = false;
  json_array_foreach(cons, i, c) {
    const char *from = json_string_value(json_object_get(c, "from")), *to = json_string_value(json_object_get(c, "to"));
    const char *type = json_string_value(json_object_get(c, "type"));
    owns |= !strcmp(type, "owns") && !strcmp(from, "p") && !strcmp(to, "a");
    measures |= !strcmp(type, "measures") && !strcmp(from, "i") && !strcmp(to, "g");
    assert_non_null(json_string_value(json_object_get(c, "id")));
  }
  assert_true(owns);
  assert_true(measures);
  json_decref(j);
  buf_free(&b);
  program_free(p);
}

/* A list naming an id twice makes one connection (Kumu's ids are unique);
 * multi-valued fields are arrays, each value once. */
static const char kumu_repeats[] =
    "charter \"C\" { vision \"v\" }\n"
    "partner s \"S\" { sector education, community, education\n role backbone, funder }\n"
    "partner q \"Q\" { sector community }\n"
    "council f \"F\" { members s, q, s\n chairs q, q }\n";

static void test_kumu_repeats(void **state) {
  (void)state;
  Program *p = program_load_text("t.charter", kumu_repeats, strlen(kumu_repeats), NULL);
  assert_int_equal(p->diags.nerrors, 0);
  Buf b = {0};
  export_kumu(p, NULL, &b);
  json_t *j = parse(&b);
  json_t *cons = json_object_get(j, "connections");
  assert_int_equal(json_array_size(cons), 3); /* s member, q member, q chairs */
  size_t i, k;
  json_t *c, *e;
  json_array_foreach(cons, i, c) {
    for (k = 0; k < i; k++)
      assert_string_not_equal(json_string_value(json_object_get(c, "id")),
                              json_string_value(json_object_get(json_array_get(cons, k), "id")));
  }
  e = json_array_get(json_object_get(j, "elements"), 0);
  char *sector = json_dumps(json_object_get(e, "Sector"), JSON_COMPACT);
  assert_string_equal(sector, "[\"education\",\"community\"]");
  free(sector);
  char *role = json_dumps(json_object_get(e, "Role"), JSON_COMPACT);
  assert_string_equal(role, "[\"backbone\",\"funder\"]");
  free(role);
  char *tags = json_dumps(json_object_get(e, "tags"), JSON_COMPACT);
  assert_string_equal(tags, "[\"education\",\"community\",\"backbone\",\"funder\"]");
  free(tags);
  json_decref(j);
  buf_free(&b);
  program_free(p);
}

/* Every table export_csv writes has the header export_csv_headers gives
 * for its name (how the command tells what an earlier export wrote). */
static void test_csv_headers(void **state) {
  (void)state;
  ExportTables all;
  export_csv_headers(&all);
  for (size_t x = 0; x < sizeof examples / sizeof *examples; x++) {
    Program *p = program_load(examples[x], NULL);
    assert_int_equal(p->diags.nerrors, 0);
    ExportTables t;
    export_csv(p, NULL, &t);
    for (int k = 0; k < t.n; k++) {
      const ExportTable *h = NULL;
      for (int i = 0; i < all.n; i++)
        if (!strcmp(all.t[i].name, t.t[k].name)) h = &all.t[i];
      if (!h) fail_msg("%s: no header for %s", examples[x], t.t[k].name);
      if (t.t[k].data.len < h->data.len || memcmp(t.t[k].data.data, h->data.data, h->data.len) != 0)
        fail_msg("%s: %s does not begin with its header", examples[x], t.t[k].name);
    }
    export_tables_free(&t);
    program_free(p);
  }
  export_tables_free(&all);
}

/* docs/export.schema.json names every attribute of every kind, in the
 * order of lang/schema.def, and nothing more. */
static void test_schema_matches(void **state) {
  (void)state;
  json_error_t err;
  json_t *s = json_load_file("docs/export.schema.json", JSON_PRESERVE_ORDER, &err);
  if (!s) fail_msg("docs/export.schema.json: %s", err.text);
  json_t *defs = json_object_get(s, "$defs");
  for (int k = 0; k < D_KIND_COUNT; k++) {
    char name[64];
    snprintf(name, sizeof name, "attributes_%s", ast_kind_name((DeclKind)k));
    json_t *props = json_object_get(json_object_get(defs, name), "properties");
    if (!props) fail_msg("the schema has no %s", name);
    int ns;
    const AttrSpec *specs = chk_specs((DeclKind)k, &ns);
    assert_int_equal(json_object_size(props), ns);
    void *it = json_object_iter(props);
    for (int i = 0; i < ns; i++, it = json_object_iter_next(props, it)) {
      assert_non_null(it);
      assert_string_equal(json_object_iter_key(it), specs[i].name);
      json_t *a = json_object_iter_value(it);
      bool list = specs[i].flags & (A_LIST | A_REPEAT);
      const char *type = json_string_value(json_object_get(a, "type"));
      if (list != (type && !strcmp(type, "array")))
        fail_msg("%s.%s: the schema %s a list", ast_kind_name((DeclKind)k), specs[i].name, list ? "lacks" : "has");
    }
  }
  json_decref(s);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_roundtrip_examples), cmocka_unit_test(test_referenced_by),
      cmocka_unit_test(test_hostile_text),       cmocka_unit_test(test_csv_tables),
      cmocka_unit_test(test_kumu),               cmocka_unit_test(test_schema_matches),
      cmocka_unit_test(test_kumu_repeats),        cmocka_unit_test(test_csv_headers),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
