// Preloaded into the service under test (node --import ./bench/loopback.mjs dist/main.js).
// main.ts calls app.listen(PORT), which binds every interface; the benchmark must stay on
// loopback, so a listen() given only a port (and maybe a callback) is bound to 127.0.0.1.
// Nothing else about the server changes.
import net from 'node:net';

const listen = net.Server.prototype.listen;
net.Server.prototype.listen = function listenOnLoopback(...args) {
  if (typeof args[0] === 'number' && (args.length === 1 || typeof args[1] === 'function')) {
    args.splice(1, 0, '127.0.0.1');
  }
  return listen.apply(this, args);
};
