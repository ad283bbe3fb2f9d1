// GetOrderHistory: streams a customer's events newest first, or the range and order the request's
// paging fields ask for, read from the database page by page (keyset pagination) on the executor
// while the previous page is being written. At most two pages are buffered and one write is in
// flight, so memory stays flat however long the history and however slow the reader: HTTP/2 flow
// control stops the writes, and a full buffer stops reads.
#pragma once

#include <grpcpp/grpcpp.h>

#include <cstdint>
#include <deque>
#include <mutex>
#include <string>

#include "domain/deadline.h"
#include "order_service.pb.h"
#include "transport/managed_stream.h"

namespace orderstream::transport {

using HistoryStream = grpc::ServerWriteReactor<::ecommerce::orders::OrderEvent>;

class HistoryReactor final : public WritingStream<HistoryReactor, HistoryStream> {
 public:
  // Starts the reactor for the request's bytes (parsed here: transport/request_parsing.h); gRPC
  // owns it from the returned pointer until OnDone. Every page's read is bounded by `deadline`.
  static HistoryReactor* start(ReactorContext context, StreamGrant grant,
                               const grpc::ByteBuffer& request, Deadline deadline = {});

 private:
  friend class RefCounted<HistoryReactor>;
  friend class ManagedStream<HistoryReactor, HistoryStream>;
  friend class WritingStream<HistoryReactor, HistoryStream>;
  HistoryReactor(ReactorContext context, StreamGrant grant,
                 const ::ecommerce::orders::UserID& request, Deadline deadline);
  ~HistoryReactor() override = default;

  void fetch_locked();
  // `limit` is the page size asked for: a shorter page is the last.
  void on_page(Result<std::vector<OrderEvent>> page, std::size_t limit);
  void write_next_locked();
  void on_finish_locked() { buffered_.clear(); }

  const std::string customer_id_;
  const Deadline deadline_;

  std::deque<OrderEvent> buffered_;
  // The range still to read: its bound on the side the stream moves to follows the last event
  // read (before it, newest first; after it, oldest first).
  EventRange range_;
  std::size_t remaining_;  // events the request's limit still allows
  bool first_page_ = true;
  bool fetch_in_flight_ = false;
  bool exhausted_ = false;
  bool first_write_ = true;
  ::ecommerce::orders::OrderEvent message_;  // borrowed by gRPC until OnWriteDone
};

}  // namespace orderstream::transport
