// A TCP port on 127.0.0.1 that nothing listens on right now. CommonJS so that jest's global setup
// (loaded outside the ESM test environment) and the ESM scripts and benches share it.
const net = require('node:net');

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

module.exports = { freePort };
