// The client: starts `policyc lsp` (stdio) for every .policy file.
'use strict';

const vscode = require('vscode');
const { LanguageClient, TransportKind } = require('vscode-languageclient/node');

let client;

function activate(context) {
  const config = vscode.workspace.getConfiguration('policyc');
  const command = config.get('server.path') || 'policyc';
  const args = ['lsp', ...(config.get('server.extraArgs') || [])];
  // TransportKind.stdio adds `--stdio`, which `policyc lsp` accepts
  const serverOptions = { command, args, transport: TransportKind.stdio };
  const clientOptions = {
    documentSelector: [
      { scheme: 'file', language: 'policy' },
      { scheme: 'untitled', language: 'policy' },
    ],
    synchronize: {
      fileEvents: vscode.workspace.createFileSystemWatcher('**/*.policy'),
    },
  };
  client = new LanguageClient('policyc', 'policyc', serverOptions, clientOptions);
  context.subscriptions.push(
    vscode.commands.registerCommand('policyc.restartServer', () => client.restart()),
  );
  return client.start();
}

function deactivate() {
  return client ? client.stop() : undefined;
}

module.exports = { activate, deactivate };
