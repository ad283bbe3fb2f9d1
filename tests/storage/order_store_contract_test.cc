// The OrderStore contract, run over every store (order_store_contract.h): what the domain relies
// on, whatever the database.
#include "storage/order_store_contract.h"

#include <gtest/gtest.h>

#include <atomic>
#include <cstdint>
#include <limits>
#include <set>
#include <string>
#include <thread>
#include <vector>

namespace orderstream::storage {
namespace {

using CreateKind = CreateOutcome::Kind;
using ChangeKind = StatusChangeOutcome::Kind;

TEST_P(OrderStoreContractTest, CreatesNewOrderWithItsEvent) {
  auto owned = open();
  OrderStore& store = *owned;
  const CreateOutcome outcome = create_one(store, "ORD-1", "cust-a", 19.99f);
  ASSERT_EQ(outcome.kind, CreateKind::kCreated);
  EXPECT_EQ(outcome.order.id, "ORD-1");
  EXPECT_EQ(outcome.order.customer_id, "cust-a");
  EXPECT_EQ(outcome.order.total, 19.99f);
  EXPECT_EQ(outcome.order.status, OrderStatus::kCreated);
  EXPECT_EQ(outcome.order.created_at_ms, kNow);
  EXPECT_EQ(outcome.order.updated_at_ms, kNow);
  EXPECT_GT(outcome.order.sequence, 0);

  const auto found = store.find_order("ORD-1");
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(found->customer_id, "cust-a");
  EXPECT_EQ(found->total, 19.99f);
  EXPECT_EQ(found->status, OrderStatus::kCreated);
  EXPECT_EQ(found->created_at_ms, kNow);
  EXPECT_EQ(found->sequence, outcome.order.sequence);

  const auto history = history_page(store, "cust-a", kFirstPage, 10);
  ASSERT_EQ(history.size(), 1u);
  EXPECT_EQ(history[0].sequence, outcome.order.sequence);
  EXPECT_EQ(history[0].order_id, "ORD-1");
  EXPECT_EQ(history[0].customer_id, "cust-a");
  EXPECT_EQ(history[0].type, OrderStatus::kCreated);
  EXPECT_EQ(history[0].timestamp_ms, kNow);
}

TEST_P(OrderStoreContractTest, RetryWithSameContentIsExisting) {
  auto owned = open();
  OrderStore& store = *owned;
  const CreateOutcome first = create_one(store, "ORD-1", "cust-a", 19.99f);
  const CreateOutcome retry = create_one(store, "ORD-1", "cust-a", 19.99f, kNow + 500);
  ASSERT_EQ(retry.kind, CreateKind::kExisting);
  EXPECT_EQ(retry.order.sequence, first.order.sequence);
  EXPECT_EQ(retry.order.created_at_ms, kNow);  // the stored row, not the retry's time
  EXPECT_EQ(history_page(store, "cust-a", kFirstPage, 10).size(), 1u);  // no second event
}

TEST_P(OrderStoreContractTest, SameIdWithOtherContentIsConflict) {
  auto owned = open();
  OrderStore& store = *owned;
  create_one(store, "ORD-1", "cust-a", 19.99f);
  const CreateOutcome other_total = create_one(store, "ORD-1", "cust-a", 20.0f);
  ASSERT_EQ(other_total.kind, CreateKind::kConflict);
  EXPECT_EQ(other_total.order.total, 19.99f);  // the stored row
  const CreateOutcome other_customer = create_one(store, "ORD-1", "cust-b", 19.99f);
  ASSERT_EQ(other_customer.kind, CreateKind::kConflict);
  EXPECT_EQ(other_customer.order.customer_id, "cust-a");
  EXPECT_TRUE(history_page(store, "cust-b", kFirstPage, 10).empty());
}

TEST_P(OrderStoreContractTest, IdRepeatedWithinBatchCountsAsExistingOrConflict) {
  auto owned = open();
  OrderStore& store = *owned;
  const std::vector<NewOrder> batch{
      {"ORD-1", "cust-a", 5.0f},
      {"ORD-2", "cust-a", 6.0f},
      {"ORD-1", "cust-a", 5.0f},
      {"ORD-1", "cust-a", 7.0f},
  };
  const auto outcomes = store.create_orders(batch, kNow);
  ASSERT_EQ(outcomes.size(), 4u);
  EXPECT_EQ(outcomes[0].kind, CreateKind::kCreated);
  EXPECT_EQ(outcomes[1].kind, CreateKind::kCreated);
  EXPECT_EQ(outcomes[2].kind, CreateKind::kExisting);
  EXPECT_EQ(outcomes[2].order.sequence, outcomes[0].order.sequence);
  EXPECT_EQ(outcomes[3].kind, CreateKind::kConflict);
  EXPECT_EQ(outcomes[3].order.total, 5.0f);
  EXPECT_EQ(history_page(store, "cust-a", kFirstPage, 10).size(), 2u);
}

TEST_P(OrderStoreContractTest, EmptyBatchReturnsNothing) {
  auto owned = open();
  OrderStore& store = *owned;
  EXPECT_TRUE(store.create_orders({}, kNow).empty());
}

TEST_P(OrderStoreContractTest, SequencesIncreaseStrictlyAcrossCalls) {
  auto owned = open();
  OrderStore& store = *owned;
  int64_t last = 0;
  for (int i = 0; i < 5; ++i) {
    const std::vector<NewOrder> batch{{"A" + std::to_string(i), "c", 1.0f},
                                      {"B" + std::to_string(i), "c", 2.0f}};
    for (const auto& outcome : store.create_orders(batch, kNow)) {
      ASSERT_EQ(outcome.kind, CreateKind::kCreated);
      EXPECT_GT(outcome.order.sequence, last);
      last = outcome.order.sequence;
    }
    const auto change = store.compare_and_set_status("A" + std::to_string(i), OrderStatus::kCreated,
                                                     OrderStatus::kShipped, kNow);
    ASSERT_EQ(change.kind, ChangeKind::kChanged);
    EXPECT_GT(change.event.sequence, last);
    last = change.event.sequence;
  }
}

TEST_P(OrderStoreContractTest, CompareAndSetChangesStatusAndAppendsEvent) {
  auto owned = open();
  OrderStore& store = *owned;
  const CreateOutcome created = create_one(store, "ORD-1", "cust-a", 3.5f);
  const auto change = store.compare_and_set_status("ORD-1", OrderStatus::kCreated,
                                                   OrderStatus::kShipped, kNow + 1000);
  ASSERT_EQ(change.kind, ChangeKind::kChanged);
  EXPECT_EQ(change.order.status, OrderStatus::kShipped);
  EXPECT_EQ(change.order.created_at_ms, kNow);
  EXPECT_EQ(change.order.updated_at_ms, kNow + 1000);
  EXPECT_GT(change.order.sequence, created.order.sequence);
  EXPECT_EQ(change.event.sequence, change.order.sequence);
  EXPECT_EQ(change.event.order_id, "ORD-1");
  EXPECT_EQ(change.event.customer_id, "cust-a");
  EXPECT_EQ(change.event.type, OrderStatus::kShipped);
  EXPECT_EQ(change.event.timestamp_ms, kNow + 1000);

  const auto found = store.find_order("ORD-1");
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(found->status, OrderStatus::kShipped);
  EXPECT_EQ(found->updated_at_ms, kNow + 1000);
  EXPECT_EQ(found->sequence, change.event.sequence);

  const auto history = history_page(store, "cust-a", kFirstPage, 10);
  ASSERT_EQ(history.size(), 2u);
  EXPECT_EQ(history[0].type, OrderStatus::kShipped);
  EXPECT_EQ(history[0].sequence, change.event.sequence);
  EXPECT_EQ(history[1].type, OrderStatus::kCreated);
}

TEST_P(OrderStoreContractTest, CompareAndSetIsStaleWhenStatusMoved) {
  auto owned = open();
  OrderStore& store = *owned;
  create_one(store, "ORD-1", "cust-a", 3.5f);
  ASSERT_EQ(
      store.compare_and_set_status("ORD-1", OrderStatus::kCreated, OrderStatus::kShipped, kNow)
          .kind,
      ChangeKind::kChanged);
  const auto stale = store.compare_and_set_status("ORD-1", OrderStatus::kCreated,
                                                  OrderStatus::kCancelled, kNow + 1);
  ASSERT_EQ(stale.kind, ChangeKind::kStale);
  EXPECT_EQ(stale.order.status, OrderStatus::kShipped);  // the current row
  EXPECT_EQ(store.find_order("ORD-1")->status, OrderStatus::kShipped);
  EXPECT_EQ(history_page(store, "cust-a", kFirstPage, 10).size(), 2u);  // nothing appended
}

TEST_P(OrderStoreContractTest, CompareAndSetOnMissingOrderIsNotFound) {
  auto owned = open();
  OrderStore& store = *owned;
  const auto outcome =
      store.compare_and_set_status("nope", OrderStatus::kCreated, OrderStatus::kShipped, kNow);
  EXPECT_EQ(outcome.kind, ChangeKind::kNotFound);
  // The rolled-back transaction leaves the writer usable.
  EXPECT_EQ(create_one(store, "ORD-1", "c", 1.0f).kind, CreateKind::kCreated);
}

TEST_P(OrderStoreContractTest, FindMissingOrderIsNullopt) {
  auto owned = open();
  OrderStore& store = *owned;
  create_one(store, "ORD-1", "cust-a", 1.0f);
  EXPECT_FALSE(store.find_order("ORD-2").has_value());
  EXPECT_FALSE(store.find_order("").has_value());
}

TEST_P(OrderStoreContractTest, HistoryPaginatesNewestFirstWithEveryEventOnce) {
  auto owned = open();
  OrderStore& store = *owned;
  // Interleave another customer's events so that pages must skip them.
  std::set<int64_t> expected;
  for (const char* id : {"O1", "O2", "O3"}) {
    expected.insert(create_one(store, id, "cust-a", 1.0f).order.sequence);
    create_one(store, std::string(id) + "-other", "cust-b", 1.0f);
  }
  for (const char* id : {"O1", "O2", "O3"}) {
    auto shipped =
        store.compare_and_set_status(id, OrderStatus::kCreated, OrderStatus::kShipped, kNow);
    ASSERT_EQ(shipped.kind, ChangeKind::kChanged);
    expected.insert(shipped.event.sequence);
    store.compare_and_set_status(std::string(id) + "-other", OrderStatus::kCreated,
                                 OrderStatus::kCancelled, kNow);
  }
  auto delivered =
      store.compare_and_set_status("O2", OrderStatus::kShipped, OrderStatus::kDelivered, kNow);
  expected.insert(delivered.event.sequence);
  ASSERT_EQ(expected.size(), 7u);

  int pages = 0;
  const auto events = all_pages(store, "cust-a", 2, &pages);
  EXPECT_EQ(pages, 4);  // 2 + 2 + 2 + 1
  ASSERT_EQ(events.size(), 7u);
  std::set<int64_t> seen;
  for (std::size_t i = 0; i < events.size(); ++i) {
    EXPECT_EQ(events[i].customer_id, "cust-a");
    EXPECT_EQ(events[i].order_id.find("-other"), std::string::npos);
    if (i > 0) {
      EXPECT_LT(events[i].sequence, events[i - 1].sequence);
    }
    seen.insert(events[i].sequence);
  }
  EXPECT_EQ(seen, expected);
  EXPECT_EQ(events.front().type, OrderStatus::kDelivered);
  EXPECT_EQ(events.front().order_id, "O2");
}

TEST_P(OrderStoreContractTest, HistoryRespectsBeforeSequenceAndLimit) {
  auto owned = open();
  OrderStore& store = *owned;
  std::vector<int64_t> seqs;
  for (int i = 0; i < 5; ++i) {
    seqs.push_back(create_one(store, "O" + std::to_string(i), "c", 1.0f).order.sequence);
  }
  const auto page = history_page(store, "c", seqs[3], 10);  // strictly before seqs[3]
  ASSERT_EQ(page.size(), 3u);
  EXPECT_EQ(page[0].sequence, seqs[2]);
  EXPECT_EQ(page[2].sequence, seqs[0]);
  EXPECT_TRUE(history_page(store, "c", seqs[0], 10).empty());
  EXPECT_TRUE(history_page(store, "c", kFirstPage, 0).empty());
  EXPECT_EQ(history_page(store, "c", kFirstPage, std::numeric_limits<std::size_t>::max()).size(),
            5u);
}

// The ranges GetOrderHistory's paging fields and a watch resume ask for: bounds exclusive, either
// direction, optionally one order, keyset-paged in both directions.
TEST_P(OrderStoreContractTest, CustomerEventsReadsARangeInEitherOrder) {
  auto owned = open();
  OrderStore& store = *owned;
  std::vector<int64_t> a;  // the events of cust-a, by sequence
  for (int i = 0; i < 4; ++i) {
    a.push_back(create_one(store, "A" + std::to_string(i), "cust-a", 1.0f).order.sequence);
    create_one(store, "B" + std::to_string(i), "cust-b", 1.0f);  // interleaved, never returned
  }
  const auto shipped =
      store.compare_and_set_status("A1", OrderStatus::kCreated, OrderStatus::kShipped, kNow + 1);
  ASSERT_EQ(shipped.kind, ChangeKind::kChanged);
  a.push_back(shipped.event.sequence);
  const auto sequences = [](const std::vector<OrderEvent>& events) {
    std::vector<int64_t> out;
    for (const auto& event : events) out.push_back(event.sequence);
    return out;
  };

  const EventRange all = EventRange::of_customer("cust-a").with_limit(100);
  EXPECT_EQ(sequences(store.customer_events(all)),
            (std::vector<int64_t>{a[4], a[3], a[2], a[1], a[0]}));
  EventRange oldest = all;
  oldest.oldest_first = true;
  EXPECT_EQ(sequences(store.customer_events(oldest)), a);

  // Exclusive bounds on both sides, with a limit, in both directions.
  EventRange window = EventRange::of_customer("cust-a")
                          .with_after(a[0])
                          .with_before(a[4])
                          .with_oldest_first()
                          .with_limit(2);
  EXPECT_EQ(sequences(store.customer_events(window)), (std::vector<int64_t>{a[1], a[2]}));
  window.oldest_first = false;
  EXPECT_EQ(sequences(store.customer_events(window)), (std::vector<int64_t>{a[3], a[2]}));
  window.limit = 0;
  EXPECT_TRUE(store.customer_events(window).empty());

  // After the last event, or an empty window: nothing.
  EXPECT_TRUE(
      store
          .customer_events(
              EventRange::of_customer("cust-a").with_after(a[4]).with_oldest_first().with_limit(10))
          .empty());
  EXPECT_TRUE(
      store
          .customer_events(
              EventRange::of_customer("cust-a").with_after(a[2]).with_before(a[3]).with_limit(10))
          .empty());

  // One order's events only: what a watch resume reads.
  const auto a1 = store.customer_events(
      EventRange::of_customer("cust-a").with_order("A1").with_oldest_first().with_limit(10));
  ASSERT_EQ(a1.size(), 2u);
  EXPECT_EQ(a1[0].type, OrderStatus::kCreated);
  EXPECT_EQ(a1[1].type, OrderStatus::kShipped);
  EXPECT_EQ(a1[1].sequence, shipped.event.sequence);
  EXPECT_EQ(a1[1].timestamp_ms, kNow + 1);
  for (const auto& event : a1) {
    EXPECT_EQ(event.order_id, "A1");
    EXPECT_EQ(event.customer_id, "cust-a");
  }
  EXPECT_TRUE(
      store.customer_events(EventRange::of_customer("cust-b").with_order("A1").with_limit(10))
          .empty());

  // Keyset paging oldest first visits every event once, in order.
  std::vector<int64_t> paged;
  EventRange page = EventRange::of_customer("cust-a").with_oldest_first().with_limit(2);
  for (int round = 0; round < 10; ++round) {
    const auto events = store.customer_events(page);
    for (const auto& event : events) paged.push_back(event.sequence);
    if (events.size() < page.limit) break;
    page.after_sequence = events.back().sequence;
  }
  EXPECT_EQ(paged, a);
}

TEST_P(OrderStoreContractTest, HistoryOfUnknownCustomerIsEmpty) {
  auto owned = open();
  OrderStore& store = *owned;
  create_one(store, "ORD-1", "cust-a", 1.0f);
  EXPECT_TRUE(history_page(store, "cust-z", kFirstPage, 10).empty());
  EXPECT_TRUE(history_page(store, "", kFirstPage, 10).empty());
}

TEST_P(OrderStoreContractTest, DataPersistsAcrossReopen) {
  int64_t last_seq = 0;
  {
    auto owned = open();
    OrderStore& store = *owned;
    create_one(store, "ORD-1", "cust-a", 42.5f);
    last_seq = store
                   .compare_and_set_status("ORD-1", OrderStatus::kCreated, OrderStatus::kCancelled,
                                           kNow + 7)
                   .event.sequence;
    ASSERT_GT(last_seq, 0);
  }
  auto reopened_owned = open();
  OrderStore& reopened = *reopened_owned;
  const auto found = reopened.find_order("ORD-1");
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(found->status, OrderStatus::kCancelled);
  EXPECT_EQ(found->total, 42.5f);
  EXPECT_EQ(found->updated_at_ms, kNow + 7);
  EXPECT_EQ(found->sequence, last_seq);
  EXPECT_EQ(history_page(reopened, "cust-a", kFirstPage, 10).size(), 2u);
  EXPECT_EQ(create_one(reopened, "ORD-1", "cust-a", 42.5f).kind, CreateKind::kExisting);
  EXPECT_GT(create_one(reopened, "ORD-2", "cust-a", 1.0f).order.sequence, last_seq);
}

TEST_P(OrderStoreContractTest, LargeBatchCommits) {
  auto owned = open();
  OrderStore& store = *owned;
  std::vector<NewOrder> batch;
  for (int i = 0; i < 10'000; ++i) {
    batch.push_back(
        {"ORD-" + std::to_string(i), "cust-" + std::to_string(i % 7), static_cast<float>(i) / 4});
  }
  const auto outcomes = store.create_orders(batch, kNow);
  ASSERT_EQ(outcomes.size(), batch.size());
  std::set<int64_t> seqs;
  for (std::size_t i = 0; i < outcomes.size(); ++i) {
    ASSERT_EQ(outcomes[i].kind, CreateKind::kCreated) << i;
    EXPECT_EQ(outcomes[i].order.id, batch[i].id);
    seqs.insert(outcomes[i].order.sequence);
  }
  EXPECT_EQ(seqs.size(), batch.size());
  const auto last = store.find_order("ORD-9999");
  ASSERT_TRUE(last.has_value());
  EXPECT_EQ(last->total, 9999.0f / 4);
  EXPECT_EQ(all_pages(store, "cust-3", 500).size(), 1429u);  // i = 3, 10, ..., 9999
}

TEST_P(OrderStoreContractTest, ReadersSeeCommittedBatchesWhileWriterRuns) {
  constexpr int kBatches = 60;
  constexpr int kBatchSize = 10;
  constexpr std::size_t kTotalEvents = kBatches * (kBatchSize + 1);  // + one SHIPPED per batch
  auto owned = open();
  OrderStore& store = *owned;
  std::atomic<bool> writer_done{false};

  std::thread writer([&] {
    for (int b = 0; b < kBatches; ++b) {
      std::vector<NewOrder> batch;
      for (int i = 0; i < kBatchSize; ++i) {
        batch.push_back({"B" + std::to_string(b) + "-" + std::to_string(i), "cust", 1.0f});
      }
      store.create_orders(batch, kNow + b);
      store.compare_and_set_status(batch[0].id, OrderStatus::kCreated, OrderStatus::kShipped,
                                   kNow + b);
    }
    writer_done = true;
  });

  std::atomic<int> failures{0};
  auto reader = [&] {
    std::size_t previous = 0;
    for (int round = 0; round < 2'000; ++round) {
      const bool last_round = writer_done.load();
      const auto events = history_page(store, "cust", kFirstPage, 100'000);
      std::size_t created = 0;
      for (std::size_t i = 0; i < events.size(); ++i) {
        if (events[i].customer_id != "cust") ++failures;
        if (i > 0 && events[i].sequence >= events[i - 1].sequence) ++failures;
        if (events[i].type == OrderStatus::kCreated) ++created;
      }
      if (created % kBatchSize != 0) ++failures;  // a batch is visible whole or not at all
      if (events.size() < previous) ++failures;   // snapshots only move forward
      previous = events.size();
      if (!events.empty()) {
        // The newest event's order is visible, at least as new as that event.
        const auto order = store.find_order(events.front().order_id);
        if (!order || order->sequence < events.front().sequence) ++failures;
      }
      if (last_round) {
        if (events.size() != kTotalEvents) ++failures;  // everything committed is visible
        break;
      }
    }
  };
  std::thread reader_a(reader);
  std::thread reader_b(reader);
  writer.join();
  reader_a.join();
  reader_b.join();

  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(all_pages(store, "cust", 64).size(), kTotalEvents);
}

// One batch mixing every case: new ids, ids stored before (same and other content), and ids
// repeated within the batch after a new and after a stored first occurrence.
TEST_P(OrderStoreContractTest, MixedBatchAnswersEachPositionByTheDuplicateRule) {
  auto owned = open();
  OrderStore& store = *owned;
  const CreateOutcome stored = create_one(store, "OLD", "cust-a", 1.0f);
  const auto outcomes = store.create_orders(
      {
          {"OLD", "cust-a", 1.0f},    // stored, same content
          {"NEW-1", "cust-b", 2.0f},  // new
          {"OLD", "cust-x", 1.0f},    // stored, other customer
          {"NEW-1", "cust-b", 2.0f},  // repeats a new one, same content
          {"NEW-2", "cust-a", 3.0f},  // new
          {"NEW-1", "cust-b", 9.0f},  // repeats a new one, other total
          {"NEW-2", "cust-a", 3.0f},  // repeats a new one, same content
      },
      kNow + 5);
  ASSERT_EQ(outcomes.size(), 7u);
  EXPECT_EQ(outcomes[0].kind, CreateKind::kExisting);
  EXPECT_EQ(outcomes[0].order.sequence, stored.order.sequence);
  EXPECT_EQ(outcomes[0].order.created_at_ms, kNow);
  EXPECT_EQ(outcomes[1].kind, CreateKind::kCreated);
  EXPECT_EQ(outcomes[2].kind, CreateKind::kConflict);
  EXPECT_EQ(outcomes[2].order.customer_id, "cust-a");
  EXPECT_EQ(outcomes[3].kind, CreateKind::kExisting);
  EXPECT_EQ(outcomes[3].order.sequence, outcomes[1].order.sequence);
  EXPECT_EQ(outcomes[4].kind, CreateKind::kCreated);
  EXPECT_EQ(outcomes[5].kind, CreateKind::kConflict);
  EXPECT_EQ(outcomes[5].order.total, 2.0f);
  EXPECT_EQ(outcomes[6].kind, CreateKind::kExisting);
  EXPECT_EQ(outcomes[6].order.id, "NEW-2");
  // New orders take sequences in arrival order, right after what was there.
  EXPECT_GT(outcomes[1].order.sequence, stored.order.sequence);
  EXPECT_GT(outcomes[4].order.sequence, outcomes[1].order.sequence);
  EXPECT_EQ(outcomes[1].order.created_at_ms, kNow + 5);
  EXPECT_EQ(all_after(store, 0, 100).size(), 3u);  // one CREATED per new order
}

// Ids and customers are opaque bytes to the store: nothing in them is interpreted.
TEST_P(OrderStoreContractTest, IdsWithQuotesEscapesAndUnicodeRoundTrip) {
  auto owned = open();
  OrderStore& store = *owned;
  const std::vector<std::string> ids = {"a'b",         "x\"); DROP TABLE orders; --",
                                        "tab\there",   "line\nbreak",
                                        "back\\slash", "ünïcødé-注文",
                                        "\\N"};
  std::vector<NewOrder> batch;
  for (const std::string& id : ids) batch.push_back({id, "c'" + id, 1.5f});
  const auto outcomes = store.create_orders(batch, kNow);
  ASSERT_EQ(outcomes.size(), ids.size());
  for (std::size_t i = 0; i < ids.size(); ++i) {
    EXPECT_EQ(outcomes[i].kind, CreateKind::kCreated) << ids[i];
    const auto found = store.find_order(ids[i]);
    ASSERT_TRUE(found.has_value()) << ids[i];
    EXPECT_EQ(found->customer_id, "c'" + ids[i]);
    const auto history = history_page(store, "c'" + ids[i], kFirstPage, 10);
    ASSERT_EQ(history.size(), 1u) << ids[i];
    EXPECT_EQ(history[0].order_id, ids[i]);
  }
  EXPECT_EQ(create_one(store, ids[1], "c'" + ids[1], 1.5f).kind, CreateKind::kExisting);
}

TEST_P(OrderStoreContractTest, TotalRoundTripsAsTheFloat) {
  auto owned = open();
  OrderStore& store = *owned;
  const std::vector<float> totals = {0.1f, 19.99f, 1e-7f, 3.4e38f, 123456.789f};
  for (std::size_t i = 0; i < totals.size(); ++i) {
    create_one(store, "T" + std::to_string(i), "c", totals[i]);
    EXPECT_EQ(store.find_order("T" + std::to_string(i))->total, totals[i]);
    // The same float again is the same content.
    EXPECT_EQ(create_one(store, "T" + std::to_string(i), "c", totals[i]).kind,
              CreateKind::kExisting);
  }
}

TEST_P(OrderStoreContractTest, EventsAfterReadsEveryEventOldestFirst) {
  auto owned = open();
  OrderStore& store = *owned;
  EXPECT_TRUE(store.events_after(0, 10).empty());
  store.create_orders({{"A", "cust-a", 1.0f}, {"B", "cust-b", 2.0f}}, kNow);
  ASSERT_EQ(
      store.compare_and_set_status("A", OrderStatus::kCreated, OrderStatus::kShipped, kNow + 1)
          .kind,
      ChangeKind::kChanged);
  create_one(store, "C", "cust-a", 3.0f, kNow + 2);
  ASSERT_EQ(
      store.compare_and_set_status("B", OrderStatus::kCreated, OrderStatus::kCancelled, kNow + 3)
          .kind,
      ChangeKind::kChanged);

  const auto events = store.events_after(0, 100);
  ASSERT_EQ(events.size(), 5u);
  for (std::size_t i = 1; i < events.size(); ++i) {
    EXPECT_GT(events[i].sequence, events[i - 1].sequence);
  }
  EXPECT_EQ(events[0].order_id, "A");
  EXPECT_EQ(events[0].customer_id, "cust-a");
  EXPECT_EQ(events[0].type, OrderStatus::kCreated);
  EXPECT_EQ(events[0].timestamp_ms, kNow);
  EXPECT_EQ(events[1].order_id, "B");
  EXPECT_EQ(events[1].customer_id, "cust-b");
  EXPECT_EQ(events[2].order_id, "A");
  EXPECT_EQ(events[2].type, OrderStatus::kShipped);
  EXPECT_EQ(events[2].timestamp_ms, kNow + 1);
  EXPECT_EQ(events[3].order_id, "C");
  EXPECT_EQ(events[4].order_id, "B");
  EXPECT_EQ(events[4].customer_id, "cust-b");
  EXPECT_EQ(events[4].type, OrderStatus::kCancelled);
  // The order rows agree with their latest event.
  EXPECT_EQ(store.find_order("B")->sequence, events[4].sequence);

  // Strictly after, and at most `limit`.
  const auto tail = store.events_after(events[2].sequence, 100);
  ASSERT_EQ(tail.size(), 2u);
  EXPECT_EQ(tail[0].sequence, events[3].sequence);
  const auto limited = store.events_after(0, 2);
  ASSERT_EQ(limited.size(), 2u);
  EXPECT_EQ(limited[1].sequence, events[1].sequence);
  EXPECT_TRUE(store.events_after(events[4].sequence, 100).empty());
  EXPECT_TRUE(store.events_after(0, 0).empty());
  EXPECT_EQ(store.events_after(-5, std::numeric_limits<std::size_t>::max()).size(), 5u);
}

TEST_P(OrderStoreContractTest, EventsAfterPagesThroughALargeBatch) {
  auto owned = open();
  OrderStore& store = *owned;
  std::vector<NewOrder> batch;
  for (int i = 0; i < 2'500; ++i) {
    batch.push_back({"ORD-" + std::to_string(i), "cust-" + std::to_string(i % 13), 1.0f});
  }
  const auto outcomes = store.create_orders(batch, kNow);
  const auto events = all_after(store, 0, 333);
  ASSERT_EQ(events.size(), batch.size());
  for (std::size_t i = 0; i < events.size(); ++i) {
    // Arrival order is sequence order.
    EXPECT_EQ(events[i].order_id, batch[i].id);
    EXPECT_EQ(events[i].customer_id, batch[i].customer_id);
    EXPECT_EQ(events[i].sequence, outcomes[i].order.sequence);
  }
}

// The failure of one call leaves the store usable for the next, and nothing of it behind.
TEST_P(OrderStoreContractTest, StaleAndMissingChangesLeaveNoEvent) {
  auto owned = open();
  OrderStore& store = *owned;
  create_one(store, "A", "c", 1.0f);
  const int64_t before = store.events_after(0, 100).back().sequence;
  EXPECT_EQ(
      store.compare_and_set_status("A", OrderStatus::kShipped, OrderStatus::kDelivered, kNow).kind,
      ChangeKind::kStale);
  EXPECT_EQ(
      store.compare_and_set_status("Z", OrderStatus::kCreated, OrderStatus::kShipped, kNow).kind,
      ChangeKind::kNotFound);
  EXPECT_TRUE(store.events_after(before, 100).empty());
  // No sequence was used up by them: the next event follows at once.
  const auto change =
      store.compare_and_set_status("A", OrderStatus::kCreated, OrderStatus::kShipped, kNow);
  ASSERT_EQ(change.kind, ChangeKind::kChanged);
  EXPECT_EQ(change.event.sequence, before + 1);
}

}  // namespace
}  // namespace orderstream::storage
