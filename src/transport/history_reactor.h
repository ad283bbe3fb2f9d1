// GetOrderHistory: streams a customer's events newest first, or the range and order the request's
// paging fields ask for, read from the database page by page (keyset pagination) on the executor
// while the previous page is being written. At most two pages are buffered and one write is in
// flight, so memory stays flat however long the history and however slow the reader: HTTP/2 flow
// control stops the writes, and a full buffer stops reads.
//
// With `follow` the stream goes on after the history with the customer's new events, and they
// take the same path: the reactor follows the customer in the event hub BEFORE its first read,
// a commit of the customer only raises the highest sequence announced to the stream, and while
// that is above the last event read the stream reads the next page after it once its buffer has
// room. Every event is read from the event table, in sequence order, after the last one read;
// sequences become visible in increasing order only (so nothing below the last one read is
// still to come), and a commit is announced after it is visible (so a read that starts after the
// announcement returns it): no gap, no duplicate, however the commits interleave with the
// history. A slow follower holds at most its buffered pages and one number; nothing is
// conflated.
#pragma once

#include <grpcpp/grpcpp.h>

#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "domain/deadline.h"
#include "domain/error.h"
#include "events/event_hub.h"
#include "order_service.pb.h"
#include "transport/managed_stream.h"

namespace orderstream::transport {

using HistoryStream = grpc::ServerWriteReactor<::ecommerce::orders::OrderEvent>;

class HistoryReactor final : public WritingStream<HistoryReactor, HistoryStream>,
                             public EventSubscriber {
 public:
  // Starts the reactor for the request (null: it could not be parsed, which finishes the stream
  // with INVALID_ARGUMENT); gRPC owns it from the returned pointer until OnDone. Every page's
  // read is bounded by `deadline`.
  static HistoryReactor* start(ReactorContext context, StreamGrant grant,
                               const ::ecommerce::orders::UserID* request, Deadline deadline = {});

  // A followed customer's commit (the hub's call; `event` is the last of the customer's events
  // in that commit).
  void on_event(const OrderEvent& event, void* tag) override;

 private:
  friend class RefCounted<HistoryReactor>;
  friend class ManagedStream<HistoryReactor, HistoryStream>;
  friend class WritingStream<HistoryReactor, HistoryStream>;
  HistoryReactor(ReactorContext context, StreamGrant grant,
                 const ::ecommerce::orders::UserID& request, Deadline deadline);
  ~HistoryReactor() override = default;

  // Checks the request's fields after the id: the first error, if any.
  static std::optional<Error> invalid_request(const ::ecommerce::orders::UserID& request);
  // Follow mode: joins the customer's followers; false (and the stream finished) at shutdown.
  bool follow_locked();
  void fetch_locked();
  // `limit` is the page size asked for: a shorter page is the last (of the history, or of what
  // is committed now when following).
  void on_page(Result<std::vector<OrderEvent>> page, std::size_t limit);
  void write_next_locked();
  void on_finish_locked() { buffered_.clear(); }
  void on_done();

  const std::string customer_id_;
  const Deadline deadline_;
  const bool follow_;

  std::deque<OrderEvent> buffered_;
  // The range still to read: its bound on the side the stream moves to follows the last event
  // read (before it, newest first; after it, oldest first).
  EventRange range_;
  std::size_t remaining_;  // events the request's limit still allows
  bool first_page_ = true;
  bool fetch_in_flight_ = false;
  // The last read came back short: nothing more is committed (without follow: the end).
  bool exhausted_ = false;
  // Follow mode: the highest sequence of the customer's commits announced by the hub. Above the
  // last event read (range_.after_sequence), a read is due.
  int64_t announced_ = 0;
  bool first_write_ = true;
  ::ecommerce::orders::OrderEvent message_;  // borrowed by gRPC until OnWriteDone
  // Follow mode: this stream as the hub holds it, dropped in on_done after unfollowing.
  std::shared_ptr<EventSubscriber> as_follower_;
};

}  // namespace orderstream::transport
