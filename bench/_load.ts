import autocannon from 'autocannon';
import { twoEventBody } from './events.js';
const url = process.argv[2];
const c0 = process.cpuUsage();
const r = await autocannon({ url: `${url}/media-events`, connections: 20, duration: 5, method: 'POST', headers: { 'content-type': 'text/plain;charset=UTF-8' }, requests: [{ setupRequest: (req) => ({ ...req, body: twoEventBody() }) }] });
const c = process.cpuUsage(c0);
console.log(url, 'req/s', r.requests.average.toFixed(0), 'p50', r.latency.p50, 'p99', r.latency.p99, 'client cpu %', ((c.user + c.system) / 1e6 / 5 * 100).toFixed(0), 'non2xx', r.non2xx);
