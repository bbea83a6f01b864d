import { main } from '../lib/ocf-agent.js';
import { virtualDomainAgent } from './agent.js';

main(virtualDomainAgent);
