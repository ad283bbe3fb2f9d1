// A map-based OrderStore for domain tests: keeps the port's contract without a database, and
// counts the calls it gets so tests can see how the service used it.
#pragma once

#include <gtest/gtest.h>

#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "domain/order.h"
#include "domain/order_store.h"

namespace orderstream::testing {

// A map-based OrderStore that keeps the port's contract: one database-wide, strictly increasing
// sequence; every order's CREATED event on insert; a real compare-and-set; history newest first.
class InMemoryOrderStore : public OrderStore {
 public:
  std::vector<CreateOutcome> do_create_orders(std::vector<NewOrder> orders, int64_t now_ms,
                                              const Deadline&) override {
    std::lock_guard lock(mutex_);
    ++create_calls_;
    std::vector<CreateOutcome> outcomes;
    for (NewOrder& request : orders) {
      auto it = orders_.find(request.id);
      if (it != orders_.end()) {
        const auto kind = same_content(it->second, request) ? CreateOutcome::Kind::kExisting
                                                            : CreateOutcome::Kind::kConflict;
        outcomes.push_back({kind, it->second});
        continue;
      }
      Order order{std::move(request.id),
                  std::move(request.customer_id),
                  request.total,
                  OrderStatus::kCreated,
                  now_ms,
                  now_ms,
                  next_sequence_++};
      orders_[order.id] = order;
      events_.push_back(latest_event_of(order));
      outcomes.push_back({CreateOutcome::Kind::kCreated, order});
    }
    return outcomes;
  }

  StatusChangeOutcome do_compare_and_set_status(std::string_view order_id, OrderStatus expected,
                                                OrderStatus to, int64_t now_ms,
                                                const Deadline&) override {
    std::lock_guard lock(mutex_);
    ++cas_calls_;
    return cas_locked(order_id, expected, to, now_ms);
  }

  std::optional<Order> do_find_order(std::string_view order_id, const Deadline&) override {
    std::lock_guard lock(mutex_);
    ++find_calls_;
    auto it = orders_.find(std::string(order_id));
    if (it == orders_.end()) return std::nullopt;
    return it->second;
  }

  std::vector<OrderEvent> do_customer_events(const EventRange& range, const Deadline&) override {
    std::lock_guard lock(mutex_);
    std::vector<OrderEvent> page;
    const auto wanted = [&](const OrderEvent& event) {
      return event.customer_id == range.customer_id &&
             (range.order_id.empty() || event.order_id == range.order_id) &&
             event.sequence > range.after_sequence && event.sequence < range.before_sequence;
    };
    const auto take = [&](auto begin, auto end) {
      for (auto it = begin; it != end && page.size() < range.limit; ++it) {
        if (wanted(*it)) page.push_back(*it);
      }
    };
    if (range.oldest_first) {
      take(events_.begin(), events_.end());
    } else {
      take(events_.rbegin(), events_.rend());
    }
    return page;
  }

  std::vector<OrderEvent> do_events_after(int64_t after_sequence, std::size_t limit,
                                          const Deadline&) override {
    std::lock_guard lock(mutex_);
    std::vector<OrderEvent> events;
    for (const OrderEvent& event : events_) {
      if (events.size() >= limit) break;
      if (event.sequence > after_sequence) events.push_back(event);
    }
    return events;
  }

  // Another client's change, straight to the store (the service under test does not see it).
  void change_status_behind_the_service(const std::string& order_id, OrderStatus to) {
    std::lock_guard lock(mutex_);
    auto it = orders_.find(order_id);
    ASSERT_NE(it, orders_.end());
    const auto outcome = cas_locked(order_id, it->second.status, to, it->second.updated_at_ms);
    ASSERT_EQ(outcome.kind, StatusChangeOutcome::Kind::kChanged);
  }

  // Stores an order as if some earlier request had created it.
  void seed(const NewOrder& order, int64_t now_ms = 1) {
    InMemoryOrderStore::do_create_orders({order}, now_ms, {});  // not an override's, nor counted
    std::lock_guard lock(mutex_);
    --create_calls_;
  }

  std::size_t order_count() const {
    std::lock_guard lock(mutex_);
    return orders_.size();
  }
  int create_calls() const {
    std::lock_guard lock(mutex_);
    return create_calls_;
  }
  int cas_calls() const {
    std::lock_guard lock(mutex_);
    return cas_calls_;
  }
  int find_calls() const {
    std::lock_guard lock(mutex_);
    return find_calls_;
  }

 private:
  StatusChangeOutcome cas_locked(std::string_view order_id, OrderStatus expected, OrderStatus to,
                                 int64_t now_ms) {
    auto it = orders_.find(std::string(order_id));
    if (it == orders_.end()) return {StatusChangeOutcome::Kind::kNotFound, {}, {}};
    Order& order = it->second;
    if (order.status != expected) return {StatusChangeOutcome::Kind::kStale, order, {}};
    order.status = to;
    order.updated_at_ms = now_ms;
    order.sequence = next_sequence_++;
    const OrderEvent event = latest_event_of(order);
    events_.push_back(event);
    return {StatusChangeOutcome::Kind::kChanged, order, event};
  }

  mutable std::mutex mutex_;
  std::map<std::string, Order, std::less<>> orders_;
  std::vector<OrderEvent> events_;  // in commit order
  int64_t next_sequence_ = 1;
  int create_calls_ = 0;
  int cas_calls_ = 0;
  int find_calls_ = 0;
};

}  // namespace orderstream::testing
