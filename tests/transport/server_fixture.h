// An in-process orderstream server on 127.0.0.1 with a kernel-chosen port and a fresh SQLite file,
// plus a stub on one shared channel: what the end-to-end transport tests run against. With
// HookedServerFixture the order service reaches the store through a HookedOrderStore.
#pragma once

#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <thread>

#include "domain/order_service.h"
#include "events/event_hub.h"
#include "order_service.grpc.pb.h"
#include "storage/sqlite_order_store.h"
#include "support/eventually.h"
#include "support/test_doubles.h"
#include "transport/server.h"

namespace orderstream::testing {

namespace pb = ::ecommerce::orders;

inline std::string make_temp_dir() {
  std::string pattern = (std::filesystem::temp_directory_path() / "orderstream-XXXXXX").string();
  if (mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
  return pattern;
}

inline std::chrono::system_clock::time_point in(std::chrono::milliseconds delay) {
  return std::chrono::system_clock::now() + delay;
}

class ServerFixture : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = make_temp_dir();
    store_ = std::make_unique<storage::SqliteOrderStore>(
        storage::SqliteOptions{.path = dir_ + "/orders.db", .synchronous_full = false});
    orders_ = std::make_unique<OrderService>(service_store(), hub_);
    transport::ServerOptions options;
    options.listen = "127.0.0.1:0";
    configure(options);
    server_ = std::make_unique<transport::OrderServer>(options, *orders_, hub_);
    channel_ = grpc::CreateChannel(server_->target(), grpc::InsecureChannelCredentials());
    stub_ = pb::OrderService::NewStub(channel_);
  }

  // Lets a derived fixture change the server's options before it starts.
  virtual void configure(transport::ServerOptions& /*options*/) {}
  // The store the order service uses; a derived fixture may put a wrapper around store_.
  virtual OrderStore& service_store() { return *store_; }

  void TearDown() override {
    stub_.reset();
    channel_.reset();
    server_.reset();
    orders_.reset();
    store_.reset();
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }

  pb::OrderResponse create(const std::string& id, const std::string& customer, float total) {
    pb::Order order;
    order.set_order_id(id);
    order.set_customer_id(customer);
    order.set_total(total);
    pb::OrderResponse response;
    grpc::ClientContext context;
    context.set_deadline(in(std::chrono::seconds(10)));
    const grpc::Status status = stub_->CreateOrder(&context, order, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return response;
  }

  grpc::Status set_status(const std::string& id, const std::string& status,
                          pb::OrderUpdate* update = nullptr) {
    pb::OrderStatusChange change;
    change.set_order_id(id);
    change.set_status(status);
    pb::OrderUpdate ignored;
    grpc::ClientContext context;
    context.set_deadline(in(std::chrono::seconds(10)));
    return stub_->UpdateOrderStatus(&context, change, update ? update : &ignored);
  }

  // Imports `count` valid orders of `customer` with ids prefix-0..count-1 over one bulk stream.
  pb::BulkProcessResult bulk_create(const std::string& prefix, const std::string& customer,
                                    int count) {
    grpc::ClientContext context;
    context.set_deadline(in(std::chrono::seconds(60)));
    pb::BulkProcessResult result;
    auto writer = stub_->ProcessBulkOrders(&context, &result);
    pb::Order order;
    for (int i = 0; i < count; ++i) {
      order.set_order_id(prefix + std::to_string(i));
      order.set_customer_id(customer);
      order.set_total(1.0f + i);
      if (!writer->Write(order)) break;
    }
    writer->WritesDone();
    const grpc::Status status = writer->Finish();
    EXPECT_TRUE(status.ok()) << status.error_message();
    return result;
  }

  std::string dir_;
  EventHub hub_{2};  // delivery lanes, as the server binary runs it
  std::unique_ptr<storage::SqliteOrderStore> store_;
  std::unique_ptr<OrderService> orders_;
  std::unique_ptr<transport::OrderServer> server_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<pb::OrderService::Stub> stub_;
};

// The order service's store calls go through hooked_, so that a test can commit changes at a
// chosen point of the server's reads (tests/support/test_doubles.h).
class HookedServerFixture : public ServerFixture {
 protected:
  OrderStore& service_store() override {
    hooked_ = std::make_unique<HookedOrderStore>(*store_);
    return *hooked_;
  }

  std::unique_ptr<HookedOrderStore> hooked_;
};

}  // namespace orderstream::testing
