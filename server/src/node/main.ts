/** Entry point of the language server process: creates the connection and starts the server. */
// First import: the heap flags must be set before the other modules load.
import './heapFlags';
import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { startServer } from '../server';
import { installSimWorker } from './simWorker';

const connection = createConnection(ProposedFeatures.all);
startServer(connection);
// Simulations (lenses, the panel) hand their traffic draws to a helper thread, started when the first one asks.
installSimWorker();
