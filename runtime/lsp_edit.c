/* The language server's edits (docs/lsp.md): completion, code actions and
 * formatting. Placeholder of the contract commit: every request answers
 * "not offered yet" until the implementation lands. */
#include "lsp_impl.h"

#define NOT_YET(name) lsp_fail(e, LSP_METHOD_NOT_FOUND, "%s is not offered yet", name)

json_t *lsp_completion(LspAt *a, LspErr *e) { (void)a; return NOT_YET("completion"); }
json_t *lsp_code_actions(LspAt *a, LspErr *e) { (void)a; return NOT_YET("codeAction"); }
json_t *lsp_formatting(LspAt *a, LspErr *e) { (void)a; return NOT_YET("formatting"); }
