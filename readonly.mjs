const root = process.env.ROOT ?? '/work/main';
const { readCibFile } = await import(root + '/dist/daemon/cib/cib-text.js');
const text = readCibFile(process.argv[2]);
