// ProcessBulkOrders: validates each streamed order as it arrives and persists the valid ones in
// batched transactions on the executor. A commit never waits on the network: orders accumulate in
// memory while the previous batch commits, and once a full batch is waiting the reactor stops
// reading, so HTTP/2 flow control slows a fast writer instead of memory growing. How full is full
// depends on how many imports share the server's ImportBudget. The response is sent only after
// every order counted as a success is committed.
#pragma once

#include <grpcpp/grpcpp.h>

#include <cstdint>
#include <mutex>
#include <vector>

#include "domain/bulk_tally.h"
#include "domain/deadline.h"
#include "order_service.pb.h"
#include "transport/import_budget.h"
#include "transport/managed_stream.h"

namespace orderstream::transport {

// Reads raw bytes and parses them itself (transport/request_parsing.h), so that a message that
// does not parse ends the import with INVALID_ARGUMENT instead of looking like its end.
using BulkStream = grpc::ServerReadReactor<grpc::ByteBuffer>;

class BulkReactor final : public ManagedStream<BulkReactor, BulkStream> {
 public:
  // Every batch's transaction is bounded by the import's `deadline`, and stopped if the client
  // cancels the import.
  static BulkReactor* start(ReactorContext context, StreamGrant grant,
                            ::ecommerce::orders::BulkProcessResult* result, Deadline deadline = {});

  void OnReadDone(bool ok) override;

 private:
  friend class RefCounted<BulkReactor>;
  friend class ManagedStream<BulkReactor, BulkStream>;
  BulkReactor(ReactorContext context, StreamGrant grant,
              ::ecommerce::orders::BulkProcessResult* result, Deadline deadline);
  ~BulkReactor() override = default;

  void commit_locked();
  void on_committed(Result<std::vector<CreateOutcome>> outcomes);
  void maybe_respond_locked();
  void on_finish_locked() {
    pending_.clear();
    spare_.clear();
  }
  void on_done();
  static grpc::Status shutting_down();

  ::ecommerce::orders::BulkProcessResult* const result_;
  const Deadline deadline_;
  ImportBudget::Lease lease_;  // counts this import in the budget's share until destroyed

  grpc::ByteBuffer read_buffer_;        // the message as received
  ::ecommerce::orders::Order request_;  // read_buffer_ parsed
  std::vector<NewOrder> pending_;       // valid orders waiting for the next commit
  // Committed orders handed back emptied, whose string buffers the next reads fill again: the
  // strings then circulate between the gRPC thread and the writer instead of being allocated on
  // one and freed on the other for every order, which makes the two threads wait on each other's
  // malloc arena locks. At most one batch's worth.
  std::vector<NewOrder> spare_;
  BulkTally tally_;
  int64_t received_ = 0;
  bool commit_in_flight_ = false;
  bool reading_paused_ = false;
  bool reads_done_ = false;
  bool responded_ = false;
};

}  // namespace orderstream::transport
