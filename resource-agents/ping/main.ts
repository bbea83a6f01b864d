import { main } from '../lib/ocf-agent.js';
import { pingAgent } from './agent.js';

main(pingAgent);
