#!/bin/sh
# The VS Code extension (editors/vscode): package.json's contributes agree
# with the files (the language charter for .charter, the grammar and the
# language configuration exist, the settings charter.path, charter.args and
# charter.db); extension.js starts `charter lsp` through vscode-languageclient
# with the settings, and restarts it when one changes (loaded in node with
# the vscode module and the client stood in for); and `vsce package` makes a .vsix that holds the extension, its
# grammar and the language client. The npm packages come from the committed
# package-lock.json, installed into build/vscode by
# `make build/vscode/.installed` (npm ci, no install scripts).
# Prints "ok - ..." or "not ok - ..." per check, then "N passed, M failed".
# Usage: tests/vscode.sh CHARTER_BINARY (KEEP=1 keeps the scratch folder)
# shellcheck disable=SC2016
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
# shellcheck source=tests/checks.sh
. "$here/checks.sh"

scratch_setup vscode jq node npm unzip
ext=$top/editors/vscode
pkg=$ext/package.json
modules=$top/build/vscode/node_modules

# ---- package.json ----
check "package.json: the language charter for .charter files, with its configuration file" \
  eval 'c=$(jq -er ".contributes.languages[] | select(.id == \"charter\" and (.extensions | index(\".charter\"))) | .configuration" "$pkg") && [ -f "$ext/$c" ]'
check "package.json: every grammar is for the language charter, at a file that exists" \
  eval 'jq -e "[.contributes.grammars[] | select(.language != \"charter\")] | length == 0" "$pkg" &&
        (for p in $(jq -r ".contributes.grammars[].path" "$pkg"); do [ -f "$ext/$p" ] || exit 1; done)'
check "package.json: main is a file that exists, activated on the language charter" \
  eval 'm=$(jq -er .main "$pkg") && [ -f "$ext/$m" ] && jq -e ".activationEvents | index(\"onLanguage:charter\")" "$pkg"'
check "package.json: the settings charter.path (default charter), charter.args (strings, default none) and charter.db" \
  jq -e '.contributes.configuration.properties | .["charter.path"].default == "charter" and .["charter.db"].type == "string" and
         .["charter.args"].type == "array" and .["charter.args"].items.type == "string" and .["charter.args"].default == []' "$pkg"
check "package.json: every command contributed is registered by extension.js" \
  eval '(for c in $(jq -r ".contributes.commands[]?.command" "$pkg"); do grep -q "registerCommand(.$c." "$ext/extension.js" || exit 1; done)'
check "package.json: vscode-languageclient suits engines.vscode (7.x for ^1.60)" \
  eval '[ "$(jq -r .engines.vscode "$pkg")" = "^1.60.0" ] && jq -r ".dependencies[\"vscode-languageclient\"]" "$pkg" | grep -q "^7\."'
check "package-lock.json is the lock file of package.json (same name, version and dependencies)" \
  eval 'jq -e --slurpfile p "$pkg" ".name == \$p[0].name and .version == \$p[0].version and
        .packages[\"\"].dependencies == \$p[0].dependencies and .packages[\"\"].devDependencies == \$p[0].devDependencies" "$ext/package-lock.json"'

if [ ! -d "$modules/vscode-languageclient" ] || [ ! -x "$modules/.bin/vsce" ]; then
  not_ok "the extension's npm packages are installed (make build/vscode/.installed)"
  finish
fi

# ---- the extension, with vscode and the client stood in for ----
mkdir ext
cp -R "$ext"/. ext/
cp -R "$modules" ext/node_modules
cat >activate.js <<'EOF'
// Loads extension.js with the modules vscode and vscode-languageclient/node
// stood in for; prints what the client was made with, as JSON. With a third
// argument, a setting's name, then tells the extension that setting changed.
const Module = require('module');
const path = require('path');
const settings = JSON.parse(process.argv[3]);
const made = [];
const listeners = [];
const vscode = {
  workspace: {
    getConfiguration: (section) => ({ get: (key) => settings[section + '.' + key] }),
    onDidChangeConfiguration: (f) => { listeners.push(f); return { dispose() {} }; }
  },
  commands: { registerCommand: (name) => { made.push({ command: name }); return { dispose() {} }; } }
};
class LanguageClient {
  constructor(id, name, server, client) { made.push({ id, name, server, client }); }
  start() { made.push({ started: true }); return { dispose() {} }; }
  stop() { return Promise.resolve(); }
}
const resolve = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  if (request === 'vscode' || request === 'vscode-languageclient/node') return request;
  return resolve.call(this, request, ...rest);
};
require.cache.vscode = { id: 'vscode', filename: 'vscode', loaded: true, exports: vscode };
require.cache['vscode-languageclient/node'] = { loaded: true, exports: { LanguageClient } };
const ext = require(path.resolve(process.argv[2]));
ext.activate({ subscriptions: [] });
(async () => {
  if (process.argv[4]) {
    made.push({ changed: process.argv[4] });
    for (const f of listeners) await f({ affectsConfiguration: (k) => k === process.argv[4] });
  }
  console.log(JSON.stringify(made));
})();
EOF
# activate SETTINGS_JSON [CHANGED_SETTING]: what the client was made with.
activate() { node activate.js ext/extension.js "$@" 2>&1; }
check "the extension's client runs charter lsp, for charter files, without a store by default" \
  eval 'activate "{}" | jq -e ".[0] | .server == {command: \"charter\", args: [\"lsp\"]} and
        (.client.documentSelector | map(.language) | unique) == [\"charter\"] and .client.initializationOptions == {}"'
check "charter.path and charter.db reach the command and initializationOptions.db" \
  eval 'activate "{\"charter.path\": \"/opt/charter/bin/charter\", \"charter.db\": \"data/store.db\"}" |
        jq -e ".[0] | .server.command == \"/opt/charter/bin/charter\" and .client.initializationOptions == {db: \"data/store.db\"}"'
check "charter.args reach the server's command line after lsp (strings only)" \
  eval 'activate "{\"charter.args\": [\"--root\", \"/srv/shared modules\", 7, \"--log\", \"/tmp/lsp.log\"]}" |
        jq -e ".[0].server == {command: \"charter\", args: [\"lsp\", \"--root\", \"/srv/shared modules\", \"--log\", \"/tmp/lsp.log\"]}"'
for setting in charter.path charter.args charter.db; do
  check "changing $setting restarts the server (a second client)" \
    eval 'activate "{}" "$setting" | jq -e "[.[] | select(.server)] | length == 2"'
done
check "changing another setting does not restart it" \
  eval 'activate "{}" editor.tabSize | jq -e "[.[] | select(.server)] | length == 1"'
check "the extension starts its client and registers charter.restartServer" \
  eval 'activate "{}" | jq -e "index({started: true}) and index({command: \"charter.restartServer\"})"'
check "vscode-languageclient/node loads from the installed packages" \
  eval '(cd ext && node -e "require.resolve(\"vscode-languageclient/node\")")'

# ---- vsce package ----
if (cd ext && timeout 300 ./node_modules/.bin/vsce package --allow-missing-repository --skip-license \
  -o ../charter.vsix) >vsce.out 2>&1 && [ -f charter.vsix ]; then
  ok "vsce package makes charter.vsix"
else
  not_ok "vsce package makes charter.vsix"
  sed 's/^/#   /' vsce.out | tail -20
fi
unzip -Z1 charter.vsix >vsix.list 2>/dev/null
for f in extension.vsixmanifest extension/package.json extension/extension.js \
  extension/language-configuration.json extension/syntaxes/charter.tmLanguage.json \
  extension/node_modules/vscode-languageclient/package.json extension/node_modules/vscode-languageclient/node.js \
  extension/node_modules/vscode-languageserver-protocol/package.json extension/node_modules/vscode-jsonrpc/package.json; do
  check "the .vsix holds $f" grep -qxF "$f" vsix.list
done
check "the .vsix holds no development package (vsce) and no lock file" \
  eval '! grep -E "^extension/(node_modules/@vscode/vsce/|package-lock\.json$)" vsix.list'
finish
