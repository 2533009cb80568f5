/* The language server's answers about names (docs/lsp.md): hover,
 * definition, references, rename, document and workspace symbols, folding
 * ranges. Placeholder of the contract commit: every request answers "not
 * offered yet" until the implementation lands. */
#include "lsp_impl.h"

#define NOT_YET(name) lsp_fail(e, LSP_METHOD_NOT_FOUND, "%s is not offered yet", name)

json_t *lsp_hover(LspAt *a, LspErr *e) { (void)a; return NOT_YET("hover"); }
json_t *lsp_definition(LspAt *a, LspErr *e) { (void)a; return NOT_YET("definition"); }
json_t *lsp_references(LspAt *a, LspErr *e) { (void)a; return NOT_YET("references"); }
json_t *lsp_prepare_rename(LspAt *a, LspErr *e) { (void)a; return NOT_YET("prepareRename"); }
json_t *lsp_rename(LspAt *a, LspErr *e) { (void)a; return NOT_YET("rename"); }
json_t *lsp_document_symbols(LspAt *a, LspErr *e) { (void)a; return NOT_YET("documentSymbol"); }
json_t *lsp_folding_ranges(LspAt *a, LspErr *e) { (void)a; return NOT_YET("foldingRange"); }
json_t *lsp_workspace_symbols(LspServer *s, json_t *params, LspErr *e) {
  (void)s;
  (void)params;
  return NOT_YET("workspace/symbol");
}
