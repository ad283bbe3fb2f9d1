#!/usr/bin/env node
// A Node.js client of ecommerce.orders.OrderService on @grpc/grpc-js and @grpc/proto-loader. The
// contract is loaded from proto/order_service.proto at start-up (no generated code). Each command
// makes one RPC and prints every message it receives as one JSON object per line; `demo` runs the
// whole tour (creates, a bulk import, a history, a watch while the order is shipped) and exits 1
// if the server answers anything unexpected, which is how the test suite runs it.
//
//   npm ci                                   # once, in examples/node
//   node client.js [--target HOST:PORT] COMMAND ...
'use strict';

const path = require('node:path');
const fs = require('node:fs');
const readline = require('node:readline');
const grpc = require('@grpc/grpc-js');
const protoLoader = require('@grpc/proto-loader');

const PROTO = path.join(__dirname, '..', '..', 'proto', 'order_service.proto');
const UNARY_DEADLINE_MS = 10_000;
const USAGE = `usage: node client.js [--target HOST:PORT] COMMAND ...
commands:
  create --customer C --total T [--id ID]   CreateOrder
  get ID...                                 GetOrder
  set-status ID STATUS                      UpdateOrderStatus
  history CUSTOMER                          GetOrderHistory (server stream)
  import FILE.jsonl|-                       ProcessBulkOrders from JSON Lines (client stream)
  watch ID...                               NotifyOrderUpdates (bidirectional; Ctrl-C stops)
  demo                                      all of the above against a fresh customer
--target defaults to 127.0.0.1:50051.`;

// keepCase: fields keep the proto names (customer_id), as in the server's JSON and buf curl.
// longs: Number: int64 fields (ms timestamps, sequences) stay far below 2^53.
function loadService() {
  const definition = protoLoader.loadSync(PROTO, {
    keepCase: true,
    longs: Number,
    enums: String,
    defaults: true,
  });
  return grpc.loadPackageDefinition(definition).ecommerce.orders.OrderService;
}

function connect(target) {
  const OrderService = loadService();
  return new OrderService(target, grpc.credentials.createInsecure());
}

function deadline(ms = UNARY_DEADLINE_MS) {
  return new Date(Date.now() + ms);
}

// A unary call as a promise.
function unary(client, method, request) {
  return new Promise((resolve, reject) => {
    client[method](request, { deadline: deadline() }, (error, response) =>
      error ? reject(error) : resolve(response),
    );
  });
}

// Every message of a server stream, in order.
function collect(stream) {
  return new Promise((resolve, reject) => {
    const messages = [];
    stream.on('data', (message) => messages.push(message));
    stream.on('error', reject);
    stream.on('end', () => resolve(messages));
  });
}

// Streams `orders` (an iterable) to ProcessBulkOrders, honouring back-pressure.
function bulkImport(client, orders) {
  return new Promise((resolve, reject) => {
    const call = client.ProcessBulkOrders((error, result) =>
      error ? reject(error) : resolve(result),
    );
    const iterator = orders[Symbol.iterator]();
    const pump = () => {
      for (;;) {
        const next = iterator.next();
        if (next.done) {
          call.end();
          return;
        }
        if (!call.write(next.value)) {
          call.once('drain', pump);
          return;
        }
      }
    };
    pump();
  });
}

function print(message) {
  console.log(JSON.stringify(message));
}

function fail(message) {
  throw new Error(message);
}

function expect(condition, message) {
  if (!condition) fail(message);
}

// --- commands ------------------------------------------------------------------------------------

function option(args, name) {
  const index = args.indexOf(name);
  if (index < 0) return undefined;
  if (index + 1 >= args.length) fail(`${name} needs a value`);
  return args.splice(index, 2)[1];
}

async function create(client, args) {
  const customer = option(args, '--customer');
  const total = option(args, '--total');
  const id = option(args, '--id') ?? '';
  if (customer === undefined || total === undefined) fail('create needs --customer and --total');
  print(await unary(client, 'CreateOrder', { order_id: id, customer_id: customer, total: Number(total) }));
}

async function get(client, ids) {
  if (ids.length === 0) fail('get needs at least one order id');
  let failed = false;
  for (const id of ids) {
    try {
      print(await unary(client, 'GetOrder', { id }));
    } catch (error) {
      console.error(`error: ${grpc.status[error.code]}: ${error.details}`);
      failed = true;
    }
  }
  if (failed) process.exitCode = 1;
}

async function setStatus(client, [id, status]) {
  if (!id || !status) fail('set-status needs ID and STATUS');
  print(await unary(client, 'UpdateOrderStatus', { order_id: id, status: status.toUpperCase() }));
}

async function history(client, [customer]) {
  if (!customer) fail('history needs CUSTOMER');
  const stream = client.GetOrderHistory({ id: customer });
  stream.on('data', print);
  await collect(stream);
}

async function importFile(client, [file]) {
  if (!file) fail('import needs FILE.jsonl or -');
  const input = file === '-' ? process.stdin : fs.createReadStream(file);
  const orders = [];
  for await (const line of readline.createInterface({ input, crlfDelay: Infinity })) {
    if (line.trim() !== '') orders.push(JSON.parse(line));
  }
  print(await bulkImport(client, orders));
}

function watch(client, ids) {
  if (ids.length === 0) fail('watch needs at least one order id');
  const call = client.NotifyOrderUpdates();
  call.on('data', print);
  process.once('SIGINT', () => call.cancel());
  for (const id of ids) call.write({ id });
  return new Promise((resolve, reject) => {
    call.on('end', resolve);
    call.on('error', (error) => (error.code === grpc.status.CANCELLED ? resolve() : reject(error)));
  });
}

// The tour a new user takes, checking each answer. Every wait is bounded by a deadline.
async function demo(client) {
  const customer = `node-demo-${process.pid}-${Date.now()}`;

  const first = await unary(client, 'CreateOrder', { customer_id: customer, total: 19.99 });
  const second = await unary(client, 'CreateOrder', { customer_id: customer, total: 5.25 });
  expect(first.status === 'CREATED' && /^ORD-[0-9a-f]{24}$/.test(first.order_id), `create: ${JSON.stringify(first)}`);
  console.log(`created ${first.order_id} and ${second.order_id} for ${customer}`);

  const read = await unary(client, 'GetOrder', { id: first.order_id });
  expect(read.customer_id === customer && Math.abs(read.total - 19.99) < 1e-3 && read.status === 'CREATED',
    `get: ${JSON.stringify(read)}`);
  console.log(`read back ${read.order_id}: ${read.customer_id} ${read.total.toFixed(2)} ${read.status} seq=${read.sequence}`);

  const imported = 100;
  const orders = [];
  for (let i = 0; i < imported; i++) orders.push({ order_id: `${customer}-bulk-${i}`, customer_id: customer, total: 1 + i });
  orders.push({ order_id: `${customer}-bad`, customer_id: customer, total: -1 });
  const result = await bulkImport(client, orders);
  expect(result.success_count === imported && result.failure_count === 1 &&
    result.error_messages.length === 1 && result.error_messages[0].includes('total'),
    `bulk: ${JSON.stringify(result)}`);
  console.log(`imported ${result.success_count} orders, ${result.failure_count} refused: ${result.error_messages[0]}`);

  const events = await collect(client.GetOrderHistory({ id: customer }, { deadline: deadline(30_000) }));
  expect(events.length === imported + 2, `history: ${events.length} events, expected ${imported + 2}`);
  for (let i = 1; i < events.length; i++) {
    expect(events[i].sequence < events[i - 1].sequence, 'history is not newest first');
  }
  console.log(`history of ${customer}: ${events.length} events, newest first`);

  const updates = await watchWhileShipped(client, first.order_id);
  console.log(`watched ${first.order_id}: ${updates.map((u) => `${u.status}(seq=${u.sequence})`).join(' -> ')}`);

  const delivered = await unary(client, 'GetOrder', { id: first.order_id });
  expect(delivered.status === 'DELIVERED' && delivered.sequence === updates[updates.length - 1].sequence,
    `get after delivery: ${JSON.stringify(delivered)}`);

  try {
    await unary(client, 'GetOrder', { id: `${customer}-missing` });
    fail('GetOrder of a missing order succeeded');
  } catch (error) {
    expect(error.code === grpc.status.NOT_FOUND, `missing order: ${error.message}`);
  }
  console.log('demo: every answer as expected');
}

// Subscribes to `orderId`; once acknowledged, ships then delivers it. Resolves with the updates
// received (acknowledgement first) once DELIVERED arrives.
function watchWhileShipped(client, orderId) {
  return new Promise((resolve, reject) => {
    const call = client.NotifyOrderUpdates({ deadline: deadline(30_000) });
    const updates = [];
    let done = false;
    const finish = (error) => {
      if (done) return;
      done = true;
      call.cancel();
      error ? reject(error) : resolve(updates);
    };
    call.on('data', (update) => {
      updates.push(update);
      if (updates.length === 1) {
        if (update.status !== 'CREATED') return finish(new Error(`acknowledgement: ${JSON.stringify(update)}`));
        unary(client, 'UpdateOrderStatus', { order_id: orderId, status: 'SHIPPED' })
          .then(() => unary(client, 'UpdateOrderStatus', { order_id: orderId, status: 'DELIVERED' }))
          .catch(finish);
        return;
      }
      if (update.sequence <= updates[updates.length - 2].sequence) {
        return finish(new Error(`sequence went back: ${JSON.stringify(updates)}`));
      }
      // A slow reader may see SHIPPED conflated into DELIVERED; DELIVERED always arrives.
      if (update.status === 'DELIVERED') finish();
    });
    call.on('error', (error) => finish(error));
    call.on('end', () => finish(new Error('watch ended before DELIVERED')));
    call.write({ id: orderId });
  });
}

async function main(argv) {
  const args = argv.slice(2);
  const target = option(args, '--target') ?? '127.0.0.1:50051';
  const [command, ...rest] = args;
  const commands = { create, get, 'set-status': setStatus, history, import: importFile, watch, demo };
  if (!commands[command]) {
    console.error(USAGE);
    process.exitCode = 2;
    return;
  }
  const client = connect(target);
  try {
    await commands[command](client, rest);
  } finally {
    client.close();
  }
}

if (require.main === module) {
  main(process.argv).catch((error) => {
    const code = error.code !== undefined && grpc.status[error.code] ? `${grpc.status[error.code]}: ` : '';
    console.error(`error: ${code}${error.details ?? error.message}`);
    process.exitCode = 1;
  });
}

module.exports = { connect, unary, collect, bulkImport };
