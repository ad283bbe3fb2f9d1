// GetOrderHistory: streams a customer's events newest first, read from the database page by page
// (keyset pagination) on the executor while the previous page is being written. At most two pages
// are buffered and one write is in flight, so memory stays flat however long the history and
// however slow the reader: HTTP/2 flow control stops the writes, and a full buffer stops reads.
#pragma once

#include <grpcpp/grpcpp.h>

#include <cstdint>
#include <deque>
#include <mutex>
#include <string>

#include "order_service.pb.h"
#include "transport/reactor_context.h"
#include "transport/ref_counted.h"

namespace orderstream::transport {

class HistoryReactor final : public grpc::ServerWriteReactor<::ecommerce::orders::OrderEvent>,
                             public RegisteredStream,
                             public RefCounted<HistoryReactor> {
 public:
  // Starts the reactor; gRPC owns it from the returned pointer until OnDone.
  static HistoryReactor* start(ReactorContext context, std::string customer_id);

  void OnWriteDone(bool ok) override;
  void OnCancel() override;
  void OnDone() override;
  void on_server_shutdown() override;

 private:
  friend class RefCounted<HistoryReactor>;
  HistoryReactor(ReactorContext context, std::string customer_id);
  ~HistoryReactor() override = default;

  void fetch_locked();
  void on_page(Result<std::vector<OrderEvent>> page);
  void write_next_locked();
  void finish_locked(const grpc::Status& status);

  const ReactorContext context_;
  const std::string customer_id_;

  std::mutex mutex_;
  std::deque<OrderEvent> buffered_;
  int64_t next_before_sequence_;
  bool first_page_ = true;
  bool fetch_in_flight_ = false;
  bool exhausted_ = false;
  bool write_in_flight_ = false;
  bool first_write_ = true;
  bool finish_called_ = false;
  ::ecommerce::orders::OrderEvent message_;  // borrowed by gRPC until OnWriteDone
};

}  // namespace orderstream::transport
