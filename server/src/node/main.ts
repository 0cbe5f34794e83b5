/** Entry point of the language server process: creates the connection and starts the server. */
// First import: the heap flags must be set before the other modules load.
import './heapFlags';
import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { startServer } from '../server';

const connection = createConnection(ProposedFeatures.all);
startServer(connection);
