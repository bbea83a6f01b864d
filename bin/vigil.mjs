#!/usr/bin/env -S -u NODE_EXTRA_CA_CERTS VIGIL_EXTRA_CA_CERTS=${NODE_EXTRA_CA_CERTS} node
// The `vigil` shell.
//
// Node 20 with OpenSSL 3 loads the certificates NODE_EXTRA_CA_CERTS names as it starts, tens of
// milliseconds of every command (nodejs/node#40524; README), and the shell makes no TLS connection: the line above starts
// Node without the variable and keeps it aside, and it is put back here for what the shell starts
// (an editor, an agent's meta-data).
import { launch } from './launch.mjs';

const extraCaCerts = process.env.VIGIL_EXTRA_CA_CERTS;
if (extraCaCerts !== undefined) {
  delete process.env.VIGIL_EXTRA_CA_CERTS;
  if (extraCaCerts !== '') process.env.NODE_EXTRA_CA_CERTS = extraCaCerts;
}
await launch('vigil', 'crm-shell/main.js');
