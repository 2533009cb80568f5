// The Charter extension: starts `charter lsp` (docs/lsp.md) for Charter
// files through the language client. Settings: charter.path (the binary),
// charter.args (more arguments, after `lsp`) and charter.db (a store, sent
// as initializationOptions.db).
'use strict';

const vscode = require('vscode');
const { LanguageClient } = require('vscode-languageclient/node');

let client = null;

function makeClient() {
  const config = vscode.workspace.getConfiguration('charter');
  const command = config.get('path') || 'charter';
  const db = config.get('db') || '';
  const extra = config.get('args');
  const args = ['lsp'].concat(Array.isArray(extra) ? extra.filter((a) => typeof a === 'string') : []);
  const serverOptions = { command: command, args: args };
  const clientOptions = {
    documentSelector: [
      { scheme: 'file', language: 'charter' },
      { scheme: 'untitled', language: 'charter' }
    ],
    initializationOptions: db ? { db: db } : {}
  };
  return new LanguageClient('charter', 'Charter', serverOptions, clientOptions);
}

function start() {
  client = makeClient();
  client.start();
}

async function stop() {
  if (!client) return;
  const c = client;
  client = null;
  await c.stop();
}

function activate(context) {
  start();
  context.subscriptions.push(
    vscode.workspace.onDidChangeConfiguration(async (event) => {
      if (['charter.path', 'charter.args', 'charter.db'].some((k) => event.affectsConfiguration(k))) {
        await stop();
        start();
      }
    }),
    vscode.commands.registerCommand('charter.restartServer', async () => {
      await stop();
      start();
    })
  );
}

function deactivate() {
  return stop();
}

module.exports = { activate, deactivate };
