import { main } from '../lib/ocf-agent.js';
import { storageAgent } from './agent.js';

main(storageAgent);
