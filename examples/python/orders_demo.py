#!/usr/bin/python3
"""A small Python client of ecommerce.orders.OrderService on Debian's python3-grpcio.

It creates orders, streams a bulk import, reads the customer's history and watches an order while
it is shipped, checking every answer; it exits 1 if the server answers anything unexpected, which
is how the test suite runs it. Nothing generated is committed: the stubs are generated from
proto/order_service.proto into a temporary directory at start-up, with protoc and
grpc_python_plugin (Debian's protobuf-compiler and protobuf-compiler-grpc).

    apt-get install python3-grpcio python3-protobuf protobuf-compiler protobuf-compiler-grpc
    /usr/bin/python3 examples/python/orders_demo.py --target 127.0.0.1:50051
"""

import argparse
import importlib
import os
import queue
import shutil
import subprocess
import sys
import tempfile
import threading
import time

PROTO_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "proto")
DEADLINE_S = 30


def load_stubs(out_dir):
    """Generates order_service_pb2(_grpc) into out_dir and imports them."""
    plugin = shutil.which("grpc_python_plugin") or "/usr/bin/grpc_python_plugin"
    subprocess.run(
        ["protoc", f"-I{PROTO_DIR}", f"--python_out={out_dir}", f"--grpc_python_out={out_dir}",
         f"--plugin=protoc-gen-grpc_python={plugin}", "order_service.proto"],
        check=True)
    sys.path.insert(0, out_dir)
    return (importlib.import_module("order_service_pb2"),
            importlib.import_module("order_service_pb2_grpc"))


def expect(condition, message):
    if not condition:
        raise AssertionError(message)


def watch_while_shipped(grpc, pb, stub, order_id):
    """Subscribes to order_id; once acknowledged, ships then delivers it. Returns the updates."""
    subscriptions = queue.Queue()
    subscriptions.put(pb.OrderID(id=order_id))

    def requests():
        # Blocks until the watch ends; None closes the sending side.
        while (item := subscriptions.get()) is not None:
            yield item

    call = stub.NotifyOrderUpdates(requests(), timeout=DEADLINE_S)
    updates = []
    try:
        for update in call:
            updates.append(update)
            if len(updates) == 1:
                expect(update.status == "CREATED", f"acknowledgement: {update}")
                for status in ("SHIPPED", "DELIVERED"):
                    stub.UpdateOrderStatus(pb.OrderStatusChange(order_id=order_id, status=status),
                                           timeout=DEADLINE_S)
                continue
            expect(update.sequence > updates[-2].sequence, f"sequence went back: {updates}")
            # A slow reader may see SHIPPED conflated into DELIVERED; DELIVERED always arrives.
            if update.status == "DELIVERED":
                return updates
        raise AssertionError("watch ended before DELIVERED")
    finally:
        call.cancel()
        subscriptions.put(None)


def demo(grpc, pb, pb_grpc, target):
    with grpc.insecure_channel(target) as channel:
        stub = pb_grpc.OrderServiceStub(channel)
        customer = f"python-demo-{os.getpid()}-{int(time.time() * 1000)}"

        first = stub.CreateOrder(pb.Order(customer_id=customer, total=19.99), timeout=DEADLINE_S)
        second = stub.CreateOrder(pb.Order(customer_id=customer, total=5.25), timeout=DEADLINE_S)
        expect(first.status == "CREATED" and first.order_id.startswith("ORD-"), f"create: {first}")
        print(f"created {first.order_id} and {second.order_id} for {customer}")

        read = stub.GetOrder(pb.OrderID(id=first.order_id), timeout=DEADLINE_S)
        expect(read.customer_id == customer and abs(read.total - 19.99) < 1e-3
               and read.status == "CREATED", f"get: {read}")
        print(f"read back {read.order_id}: {read.customer_id} {read.total:.2f} {read.status} "
              f"seq={read.sequence}")

        imported = 100
        orders = [pb.Order(order_id=f"{customer}-bulk-{i}", customer_id=customer, total=1 + i)
                  for i in range(imported)]
        orders.append(pb.Order(order_id=f"{customer}-bad", customer_id=customer, total=-1))
        result = stub.ProcessBulkOrders(iter(orders), timeout=DEADLINE_S)
        expect(result.success_count == imported and result.failure_count == 1
               and "total" in result.error_messages[0], f"bulk: {result}")
        print(f"imported {result.success_count} orders, {result.failure_count} refused: "
              f"{result.error_messages[0]}")

        events = list(stub.GetOrderHistory(pb.UserID(id=customer), timeout=DEADLINE_S))
        expect(len(events) == imported + 2, f"history: {len(events)} events")
        expect(all(a.sequence > b.sequence for a, b in zip(events, events[1:])),
               "history is not newest first")
        print(f"history of {customer}: {len(events)} events, newest first")

        updates = watch_while_shipped(grpc, pb, stub, first.order_id)
        print(f"watched {first.order_id}: " +
              " -> ".join(f"{u.status}(seq={u.sequence})" for u in updates))

        delivered = stub.GetOrder(pb.OrderID(id=first.order_id), timeout=DEADLINE_S)
        expect(delivered.status == "DELIVERED" and delivered.sequence == updates[-1].sequence,
               f"get after delivery: {delivered}")
        try:
            stub.GetOrder(pb.OrderID(id=customer + "-missing"), timeout=DEADLINE_S)
            raise AssertionError("GetOrder of a missing order succeeded")
        except grpc.RpcError as error:
            expect(error.code() == grpc.StatusCode.NOT_FOUND, f"missing order: {error}")
        print("demo: every answer as expected")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--target", default="127.0.0.1:50051", help="server HOST:PORT")
    args = parser.parse_args()
    import grpc  # python3-grpcio
    with tempfile.TemporaryDirectory(prefix="orderstream-stubs-") as stubs:
        pb, pb_grpc = load_stubs(stubs)
        try:
            demo(grpc, pb, pb_grpc, args.target)
        except grpc.RpcError as error:
            print(f"error: {error.code().name}: {error.details()}", file=sys.stderr)
            return 1
        except AssertionError as error:
            print(f"error: unexpected answer: {error}", file=sys.stderr)
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
